"""Money by verdict: of every tiyn spent, was it spent on purpose or with findings?

One definition, used by every command that splits spending (`report`, `replay`, `compare`):
a payment that spends money (its units reach a final role) is *misused* in the part that a
finding on the payment, or on the document it settles, concerns; the rest is *on purpose*.
So spent = on purpose + misused, always. What each rule makes misused (docs/contract-choices.md):

- a finding on the whole payment (OFF_ROUTE, MISSING_DOCUMENT, DOCUMENT_MISMATCH,
  SPENT_AFTER_EXPIRY, ROUND_TRIP, RELATED_PARTY, PAID_BEFORE_REREGISTRATION): the whole payment;
- OVERPAYMENT: its amount, the part of the payment above the document's payable value (for a
  contract: beyond the accepted acts);
- a document's findings make part of the document's value misused, and each payment settling it
  carries that part pro rata of what it paid within the value:
  - an animal that is UNREGISTERED_ANIMAL, SELLER_NOT_OWNER, DUPLICATE_ANIMAL or
    EARLY_DISPOSAL: the animal's whole price; PRICE_ABOVE_REFERENCE: its price above the
    reference price (an animal counts once, at its largest part);
  - a subsidy: DOUBLE_SUBSIDY, the whole subsidy; SUBSIDY_OVER_CAP, the part above the cap
    (`amount - floor(cap% x asset_value)`); PRICE_ABOVE_REFERENCE, the subsidy's share of the
    asset price above the reference (`amount x (asset_value - reference) / asset_value`); the
    largest of these, as they concern the same money;
- findings about holding (IDLE_FUNDS, UNRETURNED_AFTER_EXPIRY) and refusals
  (INSUFFICIENT_FUNDS) are not about spending.

Pure: the facts come in as values; `projections.spending` reads them from the read models.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from math import floor
from typing import Any

from coloring.domain import rulebook
from coloring.domain.rulebook import MISUSE_RULES, Rule

# Which findings bear on spending is the rulebook's (categories); how much of the money each
# concerns is decided here.
PAYMENT_RULES = frozenset(MISUSE_RULES)
WHOLE_PAYMENT_RULES = PAYMENT_RULES - {Rule.OVERPAYMENT}
DOCUMENT_RULES = frozenset(rulebook.DOCUMENT_RULES)


@dataclass(frozen=True, slots=True)
class Fact:
    """A finding as the verdict needs it: its rule, subject, amount (tiyn) and evidence."""

    rule: str
    subject: str
    amount: int
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Payment:
    """An applied payment, in ledger order: what it paid and the document it counts towards."""

    payment_id: str
    amount: int
    settles: str | None


EVIDENCE_RULES = frozenset({Rule.SUBSIDY_OVER_CAP, Rule.PRICE_ABOVE_REFERENCE})
"""The rules whose misused part `misused_of_finding` reads from the evidence; of any other
finding the verdict needs only its rule, subject and amount."""


def misused_of_finding(fact: Fact) -> int:
    """The misused part of the money a document finding is about (its `amount`): all of it
    unless the rule says which part."""
    if fact.rule == Rule.SUBSIDY_OVER_CAP:
        cap = Fraction(str(fact.evidence["cap_percent"]))
        allowed = floor(cap * int(fact.evidence["asset_value"]) / 100)
        return max(0, min(fact.amount, fact.amount - allowed))
    if fact.rule == Rule.PRICE_ABOVE_REFERENCE:
        reference = int(fact.evidence["reference_price"])
        if "asset_value" in fact.evidence:  # a subsidy: its share of the inflated price
            value = int(fact.evidence["asset_value"])
            return fact.amount * max(0, value - reference) // value if value else 0
        return max(0, min(fact.amount, fact.amount - reference))  # an animal
    return fact.amount


def document_misused(facts: Iterable[Fact]) -> dict[str, int]:
    """Per document id: the misused part of its value, from the findings on it (an animal's
    subject is `purchase/animal`; each subject counts once, at its largest part)."""
    per_subject: dict[str, int] = defaultdict(int)
    for fact in facts:
        if fact.rule in DOCUMENT_RULES:
            part = misused_of_finding(fact)
            per_subject[fact.subject] = max(per_subject[fact.subject], part)
    out: dict[str, int] = defaultdict(int)
    for subject, part in per_subject.items():
        out[subject.split("/", 1)[0]] += part
    return {d: v for d, v in out.items() if v}


def misused_by_payment(
    payments: Sequence[Payment],
    payment_facts: Mapping[str, Sequence[Fact]],
    documents: Mapping[str, tuple[int, int]],
) -> dict[str, int]:
    """Per payment (in ledger order): its misused part, 0 <= misused <= amount.

    `payment_facts`: the findings on each payment; `documents`: per document, (its value, its
    misused part). A document's misused part is shared by the payments settling it in proportion
    to what each paid within the value (cumulative, so the parts add up exactly); what a payment
    pays beyond the value is OVERPAYMENT's.
    """
    paid: dict[str, int] = defaultdict(int)
    out: dict[str, int] = {}
    for p in payments:
        facts = payment_facts.get(p.payment_id, ())
        if any(f.rule in WHOLE_PAYMENT_RULES for f in facts):
            misused = p.amount
        else:
            misused = sum(min(p.amount, f.amount) for f in facts if f.rule == Rule.OVERPAYMENT)
        if p.settles is not None:
            before = paid[p.settles]
            paid[p.settles] = before + p.amount
            value, tainted = documents.get(p.settles, (0, 0))
            if tainted and value > 0:
                low, high = min(before, value), min(before + p.amount, value)
                misused += high * tainted // value - low * tainted // value
        out[p.payment_id] = min(p.amount, misused)
    return out
