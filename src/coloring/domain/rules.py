"""The payment rules of section 5, judged at the payment's instant (pure, no I/O).

The application gathers the facts a payment is judged on (`PaymentFacts`) from the aggregates,
as they stand at that instant, and records the verdict in the payment's event. Rules about
documents, animals and time (idle, expiry) are judged by the projections instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Rule(StrEnum):
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    OFF_ROUTE = "OFF_ROUTE"
    MISSING_DOCUMENT = "MISSING_DOCUMENT"
    DOCUMENT_MISMATCH = "DOCUMENT_MISMATCH"
    OVERPAYMENT = "OVERPAYMENT"
    SPENT_AFTER_EXPIRY = "SPENT_AFTER_EXPIRY"
    UNRETURNED_AFTER_EXPIRY = "UNRETURNED_AFTER_EXPIRY"
    IDLE_FUNDS = "IDLE_FUNDS"
    ROUND_TRIP = "ROUND_TRIP"
    RELATED_PARTY = "RELATED_PARTY"
    UNREGISTERED_ANIMAL = "UNREGISTERED_ANIMAL"
    SELLER_NOT_OWNER = "SELLER_NOT_OWNER"
    PAID_BEFORE_REREGISTRATION = "PAID_BEFORE_REREGISTRATION"
    DUPLICATE_ANIMAL = "DUPLICATE_ANIMAL"
    EARLY_DISPOSAL = "EARLY_DISPOSAL"
    PRICE_ABOVE_REFERENCE = "PRICE_ABOVE_REFERENCE"
    SUBSIDY_OVER_CAP = "SUBSIDY_OVER_CAP"
    DOUBLE_SUBSIDY = "DOUBLE_SUBSIDY"


# What programmable money refuses in enforce mode (section 4).
ENFORCEABLE = frozenset(
    {
        Rule.OFF_ROUTE,
        Rule.MISSING_DOCUMENT,
        Rule.DOCUMENT_MISMATCH,
        Rule.OVERPAYMENT,
        Rule.SPENT_AFTER_EXPIRY,
        Rule.PAID_BEFORE_REREGISTRATION,
    }
)

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
    findings: list[tuple[Rule, int]] = field(default_factory=list)


def judge_payment(f: PaymentFacts) -> Verdict:
    """Judge one payment. INSUFFICIENT_FUNDS first and in both modes; then every rule."""
    if f.amount > f.held:
        return Verdict(True, HELD, None, [(Rule.INSUFFICIENT_FUNDS, f.amount)])
    findings: list[tuple[Rule, int]] = []
    to_treasury = f.payee_role == "treasury"
    if to_treasury:
        outcome = RETURNED
    elif f.payee_role in f.final_roles:
        outcome = SPENT
    else:
        outcome = HELD
    if not to_treasury and (f.payer_role, f.payee_role) not in f.hops:
        findings.append((Rule.OFF_ROUTE, f.amount))
    if outcome == SPENT and not f.purpose_ref:
        findings.append((Rule.MISSING_DOCUMENT, f.amount))
    counts = False
    doc = f.document
    if f.purpose_ref:
        if (
            doc is None
            or doc.program_id != f.program_id
            or doc.payee != f.payee
            or (doc.payer is not None and doc.payer != f.payer)
        ):
            findings.append((Rule.DOCUMENT_MISMATCH, f.amount))
        else:
            counts = True
    if counts and doc is not None:
        excess = doc.paid + f.amount - doc.payable
        if excess > 0:
            findings.append((Rule.OVERPAYMENT, min(f.amount, excess)))
        if doc.kind == "purchase" and any(o != doc.party for o in doc.animal_owners):
            findings.append((Rule.PAID_BEFORE_REREGISTRATION, f.amount))
    if not to_treasury and f.at_us > f.expires_at_us:
        findings.append((Rule.SPENT_AFTER_EXPIRY, f.amount))
    if not to_treasury and f.units_held_before_by_payee > 0:
        findings.append((Rule.ROUND_TRIP, f.amount))
    if f.purpose_ref and (
        f.related(f.payee, f.payer)
        or (doc is not None and doc.party is not None and f.related(f.payee, doc.party))
    ):
        findings.append((Rule.RELATED_PARTY, f.amount))
    if f.enforce:
        refused_for = [(r, a) for r, a in findings if r in ENFORCEABLE]
        if refused_for:
            return Verdict(True, outcome, None, refused_for)
    return Verdict(False, outcome, doc.document_id if counts and doc else None, findings)
