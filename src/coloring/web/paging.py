"""One page of a long list (the findings, the movements) and how many pages the list fills."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """The rows of page `page` of `pages`; `total` (how many) and `amount` (tiyn) are the whole
    list's."""

    rows: list[T]
    total: int
    amount: int
    page: int
    pages: int


def page_count(total: int, size: int) -> int:
    """How many pages of `size` rows `total` rows fill (one, for an empty list)."""
    return max(1, -(-total // size))
