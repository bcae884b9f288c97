"""The payment rules of section 5 as `judge_payment` applies them, and the modes of section 4.

Every payment here is judged on hand-built facts; the default is a clean payment operator ->
bank on the livestock route, well before expiry, with no document. Each test changes the one
fact its rule is about.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from payment_facts import EXPIRES, facts, paid

from coloring.application import ColoringApplication
from coloring.domain.records import (
    AllocationRecord,
    LoanRecord,
    TransferRecord,
)
from coloring.domain.rules import (
    ENFORCEABLE,
    HELD,
    RETURNED,
    SPENT,
    DocumentFacts,
    PaymentFacts,
    Rule,
    judge_payment,
)
from strategies import CAST, T0, after, program


def related_pairs(*pairs: tuple[str, str]) -> Any:
    declared = {frozenset(p) for p in pairs}
    return lambda a, b: frozenset((a, b)) in declared


LOAN = DocumentFacts(
    document_id="L1",
    kind="loan",
    program_id="P1",
    payee="F1",
    payer="B",
    party=None,
    payable=500,
    paid=0,
)
"""Loan L1 of P1 from bank B to farmer F1, payable 500, nothing paid yet."""


def loan(**changes: Any) -> DocumentFacts:
    return replace(LOAN, **changes)


def purchase(**changes: Any) -> DocumentFacts:
    """Purchase U1 of P1: farmer F1 buys from seller S two animals registered to F1."""
    bought = loan(document_id="U1", kind="purchase", payee="S", payer="F1", party="F1")
    two_cows = replace(bought, payable=400, animal_owners=("F1", "F1"))
    return replace(two_cows, **changes)


def bank_to_farmer(**changes: Any) -> PaymentFacts:
    """B pays F1 under loan L1 (on route, matching)."""
    return replace(paid("B", "F1", purpose_ref="L1", document=loan()), **changes)


def farmer_to_seller(**changes: Any) -> PaymentFacts:
    """F1 pays S under purchase U1 (on route, into the final role, matching)."""
    return replace(paid("F1", "S", purpose_ref="U1", document=purchase()), **changes)


def farmer_to_treasury(**changes: Any) -> PaymentFacts:
    """F1 returns units to the treasury T."""
    return paid("F1", "T", **changes)


def rules_of(findings: list[tuple[Rule, int]]) -> list[Rule]:
    return [rule for rule, _ in findings]


# -- a clean payment -----------------------------------------------------------------------


def test_a_clean_payment_is_applied_with_no_finding_in_either_mode() -> None:
    for enforce in (False, True):
        verdict = judge_payment(facts(enforce=enforce))
        assert (verdict.refused, verdict.outcome, verdict.findings) == (False, HELD, [])


def test_a_payment_that_matches_its_document_settles_it() -> None:
    assert judge_payment(bank_to_farmer()).settles == "L1"


def test_a_payment_without_purpose_ref_settles_nothing() -> None:
    assert judge_payment(facts()).settles is None


# -- outcome ---------------------------------------------------------------------------------


def test_units_paid_to_a_final_role_are_spent() -> None:
    assert judge_payment(farmer_to_seller()).outcome == SPENT


def test_units_paid_to_a_treasury_are_returned() -> None:
    assert judge_payment(farmer_to_treasury()).outcome == RETURNED


def test_units_paid_to_a_role_absent_from_the_route_stay_held() -> None:
    verdict = judge_payment(paid("OP", "X"))
    assert verdict.outcome == HELD


# -- INSUFFICIENT_FUNDS --------------------------------------------------------------------


@pytest.mark.parametrize("enforce", [False, True], ids=["observe", "enforce"])
def test_a_payment_above_holdings_is_refused_in_both_modes(enforce: bool) -> None:
    verdict = judge_payment(facts(amount=1001, held=1000, enforce=enforce))
    assert verdict.refused
    assert verdict.findings == [(Rule.INSUFFICIENT_FUNDS, 1001)]
    assert verdict.settles is None


def test_a_payment_of_exactly_the_holdings_is_not_insufficient() -> None:
    verdict = judge_payment(facts(amount=1000, held=1000))
    assert not verdict.refused
    assert Rule.INSUFFICIENT_FUNDS not in rules_of(verdict.findings)


def test_a_payer_holding_nothing_is_refused_for_insufficient_funds() -> None:
    verdict = judge_payment(facts(amount=1, held=0))
    assert verdict.refused
    assert verdict.findings == [(Rule.INSUFFICIENT_FUNDS, 1)]


@pytest.mark.parametrize("enforce", [False, True], ids=["observe", "enforce"])
def test_insufficient_funds_is_judged_first_and_alone(enforce: bool) -> None:
    """A payment that would break every other rule too carries only INSUFFICIENT_FUNDS."""
    verdict = judge_payment(
        paid(
            "OP",
            "S",
            purpose_ref="NOPE",
            at_us=EXPIRES + 1,
            units_held_before_by_payee=5,
            related=related_pairs(("OP", "S")),
            amount=2000,
            enforce=enforce,
        )
    )
    assert verdict.refused
    assert verdict.findings == [(Rule.INSUFFICIENT_FUNDS, 2000)]


# -- OFF_ROUTE ------------------------------------------------------------------------------


def test_a_hop_not_in_the_route_is_off_route() -> None:
    verdict = judge_payment(paid("OP", "F1"))
    assert verdict.findings == [(Rule.OFF_ROUTE, 100)]


def test_a_hop_in_the_route_is_not_off_route() -> None:
    assert judge_payment(facts()).findings == []


def test_a_hop_in_the_reverse_direction_of_the_route_is_off_route() -> None:
    verdict = judge_payment(paid("B", "OP"))
    assert rules_of(verdict.findings) == [Rule.OFF_ROUTE]


def test_a_payment_to_a_role_absent_from_the_route_is_off_route() -> None:
    verdict = judge_payment(paid("OP", "X"))
    assert rules_of(verdict.findings) == [Rule.OFF_ROUTE]


def test_a_return_to_a_treasury_is_never_off_route() -> None:
    verdict = judge_payment(farmer_to_treasury())
    assert verdict.findings == []


# -- MISSING_DOCUMENT ---------------------------------------------------------------------


def test_a_payment_into_a_final_role_without_purpose_ref_is_missing_a_document() -> None:
    verdict = judge_payment(farmer_to_seller(purpose_ref=None, document=None))
    assert verdict.findings == [(Rule.MISSING_DOCUMENT, 100)]


def test_a_payment_into_a_final_role_with_a_purpose_ref_is_not_missing_a_document() -> None:
    assert Rule.MISSING_DOCUMENT not in rules_of(judge_payment(farmer_to_seller()).findings)


def test_a_payment_to_a_non_final_role_needs_no_document() -> None:
    assert judge_payment(facts(purpose_ref=None)).findings == []


def test_a_return_to_a_treasury_needs_no_document() -> None:
    assert judge_payment(farmer_to_treasury(purpose_ref=None)).findings == []


# -- DOCUMENT_MISMATCH ----------------------------------------------------------------------


def test_an_unknown_purpose_ref_is_a_document_mismatch() -> None:
    verdict = judge_payment(bank_to_farmer(purpose_ref="NOPE", document=None))
    assert verdict.findings == [(Rule.DOCUMENT_MISMATCH, 100)]
    assert verdict.settles is None


def test_a_document_of_another_program_is_a_mismatch() -> None:
    verdict = judge_payment(bank_to_farmer(document=loan(program_id="P2")))
    assert rules_of(verdict.findings) == [Rule.DOCUMENT_MISMATCH]


def test_a_payee_other_than_the_documents_payee_is_a_mismatch() -> None:
    verdict = judge_payment(bank_to_farmer(document=loan(payee="F2")))
    assert rules_of(verdict.findings) == [Rule.DOCUMENT_MISMATCH]


def test_a_payer_other_than_the_payer_the_document_names_is_a_mismatch() -> None:
    verdict = judge_payment(bank_to_farmer(document=loan(payer="B2")))
    assert rules_of(verdict.findings) == [Rule.DOCUMENT_MISMATCH]


def test_any_payer_matches_a_document_that_names_no_payer() -> None:
    subsidy = loan(kind="subsidy", payer=None, party="F2")
    verdict = judge_payment(bank_to_farmer(document=subsidy))
    assert verdict.findings == []
    assert verdict.settles == "L1"


def test_a_mismatched_payment_counts_towards_no_document() -> None:
    """Neither settled nor judged for OVERPAYMENT / PAID_BEFORE_REREGISTRATION (7.18)."""
    doc = purchase(payee="S2", payable=10, animal_owners=("S",))
    verdict = judge_payment(farmer_to_seller(document=doc))
    assert rules_of(verdict.findings) == [Rule.DOCUMENT_MISMATCH]
    assert verdict.settles is None


# -- OVERPAYMENT ----------------------------------------------------------------------------


def test_a_payment_of_exactly_the_payable_value_is_not_an_overpayment() -> None:
    verdict = judge_payment(bank_to_farmer(amount=500))
    assert verdict.findings == []


def test_one_tiyn_above_the_payable_value_is_an_overpayment_of_one_tiyn() -> None:
    verdict = judge_payment(bank_to_farmer(amount=501))
    assert verdict.findings == [(Rule.OVERPAYMENT, 1)]


def test_overpayment_counts_what_the_document_was_paid_before() -> None:
    verdict = judge_payment(bank_to_farmer(amount=80, document=loan(payable=100, paid=50)))
    assert verdict.findings == [(Rule.OVERPAYMENT, 30)]


def test_overpayment_amount_is_the_whole_payment_when_the_document_was_already_paid_up() -> None:
    """The lesser of the payment and the excess: here the excess (70) exceeds the payment."""
    verdict = judge_payment(bank_to_farmer(amount=40, document=loan(payable=100, paid=130)))
    assert verdict.findings == [(Rule.OVERPAYMENT, 40)]


def test_an_overpayment_applied_in_observe_mode_still_settles_the_document() -> None:
    verdict = judge_payment(bank_to_farmer(amount=501))
    assert not verdict.refused
    assert verdict.settles == "L1"


# -- PAID_BEFORE_REREGISTRATION -------------------------------------------------------------


def test_paying_while_an_animal_is_still_the_sellers_is_paid_before_reregistration() -> None:
    verdict = judge_payment(farmer_to_seller(document=purchase(animal_owners=("F1", "S"))))
    assert verdict.findings == [(Rule.PAID_BEFORE_REREGISTRATION, 100)]


def test_paying_for_a_purchase_with_an_unregistered_animal_is_paid_before_reregistration() -> None:
    verdict = judge_payment(farmer_to_seller(document=purchase(animal_owners=(None,))))
    assert rules_of(verdict.findings) == [Rule.PAID_BEFORE_REREGISTRATION]


def test_paying_for_a_purchase_whose_animals_are_all_the_buyers_is_fine() -> None:
    assert judge_payment(farmer_to_seller()).findings == []


def test_a_purchase_without_animals_has_no_paid_before_reregistration() -> None:
    doc = purchase(animal_owners=(), payable=0)
    verdict = judge_payment(farmer_to_seller(amount=1, document=doc))
    assert rules_of(verdict.findings) == [Rule.OVERPAYMENT]


# -- SPENT_AFTER_EXPIRY ---------------------------------------------------------------------


def test_a_payment_exactly_at_expiry_is_not_spent_after_expiry() -> None:
    assert judge_payment(facts(at_us=EXPIRES)).findings == []


def test_a_payment_one_microsecond_after_expiry_is_spent_after_expiry() -> None:
    verdict = judge_payment(facts(at_us=EXPIRES + 1))
    assert verdict.findings == [(Rule.SPENT_AFTER_EXPIRY, 100)]


def test_a_return_to_a_treasury_after_expiry_is_no_finding() -> None:
    assert judge_payment(farmer_to_treasury(at_us=EXPIRES + 1)).findings == []


# -- ROUND_TRIP -----------------------------------------------------------------------------


def test_paying_units_back_to_a_previous_holder_is_a_round_trip() -> None:
    verdict = judge_payment(facts(units_held_before_by_payee=1))
    assert verdict.findings == [(Rule.ROUND_TRIP, 100)]


def test_paying_units_the_payee_never_held_is_no_round_trip() -> None:
    assert judge_payment(facts(units_held_before_by_payee=0)).findings == []


def test_returning_units_to_a_treasury_is_never_a_round_trip() -> None:
    assert judge_payment(farmer_to_treasury(units_held_before_by_payee=100)).findings == []


# -- RELATED_PARTY --------------------------------------------------------------------------


def test_a_payment_with_purpose_ref_to_a_payee_related_to_the_payer_is_related_party() -> None:
    verdict = judge_payment(bank_to_farmer(related=related_pairs(("B", "F1"))))
    assert verdict.findings == [(Rule.RELATED_PARTY, 100)]


def test_a_payment_to_a_payee_related_to_the_documents_party_is_related_party() -> None:
    """A subsidy names no payer: F1 pays supplier S, related to the applicant F2."""
    doc = purchase(kind="subsidy", payer=None, party="F2", animal_owners=())
    verdict = judge_payment(farmer_to_seller(document=doc, related=related_pairs(("S", "F2"))))
    assert rules_of(verdict.findings) == [Rule.RELATED_PARTY]


def test_a_payment_without_purpose_ref_is_never_related_party() -> None:
    verdict = judge_payment(facts(related=related_pairs(("OP", "B"))))
    assert verdict.findings == []


def test_the_payer_test_of_related_party_applies_even_to_an_unknown_document() -> None:
    verdict = judge_payment(
        bank_to_farmer(purpose_ref="NOPE", document=None, related=related_pairs(("B", "F1")))
    )
    assert rules_of(verdict.findings) == [Rule.DOCUMENT_MISMATCH, Rule.RELATED_PARTY]


def test_a_loan_names_no_party_for_related_party() -> None:
    verdict = judge_payment(bank_to_farmer(related=related_pairs(("F1", "F2"))))
    assert verdict.findings == []


def ledger_where(declarations: dict[str, str]) -> ColoringApplication:
    """The CAST, where each key of `declarations` declares itself related to its value."""
    app = ColoringApplication("sqlite:///:memory:")
    app.open_ledger("observe")
    for p in CAST:
        if p.participant_id in declarations:
            p = replace(p, related_to=(declarations[p.participant_id],))
        app.register_participant(p)
    app.register_program(program("P1"))
    return app


@pytest.mark.parametrize(
    "declarations", [{"B": "F1"}, {"F1": "B"}], ids=["payer-declares", "payee-declares"]
)
def test_related_to_is_symmetric(declarations: dict[str, str]) -> None:
    """The relation holds whichever of the two declared it (section 2, 7.9)."""
    app = ledger_where(declarations)
    try:
        app.allocate(AllocationRecord("A1", "P1", "T", "B", 1000, T0))
        app.issue_loan(LoanRecord("L1", "P1", "B", "F1", 500, after(T0, hours=1)))
        result = app.pay(TransferRecord("T1", after(T0, hours=2), "P1", "B", "F1", 100, "L1"))
        assert result.findings == [("RELATED_PARTY", 100)]
    finally:
        app.close()


def test_related_to_is_not_transitive() -> None:
    app = ledger_where({"B": "OP", "OP": "F1"})
    try:
        app.allocate(AllocationRecord("A1", "P1", "T", "B", 1000, T0))
        app.issue_loan(LoanRecord("L1", "P1", "B", "F1", 500, after(T0, hours=1)))
        result = app.pay(TransferRecord("T1", after(T0, hours=2), "P1", "B", "F1", 100, "L1"))
        assert result.findings == []
    finally:
        app.close()


# -- enforce mode -------------------------------------------------------------------------

REFUSABLE = {
    Rule.OFF_ROUTE: paid("OP", "F1"),
    Rule.MISSING_DOCUMENT: farmer_to_seller(purpose_ref=None, document=None),
    Rule.DOCUMENT_MISMATCH: bank_to_farmer(document=loan(payee="F2")),
    Rule.OVERPAYMENT: bank_to_farmer(amount=501),
    Rule.SPENT_AFTER_EXPIRY: facts(at_us=EXPIRES + 1),
    Rule.PAID_BEFORE_REREGISTRATION: farmer_to_seller(document=purchase(animal_owners=("S",))),
}


def test_every_enforceable_rule_has_a_case_here() -> None:
    assert set(REFUSABLE) == ENFORCEABLE


@pytest.mark.parametrize("rule", list(REFUSABLE), ids=str)
def test_in_observe_mode_a_breach_is_applied_with_an_open_finding(rule: Rule) -> None:
    verdict = judge_payment(REFUSABLE[rule])
    assert not verdict.refused
    assert rules_of(verdict.findings) == [rule]


@pytest.mark.parametrize("rule", list(REFUSABLE), ids=str)
def test_in_enforce_mode_a_breach_is_refused_for_that_rule(rule: Rule) -> None:
    verdict = judge_payment(replace(REFUSABLE[rule], enforce=True))
    assert verdict.refused
    assert rules_of(verdict.findings) == [rule]
    assert verdict.settles is None


def test_in_observe_mode_a_payment_carries_every_rule_it_breaks() -> None:
    verdict = judge_payment(paid("B", "S", at_us=EXPIRES + 1, units_held_before_by_payee=3))
    assert not verdict.refused
    assert verdict.findings == [
        (Rule.OFF_ROUTE, 100),
        (Rule.MISSING_DOCUMENT, 100),
        (Rule.SPENT_AFTER_EXPIRY, 100),
        (Rule.ROUND_TRIP, 100),
    ]


def test_an_enforce_refusal_keeps_the_overpayment_amount() -> None:
    verdict = judge_payment(bank_to_farmer(amount=501, enforce=True))
    assert verdict.findings == [(Rule.OVERPAYMENT, 1)]


@pytest.mark.parametrize(
    "case",
    [
        facts(units_held_before_by_payee=1, enforce=True),
        bank_to_farmer(related=related_pairs(("B", "F1")), enforce=True),
    ],
    ids=["ROUND_TRIP", "RELATED_PARTY"],
)
def test_in_enforce_mode_a_breach_of_a_rule_that_is_not_enforced_is_applied(
    case: PaymentFacts,
) -> None:
    verdict = judge_payment(case)
    assert not verdict.refused
    assert len(verdict.findings) == 1


def test_a_refused_payment_carries_only_the_findings_it_was_refused_for() -> None:
    """OFF_ROUTE refuses it; ROUND_TRIP and RELATED_PARTY, not enforced, are left out."""
    verdict = judge_payment(
        paid(
            "OP",
            "F1",
            purpose_ref="L1",
            document=loan(payer="OP"),
            units_held_before_by_payee=10,
            related=related_pairs(("OP", "F1")),
            enforce=True,
        )
    )
    assert verdict.refused
    assert verdict.findings == [(Rule.OFF_ROUTE, 100)]


def test_a_payment_refused_for_several_rules_carries_each_of_them() -> None:
    verdict = judge_payment(paid("B", "S", at_us=EXPIRES + 1, enforce=True))
    assert verdict.refused
    assert set(rules_of(verdict.findings)) == {
        Rule.OFF_ROUTE,
        Rule.MISSING_DOCUMENT,
        Rule.SPENT_AFTER_EXPIRY,
    }


def test_in_enforce_mode_a_return_to_a_treasury_after_expiry_is_applied() -> None:
    verdict = judge_payment(farmer_to_treasury(at_us=EXPIRES + 10**9, enforce=True))
    assert (verdict.refused, verdict.outcome, verdict.findings) == (False, RETURNED, [])
