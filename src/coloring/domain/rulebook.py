"""One declaration per misuse rule: what it judges, when, what it may refuse, how users see it.

Every place that classifies rules reads this table (`judge_payment`'s refusals, the document
judging, the query-time rules, scenario and HTML reports, the generator's planting, the docs),
so adding a rule is one entry here, the rule's function, its test and its planting. The set of
declarations equals the `Rule` enum and the contract's list of 18 (a test checks both).
"""

from __future__ import annotations

from dataclasses import dataclass
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


class Stage(StrEnum):
    """When a rule is judged."""

    PAYMENT = "payment"
    """At the payment's instant, by `judge_payment`; the verdict is stored on the event."""
    DOCUMENT = "document"
    """On every document, paid or not, from the whole record (`projections.docrules`)."""
    QUERY = "query"
    """At the evaluation instant (`as_of`) when findings are asked for."""


class Subject(StrEnum):
    """What a finding's `subject` names (section 5's last column)."""

    TRANSFER = "transfer_id"
    DELIVERY = "allocation_id or transfer_id"
    HOLDER = "program_id/participant_id"
    ANIMAL = "purchase_id/animal_id"
    SUBSIDY = "subsidy_id"
    ANIMAL_OR_SUBSIDY = "purchase_id/animal_id or subsidy_id"


class Category(StrEnum):
    """How a finding bears on money spent (see docs/architecture.md, "adding a rule")."""

    FUNDS = "funds"
    """A payment the payer could not cover: nothing moved."""
    PAYMENT = "payment"
    """About what a payment did: the money it moved is misused."""
    SETTLEMENT = "settlement"
    """About a payment against its document: the money it moved is misused."""
    DOCUMENT = "document"
    """About a document: payments settling it moved money with a finding."""
    HOLDING = "holding"
    """About how long money was kept, not what it was for."""


@dataclass(frozen=True, slots=True)
class RuleSpec:
    code: Rule
    stage: Stage
    enforceable: bool
    category: Category
    subject: Subject
    title: str
    explanation: str


