"""Frozen dataclasses with slots built in bulk, without their `__init__`: a folder's records
(`pilot.stream`, `pilot.sourced`) and the facts each payment is judged on (`usecases.money`).

A frozen dataclass's `__init__` sets each field through `object.__setattr__` (a global, an
attribute and a call per field), the price of refusing assignment afterwards. The reading
builds every record of a folder, its instant and its source that way (on the registry-heavy
20k folder ~1M objects), and that `__init__` was the largest single item of the load's own
samples (7-9%, py-spy). `maker(cls)` gives a function that builds the same object by setting
its slots directly: 2.0-2.3 us instead of 3.8 for an `Instant`, 2.6 instead of 4.7-5.8 for a
`RegistryRecord` (in process, 2026-12-07, a busy machine).

Only for classes whose `__init__` does nothing but set its fields (no `__post_init__`, no
`field(init=False)`, no default factory): `maker` refuses the others when called, at import of
the module that builds with it, rather than building objects the class would not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

__all__ = ["maker"]

P = ParamSpec("P")
T = TypeVar("T")


def maker(cls: Callable[P, T]) -> Callable[P, T]:
    """A function taking the arguments of `cls(...)` (positional, defaults kept) and giving an
    object equal to it, built without the frozen dataclass's `__init__`. Typed as the class's
    constructor, so mypy checks each call's arguments as it would `cls(...)`'s."""
    if not isinstance(cls, type):
        raise TypeError(f"{cls!r}: not a class")
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    if not (params.frozen and "__slots__" in cls.__dict__):
        raise TypeError(f"{cls.__name__}: not a frozen dataclass with slots")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}.__post_init__: maker would not run it")
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    signature, body = [], []
    for f in dataclasses.fields(cls):
        if not f.init:
            raise TypeError(f"{cls.__name__}.{f.name}: init=False, not an argument of __init__")
        if f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: a default factory")
        namespace[f"_set_{f.name}"] = getattr(cls, f.name).__set__
        if f.default is dataclasses.MISSING:
            signature.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            signature.append(f"{f.name}=_default_{f.name}")
        body.append(f"    _set_{f.name}(o, {f.name})\n")
    source = f"def make({', '.join(signature)}):\n    o = _new(_cls)\n{''.join(body)}    return o\n"
    exec(source, namespace)
    made: Callable[P, T] = namespace["make"]
    return made
