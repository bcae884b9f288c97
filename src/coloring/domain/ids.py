"""Aggregate ids from natural keys."""

from __future__ import annotations

from functools import lru_cache
from inspect import Parameter, Signature
from uuid import NAMESPACE_URL, UUID, uuid5


@lru_cache(maxsize=1 << 18)
def natural_id(kind: str, key: str) -> UUID:
    """Deterministic aggregate id from a natural key (cached: uuid5 is hot on loads)."""
    return uuid5(NAMESPACE_URL, f"/{kind}/{key}")


def natural_key(kind: str, field: str) -> staticmethod[[str], UUID]:
    """An aggregate's `create_id`: its id is `natural_id(kind, <its created event's field>)`.

    eventsourcing passes `create_id` the created event's fields that its signature names, by
    name, so the signature names `field` (`inspect.signature` reads `__signature__`); the
    application calls it with the key alone (`Program.create_id(program_id)`).
    """

    def create_id(key: str | None = None, /, **named: str) -> UUID:
        return natural_id(kind, named[field] if key is None else key)

    create_id.__signature__ = Signature(  # type: ignore[attr-defined]
        [Parameter(field, Parameter.POSITIONAL_OR_KEYWORD, annotation=str)],
        return_annotation=UUID,
    )
    return staticmethod(create_id)
