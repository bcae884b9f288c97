"""python -m benchmarks run --size N [--repeat R] [--db-kind sqlite|postgres] [--registry-heavy]
                          [--out FILE]
python -m benchmarks ratchet [--update]
python -m benchmarks sweep [--repeat R]
python -m benchmarks commands --db URL [--repeat R] [--coloring PATH]   (read commands end to end)

--registry-heavy generates the folder with a region's whole herd in the registry extract
(`coloring generate --herd 15`: 15 registry rows per transfer, e.g. 3M rows at --size 200000),
in benchmarks/out/folder-N-herd15."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.commands import latencies
from benchmarks.commands import main as commands_main
from benchmarks.commands import table as commands_table

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
BASELINE = HERE / "baseline.json"
RATCHET_SIZE = 20_000
RATCHET_TOLERANCE = 0.5  # fail only if a ratio is > 50% worse than the baseline
CLI = [sys.executable, "-c", "from coloring.cli import main; main()"]


# ---------------------------------------------------------------- pilot folder


def _count_rows(path: Path) -> int:
    if not path.is_file():
        return 0
    with path.open("rb") as f:
        return max(0, sum(1 for line in f if line.strip()) - 1)


def _generator() -> Any:
    """coloring.pilot.generator if it exists and has generate() (it is being written)."""
    try:
        if importlib.util.find_spec("coloring.pilot.generator") is None:
            return None
        mod = importlib.import_module("coloring.pilot.generator")
    except Exception:
        return None
    return mod if callable(getattr(mod, "generate", None)) else None


HERD = 15
"""Registry rows per transfer in a registry-heavy folder (the issue: at least 15)."""


def pilot_folder(size: int, source: str = "auto", herd: int = 0) -> tuple[Path, str]:
    """A pilot folder of about `size` transfers under benchmarks/out/folder-N (reused), with
    `herd` registry rows per transfer of animals never bought (folder-N-herdH)."""
    folder = OUT / (f"folder-{size}-herd{herd}" if herd else f"folder-{size}")
    marker = folder / ".bench-source"
    if (folder / "transfers.csv").is_file() and marker.is_file():
        return folder, marker.read_text().strip()
    if folder.exists():
        shutil.rmtree(folder)
    has_gen = _generator() is not None
    if source == "pilot" or (source == "auto" and has_gen):
        generator = _generator()
        if generator is None:
            raise SystemExit("coloring.pilot.generator.generate is not available")

        # Scale is assumed linear in transfers: calibrate on a probe at scale 1.0.
        with tempfile.TemporaryDirectory() as tmp:
            generator.generate(
                Path(tmp) / "probe", seed=1, farmers=200, scale=1.0, misuse_rate=0.05
            )
            per_scale = max(1, _count_rows(Path(tmp) / "probe" / "transfers.csv"))
        summary = generator.generate(
            folder,
            seed=1,
            farmers=200,
            scale=size / per_scale,
            misuse_rate=0.05,
            **({"herd": herd} if herd else {}),
        )
        print(summary.to_text(), file=sys.stderr)
        used = "coloring.pilot.generator"
    else:
        if herd:
            raise SystemExit("--registry-heavy needs coloring.pilot.generator")
        from benchmarks.synthetic import generate

        print(f"generating {folder} with benchmarks.synthetic ...", file=sys.stderr)
        print(generate(folder, transfers=size), file=sys.stderr)
        used = "benchmarks.synthetic"
    marker.write_text(used + "\n")
    return folder, used


# ---------------------------------------------------------------- measuring


def fresh_postgres(run: int) -> str:
    """A new empty database for one measured load: BENCH_PG_URL's database name with
    `_run<N>` appended, dropped first if a previous run left it (BENCH_PG_URL's own database
    is only used to connect)."""
    from urllib.parse import urlparse

    import psycopg

    base = os.environ.get("BENCH_PG_URL", "")
    if not base:
        raise SystemExit(
            "--db-kind postgres needs BENCH_PG_URL=postgresql://user@host:port/db (the server; "
            "each run loads into a fresh database db_run<N>, created and dropped for it)"
        )
    name = f"{urlparse(base).path.strip('/')}_run{run}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


def postgres_size(url: str) -> tuple[int, float]:
    """The events in a PostgreSQL ledger and the size of its database, MB."""
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT (SELECT COUNT(*) FROM coloring_events), pg_database_size(current_database())"
        ).fetchone()
    assert row is not None
    return int(row[0]), row[1] / 2**20


def drop_postgres(runs: int) -> None:
    """Drop the databases `fresh_postgres` made for these runs."""
    import psycopg

    base = os.environ["BENCH_PG_URL"]
    with psycopg.connect(base, autocommit=True) as conn:
        for run in range(runs):
            conn.execute(f'DROP DATABASE IF EXISTS "{base.rsplit("/", 1)[1]}_run{run}"')


def measured(cmd: list[str], log: Path) -> dict[str, Any]:
    """Run `cmd` under the _child wrapper: wall seconds, its CPU seconds and own peak RSS (and
    the PostgreSQL server's CPU for a command on a PostgreSQL ledger)."""
    env = {**os.environ, "BENCH_LOG": str(log)}
    if "--db" in cmd and cmd[cmd.index("--db") + 1].startswith("postgresql:"):
        env["BENCH_PG_DB"] = cmd[cmd.index("--db") + 1].rsplit("/", 1)[1]
    proc = subprocess.run(
        [sys.executable, str(HERE / "_child.py"), *cmd],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if result["rc"] != 0:
        raise SystemExit(f"command failed (rc {result['rc']}): {' '.join(cmd)}; see {log}")
    return result


def summary(samples: list[dict[str, Any]]) -> dict[str, Any]:
    secs = [s["seconds"] for s in samples]
    mem = [s["peak_mb"] for s in samples]
    server = [s["server_cpu_s"] for s in samples if s.get("server_cpu_s") is not None]
    return {
        "cpu_s": statistics.median(s["cpu_s"] for s in samples),
        "server_cpu_s": statistics.median(server) if server else None,
        "seconds": statistics.median(secs),
        "seconds_min": min(secs),
        "seconds_max": max(secs),
        "peak_mb": statistics.median(mem),
        "peak_mb_max": max(mem),
        "samples": secs,
    }


def count(db_path: Path, sql: str) -> int:
    con = sqlite3.connect(db_path)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def query_latencies(url: str, repeat: int) -> dict[str, Any]:
    """Median latency of findings / trace / balances, in process (no CLI start-up)."""
    from coloring.application import ColoringApplication
    from coloring.domain.time import format_instant
    from coloring.projections import queries
    from coloring.projections.runner import ProjectionRunner

    app = ColoringApplication(url)
    try:
        runner = ProjectionRunner(app.store)
        if runner.pending():
            runner.run()
        db = runner.db
        alloc = db.query("SELECT allocation_id FROM rm_allocations ORDER BY allocation_id LIMIT 1")
        unit = f"{alloc[0][0]}#0"
        overpayments = queries.Filters(rules=("OVERPAYMENT",))
        first, last = db.query("SELECT MIN(at_us), MAX(at_us) FROM rm_movements")[0]
        mid_us = (int(first) + int(last)) // 2
        middle = format_instant(mid_us, 300)
        calls = {
            "findings": lambda: [f.as_dict() for f in queries.findings(db)],
            "findings --rule OVERPAYMENT": lambda: [
                f.as_dict() for f in queries.findings(db, filters=overpayments)
            ],
            f"trace {unit}": lambda: queries.trace(db, unit),
            "balances": lambda: queries.balances(db),
            f"balances --as-of {middle}": lambda: queries.balances(db, mid_us),
        }
        out: dict[str, Any] = {}
        n = max(5, repeat)
        for name, call in calls.items():
            call()  # warm
            times = []
            for _ in range(n):
                t0 = time.perf_counter()
                res = call()
                times.append(time.perf_counter() - t0)
            size = len(res) if isinstance(res, list) else len(res.steps)
            out[name] = {
                "median_ms": statistics.median(times) * 1000,
                "min_ms": min(times) * 1000,
                "max_ms": max(times) * 1000,
                "rows": size,
                "calls": n,
            }
        return out
    finally:
        app.close()


def run(
    size: int,
    repeat: int,
    db_kind: str,
    source: str = "auto",
    keep: bool = False,
    herd: int = 0,
) -> dict[str, Any]:
    folder, used = pilot_folder(size, source, herd)
    transfers = _count_rows(folder / "transfers.csv")
    registry = _count_rows(folder / "registry.csv")
    allocations = _count_rows(folder / "allocations.csv")
    records = sum(_count_rows(p) for p in folder.glob("*.csv"))
    work = Path(tempfile.mkdtemp(prefix=f"bench-{size}-"))
    log = work / "commands.log"
    print(
        f"folder {folder} ({used}): {transfers} transfers, {registry} registry rows, "
        f"{records} records; work dir {work}",
        file=sys.stderr,
    )

    floor, load, rebuild, fold, fold_rows, report = [], [], [], [], [], []
    url = ""
    db_path = work / "ours.db"
    for i in range(repeat):
        fdb = work / f"floor-{i}.db"
        floor.append(measured([sys.executable, str(HERE / "floor.py"), str(folder), str(fdb)], log))
        fdb.unlink()
        print(f"  floor  #{i + 1}: {floor[-1]['seconds']:.2f}s", file=sys.stderr)

        if db_kind == "postgres":
            url = fresh_postgres(i)
        else:
            for p in work.glob("ours.db*"):
                p.unlink()
            url = f"sqlite:///{db_path}"
        load.append(measured([*CLI, "load", str(folder), "--db", url], log))
        print(f"  load   #{i + 1}: {load[-1]['seconds']:.2f}s", file=sys.stderr)

    for i in range(repeat):
        rebuild.append(measured([*CLI, "rebuild", "--db", url], log))
        print(f"  rebuild #{i + 1}: {rebuild[-1]['seconds']:.2f}s", file=sys.stderr)
        if db_kind == "sqlite":
            fold.append(measured([sys.executable, str(HERE / "fold_floor.py"), str(db_path)], log))
            print(f"  fold   #{i + 1}: {fold[-1]['seconds']:.2f}s", file=sys.stderr)
            rows_db = work / "fold-floor.db"
            fold_rows.append(
                measured(
                    [sys.executable, str(HERE / "fold_floor.py"), str(db_path), str(rows_db)], log
                )
            )
            rows_db.unlink()
            print(f"  fold rows #{i + 1}: {fold_rows[-1]['seconds']:.2f}s", file=sys.stderr)
        # The report aggregates in SQL from the read models (issue: seconds, not minutes).
        html = work / "report.html"
        report.append(measured([*CLI, "report", "--db", url, "--out", str(html)], log))
        print(f"  report #{i + 1}: {report[-1]['seconds']:.2f}s", file=sys.stderr)

    if db_kind == "sqlite":
        events = count(db_path, "SELECT COUNT(*) FROM stored_events")
    else:
        events, pg_mb = postgres_size(url)
    q = query_latencies(url, repeat)
    commands = latencies(url, max(3, repeat)) if db_kind == "sqlite" else {}
    db_mb = db_path.stat().st_size / 2**20 if db_path.exists() else None
    if db_kind == "postgres":
        db_mb = pg_mb

    res: dict[str, Any] = {
        "size": size,
        "repeat": repeat,
        "db_kind": db_kind,
        "folder": str(folder),
        "generator": used,
        "transfers": transfers,
        "allocations": allocations,
        "registry": registry,
        "herd": herd,
        "records": records,
        "events": events,
        "db_mb": db_mb,
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "floor": summary(floor),
        "load": summary(load),
        "rebuild": summary(rebuild),
        "fold_floor": summary(fold) if fold else None,
        "fold_floor_rows": summary(fold_rows) if fold_rows else None,
        "report": summary(report),
        "queries": q,
        "commands": commands,
    }
    res["ratios"] = {
        "load/floor": res["load"]["seconds"] / res["floor"]["seconds"],
        "load/floor CPU": (res["load"]["cpu_s"] + (res["load"]["server_cpu_s"] or 0))
        / res["floor"]["cpu_s"],
        **(
            {
                "rebuild/fold_floor": res["rebuild"]["seconds"] / res["fold_floor"]["seconds"],
                "rebuild/fold_floor CPU": res["rebuild"]["cpu_s"] / res["fold_floor"]["cpu_s"],
                "rebuild/fold_floor_rows": res["rebuild"]["seconds"]
                / res["fold_floor_rows"]["seconds"],
                "rebuild/fold_floor_rows CPU": res["rebuild"]["cpu_s"]
                / res["fold_floor_rows"]["cpu_s"],
            }
            if fold
            else {}
        ),
    }
    if keep:
        print(
            f"kept {work} (the ledger: {url}, the report: {work}/report.html)",
            file=sys.stderr,
        )
    else:
        shutil.rmtree(work, ignore_errors=True)
        if db_kind == "postgres":
            drop_postgres(repeat)
    return res


# ---------------------------------------------------------------- printing


def table(res: dict[str, Any]) -> str:
    t, e = res["transfers"], res["events"]
    rows = [
        ("step", "payments/s", "events/s", "seconds (min-max)", "CPU s", "peak MB", "ours/floor")
    ]

    def row(
        name: str, s: dict[str, Any], ev: int | None, ratio: float | None, pay: bool = False
    ) -> None:
        rows.append(
            (
                name,
                f"{t / s['seconds']:,.0f}" if pay else "-",
                f"{ev / s['seconds']:,.0f}" if ev else "-",
                f"{s['seconds']:.2f} ({s['seconds_min']:.2f}-{s['seconds_max']:.2f})",
                f"{s['cpu_s']:.2f}"
                + ("" if s.get("server_cpu_s") is None else f" + {s['server_cpu_s']:.2f} server"),
                f"{s['peak_mb']:.0f}",
                f"{ratio:.1f}x" if ratio else "-",
            )
        )

    row("floor (sqlite3 by hand)", res["floor"], None, None, pay=True)
    row("coloring load", res["load"], e, res["ratios"]["load/floor"], pay=True)
    if res["fold_floor"]:
        row("fold floor (events->dict)", res["fold_floor"], e, None)
    if res.get("fold_floor_rows"):
        row("fold floor (events->rows)", res["fold_floor_rows"], e, None)
    row("coloring rebuild", res["rebuild"], e, res["ratios"].get("rebuild/fold_floor"))
    if res["ratios"].get("rebuild/fold_floor_rows"):
        rows.append(
            (
                "  vs the rows floor",
                "",
                "",
                "",
                "",
                "",
                f"{res['ratios']['rebuild/fold_floor_rows']:.1f}x",
            )
        )
    if res.get("report"):
        row("coloring report (HTML)", res["report"], None, None)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        " | ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    head = (
        f"size {res['size']}: {t:,} transfers, {res['records']:,} records "
        f"({res.get('registry', 0):,} registry), "
        f"{e or 0:,} events ({(e or 0) / t:.1f} per payment), db {res['db_mb'] or 0:.0f} MB, "
        f"repeat {res['repeat']}, "
        f"{res['db_kind']}, folder from {res['generator']}"
    )
    calls = next(iter(res["queries"].values()))["calls"]
    q = [f"in-process queries (median of {calls}):"]
    q += [
        f"  {k}: {v['median_ms']:.1f} ms ({v['min_ms']:.1f}-{v['max_ms']:.1f}), {v['rows']} rows"
        for k, v in res["queries"].items()
    ]
    ends = [commands_table(res["commands"])] if res.get("commands") else []
    return "\n".join([head, *lines, *q, *ends])


# ---------------------------------------------------------------- commands


def cmd_run(a: argparse.Namespace) -> int:
    herd = HERD if a.registry_heavy else 0
    res = run(a.size, a.repeat, a.db_kind, a.source, a.keep, herd)
    print(table(res))
    name = f"results-{a.size}-herd{herd}" if herd else f"results-{a.size}"
    out = Path(a.out) if a.out else OUT / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n")
    print(f"results written to {out}")
    return 0


def ratchet_verdicts(base: dict[str, float], now: dict[str, float]) -> dict[str, str]:
    """Each ratio in both: "WORSE" past the tolerance, else "ok". A wall ratio whose CPU ratio
    (`NAME CPU`) is measured and within the tolerance is "slower in wall only", not a failure:
    on a busy machine the rebuild's commits wait on a disk another process fills (CI of
    2026-12-07: rebuild/fold_floor 14.88x, +63%, at 0.86 CPU s, its CPU ratio unchanged), and
    a change that costs CPU shows in the CPU ratio."""
    worse = {
        k: now[k] > b * (1 + RATCHET_TOLERANCE) for k, b in base.items() if now.get(k) is not None
    }
    verdicts = {}
    for k, bad in worse.items():
        cpu_ok = worse.get(f"{k} CPU") is False
        verdicts[k] = "ok" if not bad else "slower in wall only" if cpu_ok else "WORSE"
    return verdicts


def cmd_ratchet(a: argparse.Namespace) -> int:
    res = run(a.size, a.repeat, "sqlite", a.source)
    print(table(res))
    if a.update or not BASELINE.is_file():
        BASELINE.write_text(
            json.dumps(
                {
                    "size": a.size,
                    "ratios": res["ratios"],
                    "machine": res["machine"],
                    "note": "ratios are ours/floor wall seconds; written by python -m benchmarks "
                    "ratchet --update",
                },
                indent=2,
            )
            + "\n"
        )
        print(f"baseline written to {BASELINE}")
        return 0
    base = json.loads(BASELINE.read_text())["ratios"]
    verdicts = ratchet_verdicts(base, res["ratios"])
    for k, verdict in verdicts.items():
        b, now = base[k], res["ratios"][k]
        print(f"{k}: baseline {b:.2f}x now {now:.2f}x ({now / b - 1:+.0%}) {verdict}")
    worse = [k for k, verdict in verdicts.items() if verdict == "WORSE"]
    if worse:
        print(f"ratchet failed: {', '.join(worse)} more than {RATCHET_TOLERANCE:.0%} worse")
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="measure floor, load, rebuild and queries")
    r.add_argument("--size", type=int, required=True, help="about this many transfers")
    r.add_argument("--repeat", type=int, default=3)
    r.add_argument("--db-kind", choices=["sqlite", "postgres"], default="sqlite")
    r.add_argument("--out", help="results JSON (default benchmarks/out/results-N.json)")
    r.add_argument(
        "--source",
        choices=["auto", "pilot", "synthetic"],
        default="auto",
        help="folder generator: coloring.pilot.generator if importable (auto)",
    )
    r.add_argument(
        "--registry-heavy",
        action="store_true",
        help=f"a region's whole herd in the registry extract ({HERD} registry rows per transfer)",
    )
    r.add_argument(
        "--keep",
        action="store_true",
        help="keep the work dir (the loaded ledger and its report) and say where",
    )
    r.set_defaults(func=cmd_run)
    k = sub.add_parser("ratchet", help=f"~{RATCHET_SIZE} transfers; fail if a ratio regressed")
    k.add_argument("--update", action="store_true", help="rewrite benchmarks/baseline.json")
    k.add_argument("--size", type=int, default=RATCHET_SIZE, help=argparse.SUPPRESS)
    k.add_argument("--repeat", type=int, default=3)
    k.add_argument("--source", choices=["auto", "pilot", "synthetic"], default="auto")
    k.set_defaults(func=cmd_ratchet)
    # Its own parser (benchmarks/commands.py): listed here for --help.
    sub.add_parser("commands", help="read commands end to end on a loaded ledger (--db URL)")
    from benchmarks.sweep import add_parser as add_sweep

    add_sweep(sub)
    given = sys.argv[1:] if argv is None else argv
    if given[:1] == ["commands"]:
        return commands_main(given[1:])
    a = p.parse_args(argv)
    return int(a.func(a))


if __name__ == "__main__":
    sys.exit(main())
