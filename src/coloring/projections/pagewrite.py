"""Writing one folded page: the rows a `Fold` buffered go to the database in a few
`executemany` calls, inside the caller's transaction, then the page's documents are judged
(in a bulk fold, once at its end instead: `Fold.finish`)."""

from __future__ import annotations

from collections import defaultdict
from operator import itemgetter
from typing import TYPE_CHECKING

from coloring.projections.db import Cursor
from coloring.projections.judging import (
    FINDING_INSERT,
    chunks,
    judge_documents,
    judge_settlements,
)
from coloring.projections.listing import shown_row

if TYPE_CHECKING:
    from coloring.projections.fold import Fold

INSERTS = {
    "participants": "rm_participants VALUES (?,?,?,?,?)",
    "programs": "rm_programs VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    "amendments": "rm_program_amendments VALUES (?,?,?,?,?,?,?,?)",
    "prices": "rm_prices VALUES (?,?,?,?,?)",
    "movements": "rm_movements VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "deliveries": "rm_deliveries VALUES (?,?,?,?,?,?,?,?)",
    "unit_moves": "rm_unit_moves VALUES (?,?,?,?,?,?,?,?,?)",
    "documents": "rm_documents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    "purchase_animals": "rm_purchase_animals VALUES (?,?,?,?,?)",
    "subsidies": "rm_subsidies VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    "acts": "rm_acts VALUES (?,?,?,?,?,?)",
    "registry": "rm_registry VALUES (?,?,?,?,?,?,?)",
}


_HOLDER = itemgetter(0, 1)
"""The (program, holder) of a balance step."""


def write_holdings(
    c: Cursor,
    steps: list[tuple[str, str, int, int, int]],
    known: dict[tuple[str, str], int],
) -> None:
    """Each changed balance after each movement of the page (rm_balance_steps), from the
    balances before it, and the balances after the page (rm_holdings). `known`: the balances
    this fold has written (it is the only writer while it lives), so each holder's is read
    from the database once, and is a holder already."""
    if not steps:
        return
    new = sorted({key for key in map(_HOLDER, steps) if key not in known})
    programs = sorted({p for p, _ in new})
    program_marks = ",".join("?" * len(programs))
    for chunk in chunks(sorted({h for _, h in new})):
        for p, h, held in c.query(
            "SELECT program_id, participant_id, held FROM rm_holdings "
            f"WHERE program_id IN ({program_marks}) AND participant_id IN "
            f"({','.join('?' * len(chunk))})",
            [*programs, *chunk],
        ):
            known[(p, h)] = held
    for key in new:
        known.setdefault(key, 0)
    after: dict[tuple[str, str], int] = {}
    rows = []
    for p, h, at_us, seq, delta in steps:
        key = (p, h)
        held = after[key] = known[key] = known[key] + delta
        rows.append((p, h, at_us, seq, held))
    c.executemany("INSERT INTO rm_balance_steps VALUES (?,?,?,?,?)", rows)
    c.executemany(
        "INSERT INTO rm_holders VALUES (?,?) ON CONFLICT (program_id, participant_id) DO NOTHING",
        new,
    )
    c.executemany(
        "INSERT INTO rm_holdings VALUES (?,?,?) ON CONFLICT (program_id, participant_id) "
        "DO UPDATE SET held = excluded.held",
        [(p, h, held) for (p, h), held in after.items() if held],
    )
    # A holder that passed everything on has no row, however the pages fell.
    c.executemany(
        "DELETE FROM rm_holdings WHERE program_id = ? AND participant_id = ?",
        [(p, h) for (p, h), held in after.items() if not held],
    )


def _within(c: Cursor, departed: dict[tuple[str, int], int]) -> list[tuple[int, str]]:
    """The units that left each delivery within its idle limit, summed per delivery, for
    one statement on PostgreSQL (`Cursor.add_by_key`; a delivery's limit never changes)."""
    if not departed:
        return []
    ids = sorted({d for d, _ in departed})
    limits: dict[str, int] = {}
    for chunk in chunks(ids):
        for delivery_id, until in c.query(
            "SELECT delivery_id, at_us + idle_limit_us FROM rm_deliveries "
            f"WHERE delivery_id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            limits[delivery_id] = until
    within: dict[str, int] = defaultdict(int)
    for (d, t), u in departed.items():
        if d in limits and t <= limits[d]:
            within[d] += u
    return [(u, d) for d, u in within.items()]


def write_page(c: Cursor, fold: Fold) -> None:
    """Send the fold's buffered page to the database (inside the caller's transaction)."""
    for key, target in INSERTS.items():
        c.executemany("INSERT INTO " + target, fold.rows[key])
    c.executemany(FINDING_INSERT, [shown_row(row) for row in fold.rows["findings"]])
    c.executemany(
        "INSERT INTO rm_allocations VALUES (?,?,?,?,?,?)",
        [(a, *v) for a, v in fold.allocations.items()],
    )
    moves: dict[tuple[str, int], int] = defaultdict(int)
    for alloc, column, units in fold.allocation_moves:
        moves[(alloc, column)] += units
    c.executemany(
        "UPDATE rm_allocations SET held = held - ?, spent = spent + ? WHERE allocation_id = ?",
        [(u, u, a) for (a, col), u in moves.items() if col == 3],
    )
    c.executemany(
        "UPDATE rm_allocations SET held = held - ?, returned = returned + ? "
        "WHERE allocation_id = ?",
        [(u, u, a) for (a, col), u in moves.items() if col == 4],
    )
    write_holdings(c, fold.steps, fold.balances)
    departed: dict[tuple[str, int], int] = defaultdict(int)
    for units, delivery_id, at_us in fold.departures:
        departed[(delivery_id, at_us)] += units
    if c.postgres:
        c.add_by_key("rm_deliveries", "departed_within", "delivery_id", _within(c, departed))
    else:
        c.executemany(
            "UPDATE rm_deliveries SET departed_within = departed_within + ? "
            "WHERE delivery_id = ? AND ? <= at_us + idle_limit_us",
            [(u, d, t) for (d, t), u in departed.items()],
        )
    c.executemany(
        "UPDATE rm_documents SET value = value + ? WHERE document_id = ?",
        fold.rows["purchase_value"],
    )
    if fold.mode is not None:
        c.execute(
            "INSERT INTO rm_meta VALUES ('mode', ?) ON CONFLICT (key) "
            "DO UPDATE SET value = excluded.value",
            (fold.mode,),
        )
    if fold.latest_us is not None:
        # The log is in record order per batch, not in time order (a batch's pages of money
        # movements follow its other events), so a later page may end earlier in time.
        c.execute(
            "INSERT INTO rm_meta VALUES ('latest_us', ?) ON CONFLICT (key) DO UPDATE "
            "SET value = excluded.value "
            "WHERE CAST(rm_meta.value AS BIGINT) < CAST(excluded.value AS BIGINT)",
            (str(fold.latest_us),),
        )
    if not fold.bulk:
        judge_documents(
            c,
            fold.reference,
            fold.animals,
            fold.assets,
            fold.items,
            fold.judged,
        )
    judge_settlements(c, fold.rejudged_purchases)
