"""Money by verdict: the misused part of each payment, rule by rule, and that the parts of a
document add up exactly (spent = on purpose + misused)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coloring.domain.rules import Rule
from coloring.projections.verdict import (
    Fact,
    Payment,
    document_misused,
    misused_by_payment,
    misused_of_finding,
)


def test_a_finding_on_the_whole_payment_makes_all_of_it_misused() -> None:
    facts = {"T1": [Fact(Rule.OFF_ROUTE, "T1", 500)]}
    assert misused_by_payment([Payment("T1", 500, None)], facts, {}) == {"T1": 500}


def test_an_overpayment_makes_only_its_excess_misused() -> None:
    facts = {"T2": [Fact(Rule.OVERPAYMENT, "T2", 40)]}
    payments = [Payment("T1", 100, "P"), Payment("T2", 60, "P")]
    assert misused_by_payment(payments, facts, {"P": (120, 0)}) == {"T1": 0, "T2": 40}


def test_a_phantom_animal_makes_its_price_misused_on_the_payment_that_settles_the_purchase() -> (
    None
):
    tainted = document_misused([Fact(Rule.UNREGISTERED_ANIMAL, "P/KZ2", 376)])
    assert tainted == {"P": 376}
    assert misused_by_payment([Payment("T", 752, "P")], {}, {"P": (752, 376)}) == {"T": 376}


def test_an_animal_with_several_findings_counts_once() -> None:
    facts = [
        Fact(Rule.DUPLICATE_ANIMAL, "P/KZ1", 400),
        Fact(Rule.EARLY_DISPOSAL, "P/KZ1", 400),
        Fact(Rule.PRICE_ABOVE_REFERENCE, "P/KZ1", 400, {"reference_price": 300}),
    ]
    assert document_misused(facts) == {"P": 400}


def test_an_animal_above_the_reference_price_makes_the_excess_misused() -> None:
    fact = Fact(Rule.PRICE_ABOVE_REFERENCE, "P/KZ1", 400, {"reference_price": 300})
    assert misused_of_finding(fact) == 100


def test_a_subsidy_over_its_cap_makes_the_part_above_the_cap_misused() -> None:
    fact = Fact(
        Rule.SUBSIDY_OVER_CAP, "S", 580_000, {"cap_percent": "25", "asset_value": 1_450_000}
    )
    assert misused_of_finding(fact) == 580_000 - 362_500


def test_a_subsidy_on_an_inflated_price_makes_its_share_of_the_inflation_misused() -> None:
    fact = Fact(
        Rule.PRICE_ABOVE_REFERENCE,
        "S",
        1_200,
        {"reference_price": 980, "asset_value": 4_900},
    )
    assert misused_of_finding(fact) == 1_200 * 3_920 // 4_900


def test_a_double_subsidy_is_misused_whole_and_the_largest_subsidy_part_counts() -> None:
    facts = [
        Fact(Rule.DOUBLE_SUBSIDY, "S", 400),
        Fact(Rule.SUBSIDY_OVER_CAP, "S", 400, {"cap_percent": "25", "asset_value": 1_000}),
    ]
    assert document_misused(facts) == {"S": 400}


def test_holding_and_refusal_findings_do_not_make_spending_misused() -> None:
    facts = {
        "T": [Fact(Rule.IDLE_FUNDS, "T", 100), Fact(Rule.INSUFFICIENT_FUNDS, "T", 100)],
    }
    assert misused_by_payment([Payment("T", 100, None)], facts, {}) == {"T": 0}


@given(
    value=st.integers(min_value=1, max_value=10**9),
    tainted_share=st.fractions(min_value=0, max_value=1),
    amounts=st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=8),
    overpaid=st.booleans(),
)
def test_the_shares_of_a_document_add_up_to_its_misused_part_and_stay_within_each_payment(
    value: int, tainted_share: object, amounts: list[int], overpaid: bool
) -> None:
    tainted = int(value * tainted_share)  # type: ignore[operator]
    payments = [Payment(f"T{i}", a, "D") for i, a in enumerate(amounts)]
    facts: dict[str, list[Fact]] = {}
    paid = 0
    for p in payments:
        excess = min(p.amount, max(0, paid + p.amount - max(paid, value)))
        paid += p.amount
        if overpaid and excess:
            facts[p.payment_id] = [Fact(Rule.OVERPAYMENT, p.payment_id, excess)]
    parts = misused_by_payment(payments, facts, {"D": (value, tainted)})
    assert all(0 <= parts[p.payment_id] <= p.amount for p in payments)
    within = sum(parts.values()) - sum(f.amount for fs in facts.values() for f in fs)
    if sum(amounts) >= value:
        assert within == tainted
    else:
        assert within == sum(amounts) * tainted // value
