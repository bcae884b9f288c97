"""The rulebook is the one home of every rule's classification; these check that it agrees with
the enum, the contract's lists, the payment checks and the generator, and walk through adding a
rule (docs/architecture.md, "Adding a rule")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from payment_facts import facts

from coloring.domain.rulebook import (
    ANIMAL_RULES,
    DOCUMENT_RULES,
    ENFORCEABLE,
    HOLDING_RULES,
    RULEBOOK,
    SUBSIDY_RULES,
    Category,
    Rule,
    RuleSpec,
    Stage,
    Subject,
    rules_where,
)
from coloring.domain.rules import (
    HELD,
    PAYMENT_CHECKS,
    Payment,
    PaymentFacts,
    judge_payment,
)
from coloring.pilot.generator import RULES as PLANTED_RULES
from coloring.rules_cli import markdown_table
from strategies import HOUR_US, T0

# Section 5 of the contract, in its order; section 4's list of what enforce mode refuses.
CONTRACT_RULES = [
    "INSUFFICIENT_FUNDS",
    "OFF_ROUTE",
    "MISSING_DOCUMENT",
    "DOCUMENT_MISMATCH",
    "OVERPAYMENT",
    "SPENT_AFTER_EXPIRY",
    "UNRETURNED_AFTER_EXPIRY",
    "IDLE_FUNDS",
    "ROUND_TRIP",
    "RELATED_PARTY",
    "UNREGISTERED_ANIMAL",
    "SELLER_NOT_OWNER",
    "PAID_BEFORE_REREGISTRATION",
    "DUPLICATE_ANIMAL",
    "EARLY_DISPOSAL",
    "PRICE_ABOVE_REFERENCE",
    "SUBSIDY_OVER_CAP",
    "DOUBLE_SUBSIDY",
]
CONTRACT_ENFORCEABLE = {
    "OFF_ROUTE",
    "MISSING_DOCUMENT",
    "DOCUMENT_MISMATCH",
    "OVERPAYMENT",
    "SPENT_AFTER_EXPIRY",
    "PAID_BEFORE_REREGISTRATION",
}
SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "pilot-data.md"


def test_the_rulebook_declares_each_rule_of_the_enum_once_in_the_contracts_order() -> None:
    assert [str(s.code) for s in RULEBOOK] == CONTRACT_RULES == [str(r) for r in Rule]


def test_the_rulebook_agrees_with_the_contract_text_where_it_is_at_hand() -> None:
    if not SPEC.exists():
        pytest.skip(f"{SPEC} is not beside this checkout")
    table = re.findall(r"^\| ([A-Z_]{8,}) \|", SPEC.read_text(encoding="utf-8"), re.MULTILINE)
    assert table == CONTRACT_RULES


def test_enforce_mode_refuses_exactly_the_rules_section_4_lists() -> None:
    assert {str(r) for r in ENFORCEABLE} == CONTRACT_ENFORCEABLE


def test_the_payment_checks_are_the_rulebooks_payment_stage_less_funds() -> None:
    checked = {str(rule) for rule, _ in PAYMENT_CHECKS}
    staged = set(rules_where(stage=Stage.PAYMENT)) - {Rule.INSUFFICIENT_FUNDS}
    assert checked == {str(r) for r in staged}
    assert len(checked) == len(PAYMENT_CHECKS)


def test_the_generator_plants_every_rule_of_the_rulebook() -> None:
    assert set(PLANTED_RULES) == {str(s.code) for s in RULEBOOK}


def test_each_rule_is_judged_at_one_stage_and_document_rules_split_by_subject() -> None:
    stages = [set(rules_where(stage=stage)) for stage in Stage]
    assert sum(len(s) for s in stages) == len(RULEBOOK)
    assert set(ANIMAL_RULES) | set(SUBSIDY_RULES) == set(DOCUMENT_RULES)
    assert set(HOLDING_RULES) == set(rules_where(stage=Stage.QUERY))


def test_every_rule_has_a_title_and_an_explanation_for_users() -> None:
    for spec in RULEBOOK:
        assert spec.title and spec.title[0].isupper() and not spec.title.endswith(".")
        assert spec.explanation.endswith(".")


# -- adding a rule: the worked example of docs/architecture.md ----------------------------


def night_payment(p: Payment) -> int | None:
    """A payment made between midnight and 05:00 Astana time (a made-up rule)."""
    hour = (p.facts.at_us // HOUR_US + 5) % 24
    return p.facts.amount if hour < 5 else None


NIGHT = RuleSpec(
    "NIGHT_PAYMENT",  # type: ignore[arg-type]  # a test-only code outside the enum
    Stage.PAYMENT,
    True,
    Category.PAYMENT,
    Subject.TRANSFER,
    "Payment at night",
    "The payment was made between midnight and 05:00.",
)


def night_facts(at_us: int, enforce: bool) -> PaymentFacts:
    """A clean payment of 500, but at `at_us`."""
    return facts(amount=500, at_us=at_us, enforce=enforce)


def test_a_rule_added_as_one_entry_and_a_check_is_judged_refused_classified_and_reported() -> None:
    book = (*RULEBOOK, NIGHT)
    checks = (*PAYMENT_CHECKS, (NIGHT.code, night_payment))
    enforceable = frozenset(s.code for s in book if s.enforceable)
    one_am = T0.us + HOUR_US  # T0 is midnight in Astana

    observed = judge_payment(night_facts(one_am, enforce=False), checks, enforceable)
    assert (observed.refused, observed.outcome, observed.findings) == (
        False,
        HELD,
        [("NIGHT_PAYMENT", 500)],
    )
    enforced = judge_payment(night_facts(one_am, enforce=True), checks, enforceable)
    assert enforced.refused and enforced.findings == [("NIGHT_PAYMENT", 500)]
    noon = one_am + 11 * HOUR_US
    assert judge_payment(night_facts(noon, enforce=True), checks, enforceable).findings == []
    assert [s.code for s in book if s.category == Category.PAYMENT][-1] == "NIGHT_PAYMENT"
    row = "| NIGHT_PAYMENT | payment | yes | transfer_id | Payment at night |\n"
    assert markdown_table(book).endswith(row) and row not in markdown_table()


def test_the_rule_table_in_the_architecture_doc_is_the_rulebooks() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text()
    assert markdown_table() in doc
