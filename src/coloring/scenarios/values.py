"""The values a scenario is written in: ids, tenge, instants, percentages, days, routes, text.

Each is a pydantic annotated type with a validator that says what is wrong in words an analyst
can act on, and a JSON Schema of what may be written (text or a number, not the parsed value).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import Field, PlainValidator, WithJsonSchema

from coloring.domain.money import InvalidAmountTextError, parse_tiyn
from coloring.domain.records import ROLES, Role
from coloring.domain.time import Instant, InvalidTimeError
from coloring.pilot.cells import parse_id, parse_time

ID_PATTERN = r"^[A-Za-z0-9._:-]{1,64}$"
AMOUNT_PATTERN = r"^[0-9][0-9_]*(\.[0-9]{1,2})?$"


def _id(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"an id is text: write {str(value)!r} in quotes")
    return parse_id(value)


def _amount(value: object, zero: bool = False) -> int:
    """Tenge (a whole number, or text with at most two fraction digits) -> tiyn."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError("an amount is tenge: 376000 or '376000.50'")
    text = str(value).replace("_", "")
    if zero and re.fullmatch(r"0+(\.0{1,2})?", text):
        return 0
    try:
        return parse_tiyn(text)
    except InvalidAmountTextError as e:
        raise ValueError(str(e)) from None


def _when(value: object) -> Instant:
    if not isinstance(value, str):
        raise ValueError("a time is text: YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM]")
    try:
        return parse_time(value)
    except InvalidTimeError as e:
        raise ValueError(str(e)) from None


def _percent(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError("a percentage is a decimal >= 0, e.g. 25 or '12.5'")
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal number") from None
    if not d.is_finite() or d < 0:
        raise ValueError(f"{value!r}: a percentage is a decimal >= 0")
    return d


def _route(value: object) -> tuple[tuple[str, str], ...]:
    hops = value.split() if isinstance(value, str) else value
    if not isinstance(hops, list) or not hops:
        raise ValueError("a route is hops `role>role` separated by spaces, or a list of them")
    out: list[tuple[str, str]] = []
    for hop in hops:
        a, sep, b = str(hop).partition(">")
        if not sep or not a or not b:
            raise ValueError(f"{hop!r} is not a hop `role>role`")
        for role in (a, b):
            if role not in ROLES:
                raise ValueError(f"{role!r} is not a role ({', '.join(r.value for r in Role)})")
        if (a, b) not in out:
            out.append((a, b))
    return tuple(out)


_TEXT_AMOUNT = {"type": "string", "pattern": AMOUNT_PATTERN}
Id = Annotated[
    str,
    PlainValidator(_id),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "description": "an id"}),
]
Tenge = Annotated[
    int,
    PlainValidator(_amount),
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 1}, _TEXT_AMOUNT], "description": "tenge > 0"}
    ),
]
TengeOrZero = Annotated[
    int,
    PlainValidator(lambda v: _amount(v, zero=True)),
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 0}, _TEXT_AMOUNT], "description": "tenge >= 0"}
    ),
]
When = Annotated[
    Instant,
    PlainValidator(_when),
    WithJsonSchema({"type": "string", "description": "ISO 8601; no offset means +05:00"}),
]
Percent = Annotated[
    Decimal,
    PlainValidator(_percent),
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string"}], "description": "%"}
    ),
]
NonEmpty = Annotated[str, Field(min_length=1)]
"""Text that may not be empty: a species, an asset kind, a reason, a finding's subject."""
Days = Annotated[int, Field(ge=0, strict=True)]
Count = Annotated[int, Field(ge=0, strict=True)]
Route = Annotated[
    tuple[tuple[str, str], ...],
    PlainValidator(_route),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            "description": "hops role>role, e.g. 'treasury>operator operator>bank'",
        }
    ),
]