RULEBOOK: tuple[RuleSpec, ...] = (
    RuleSpec(
        Rule.INSUFFICIENT_FUNDS,
        Stage.PAYMENT,
        False,
        Category.FUNDS,
        Subject.TRANSFER,
        "Payment beyond holdings",
        "The payer held less of the program's money than the payment asked for; it is refused "
        "whole in both modes.",
    ),
    RuleSpec(
        Rule.OFF_ROUTE,
        Stage.PAYMENT,
        True,
        Category.PAYMENT,
        Subject.TRANSFER,
        "Payment off the program's route",
        "The hop from the payer's role to the payee's role is not in the program's route.",
    ),
    RuleSpec(
        Rule.MISSING_DOCUMENT,
        Stage.PAYMENT,
        True,
        Category.PAYMENT,
        Subject.TRANSFER,
        "Final payment without a document",
        "Money reached a final role with no purpose_ref naming what it paid for.",
    ),
    RuleSpec(
        Rule.DOCUMENT_MISMATCH,
        Stage.PAYMENT,
        True,
        Category.PAYMENT,
        Subject.TRANSFER,
        "Payment does not match its document",
        "The purpose_ref is unknown at the payment's instant, of another program, or names "
        "another payee or payer.",
    ),
    RuleSpec(
        Rule.OVERPAYMENT,
        Stage.PAYMENT,
        True,
        Category.SETTLEMENT,
        Subject.TRANSFER,
        "Paid beyond the document's value",
        "After this payment the document has been paid more than its payable value at that "
        "instant; the finding's amount is the excess.",
    ),
    RuleSpec(
        Rule.SPENT_AFTER_EXPIRY,
        Stage.PAYMENT,
        True,
        Category.PAYMENT,
        Subject.TRANSFER,
        "Spent after the program expired",
        "Money was paid to someone other than a treasury after the program's expiry.",
    ),
    RuleSpec(
        Rule.UNRETURNED_AFTER_EXPIRY,
        Stage.QUERY,
        False,
        Category.HOLDING,
        Subject.HOLDER,
        "Not returned at expiry",
        "A participant other than a treasury still held the program's money at its expiry.",
    ),
    RuleSpec(
        Rule.IDLE_FUNDS,
        Stage.QUERY,
        False,
        Category.HOLDING,
        Subject.DELIVERY,
        "Money kept idle",
        "Money one delivery brought stayed with its holder longer than max_idle_days.",
    ),
    RuleSpec(
        Rule.ROUND_TRIP,
        Stage.PAYMENT,
        False,
        Category.PAYMENT,
        Subject.TRANSFER,
        "Money came back to a former holder",
        "The payment delivered units to a participant who had held those very units before.",
    ),
    RuleSpec(
        Rule.RELATED_PARTY,
        Stage.PAYMENT,
        False,
        Category.PAYMENT,
        Subject.TRANSFER,
        "Payment between related parties",
        "The payee is declared related to the payer or to the document's buyer, applicant or "
        "customer.",
    ),
    RuleSpec(
        Rule.UNREGISTERED_ANIMAL,
        Stage.DOCUMENT,
        False,
        Category.DOCUMENT,
        Subject.ANIMAL,
        "Animal not in the registry",
        "An animal of the purchase had no registry record at or before the purchase date.",
    ),
    RuleSpec(
        Rule.SELLER_NOT_OWNER,
        Stage.DOCUMENT,
        False,
        Category.DOCUMENT,
        Subject.ANIMAL,
        "Seller did not own the animal",
        "The animal's registered owner at the purchase date was not the seller.",
    ),
    RuleSpec(
        Rule.PAID_BEFORE_REREGISTRATION,
        Stage.PAYMENT,
        True,
        Category.SETTLEMENT,
        Subject.TRANSFER,
        "Paid before the animals were re-registered",
        "The purchase was paid while some of its animals were not yet registered to the buyer.",
    ),
    RuleSpec(
        Rule.DUPLICATE_ANIMAL,
        Stage.DOCUMENT,
        False,
        Category.DOCUMENT,
        Subject.ANIMAL,
        "Animal financed twice",
        "The animal appears in an earlier purchase too.",
    ),
    RuleSpec(
        Rule.EARLY_DISPOSAL,
        Stage.DOCUMENT,
        False,
        Category.DOCUMENT,
        Subject.ANIMAL,
        "Animal left its buyer too early",
        "A financed animal was disposed of, exported or transferred before the program's "
        "retention period ended.",
    ),
    RuleSpec(
        Rule.PRICE_ABOVE_REFERENCE,
        Stage.DOCUMENT,
        False,
        Category.DOCUMENT,
        Subject.ANIMAL_OR_SUBSIDY,
        "Price above the reference",
        "An animal's price or an asset's value is above the reference price plus the "
        "program's tolerance.",
    ),
    RuleSpec(
        Rule.SUBSIDY_OVER_CAP,
        Stage.DOCUMENT,
        False,
        Category.DOCUMENT,
        Subject.SUBSIDY,
        "Subsidy above its cap",
        "The subsidy is more than the program's cap percent of the asset's value.",
    ),
    RuleSpec(
        Rule.DOUBLE_SUBSIDY,
        Stage.DOCUMENT,
        False,
        Category.DOCUMENT,
        Subject.SUBSIDY,
        "Asset subsidised twice",
        "An earlier subsidy already covers the same asset.",
    ),
)

SPECS: dict[Rule, RuleSpec] = {spec.code: spec for spec in RULEBOOK}


def rules_where(
    *,
    stage: Stage | None = None,
    category: Category | None = None,
    subjects: tuple[Subject, ...] | None = None,
    enforceable: bool | None = None,
) -> tuple[Rule, ...]:
    """The rules matching every given attribute, in the contract's order."""
    return tuple(
        s.code
        for s in RULEBOOK
        if (stage is None or s.stage == stage)
        and (category is None or s.category == category)
        and (subjects is None or s.subject in subjects)
        and (enforceable is None or s.enforceable == enforceable)
    )


# The classifications the rest of the code reads, derived once from the table above.
ENFORCEABLE = frozenset(rules_where(enforceable=True))
"""What programmable money refuses in enforce mode (section 4)."""
PAYMENT_RULES = rules_where(stage=Stage.PAYMENT)
"""Judged per payment; their subject is the transfer."""
SETTLEMENT_RULES = rules_where(category=Category.SETTLEMENT)
"""Payment rules about a payment against its document (re-judged per document on later loads)."""
DOCUMENT_RULES = rules_where(stage=Stage.DOCUMENT)
HOLDING_RULES = rules_where(category=Category.HOLDING)
MISUSE_RULES = rules_where(category=Category.PAYMENT) + SETTLEMENT_RULES
"""Findings on an applied payment that make the money it moved misused."""
ANIMAL_RULES = rules_where(
    stage=Stage.DOCUMENT, subjects=(Subject.ANIMAL, Subject.ANIMAL_OR_SUBSIDY)
)
SUBSIDY_RULES = rules_where(
    stage=Stage.DOCUMENT, subjects=(Subject.SUBSIDY, Subject.ANIMAL_OR_SUBSIDY)
)
