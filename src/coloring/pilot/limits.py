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

from eventsourcing.persistence import PersistenceError

from coloring.pilot.animals import ANIMALS_FILE
from coloring.pilot.errors import InputError
from coloring.pilot.reader import PilotFolder
from coloring.projections import extracts
from coloring.projections.db import Database
from coloring.store import LedgerStore

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
# The total of each kind, as `projections.extracts.amount_sums` names it.
_SUMS = {
    "money moved": "movements",
    "documents' values": "documents",
    "assets' values": "assets",
    "accepted acts": "acts",
}


def _amounts(pilot: PilotFolder) -> Iterator[tuple[str, int, str, int, str]]:
    """(file, line, bucket, amount, key) for every amount of the folder's files, in the
    files' row order, from the records the reading kept."""
    for name, columns in _COLUMNS.items():
        if name == ANIMALS_FILE:
            ((_, bucket),) = columns
            for line, key, price in pilot.animal_prices():
                yield name, line, bucket, price, key
            continue
        (id_column,) = _KEYS[name][1]
        keys = pilot.column(name, id_column)
        amounts = [pilot.column(name, column) for column, _ in columns]
        for (line, key), *values in zip(keys, *amounts, strict=True):
            for (_, amount), (_, bucket) in zip(values, columns, strict=True):
                yield name, line, bucket, amount, key


def _held(db: Database) -> dict[str, int]:
    """The ledger's totals, from its read models (0 where a ledger has none yet)."""
    try:
        sums = extracts.amount_sums(db)
    except PersistenceError:
        return dict.fromkeys(_SUMS, 0)
    return {bucket: sums[kind] for bucket, kind in _SUMS.items()}


def check_totals(store: LedgerStore, pilot: PilotFolder) -> list[InputError]:
    """Errors for the rows at which a kind's total over the ledger would pass 2^63-1 tiyn."""
    datastore = store.recorder.datastore  # type: ignore[attr-defined]
    held = _held(Database(datastore, "postgres" in store.db_url))
    totals = dict(held)
    for name, columns in _COLUMNS.items():
        if name == ANIMALS_FILE:
            totals[columns[0][1]] += sum(pilot.animal_price_values())
            continue
        for column, bucket in columns:
            totals[bucket] += sum(amount for _, amount in pilot.column(name, column))
    if all(t <= LIMIT for t in totals.values()):
        return []
    # Over the limit at first sight: count only the records the ledger does not hold yet.
    return _crossings(store, pilot, held)


def _crossings(store: LedgerStore, pilot: PilotFolder, held: dict[str, int]) -> list[InputError]:
    totals = dict(held)
    errors: dict[str, InputError] = {}
    batch: list[tuple[str, int, str, int, str]] = []

    def settle() -> None:
        known: dict[str, set[str]] = {}
        for kind in {_KEYS[name][0] for name, *_ in batch}:
            keys = [key for name, _, _, _, key in batch if _KEYS[name][0] == kind]
            known[kind] = set(store.lookup(kind, keys))
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

    for item in _amounts(pilot):
        batch.append(item)
        if len(batch) == 2000:
            settle()
    settle()
    return list(errors.values())


__all__ = ["LIMIT", "check_totals"]
