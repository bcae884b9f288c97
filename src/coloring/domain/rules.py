"""The payment rules of section 5, judged at the payment's instant (pure, no I/O).

The application gathers the facts a payment is judged on (`PaymentFacts`) from the aggregates,
as they stand at that instant, and records the verdict in the payment's event. Rules about
documents, animals and time (idle, expiry) are judged by the projections instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coloring.domain.build import maker
from coloring.domain.rulebook import ENFORCEABLE, Rule

__all__ = [
    "ENFORCEABLE",
    "PAYMENT_CHECKS",
    "Check",
    "DocumentFacts",
    "Payment",
    "PaymentFacts",
    "Rule",
    "Verdict",
    "judge_payment",
]

HELD, SPENT, RETURNED = "held", "spent", "returned"


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """A document as a payment sees it: known (dated at or before the payment) or not."""

    document_id: str
    kind: str
    program_id: str
    payee: str
    payer: str | None
    party: str | None
    payable: int
    paid: int
    animal_owners: tuple[str | None, ...] = ()


@dataclass(frozen=True, slots=True)
class PaymentFacts:
    program_id: str
    payer: str
    payee: str
    payer_role: str
    payee_role: str
    amount: int
    at_us: int
    purpose_ref: str | None
    held: int
    hops: frozenset[tuple[str, str]]
    final_roles: frozenset[str]
    expires_at_us: int
    document: DocumentFacts | None
    related: Callable[[str, str], bool]
    units_held_before_by_payee: int
    enforce: bool


@dataclass(frozen=True, slots=True)
class Verdict:
    refused: bool
    outcome: str
    settles: str | None
    findings: list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class Payment:
    """A payment as every check sees it: its facts and what judging has settled so far."""

    facts: PaymentFacts
    outcome: str
    to_treasury: bool
    counts: bool
    """Whether it counts towards its document (a known document that matches it)."""


# Built without the frozen dataclasses' `__init__` (`domain.build`): judging makes both for
# each payment of a load.
_payment = maker(Payment)
_verdict = maker(Verdict)

Check = Callable[[Payment], int | None]
"""A payment rule: the finding's amount when the payment breaks it, else None."""


def off_route(p: Payment) -> int | None:
    f = p.facts
    breaks = not p.to_treasury and (f.payer_role, f.payee_role) not in f.hops
    return f.amount if breaks else None


def missing_document(p: Payment) -> int | None:
    return p.facts.amount if p.outcome == SPENT and not p.facts.purpose_ref else None


def document_mismatch(p: Payment) -> int | None:
    return p.facts.amount if p.facts.purpose_ref and not p.counts else None


def overpayment(p: Payment) -> int | None:
    doc = p.facts.document
    if not p.counts or doc is None:
        return None
    excess = doc.paid + p.facts.amount - doc.payable
    return min(p.facts.amount, excess) if excess > 0 else None


def paid_before_reregistration(p: Payment) -> int | None:
    doc = p.facts.document
    if not p.counts or doc is None or doc.kind != "purchase":
        return None
    return p.facts.amount if any(o != doc.party for o in doc.animal_owners) else None


def spent_after_expiry(p: Payment) -> int | None:
    f = p.facts
    return f.amount if not p.to_treasury and f.at_us > f.expires_at_us else None


def round_trip(p: Payment) -> int | None:
    f = p.facts
    return f.amount if not p.to_treasury and f.units_held_before_by_payee > 0 else None


def related_party(p: Payment) -> int | None:
    f, doc = p.facts, p.facts.document
    if not f.purpose_ref:
        return None
    related = f.related(f.payee, f.payer) or (
        doc is not None and doc.party is not None and f.related(f.payee, doc.party)
    )
    return f.amount if related else None


PAYMENT_CHECKS: tuple[tuple[str, Check], ...] = (
    (Rule.OFF_ROUTE, off_route),
    (Rule.MISSING_DOCUMENT, missing_document),
    (Rule.DOCUMENT_MISMATCH, document_mismatch),
    (Rule.OVERPAYMENT, overpayment),
    (Rule.PAID_BEFORE_REREGISTRATION, paid_before_reregistration),
    (Rule.SPENT_AFTER_EXPIRY, spent_after_expiry),
    (Rule.ROUND_TRIP, round_trip),
    (Rule.RELATED_PARTY, related_party),
)
"""Every payment rule but INSUFFICIENT_FUNDS (judged first, alone), in the order findings are
recorded; a test checks this is the rulebook's payment stage."""


def judge_payment(
    f: PaymentFacts,
    checks: tuple[tuple[str, Check], ...] = PAYMENT_CHECKS,
    enforceable: frozenset[str] = ENFORCEABLE,
) -> Verdict:
    """Judge one payment. INSUFFICIENT_FUNDS first and in both modes; then every check."""
    if f.amount > f.held:
        return _verdict(True, HELD, None, [(Rule.INSUFFICIENT_FUNDS, f.amount)])
    to_treasury = f.payee_role == "treasury"
    if to_treasury:
        outcome = RETURNED
    elif f.payee_role in f.final_roles:
        outcome = SPENT
    else:
        outcome = HELD
    doc = f.document
    counts = bool(f.purpose_ref) and (
        doc is not None
        and doc.program_id == f.program_id
        and doc.payee == f.payee
        and (doc.payer is None or doc.payer == f.payer)
    )
    payment = _payment(f, outcome, to_treasury, counts)
    findings = [(rule, amount) for rule, check in checks if (amount := check(payment)) is not None]
    if f.enforce:
        refused_for = [(r, a) for r, a in findings if r in enforceable]
        if refused_for:
            return _verdict(True, outcome, None, refused_for)
    return _verdict(False, outcome, doc.document_id if counts and doc else None, findings)
