"""The auditor's questions, answered from the read models: findings, balances, trace (and
`explaining` says what is behind a finding).

Time-based rules (IDLE_FUNDS, UNRETURNED_AFTER_EXPIRY) are judged here, at the evaluation
instant, from deliveries and movements; every other finding is stored by the fold with the
instant from which it is known, so time travel is a filter.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from coloring.domain.money import format_tiyn
from coloring.domain.time import KZ_OFFSET_MINUTES, format_instant
from coloring.projections.db import Database, SqlValue
from coloring.projections.holdings import holdings_at as holdings_at
from coloring.projections.names import BadQueryError as BadQueryError
from coloring.projections.names import NotFoundError as NotFoundError
from coloring.projections.names import check_names, check_rules, unknown
from coloring.projections.terms import program_terms

# Evidence keys that hold an amount: tiyn inside (as every read model keeps money), tenge with
# two decimals wherever a finding is shown.
EVIDENCE_AMOUNTS = frozenset(
    {"asset_value", "reference_price", "delivered", "passed_on_in_time", "held"}
)


# The decoder itself, on text: json.loads would first look at every evidence's type and
# encoding (a third of the findings list's time).
_decode_json = json.JSONDecoder().decode


def shown_evidence(evidence: dict[str, Any]) -> dict[str, Any]:
    """The evidence as users see it: amounts in tenge (`"13500000.00"`), the rest unchanged."""
    return {
        k: format_tiyn(v) if k in EVIDENCE_AMOUNTS and isinstance(v, int) else v
        for k, v in evidence.items()
    }


@dataclass(frozen=True, slots=True)
class FindingColumns:
    """A finding's columns (tiyn, microseconds), what the filters look at: a `Finding` with its
    evidence, or a finding as listed (`listing.Listed`) with its region and text."""

    rule: str
    subject: str
    program: str
    amount: int
    at_us: int
    at_offset: int
    status: str
    participants: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Finding(FindingColumns):
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def at(self) -> str:
        return format_instant(self.at_us, self.at_offset)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "subject": self.subject,
            "program": self.program,
            "amount": format_tiyn(self.amount),
            "at": self.at,
            "status": self.status,
            "participants": list(self.participants),
            "evidence": shown_evidence(self.evidence),
        }


@dataclass(frozen=True)
class Filters:
    rules: tuple[str, ...] = ()
    program: str | None = None
    participant: str | None = None
    since_us: int | None = None
    until_us: int | None = None

    def keep(self, f: FindingColumns) -> bool:
        return (
            (not self.rules or f.rule in self.rules)
            and (self.program is None or f.program == self.program)
            and (self.participant is None or self.participant in f.participants)
            and (self.since_us is None or f.at_us >= self.since_us)
            and (self.until_us is None or f.at_us <= self.until_us)
        )


JUDGED_WHEN_ASKED = frozenset({"IDLE_FUNDS", "UNRETURNED_AFTER_EXPIRY"})
"""Rules judged at the evaluation instant (see the module's doc), not stored by the fold."""


def latest_us(db: Database) -> int | None:
    rows = db.query("SELECT value FROM rm_meta WHERE key = 'latest_us'")
    return int(rows[0][0]) if rows else None


def evaluation_instant(db: Database, as_of_us: int | None) -> int | None:
    return as_of_us if as_of_us is not None else latest_us(db)


def findings(
    db: Database, as_of_us: int | None = None, filters: Filters = Filters()
) -> list[Finding]:
    """Every finding known at the evaluation instant, sorted by (at, rule, subject)."""
    check_rules(filters.rules)
    check_names(db, filters.program, filters.participant)
    t = evaluation_instant(db, as_of_us)
    if t is None:
        return []
    out = _stored(db, *stored_where(t, filters))
    if not filters.rules or "IDLE_FUNDS" in filters.rules:
        out.extend(idle_findings(db, t))
    if not filters.rules or "UNRETURNED_AFTER_EXPIRY" in filters.rules:
        out.extend(unreturned_findings(db, t))
    out = [f for f in out if filters.keep(f)]
    out.sort(key=lambda f: (f.at_us, f.rule, f.subject))
    return out


def stored_where(t: int, filters: Filters, table: str = "") -> tuple[list[str], list[SqlValue]]:
    """The conditions (and their parameters) on `rm_findings` (as `table`, e.g. "f.") of the
    stored findings known at `t` that `filters` may keep: by rule and program, the columns
    indexed; the rest `Filters.keep` decides."""
    where: list[str] = [f"{table}known_us <= ?"]
    params: list[SqlValue] = [t]
    if filters.rules:
        where.append(f"{table}rule IN ({','.join('?' * len(filters.rules))})")
        params.extend(filters.rules)
    if filters.program is not None:
        where.append(f"{table}program_id = ?")
        params.append(filters.program)
    return where, params


def _stored(db: Database, where: list[str], params: list[SqlValue]) -> list[Finding]:
    """The findings the fold stored (every rule but the time-based ones) that match `where`."""
    return [
        stored_finding(*row)
        for row in db.query(
            "SELECT rule, subject, program_id, amount, at_us, at_offset, status, party_a, "
            f"party_b, evidence FROM rm_findings WHERE {' AND '.join(where)}",
            params,
        )
    ]


def stored_finding(
    rule: str,
    subject: str,
    program: str,
    amount: int,
    at_us: int,
    off: int,
    status: str,
    a: str,
    b: str,
    evidence: str,
) -> Finding:
    """The finding a row of `rm_findings` holds (its parties: those named, in order)."""
    parties = tuple(p for p in (a, b) if p)
    return Finding(
        rule, subject, program, amount, at_us, off, status, parties, _decode_json(evidence)
    )


def narrowed(db: Database, known: list[Finding], filters: Filters) -> list[Finding]:
    """`findings(db, t, filters)` from `findings(db, t)` already in hand (the same list in the
    same order: the filters only drop findings), with the same errors for unknown names."""
    check_rules(filters.rules)
    check_names(db, filters.program, filters.participant)
    return [f for f in known if filters.keep(f)]


def idle_findings(db: Database, t: int) -> list[Finding]:
    """Units that stayed with a holder longer than the program's idle limit (until they left,
    or until `t`): one finding per delivery, dated arrival + limit in the delivery's offset."""
    return [
        Finding(
            "IDLE_FUNDS",
            delivery_id,
            program,
            amount - departed,
            at_us + limit,
            off,
            "open",
            (holder,),
            {
                "delivery": delivery_id,
                "holder": holder,
                "delivered": int(amount),
                "passed_on_in_time": int(departed),
            },
        )
        for delivery_id, program, holder, amount, at_us, off, limit, departed in db.query(
            "SELECT delivery_id, program_id, holder, amount, at_us, at_offset, idle_limit_us, "
            "departed_within FROM rm_deliveries WHERE amount > departed_within AND at_us < ? "
            "AND at_us + idle_limit_us < ?",
            (t, t),
        )
    ]


def unreturned_findings(db: Database, t: int) -> list[Finding]:
    """Holdings at each program's expiry in force at `t` (registered, or as amended by then)."""
    out = []
    for terms in program_terms(db):
        expires_us, off, _, amendment = terms.in_force(t)
        if expires_us > t:
            continue
        program_id = terms.program_id
        evidence: dict[str, Any] = {}
        if amendment is not None:
            evidence["terms"] = amendment.describe()
        for _, holder, held in holdings_at(db, expires_us, program_id):
            out.append(
                Finding(
                    "UNRETURNED_AFTER_EXPIRY",
                    f"{program_id}/{holder}",
                    program_id,
                    held,
                    expires_us,
                    off,
                    "open",
                    (holder,),
                    {"holder": holder, "held": held, **evidence},
                )
            )
    return out


@dataclass(frozen=True)
class Balance:
    program: str
    participant: str
    held: int


def balances(
    db: Database,
    as_of_us: int | None = None,
    program: str | None = None,
    participant: str | None = None,
) -> list[Balance]:
    check_names(db, program, participant)
    if as_of_us is None:
        rows = db.query(
            "SELECT program_id, participant_id, held FROM rm_holdings WHERE held > 0 "
            "ORDER BY program_id, participant_id"
        )
    else:
        rows = holdings_at(db, as_of_us)
    return [
        Balance(p, h, int(v))
        for p, h, v in rows
        if (program is None or p == program) and (participant is None or h == participant)
    ]


@dataclass(frozen=True)
class Step:
    holder: str
    via: str
    at: str
    outcome: str
    at_us: int = 0
    at_offset: int = 0

    def as_dict(self) -> dict[str, str]:
        return {"holder": self.holder, "via": self.via, "at": self.at, "outcome": self.outcome}


@dataclass(frozen=True)
class Trace:
    unit: str
    program: str
    steps: list[Step]

    @property
    def state(self) -> str:
        last = self.steps[-1]
        return {
            "held": f"held by {last.holder}",
            "spent": f"spent at {last.holder}",
            "returned": f"returned to {last.holder}",
        }[last.outcome]


_UNIT = re.compile(r"(?P<alloc>[A-Za-z0-9._:-]{1,64})#(?P<k>[0-9]+)")


def trace(db: Database, unit: str, as_of_us: int | None = None) -> Trace:
    m = _UNIT.fullmatch(unit)
    if m is None:
        raise BadQueryError(f"{unit!r} is not a unit id: expected ALLOCATION#N, e.g. AL-7#1250000")
    alloc, k = m["alloc"], int(m["k"])
    allocation = db.query(
        "SELECT program_id, amount FROM rm_allocations WHERE allocation_id = ?", (alloc,)
    )
    if not allocation:
        allocations = [r[0] for r in db.query("SELECT allocation_id FROM rm_allocations")]
        raise unknown("allocation", alloc, sorted(allocations), item=True)
    program, amount = allocation[0]
    if k >= amount:
        raise NotFoundError(f"allocation {alloc!r} has units 0..{amount - 1}; there is no #{k}")
    rows = db.query(
        "SELECT holder, via, at_us, at_offset, outcome FROM rm_unit_moves "
        "WHERE allocation_id = ? AND unit_start <= ? AND unit_end > ? "
        + ("AND at_us <= ? " if as_of_us is not None else "")
        + "ORDER BY seq",
        (alloc, k, k, *(() if as_of_us is None else (as_of_us,))),
    )
    if not rows:
        raise NotFoundError(
            f"unit {unit} had not been issued by {format_instant(as_of_us, KZ_OFFSET_MINUTES)}"
            if as_of_us is not None
            else f"unit {unit} has no recorded movement"
        )
    return Trace(
        unit,
        program,
        [
            Step(holder, via, format_instant(at_us, off), outcome, at_us, off)
            for holder, via, at_us, off, outcome in rows
        ],
    )


def find_one(
    db: Database,
    rule: str,
    subject: str,
    as_of_us: int | None = None,
    known: list[Finding] | None = None,
) -> Finding:
    """The finding `rule` `subject` at `as_of_us`; `known`, if the caller keeps it, is the
    whole list at that instant."""
    check_rules([rule], option="")
    chosen = Filters(rules=(rule,))
    if known is not None:
        among = narrowed(db, known, chosen)
    elif rule in JUDGED_WHEN_ASKED:
        among = findings(db, as_of_us, chosen)
    else:  # one stored finding: its key, not the rule's whole list
        t = evaluation_instant(db, as_of_us)
        where, params = ["known_us <= ?", "rule = ?", "subject = ?"], [t, rule, subject]
        among = [] if t is None else _stored(db, where, params)
    for f in among:
        if f.subject == subject:
            return f
    raise NotFoundError(f"no finding {rule} {subject} (see `coloring findings --rule {rule}`)")
