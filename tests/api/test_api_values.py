"""The API's values are the ledger's, exactly: tenge as Decimal and back, instants as aware
datetimes and back, whatever the amount, instant or offset."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coloring.api.ledger import instant, tiyn
from coloring.api.results import aware, iso, tenge
from coloring.domain.money import MAX_TIYN, format_tiyn
from coloring.domain.time import format_instant

amounts = st.integers(min_value=0, max_value=MAX_TIYN)
moments = st.integers(min_value=0, max_value=4_000_000_000 * 1_000_000)
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60)


@given(amounts)
def test_tenge_is_exact_and_prints_as_the_cli_prints(amount: int) -> None:
    assert str(tenge(amount)) == format_tiyn(amount)
    assert tiyn(tenge(amount)) == tiyn(str(tenge(amount))) == amount


@given(moments, offsets)
def test_an_aware_datetime_is_the_same_instant_with_the_same_offset(us: int, offset: int) -> None:
    at = aware(us, offset)
    found = instant(at)
    assert found is not None
    assert (found.us, found.offset_minutes) == (us, offset)
    assert iso(at) == format_instant(us, offset)
