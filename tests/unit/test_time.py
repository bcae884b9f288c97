"""Instants as section 7.7 writes them: `YYYY-MM-DDTHH:MM:SS±HH:MM`, with their own offset."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from coloring.domain.time import Instant, format_instant, parse_instant
from strategies import instants

SECOND = 1_000_000
# From 0001-01-02 to 9999-12-30 (UTC), so that every offset stays within years 1 to 9999.
FIRST_US, LAST_US = -62135510400 * SECOND, 253402128000 * SECOND


def test_a_year_before_1000_is_printed_with_four_digits() -> None:
    t = parse_instant("0721-04-02T06:08:48+06:59")
    assert format_instant(t.us, t.offset_minutes) == "0721-04-02T06:08:48+06:59"


def test_z_prints_as_plus_zero() -> None:
    t = parse_instant("2025-01-01T00:00Z")
    assert format_instant(t.us, t.offset_minutes) == "2025-01-01T00:00:00+00:00"


@given(
    us=st.integers(min_value=FIRST_US, max_value=LAST_US),
    offset=st.integers(min_value=-12 * 60, max_value=14 * 60),
)
def test_a_printed_instant_reads_back_as_the_same_second_in_the_same_offset(
    us: int, offset: int
) -> None:
    text = format_instant(us, offset)
    assert len(text) == len("YYYY-MM-DDTHH:MM:SS+HH:MM")
    back = parse_instant(text)
    assert (back.us, back.offset_minutes) == (us - us % SECOND, offset)


@given(a=instants(), b=instants())
def test_instants_order_is_total_and_agrees_with_equality(a: Instant, b: Instant) -> None:
    assert (a <= b and b <= a) == (a == b)
    assert (a < b) + (a == b) + (a > b) == 1
    if a == b:
        assert hash(a) == hash(b)


def test_one_moment_written_in_two_offsets_is_one_instant() -> None:
    kz = parse_instant("2025-01-01T05:00+05:00")
    utc = parse_instant("2025-01-01T00:00Z")
    assert kz == utc and not kz < utc and not kz > utc
    assert len({kz, utc}) == 1
    assert (str(kz), str(utc)) == ("2025-01-01T05:00:00+05:00", "2025-01-01T00:00:00+00:00")


FIRST = parse_instant("0001-01-01T00:00+14:00").us
LAST = parse_instant("9999-12-31T23:59:59.999999-12:00").us


@given(st.integers(FIRST, LAST), st.integers(-14 * 60, 14 * 60))
def test_every_instant_the_contract_reads_prints_at_every_offset_in_the_same_form(
    us: int, offset: int
) -> None:
    text = format_instant(us, offset)
    local = text[: -len("+05:00")]
    if local.startswith(("0000-", "10000-")):
        return  # beyond the calendar of datetime at this offset: the first or last day
    assert parse_instant(text) == Instant(us - us % 1_000_000, offset)


def test_an_instant_of_year_9999_prints_in_year_10000_at_plus_five() -> None:
    late = parse_instant("9999-12-31T23:00-12:00")
    assert format_instant(late.us, 300) == "10000-01-01T16:00:00+05:00"
    early = parse_instant("0001-01-01T00:00+14:00")
    assert format_instant(early.us, -720) == "0000-12-30T22:00:00-12:00"


@given(
    us=st.integers(min_value=FIRST_US, max_value=LAST_US),
    offset=st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59),
)
def test_a_printed_instant_is_its_local_time_in_iso_8601(us: int, offset: int) -> None:
    local = datetime(1970, 1, 1) + timedelta(microseconds=us + offset * 60_000_000)
    sign = "+" if offset >= 0 else "-"
    expected = (
        f"{local.isoformat(timespec='seconds')}{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    )
    assert format_instant(us, offset) == expected
