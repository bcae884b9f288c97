"""python -m benchmarks commands --db URL [--repeat R] [--coloring PATH] [--out FILE]

Every read command end to end, as a user runs it: a process of its own (interpreter start and
imports included), its output written to /dev/null. For each: the median wall seconds and the
median CPU seconds (user + sys of the child, steadier than wall on a shared machine) of R runs
after one warm-up run (the page cache holds the database, as it does for a user asking twice).
`python -m benchmarks run` measures the same list on the ledger it loaded.

`--coloring` is the command to time (default: this venv's `coloring`), so that two versions can
be measured back to back on one ledger, e.g. `--coloring /other/checkout/.venv/bin/coloring`.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
COLORING = str(Path(sys.executable).parent / "coloring")


def _first(url: str, sql: str) -> Any:
    """The first row of `sql` on the ledger at `url` (SQLite, opened read-only, or
    PostgreSQL)."""
    if url.startswith(("postgresql://", "postgres://")):
        import psycopg

        with psycopg.connect(url) as pg:
            return pg.execute(sql).fetchone()
    if not url.startswith("sqlite:///"):
        raise SystemExit(
            "commands: --db must be a sqlite:/// or postgresql:// ledger (the arguments are "
            "read there)"
        )
    con = sqlite3.connect(f"file:{url[len('sqlite:///') :]}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchone()
    finally:
        con.close()


def questions(url: str) -> list[list[str]]:
    """The read commands to time, with arguments taken from the ledger itself."""
    from coloring.domain.time import format_instant

    unit = f"{_first(url, 'SELECT min(allocation_id) FROM rm_allocations')[0]}#0"
    first, last = _first(url, "SELECT min(at_us), max(at_us) FROM rm_movements")
    middle = format_instant((int(first) + int(last)) // 2, 300)
    program = _first(url, "SELECT min(program_id) FROM rm_programs")[0]
    rule, subject = _first(
        url,
        "SELECT rule, subject FROM rm_findings WHERE rule = 'OVERPAYMENT' ORDER BY subject LIMIT 1",
    ) or _first(url, "SELECT rule, subject FROM rm_findings ORDER BY rule, subject LIMIT 1")
    return [
        ["--help"],
        ["findings"],
        ["findings", "--format", "json"],
        ["findings", "--format", "csv"],
        ["findings", "--rule", "OVERPAYMENT"],
        ["findings", "--program", program, "--format", "json"],
        ["findings", "--as-of", middle, "--format", "json"],
        ["findings", "--status", "refused"],
        ["findings", "--min-amount", "1000000", "--format", "json"],
        ["findings", "--group-by", "rule"],
        ["balances"],
        ["balances", "--as-of", middle],
        ["balances", "--per-program"],
        ["trace", unit],
        ["explain", rule, subject],
        ["programs"],
    ]


def timed(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + sys) and exit code of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    rc = subprocess.call(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, rc


def latencies(url: str, repeat: int = 5, coloring: str = COLORING) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for args in questions(url):
        command = [coloring, *args, *([] if args == ["--help"] else ["--db", url])]
        timed(command)
        runs = [timed(command) for _ in range(repeat)]
        failed = [rc for _, _, rc in runs if rc not in (0, 1)]
        if failed:
            raise SystemExit(f"failed (rc {failed[0]}): {' '.join(command)}")
        walls, cpus = [w for w, _, _ in runs], [c for _, c, _ in runs]
        out[" ".join(args)] = {
            "wall_s": statistics.median(walls),
            "wall_min_s": min(walls),
            "cpu_s": statistics.median(cpus),
            "runs": repeat,
        }
        print(f"  {out[' '.join(args)]['wall_s']:.3f} s  {' '.join(args)}", file=sys.stderr)
    return out


def table(result: dict[str, Any]) -> str:
    runs = next(iter(result.values()))["runs"] if result else 0
    lines = [f"read commands end to end, process start included (median of {runs}):"]
    lines.append(f"  {'wall s':>7} {'min':>6} {'CPU s':>6}  command")
    for name, r in result.items():
        lines.append(f"  {r['wall_s']:7.3f} {r['wall_min_s']:6.3f} {r['cpu_s']:6.3f}  {name}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks commands", description=__doc__)
    p.add_argument(
        "--db", required=True, help="a loaded ledger (sqlite:///PATH or postgresql://...)"
    )
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--coloring", default=COLORING, help="the coloring command to time")
    p.add_argument("--out", help="also write the figures here as JSON")
    a = p.parse_args(argv)
    result = latencies(a.db, a.repeat, a.coloring)
    print(table(result))
    if a.out:
        Path(a.out).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
