"""A clean payment as `judge_payment` sees it, for the unit tests of the payment rules.

Operator OP pays bank B 100 on the livestock route, well before expiry, with no document and
1000 held; tests change the one fact their rule is about. Import as `from payment_facts import
...` (as `rule_folders` is in tests/application).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from coloring.domain.rules import PaymentFacts
from strategies import LIVESTOCK_ROUTE, T0, after

EXPIRES = after(T0, days=100).us

# X, a school, is on no route.
ROLES = {
    "T": "treasury",
    "OP": "operator",
    "B": "bank",
    "F1": "farmer",
    "S": "seller",
    "X": "school",
}


def unrelated(a: str, b: str) -> bool:
    return False


CLEAN = PaymentFacts(
    program_id="P1",
    payer="OP",
    payee="B",
    payer_role=ROLES["OP"],
    payee_role=ROLES["B"],
    amount=100,
    at_us=after(T0, days=1).us,
    purpose_ref=None,
    held=1000,
    hops=frozenset(LIVESTOCK_ROUTE),
    final_roles=frozenset({"seller"}),
    expires_at_us=EXPIRES,
    document=None,
    related=unrelated,
    units_held_before_by_payee=0,
    enforce=False,
)


def facts(**changes: Any) -> PaymentFacts:
    """The clean payment with `changes`."""
    return replace(CLEAN, **changes)


def paid(payer: str, payee: str, **changes: Any) -> PaymentFacts:
    """The clean payment, but from `payer` to `payee` in their roles of `ROLES`."""
    return facts(
        payer=payer, payee=payee, payer_role=ROLES[payer], payee_role=ROLES[payee], **changes
    )
