"""The questions `coloring serve` asks besides `queries`: a participant's money, the movements
that make up a number, the pilot rows (`file:line`) behind a record, the units a payment moved,
and how far the read models are behind the event log. Read only: every function is one or a few
SELECTs, never a write, never a catch-up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import SupportsInt

from coloring.persistence import RECORDS_TABLE
from coloring.projections import queries
from coloring.projections.db import Database, SqlValue
from coloring.projections.extracts import MOVEMENT_COLUMNS, Movement
from coloring.projections.runner import PROJECTION
from coloring.projections.terms import Amendment, program_terms

# Evidence keys that name a ledger record, and the kind of record they name.
EVIDENCE_RECORDS = {
    "transfer": "movement",
    "delivery": "movement",
    "purpose_ref": "document",
    "purchase": "document",
    "subsidy": "document",
    "earlier_purchase": "document",
    "earlier_subsidy": "document",
}
ANIMAL_RULES = ("UNREGISTERED_ANIMAL", "SELLER_NOT_OWNER", "DUPLICATE_ANIMAL", "EARLY_DISPOSAL")
# Evidence keys that hold a record's sequence number in the ledger (registry rows).
EVIDENCE_SEQS = ("registry_seq", "registered_seq", "left_seq")


@dataclass(frozen=True)
class Lag:
    """Where the read models are against the event log (0 behind: up to date)."""

    position: int
    latest: int
    built: bool

    @property
    def behind(self) -> int:
        return max(0, self.latest - self.position)


def number(value: SupportsInt | None) -> int:
    """A sum as the database gives it: an int, a Decimal (PostgreSQL), None (no rows)."""
    return int(value or 0)


def lag(db: Database, latest_notification: int | None) -> Lag:
    exists = (
        "SELECT to_regclass('rm_position') IS NOT NULL"
        if db.postgres
        else "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'rm_position'"
    )
    if not db.query(exists)[0][0]:
        return Lag(0, latest_notification or 0, False)
    rows = db.query("SELECT position FROM rm_position WHERE name = ?", (PROJECTION,))
    return Lag(int(rows[0][0]) if rows else 0, latest_notification or 0, True)


@dataclass(frozen=True)
class Participant:
    participant_id: str
    name: str
    role: str
    region: str


def participants(db: Database, ids: list[str]) -> dict[str, Participant]:
    out: dict[str, Participant] = {}
    unique = sorted(set(ids))
    for i in range(0, len(unique), 500):
        chunk = unique[i : i + 500]
        for pid, name, role, region in db.query(
            "SELECT participant_id, name, role, region FROM rm_participants "
            f"WHERE participant_id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            out[pid] = Participant(pid, name, role, region or "")
    return out


def participant(db: Database, participant_id: str) -> Participant:
    found = participants(db, [participant_id])
    if participant_id not in found:
        raise queries.NotFoundError(f"no participant {participant_id!r} in the ledger")
    return found[participant_id]


@dataclass(frozen=True)
class Money:
    """A participant's money in one program up to an instant."""

    program: str
    received: int
    spent_here: int
    paid: int
    held: int


def money_of(db: Database, participant_id: str, t: int) -> list[Money]:
    """Per program: applied payments received (of which spent here, at a final use), applied
    payments made, and what is held at `t` (received as held, less paid)."""
    got: dict[str, list[int]] = {}
    for program, outcome, total in db.query(
        "SELECT program_id, outcome, SUM(amount) FROM rm_movements WHERE payee = ? "
        "AND status = 'applied' AND at_us <= ? GROUP BY program_id, outcome",
        (participant_id, t),
    ):
        row = got.setdefault(program, [0, 0, 0])
        row[0] += number(total)
        if outcome == "spent":
            row[1] += number(total)
    for program, total in db.query(
        "SELECT program_id, SUM(amount) FROM rm_movements WHERE payer = ? AND kind = 'transfer' "
        "AND status = 'applied' AND at_us <= ? GROUP BY program_id",
        (participant_id, t),
    ):
        got.setdefault(program, [0, 0, 0])[2] += number(total)
    held = {p: v for p, h, v in queries.holdings_at(db, t) if h == participant_id}
    return [
        Money(program, r, s, paid, held.get(program, 0))
        for program, (r, s, paid) in sorted(got.items())
    ]


# The movements page's filters: each query parameter and the column it narrows, in the order
# the page shows them.
MOVEMENT_FILTERS = {
    "id": "movement_id",
    "payer": "payer",
    "payee": "payee",
    "program": "program_id",
    "kind": "kind",
    "status": "status",
    "outcome": "outcome",
}


