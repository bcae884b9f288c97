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
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class Allocated:
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

    def to_entry(self) -> list[Any]:
        return [
            self.KIND,
            self.seq,
            self.allocation_id,
            self.payer,
            self.recipient,
            self.amount,
            self.at_us,
            self.at_offset,
            self.outcome,
        ]


@dataclass(frozen=True, slots=True)
class Transferred:
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

    def to_entry(self) -> list[Any]:
        return [
            self.KIND,
            self.seq,
            self.transfer_id,
            self.payer,
            self.payee,
            self.amount,
            self.at_us,
            self.at_offset,
            self.purpose_ref,
            self.settles,
            self.outcome,
            self.pieces,
            self.findings,
        ]


@dataclass(frozen=True, slots=True)
class Refused:
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

    def to_entry(self) -> list[Any]:
        return [
            self.KIND,
            self.seq,
            self.transfer_id,
            self.payer,
            self.payee,
            self.amount,
            self.at_us,
            self.at_offset,
            self.purpose_ref,
            self.findings,
        ]


@dataclass(frozen=True, slots=True)
class Accepted:
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

    def to_entry(self) -> list[Any]:
        return [
            self.KIND,
            self.seq,
            self.act_id,
            self.contract_id,
            self.amount,
            self.at_us,
            self.at_offset,
        ]


Movement = Allocated | Transferred | Refused | Accepted
_TYPES: dict[str, type[Allocated] | type[Transferred] | type[Refused] | type[Accepted]] = {
    t.KIND: t for t in (Allocated, Transferred, Refused, Accepted)
}


def movements(program_id: str, entries: list[list[Any]]) -> Iterator[Movement]:
    """The typed movements of a page's entries, in order."""
    for entry in entries:
        yield _TYPES[entry[0]](program_id, *entry[1:])
