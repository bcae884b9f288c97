"""The money movements of a page: what `TaggedTenge.PaymentsRecorded` carries, one entry each.

A page event holds a program's allocations, payments, refusals and accepted acts (what a
contract may be paid) of one batch as compact lists
(`to_entry`), in the order they were applied; each movement stays addressable as (event, index).
These typed forms are what the aggregate applies, what the projections fold and what tests read:
they have the fields the per-record events (`UnitsAllocated`, `UnitsTransferred`,
`TransferRefused`) had, so old and new ledgers fold through the same handlers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any, ClassVar


class _Entry:
    """A movement as a page stores it: `[KIND, every field but program_id, in order]`, which
    is what `movements` reads back (the page's program is the event's)."""

    __slots__ = ()
    KIND: ClassVar[str]

    def to_entry(self) -> list[Any]:
        return [self.KIND, *_ENTRY_FIELDS[type(self)](self)]


@dataclass(frozen=True, slots=True)
class Allocated(_Entry):
    """Units issued to a recipient (`outcome`: held, spent or returned at once)."""

    KIND: ClassVar[str] = "allocated"
    program_id: str
    seq: int
    allocation_id: str
    payer: str
    recipient: str
    amount: int
    at_us: int
    at_offset: int
    outcome: str


@dataclass(frozen=True, slots=True)
class Transferred(_Entry):
    """A payment applied: `pieces` moved (front of the payer's queue first, each
    `[allocation_id, start, end, delivered_by]`), where they went, the document it counts
    towards and the rules it broke at its instant (`[rule, amount_tiyn]`)."""

    KIND: ClassVar[str] = "transferred"
    program_id: str
    seq: int
    transfer_id: str
    payer: str
    payee: str
    amount: int
    at_us: int
    at_offset: int
    purpose_ref: str | None
    settles: str | None
    outcome: str
    pieces: list[list[Any]]
    findings: list[list[Any]]


@dataclass(frozen=True, slots=True)
class Refused(_Entry):
    """A payment refused whole: nothing moved, nothing settled."""

    KIND: ClassVar[str] = "refused"
    program_id: str
    seq: int
    transfer_id: str
    payer: str
    payee: str
    amount: int
    at_us: int
    at_offset: int
    purpose_ref: str | None
    findings: list[list[Any]]


@dataclass(frozen=True, slots=True)
class Accepted(_Entry):
    """An act of work accepted under a contract of the program: it raises what the contract
    may be paid (the lesser of its value and its acts so far)."""

    KIND: ClassVar[str] = "accepted"
    program_id: str
    seq: int
    act_id: str
    contract_id: str
    amount: int
    at_us: int
    at_offset: int


Movement = Allocated | Transferred | Refused | Accepted
_TYPES: dict[str, type[Allocated] | type[Transferred] | type[Refused] | type[Accepted]] = {
    t.KIND: t for t in (Allocated, Transferred, Refused, Accepted)
}


_ENTRY_FIELDS: dict[type[_Entry], attrgetter[tuple[Any, ...]]] = {
    t: attrgetter(*(f.name for f in fields(t)[1:])) for t in _TYPES.values()
}


def movements(program_id: str, entries: list[list[Any]]) -> Iterator[Movement]:
    """The typed movements of a page's entries, in order."""
    for entry in entries:
        yield _TYPES[entry[0]](program_id, *entry[1:])
