"""Amounts: tenge with at most two fraction digits outside, whole tiyn inside. No floats."""

from __future__ import annotations

import re

_AMOUNT_RE = re.compile(r"([0-9]+)(?:\.([0-9]{1,2}))?")


# A quadrillion tenge, thousands of times any budget: sums of such amounts still fit the 64-bit
# integers of the databases, which a larger amount may not.
MAX_TIYN = 10**17
_WHOLE_DIGITS = len(str(MAX_TIYN // 100))


class InvalidAmountTextError(ValueError):
    pass


def parse_tiyn(text: str) -> int:
    """`1250000.5` -> 125000050. Must match `[0-9]+(\\.[0-9]{1,2})?` and be above zero."""
    m = _AMOUNT_RE.fullmatch(text)
    if m is None:
        raise InvalidAmountTextError(
            f"{text!r} is not an amount in tenge with at most 2 fraction digits"
        )
    whole = m[1].lstrip("0")
    # More digits than the largest amount is above it; int() would refuse thousands of digits.
    if len(whole) > _WHOLE_DIGITS:
        tiyn = MAX_TIYN + 1
    else:
        tiyn = int(whole or "0") * 100 + int((m[2] or "0").ljust(2, "0"))
    if tiyn <= 0:
        raise InvalidAmountTextError(f"{text!r}: an amount must be greater than 0")
    if tiyn > MAX_TIYN:
        raise InvalidAmountTextError(
            f"{text!r}: an amount above {MAX_TIYN // 100} tenge is more than the ledger records"
        )
    return tiyn


def format_tiyn(tiyn: int) -> str:
    """125000050 -> `1250000.50` (always two fraction digits)."""
    sign = "-" if tiyn < 0 else ""
    whole, frac = divmod(abs(tiyn), 100)
    return f"{sign}{whole}.{frac:02d}"
