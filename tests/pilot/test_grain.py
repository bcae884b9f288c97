"""The grain of the events does not change what the ledger says.

`tests/data/grain` holds a generated folder (`coloring generate --seed 3 --farmers 6`), the same
folder cut in three parts by time, a ledger written by the per-record grain (one event per
record: main before pages, as merged on 2026-12-06) after the first part
(`old-ledger-part1.sql.gz`, a SQLite dump), and what that code printed (`expected/*.json`:
findings, balances, trace and explain, per state).
The ledger must print the same, byte for byte, except the address of a payment's event (its
notification number, and its entry in a page of movements), which the grain changes by nature.

Run as `PYTHONPATH=<old checkout>/src python tests/pilot/test_grain.py` to write the expected
outputs again with another version of the code.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coloring.cli import app

DATA = Path(__file__).parent.parent / "data" / "grain"
EXPECTED = DATA / "expected"
UNITS = ("AL-00001#0", "AL-00001#2000000", "AL-00003#0", "AL-00005#1000", "AL-00009#0")
AS_OF = ("2025-04-01T00:00:00", "2025-08-01T00:00:00", "2025-12-31T00:00:00")


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def outputs(db: str) -> dict[str, str]:
    """Everything a user reads about the ledger: findings, balances, traces, explanations."""
    found = run("findings", "--format", "json", "--db", db)
    out = {"findings": found}
    for at in ("", *AS_OF):
        out[f"balances {at}"] = run(
            "balances", "--format", "json", "--db", db, *(("--as-of", at) if at else ())
        )
    for unit in UNITS:
        out[f"trace {unit}"] = run("trace", unit, "--format", "json", "--db", db)
    first: dict[str, str] = {}
    for f in json.loads(found):
        first.setdefault(f["rule"], f["subject"])
    for rule, subject in sorted(first.items()):
        out[f"explain {rule} {subject}"] = run("explain", rule, subject, "--db", db)
    return out


def without_event_address(texts: dict[str, str]) -> dict[str, str]:
    return {
        name: re.sub(
            r"\[event #\d+(, entry \d+)?\]",
            "[event]",
            re.sub(r'\n\s*"(notification|entry)": \d+,?', "", text),
        )
        for name, text in texts.items()
    }


def expected(name: str) -> dict[str, str]:
    return dict(json.loads((EXPECTED / f"{name}.json").read_text()))


def old_ledger(tmp: Path) -> str:
    """A copy of the ledger the per-record grain wrote after the first part."""
    db = tmp / "old.db"
    with sqlite3.connect(db) as c:
        c.executescript(gzip.decompress((DATA / "old-ledger-part1.sql.gz").read_bytes()).decode())
    return f"sqlite:///{db}"


@pytest.mark.parametrize("mode", ["observe", "enforce"])
def test_a_folder_loaded_whole_reads_as_the_per_record_grain_read(
    mode: str, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    run("load", str(DATA / "folder"), "--mode", mode, "--db", db)
    assert without_event_address(outputs(db)) == without_event_address(expected(f"{mode}-whole"))


@pytest.mark.parametrize("mode", ["observe", "enforce"])
def test_a_folder_loaded_in_three_parts_reads_as_the_per_record_grain_read(
    mode: str, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    for part in ("part1", "part2", "part3"):
        run("load", str(DATA / part), "--mode", mode, "--db", db)
        assert without_event_address(outputs(db)) == without_event_address(
            expected(f"{mode}-{part}")
        )


def test_a_ledger_of_per_record_events_rebuilds_to_the_same_bytes(tmp_path: Path) -> None:
    db = old_ledger(tmp_path)
    run("rebuild", "--db", db)
    assert outputs(db) == expected("observe-part1")


def test_a_ledger_of_per_record_events_takes_later_loads_in_pages(tmp_path: Path) -> None:
    db = old_ledger(tmp_path)
    for part in ("part2", "part3"):
        run("load", str(DATA / part), "--db", db)
        assert without_event_address(outputs(db)) == without_event_address(
            expected(f"observe-{part}")
        )
    assert "verified" in CliRunner().invoke(app, ["verify", "--db", db]).output


def write_expected(tmp: Path) -> None:
    """Write `expected/` (and the old ledger's dump) with the code on the path."""
    EXPECTED.mkdir(exist_ok=True)

    def save(name: str, db: str) -> None:
        text = json.dumps(outputs(db), indent=1, sort_keys=True) + "\n"
        (EXPECTED / f"{name}.json").write_text(text)

    for mode in ("observe", "enforce"):
        whole = f"sqlite:///{tmp / f'{mode}-whole.db'}"
        run("load", str(DATA / "folder"), "--mode", mode, "--db", whole)
        save(f"{mode}-whole", whole)
        parts_db = tmp / f"{mode}-parts.db"
        for part in ("part1", "part2", "part3"):
            run("load", str(DATA / part), "--mode", mode, "--db", f"sqlite:///{parts_db}")
            save(f"{mode}-{part}", f"sqlite:///{parts_db}")
            if mode == "observe" and part == "part1":
                with sqlite3.connect(parts_db) as c:
                    dump = "\n".join(c.iterdump()) + "\n"
                (DATA / "old-ledger-part1.sql.gz").write_bytes(gzip.compress(dump.encode(), 9))


if __name__ == "__main__":
    scratch = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/grain-expected")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    write_expected(scratch)
    print(f"wrote {EXPECTED}", file=sys.stderr)
