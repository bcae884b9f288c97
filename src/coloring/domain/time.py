"""Instants as the contract defines them: ISO 8601 in, compared as instants, printed with offset.

An instant is kept as whole microseconds since the Unix epoch (UTC) plus the offset it was
written with, so comparison is integer comparison and output keeps the writer's offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

KZ_OFFSET_MINUTES = 5 * 60
DAY_US = 24 * 3600 * 1_000_000
# Beyond every representable instant; larger day counts would overflow the database.
MAX_DAYS = 10**12

_TIME_RE = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:T(?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d{1,6}))?)?)?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})?"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class InvalidTimeError(ValueError):
    pass


@dataclass(frozen=True, slots=True, eq=False)
class Instant:
    """A moment in time and the offset it was written with. Instants compare, order and hash
    as moments (section 1: "compared as instants"): `2025-01-01T05:00+05:00` equals
    `2025-01-01T00:00Z`; the offset only says how to print it."""

    us: int
    offset_minutes: int = KZ_OFFSET_MINUTES

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Instant) and self.us == other.us

    def __hash__(self) -> int:
        return hash(self.us)

    def __lt__(self, other: Instant) -> bool:
        return self.us < other.us

    def __le__(self, other: Instant) -> bool:
        return self.us <= other.us

    def __gt__(self, other: Instant) -> bool:
        return self.us > other.us

    def __ge__(self, other: Instant) -> bool:
        return self.us >= other.us

    def isoformat(self) -> str:
        """`YYYY-MM-DDTHH:MM:SS+HH:MM` as section 7.7 prints it (fractions are not printed)."""
        return format_instant(self.us, self.offset_minutes)

    def __str__(self) -> str:
        return self.isoformat()


_NAIVE_EPOCH = datetime(1970, 1, 1)
_DAY_TEXTS: dict[int, str] = {}
_OFFSET_TEXTS: dict[int, str] = {}


def format_instant(us: int, offset_minutes: int) -> str:
    # The day's text (isoformat, which pads years below 1000 to four digits) and the offset's
    # are made once each; the time of day is arithmetic: findings print thousands of instants.
    day, rest = divmod(us + offset_minutes * 60_000_000, DAY_US)
    day_text = _DAY_TEXTS.get(day)
    if day_text is None:
        if len(_DAY_TEXTS) >= 4096:
            _DAY_TEXTS.clear()
        try:
            text = (_NAIVE_EPOCH + timedelta(days=day)).date().isoformat()
        except OverflowError:
            text = _civil_date(day)
        day_text = _DAY_TEXTS[day] = text
    offset_text = _OFFSET_TEXTS.get(offset_minutes)
    if offset_text is None:
        sign = "+" if offset_minutes >= 0 else "-"
        hh, mm = divmod(abs(offset_minutes), 60)
        offset_text = _OFFSET_TEXTS[offset_minutes] = f"{sign}{hh:02d}:{mm:02d}"
    seconds = rest // 1_000_000
    return (
        f"{day_text}T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{offset_text}"
    )


def _civil_date(day: int) -> str:
    """A day outside datetime's years 1-9999 (an instant near the limits seen at another
    offset, e.g. 9999-12-31T23:00-12:00 at +05:00 is in year 10000), in the same form."""
    # Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
    z = day + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (month <= 2)
    return f"{year:04d}-{month:02d}-{d:02d}"


def parse_instant(text: str) -> Instant:
    """Parse `YYYY-MM-DD[THH:MM[:SS[.ffffff]]][Z|+HH:MM]`; no offset means +05:00."""
    m = _TIME_RE.fullmatch(text)
    if m is None:
        raise InvalidTimeError(
            f"{text!r} is not a time of the form YYYY-MM-DD[THH:MM[:SS[.ffffff]]][Z|+HH:MM]"
        )
    tz_text = m["tz"]
    if tz_text is None:
        offset = KZ_OFFSET_MINUTES
    elif tz_text == "Z":
        offset = 0
    else:
        sign = 1 if tz_text[0] == "+" else -1
        hh, mm = int(tz_text[1:3]), int(tz_text[4:6])
        if hh > 23 or mm > 59:
            raise InvalidTimeError(f"{text!r} has an offset out of range")
        offset = sign * (hh * 60 + mm)
    try:
        day = date(int(m["y"]), int(m["mo"]), int(m["d"]))
        hour = int(m["h"] or 0)
        minute = int(m["mi"] or 0)
        second = int(m["s"] or 0)
        micro = int((m["f"] or "0").ljust(6, "0"))
        local = datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=UTC)
    except ValueError as e:
        raise InvalidTimeError(f"{text!r} is not a valid date or time: {e}") from None
    delta = local - _EPOCH
    us = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return Instant(us - offset * 60_000_000, offset)
