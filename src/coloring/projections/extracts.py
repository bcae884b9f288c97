"""Whole read-model tables for analysts: participants, program totals, movements, balance steps
and deliveries, as plain rows (tiyn, microseconds and offsets), in a stable order. The public
API (`coloring.api`) and the exports (`coloring export`) read the ledger through these and
through `queries`, never through the tables themselves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from coloring.projections import queries
from coloring.projections.db import Database
from coloring.projections.spending import misspent

FAR_FUTURE_US = 2**62
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ProgramTotals:
    """Money of one program at an instant (tiyn): allocated = spent + returned + held, and
    spent = on_purpose + misused (money by verdict, `projections.verdict`)."""

    program: str
    name: str
    allocated: int
    spent: int
    on_purpose: int
    misused: int
    returned: int
    held: int


@dataclass(frozen=True, slots=True)
class Movement:
    movement: str
    kind: str
    program: str
    payer: str
    payee: str
    amount: int
    at_us: int
    at_offset: int
    status: str
    outcome: str | None
    purpose_ref: str | None
    settles: str | None
    seq: int


MOVEMENT_COLUMNS = (
    "movement_id, kind, program_id, payer, payee, amount, at_us, at_offset, status, outcome, "
    "purpose_ref, settles, seq"
)
"""The columns of `rm_movements` a `Movement` holds, in its fields' order."""


@dataclass(frozen=True, slots=True)
class BalanceStep:
    program: str
    participant: str
    at_us: int
    seq: int
    held: int


@dataclass(frozen=True, slots=True)
class Delivery:
    delivery: str
    program: str
    holder: str
    amount: int
    at_us: int
    at_offset: int
    idle_limit_us: int
    passed_on_in_time: int


def _upto(as_of_us: int | None) -> int:
    return FAR_FUTURE_US if as_of_us is None else as_of_us


def _rows_upto(db: Database, make: Callable[..., T], sql: str, as_of_us: int | None) -> list[T]:
    """The rows of `sql` up to the instant (its one parameter; None: all), each made a `make`."""
    return [make(*row) for row in db.query(sql, (_upto(as_of_us),))]


AMOUNT_SUMS = {
    "movements": "SELECT COALESCE(SUM(amount), 0) FROM rm_movements",
    "documents": "SELECT COALESCE(SUM(value), 0) FROM rm_documents",
    "assets": "SELECT COALESCE(SUM(asset_value), 0) FROM rm_subsidies",
    "acts": "SELECT COALESCE(SUM(amount), 0) FROM rm_acts",
}
"""Each kind of amount the ledger sums, over its whole read model (tiyn): money moved, documents'
values, subsidised assets' values, accepted acts."""


def amount_sums(db: Database) -> dict[str, int]:
    """The whole ledger's sum of each kind of amount (`AMOUNT_SUMS`)."""
    return {kind: int(db.query(sql)[0][0]) for kind, sql in AMOUNT_SUMS.items()}


def participants(db: Database) -> list[tuple[str, str, str, str | None]]:
    """Each participant's id, name, role and region (None for none), by id: the fields, in
    order, of the public `coloring.api.Participant`."""
    return [
        (pid, name, role, region or None)
        for pid, name, role, region in db.query(
            "SELECT participant_id, name, role, region FROM rm_participants ORDER BY participant_id"
        )
    ]


def regions(db: Database) -> dict[str, str | None]:
    """Each participant's region (None for none): what a finding's region is read from."""
    return {
        pid: region or None
        for pid, region in db.query("SELECT participant_id, region FROM rm_participants")
    }


def program_totals(db: Database, as_of_us: int | None = None) -> list[ProgramTotals]:
    """Allocated, spent and returned by applied movements up to the instant; spent split by
    verdict (the report's and a replay's definition); held from the balances at that instant
    (the same figures as `coloring balances`)."""
    t = _upto(as_of_us)
    if as_of_us is None:
        # Now, each allocation's own counters hold the same sums (its units allocated, spent
        # and returned: conservation), a row per allocation instead of a scan of every payment.
        rows = db.query(
            "SELECT program_id, SUM(amount), SUM(spent), SUM(returned) FROM rm_allocations "
            "GROUP BY program_id"
        )
    else:
        rows = db.query(
            "SELECT program_id, "
            "SUM(CASE WHEN kind = 'allocation' THEN amount ELSE 0 END), "
            "SUM(CASE WHEN outcome = 'spent' THEN amount ELSE 0 END), "
            "SUM(CASE WHEN outcome = 'returned' THEN amount ELSE 0 END) "
            "FROM rm_movements WHERE status = 'applied' AND at_us <= ? GROUP BY program_id",
            (t,),
        )
    moved = {pid: (int(a or 0), int(s or 0), int(r or 0)) for pid, a, s, r in rows}
    held: dict[str, int] = {}
    for b in queries.balances(db, as_of_us):
        held[b.program] = held.get(b.program, 0) + b.held
    misused: dict[str, int] = {}
    for m in misspent(db, t).values():
        misused[m.program_id] = misused.get(m.program_id, 0) + m.misused
    out = []
    for pid, name in db.query("SELECT program_id, name FROM rm_programs ORDER BY program_id"):
        allocated, spent, returned = moved.get(pid, (0, 0, 0))
        bad = misused.get(pid, 0)
        out.append(
            ProgramTotals(pid, name, allocated, spent, spent - bad, bad, returned, held.get(pid, 0))
        )
    return out


def movements(db: Database, as_of_us: int | None = None) -> list[Movement]:
    """Every allocation and payment recorded (applied or refused) up to the instant, in the
    order the ledger applied them."""
    return _rows_upto(
        db,
        Movement,
        f"SELECT {MOVEMENT_COLUMNS} FROM rm_movements WHERE at_us <= ? ORDER BY seq",
        as_of_us,
    )


def balance_steps(db: Database, as_of_us: int | None = None) -> list[BalanceStep]:
    """Each holder's balance after every movement that changed it (a step function: the
    balance at any instant is the last step at or before it)."""
    return _rows_upto(
        db,
        BalanceStep,
        "SELECT program_id, participant_id, at_us, seq, held FROM rm_balance_steps "
        "WHERE at_us <= ? ORDER BY program_id, participant_id, at_us, seq",
        as_of_us,
    )


def deliveries(db: Database, as_of_us: int | None = None) -> list[Delivery]:
    """Money arriving with a holder that is not its final role, and how much of it moved on
    within the program's idle limit (the basis of IDLE_FUNDS)."""
    return _rows_upto(
        db,
        Delivery,
        "SELECT delivery_id, program_id, holder, amount, at_us, at_offset, idle_limit_us, "
        "departed_within FROM rm_deliveries WHERE at_us <= ? ORDER BY at_us, delivery_id",
        as_of_us,
    )
