"""The exported tables, one place for every format: name -> the API's rows for that table."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from coloring.api.ledger import Ledger, When
from coloring.api.results import Rows

# Table name -> what it holds (the file is `<name>.parquet` / `<name>.json`).
TABLES: dict[str, str] = {
    "findings": "every finding known at the instant, with its evidence",
    "movements": "every allocation and payment, applied or refused, in ledger order",
    "balance_steps": "each holder's balance after every movement that changed it",
    "deliveries": "money delivered to a holder that must pass it on, and what moved on in time",
    "participants": "participants: name, role, region",
    "programs": "per program: allocated, spent, returned, held",
}


def read(ledger: Ledger, as_of: When = None) -> dict[str, Rows[Any]]:
    readers: dict[str, Callable[[], Rows[Any]]] = {
        "findings": lambda: ledger.findings(as_of=as_of),
        "movements": lambda: ledger.movements(as_of=as_of),
        "balance_steps": lambda: ledger.balance_steps(as_of=as_of),
        "deliveries": lambda: ledger.deliveries(as_of=as_of),
        "participants": ledger.participants,
        "programs": lambda: ledger.programs(as_of=as_of),
    }
    return {name: readers[name]() for name in TABLES}


@contextmanager
def replacing(target: Path, folder: bool) -> Iterator[Path]:
    """A scratch path beside `target` that replaces it only when the block succeeds: a failed
    export leaves the old output (or nothing), never half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    written = scratch / "out" if folder else scratch / target.name
    if folder:
        written.mkdir()
    try:
        yield written
        if folder and target.is_dir():
            old = scratch / "old"
            os.replace(target, old)
        os.replace(written, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
