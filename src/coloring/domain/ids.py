"""Aggregate ids from natural keys."""

from __future__ import annotations

from functools import lru_cache
from uuid import NAMESPACE_URL, UUID, uuid5


@lru_cache(maxsize=1 << 18)
def natural_id(kind: str, key: str) -> UUID:
    """Deterministic aggregate id from a natural key (cached: uuid5 is hot on loads)."""
    return uuid5(NAMESPACE_URL, f"/{kind}/{key}")
