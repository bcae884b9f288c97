"""A set kept as 64-bit digests: for ids that only their own file names, and the aggregates a
load's store has let go of.

A folder of 10M payments has ~14M transfer and act ids; as a `dict` of strings they would hold
~130 bytes each to the end of their file, as digests in an open-addressed `array` 11-22. A
digest can collide, so `add` answers "new" or "perhaps seen" and `in` "no" or "perhaps": the
caller settles the second exactly (see `Checker.recheck`, and `LedgerStore.get`, which reads
the store), so that a collision neither invents nor hides anything.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Hashable

_EMPTY = 0
_FIRST_SIZE = 1 << 12


class Digests:
    """Digests of the strings added, in a table of linear probing at most 3/4 full (a new
    digest probes ~8 slots then, each a few bytecodes)."""

    __slots__ = ("_digest", "_limit", "_mask", "_table", "count")

    def __init__(self, digest: Callable[[Hashable], int] = hash) -> None:
        self._digest = digest
        """Any function to 64 bits; tests give one that collides."""
        self._table = array("q", [_EMPTY]) * _FIRST_SIZE
        self._mask = _FIRST_SIZE - 1
        self._limit = 3 * _FIRST_SIZE // 4
        self.count = 0

    def add(self, value: Hashable) -> bool:
        """Add `value`; False if a value of its digest was added before (perhaps this one)."""
        d = self._digest(value) or 1  # 0 marks an empty slot
        i = self._find(d)
        if self._table[i]:
            return False
        self._table[i] = d
        self.count += 1
        if self.count > self._limit:
            self._grow()
        return True

    def __contains__(self, value: Hashable) -> bool:
        """False if no value of `value`'s digest was added; True: perhaps `value` was."""
        return bool(self._table[self._find(self._digest(value) or 1)])

    def _find(self, d: int) -> int:
        """The slot holding the digest `d`, else the empty slot where it would go."""
        table, mask = self._table, self._mask
        i = d & mask
        while (slot := table[i]) and slot != d:
            i = (i + 1) & mask
        return i

    def _grow(self) -> None:
        old = self._table
        self._table = table = array("q", [_EMPTY]) * (2 * len(old))
        self._mask = mask = len(table) - 1
        self._limit = 3 * len(table) // 4
        for d in filter(None, old):  # the digests, skipping the empty slots in C
            i = d & mask
            while table[i]:
                i = (i + 1) & mask
            table[i] = d