def movements(
    db: Database, t: int, chosen: Mapping[str, str], limit: int = 50, offset: int = 0
) -> tuple[list[Movement], int, int]:
    """A page of movements known at `t` (by time) with the values `chosen` for some of
    `MOVEMENT_FILTERS`, how many there are and their total."""
    where = " AND ".join(["at_us <= ?", *(f"{MOVEMENT_FILTERS[k]} = ?" for k in chosen)])
    params: list[SqlValue] = [t, *chosen.values()]
    count, total = db.query(
        f"SELECT COUNT(*), SUM(amount) FROM rm_movements WHERE {where}", params
    )[0]
    rows = db.query(
        f"SELECT {MOVEMENT_COLUMNS} FROM rm_movements WHERE {where} ORDER BY at_us, seq "
        "LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [Movement(*row) for row in rows], number(count), number(total)


def movement(db: Database, movement_id: str) -> Movement | None:
    rows = db.query(
        f"SELECT {MOVEMENT_COLUMNS} FROM rm_movements WHERE movement_id = ?", (movement_id,)
    )
    return Movement(*rows[0]) if rows else None


@dataclass(frozen=True)
class Source:
    """A ledger record and the pilot row it was loaded from (`file:line`, or `api`)."""

    kind: str
    key: str
    source: str


def sources(db: Database, f: queries.Finding) -> list[Source]:
    """The pilot rows behind a finding: its subject, the records its evidence names."""
    wanted: list[tuple[str, str]] = []
    if f.rule in ANIMAL_RULES or (f.rule == "PRICE_ABOVE_REFERENCE" and "/" in f.subject):
        wanted.append(("purchase_animal", f.subject))
    elif f.rule == "UNRETURNED_AFTER_EXPIRY":
        wanted.append(("program", f.program))
    for key, kind in EVIDENCE_RECORDS.items():
        value = f.evidence.get(key)
        if isinstance(value, str) and (kind, value) not in wanted:
            wanted.append((kind, value))
    out = []
    for kind, key in wanted:
        for (source,) in db.query(
            f"SELECT source FROM {RECORDS_TABLE} WHERE kind = ? AND key = ?", (kind, key)
        ):
            out.append(Source(kind, key, source))
    seqs = [f.evidence[k] for k in EVIDENCE_SEQS if isinstance(f.evidence.get(k), int)]
    if seqs:
        for kind, key, source in db.query(
            f"SELECT kind, key, source FROM {RECORDS_TABLE} "
            f"WHERE seq IN ({','.join('?' * len(seqs))}) ORDER BY seq",
            seqs,
        ):
            out.append(Source(kind, key.split("\x1f")[0], source))
    return out


@dataclass(frozen=True)
class UnitRange:
    """Units `start..end-1` of an allocation that one movement moved."""

    allocation: str
    start: int
    end: int
    holder: str
    outcome: str

    @property
    def first_unit(self) -> str:
        return f"{self.allocation}#{self.start}"


def units_moved_by(db: Database, movement_id: str, limit: int = 20) -> list[UnitRange]:
    return [
        UnitRange(a, int(s), int(e), h, o)
        for a, s, e, h, o in db.query(
            "SELECT allocation_id, unit_start, unit_end, holder, outcome FROM rm_unit_moves "
            "WHERE via = ? ORDER BY allocation_id, unit_start LIMIT ?",
            (movement_id, limit),
        )
    ]


def terms_in_force(
    db: Database, program: str, t: int
) -> tuple[int, int, int, Amendment | None] | None:
    """(expires_at_us, its offset, max_idle_days, the amendment behind them) of `program`."""
    for terms in program_terms(db):
        if terms.program_id == program:
            return terms.in_force(t)
    return None


def program_ids(db: Database) -> list[str]:
    return [p for (p,) in db.query("SELECT program_id FROM rm_programs ORDER BY program_id")]


def region_names(db: Database) -> list[str]:
    return [
        r
        for (r,) in db.query(
            "SELECT DISTINCT region FROM rm_participants WHERE region IS NOT NULL ORDER BY region"
        )
    ]


@dataclass(frozen=True)
class ProgramTotals:
    """A program's money at an instant: allocated = spent + returned + held."""

    program: str
    name: str
    allocated: int
    spent: int
    returned: int

    @property
    def held(self) -> int:
        return self.allocated - self.spent - self.returned


def program_totals(db: Database, t: int) -> list[ProgramTotals]:
    sums: dict[str, dict[str, int]] = {}
    for program, kind, outcome, total in db.query(
        "SELECT program_id, kind, outcome, SUM(amount) FROM rm_movements "
        "WHERE status = 'applied' AND at_us <= ? GROUP BY program_id, kind, outcome",
        (t,),
    ):
        row = sums.setdefault(program, {})
        if kind == "allocation":
            row["allocated"] = row.get("allocated", 0) + number(total)
        if outcome in ("spent", "returned"):
            row[outcome] = row.get(outcome, 0) + number(total)
    return [
        ProgramTotals(
            p,
            name,
            sums.get(p, {}).get("allocated", 0),
            sums.get(p, {}).get("spent", 0),
            sums.get(p, {}).get("returned", 0),
        )
        for p, name in db.query("SELECT program_id, name FROM rm_programs ORDER BY program_id")
    ]
