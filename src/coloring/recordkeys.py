"""What the record index keys a record by: a natural key where the record has one, else its
fingerprint (`digest`). Written since the first ledger: changing any of these texts would make
every record of an existing ledger look new."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import fields, replace
from typing import Any

from coloring.domain.records import (
    PILOT_RECORDS,
    PurchaseRecord,
    ReferencePriceRecord,
    RegistryRecord,
)
from coloring.domain.registry import OWNING_EVENTS
from coloring.domain.time import Instant


def registry_key(r: RegistryRecord, occurrence: int) -> str:
    """Registry rows have no id: their content and their occurrence in the folder are the key."""
    return "\x1f".join(
        (r.animal_id, str(r.at.us), r.event, r.owner or "", r.species, str(occurrence))
    )


def registry_row(key: str) -> tuple[int, str, str | None]:
    """A registry row's key read back: (at_us, event, owner; None: none, or the event does not
    give the animal an owner)."""
    _, at_us, event, owner, *_ = key.split("\x1f")
    return int(at_us), event, (owner or None) if event in OWNING_EVENTS else None


def price_key(r: ReferencePriceRecord, occurrence: int) -> str:
    return "\x1f".join((r.item, r.region, str(r.valid_from.us), str(occurrence)))


def digest(record: object) -> str:
    """The record's fingerprint in the record index: sha256 of its `repr`, as written since
    the first ledger (a purchase without its animals, which are indexed one by one).

    The text is made by `_canonical` where it knows the type: the same characters as `repr`
    (tests/unit/test_digest.py), without the dataclass repr's recursion guard, which cost half
    of the digest's 2 us a record (measured 2026-12-06)."""
    if isinstance(record, PurchaseRecord):
        record = replace(record, animals=())
    make = _CANONICAL.get(type(record))
    text = repr(record) if make is None else make(record)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _instant_repr(value: object) -> str:
    if type(value) is Instant:
        return f"Instant(us={value.us!r}, offset_minutes={value.offset_minutes!r})"
    return repr(value)


def _canonical(cls: type) -> Callable[[Any], str]:
    """A function giving `repr(record)` of this dataclass, compiled once from its fields:
    one f-string, instants written in place."""
    parts = []
    for f in fields(cls):
        if not f.repr:
            continue
        if str(f.type) == "Instant":
            # Written in place: every record's instant, a call less (`_instant_repr` is for
            # the optional ones).
            value = (
                f"Instant(us={{o.{f.name}.us!r}}, offset_minutes={{o.{f.name}.offset_minutes!r}})"
            )
        elif "Instant" in str(f.type):
            value = f"{{_instant_repr(o.{f.name})}}"
        else:
            value = f"{{o.{f.name}!r}}"
        parts.append(f"{f.name}={value}")
    namespace: dict[str, Any] = {"_instant_repr": _instant_repr}
    exec(f"def make(o): return f'{cls.__qualname__}({', '.join(parts)})'", namespace)
    made: Callable[[Any], str] = namespace["make"]
    return made


_CANONICAL: dict[type, Callable[[Any], str]] = {cls: _canonical(cls) for cls in PILOT_RECORDS}
