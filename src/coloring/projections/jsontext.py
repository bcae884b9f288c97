"""`json.dumps(value, ensure_ascii=False, indent=1)`, the same text, about twice as fast.

With an indent, Python's json module encodes in pure Python, one generator step per value:
about a tenth of a second for the findings of a million payments. Here lists and dicts of
strings, numbers, booleans and nulls are joined directly, each string escaped by the module's
own C function; any other value (a subclass, a float, a key that is not a string) is encoded by
`json.dumps` itself and indented to its depth, so the text is the module's in every case
(`tests/unit/test_jsontext.py` checks it on generated values).
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any


def dumps(value: Any) -> str:
    return _encoded(value, "\n")


def _encoded(value: Any, newline: str) -> str:
    kind = type(value)
    if kind is str:
        return str(encode_basestring(value))
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    inner = newline + " "
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join(_encoded(v, inner) for v in value) + newline + "]"
    if kind is dict and all(type(k) is str for k in value):
        if not value:
            return "{}"
        items = (encode_basestring(k) + ": " + _encoded(v, inner) for k, v in value.items())
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    # Anything else as the module writes it, its lines moved to this depth.
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", newline)
