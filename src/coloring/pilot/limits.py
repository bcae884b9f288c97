"""The sums the ledger keeps must fit its databases' 64-bit integers.

Each amount is at most 10^17 tiyn (contract choice 9a), but a hundred of them add up to more
than 2^63-1, and the databases keep sums: money held per program and holder, paid and accepted
per document, purchase prices, totals in reports. So the amounts of each kind, over the whole
ledger (what it holds already and what the folder adds), must stay within 2^63-1 tiyn, about 92
quadrillion tenge: every sum the ledger keeps is part of one of these totals. A folder that
would cross it is refused before anything is recorded, at the row where the total crosses.

The kinds: money moved (allocations and transfers), documents' values (loans, contracts,
subsidies, purchases' animal prices), subsidised assets' values, and accepted acts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eventsourcing.persistence import PersistenceError

from coloring.pilot.csvfile import checked_rows
from coloring.pilot.errors import InputError
from coloring.projections.db import Database

LIMIT = 2**63 - 1

# file -> [(amount column, the total it counts towards)]
_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "allocations.csv": [("amount", "money moved")],
    "transfers.csv": [("amount", "money moved")],
    "loans.csv": [("amount", "documents' values")],
    "contracts.csv": [("value", "documents' values")],
    "subsidies.csv": [("amount", "documents' values"), ("asset_value", "assets' values")],
    "purchase_animals.csv": [("price", "documents' values")],
    "acts.csv": [("amount", "accepted acts")],
}
_KEYS: dict[str, tuple[str, tuple[str, ...]]] = {
    "allocations.csv": ("movement", ("allocation_id",)),
    "transfers.csv": ("movement", ("transfer_id",)),
    "loans.csv": ("document", ("loan_id",)),
    "contracts.csv": ("document", ("contract_id",)),
    "subsidies.csv": ("document", ("subsidy_id",)),
    "purchase_animals.csv": ("purchase_animal", ("purchase_id", "animal_id")),
    "acts.csv": ("act", ("act_id",)),
}
_HELD = {
    "money moved": "SELECT COALESCE(SUM(amount), 0) FROM rm_movements",
    "documents' values": "SELECT COALESCE(SUM(value), 0) FROM rm_documents",
    "assets' values": "SELECT COALESCE(SUM(asset_value), 0) FROM rm_subsidies",
    "accepted acts": "SELECT COALESCE(SUM(amount), 0) FROM rm_acts",
}


def _tiyn(text: str) -> int:
    whole, _, fraction = text.strip().partition(".")
    return int(whole) * 100 + (int(fraction.ljust(2, "0")) if fraction else 0)


def _amounts(folder: Path) -> Iterator[tuple[str, int, str, int, str]]:
    """(file, line, bucket, amount, key) for every amount cell of the folder's files."""
    for name, columns in _COLUMNS.items():
        path = folder / name
        if not path.is_file():
            continue
        rows = checked_rows(path)
        try:
            _, header = next(rows)
        except StopIteration:
            continue
        ix = {c.strip(): i for i, c in enumerate(header)}
        id_columns = [ix[c] for c in _KEYS[name][1]]
        wanted = [(ix[c], bucket) for c, bucket in columns if c in ix]
        for line, row in rows:
            key = "/".join(row[i] for i in id_columns)
            for i, bucket in wanted:
                try:
                    yield name, line, bucket, _tiyn(row[i]), key
                except (ValueError, IndexError):
                    continue  # reported by the reader


def _held(db: Database) -> dict[str, int]:
    """The ledger's totals, from its read models (0 where a ledger has none yet)."""
    held = {}
    for bucket, sql in _HELD.items():
        try:
            held[bucket] = int(db.query(sql)[0][0])
        except PersistenceError:
            held[bucket] = 0
    return held


def check_totals(app: Any, folder: Path) -> list[InputError]:
    """Errors for the rows at which a kind's total over the ledger would pass 2^63-1 tiyn."""
    held = _held(Database(app.recorder.datastore, "postgres" in app.db_url))
    totals = dict(held)
    for _, _, bucket, amount, _ in _amounts(folder):
        totals[bucket] += amount
    if all(t <= LIMIT for t in totals.values()):
        return []
    # Over the limit at first sight: count only the records the ledger does not hold yet.
    return _crossings(app, folder, held)


def _crossings(app: Any, folder: Path, held: dict[str, int]) -> list[InputError]:
    totals = dict(held)
    errors: dict[str, InputError] = {}
    batch: list[tuple[str, int, str, int, str]] = []

    def settle() -> None:
        known: dict[str, set[str]] = {}
        for kind in {_KEYS[name][0] for name, *_ in batch}:
            keys = [key for name, _, _, _, key in batch if _KEYS[name][0] == kind]
            known[kind] = set(app.lookup(kind, keys))
        for name, line, bucket, amount, key in batch:
            if key in known[_KEYS[name][0]] or bucket in errors:
                continue
            totals[bucket] += amount
            if totals[bucket] > LIMIT:
                column = next(c for c, b in _COLUMNS[name] if b == bucket)
                errors[bucket] = InputError(
                    name,
                    line,
                    column,
                    f"the ledger's {bucket} would add up to more than {LIMIT} tiyn, more than "
                    "its 64-bit sums can keep (contract choice 9d)",
                )
        batch.clear()

    for item in _amounts(folder):
        batch.append(item)
        if len(batch) == 2000:
            settle()
    settle()
    return list(errors.values())


__all__ = ["LIMIT", "check_totals"]
