"""The cells of the pilot data contract: one parser per kind of cell (section 2).

Each parser takes a cell's text and returns its value, or raises `ValueError` (or
`InvalidTimeError`, a `ValueError`) with a message a user can act on; the `Annotated` types
below put them on the row models' fields (`coloring.pilot.contract`), and the column-wise
reader (`coloring.pilot.columns`) calls them on whole columns.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import PlainValidator

from coloring.domain.money import parse_tiyn
from coloring.domain.records import ProgramKind, RegistryEvent, Role
from coloring.domain.time import MAX_DAYS, Instant, InvalidTimeError, parse_instant

ID_RE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_DAYS_RE = re.compile(r"[0-9]+")
_PERCENT_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_DAYS_DIGITS = len(str(MAX_DAYS))
MAX_PERCENT_TEXT = 100
"""A percentage is kept as written and read again as an exact fraction, which Python refuses
past 4,300 digits; a hundred characters is far beyond any cap or tolerance."""

ROLE_LIST = ", ".join(r.value for r in Role)
KIND_LIST = ", ".join(k.value for k in ProgramKind)
EVENT_LIST = ", ".join(e.value for e in RegistryEvent)
_ROLES = {r.value for r in Role}
_KINDS = {k.value for k in ProgramKind}
_EVENTS = {e.value for e in RegistryEvent}
OWNERLESS = {RegistryEvent.DISPOSED.value, RegistryEvent.EXPORTED.value}


def is_id(text: str) -> bool:
    return ID_RE.fullmatch(text) is not None


def parse_id(text: str) -> str:
    if ID_RE.fullmatch(text) is None:
        raise ValueError(f"{text!r} is not an id (1 to 64 characters of A-Z a-z 0-9 . _ : -)")
    return text


_TIMES: dict[str, Instant] = {}
_DAYS: dict[str, Instant] = {}


def parse_time(text: str) -> Instant:
    """`parse_instant`, ASCII only, with small caches: exports repeat their instants, and
    their days (with offset) even more."""
    instant = _TIMES.get(text)
    if instant is not None:
        return instant
    if not text.isascii():  # the time pattern's \d would accept non-ASCII digits
        raise InvalidTimeError(
            f"{text!r} is not a time of the form YYYY-MM-DD[THH:MM[:SS[.ffffff]]][Z|+HH:MM]"
        )
    instant = _full_form(text) or parse_instant(text)
    if len(_TIMES) >= 4096:
        _TIMES.clear()
    _TIMES[text] = instant
    return instant


def _full_form(text: str) -> Instant | None:
    """`YYYY-MM-DDTHH:MM:SS+HH:MM` (the usual form, ASCII) from its day's midnight, which
    `parse_instant` parses once per day and offset; None for any other text or a time out
    of range, which `parse_instant` then parses (or explains)."""
    if len(text) != 25 or text[10] != "T" or text[13] != ":" or text[16] != ":":
        return None
    hh, mm, ss = text[11:13], text[14:16], text[17:19]
    if not (hh.isdigit() and mm.isdigit() and ss.isdigit()):
        return None
    h, m, sec = int(hh), int(mm), int(ss)
    if h > 23 or m > 59 or sec > 59:
        return None
    day_key = text[:10] + text[19:]
    midnight = _DAYS.get(day_key)
    if midnight is None:
        try:
            midnight = parse_instant(f"{text[:10]}T00:00:00{text[19:]}")
        except InvalidTimeError:
            return None
        if len(_DAYS) >= 4096:
            _DAYS.clear()
        _DAYS[day_key] = midnight
    return Instant(midnight.us + ((h * 60 + m) * 60 + sec) * 1_000_000, midnight.offset_minutes)


def parse_days(text: str) -> int:
    if _DAYS_RE.fullmatch(text) is None:
        raise ValueError(f"{text!r} is not a whole number of days (0 or more)")
    digits = text.lstrip("0") or "0"
    # Compared by length first: int() refuses thousands of digits.
    if len(digits) > _DAYS_DIGITS or int(digits) > MAX_DAYS:
        raise ValueError(f"{text!r}: more than {MAX_DAYS} days is more than the ledger records")
    return int(digits)


def parse_percent(text: str) -> Decimal:
    if _PERCENT_RE.fullmatch(text) is None:
        raise ValueError(f"{text!r} is not a percentage (a decimal number, 0 or more, e.g. 12.5)")
    if len(text) > MAX_PERCENT_TEXT:
        raise ValueError(
            f"{text!r}: a percentage written with more than {MAX_PERCENT_TEXT} characters is more"
            " than the ledger records"
        )
    return Decimal(text)


def parse_role(text: str) -> str:
    if text not in _ROLES:
        raise ValueError(f"{text!r} is not a role (expected one of {ROLE_LIST})")
    return text


def parse_kind(text: str) -> str:
    if text not in _KINDS:
        raise ValueError(f"{text!r} is not a program kind (expected one of {KIND_LIST})")
    return text


def parse_event(text: str) -> str:
    if text not in _EVENTS:
        raise ValueError(f"{text!r} is not a registry event (expected one of {EVENT_LIST})")
    return text


def parse_route(text: str) -> tuple[tuple[str, str], ...]:
    """`treasury>operator operator>bank` -> (("treasury", "operator"), ("operator", "bank"))."""
    hops: dict[tuple[str, str], None] = {}
    for hop in text.split():
        source, sep, target = hop.partition(">")
        if not sep or ">" in target:
            raise ValueError(f"route hop {hop!r} is not of the form role>role")
        for role in (source, target):
            if role not in _ROLES:
                raise ValueError(
                    f"route hop {hop!r}: {role!r} is not a role (expected one of {ROLE_LIST})"
                )
        hops[(source, target)] = None
    if not hops:
        raise ValueError("a route needs at least one hop role>role")
    return tuple(hops)


def split_id_list(text: str) -> list[str]:
    """The items of a `;`-separated list; blanks around items and empty items are ignored."""
    return [item.strip() for item in text.split(";") if item.strip()]


def parse_id_list(text: str) -> tuple[str, ...]:
    items = split_id_list(text)
    for item in items:
        parse_id(item)
    return tuple(dict.fromkeys(items))


Id = Annotated[str, PlainValidator(parse_id)]
Amount = Annotated[int, PlainValidator(parse_tiyn)]
Time = Annotated[Instant, PlainValidator(parse_time)]
Days = Annotated[int, PlainValidator(parse_days)]
Percent = Annotated[Decimal, PlainValidator(parse_percent)]
RoleName = Annotated[str, PlainValidator(parse_role)]
KindName = Annotated[str, PlainValidator(parse_kind)]
EventName = Annotated[str, PlainValidator(parse_event)]
Route = Annotated[tuple[tuple[str, str], ...], PlainValidator(parse_route)]
IdList = Annotated[tuple[str, ...], PlainValidator(parse_id_list)]
