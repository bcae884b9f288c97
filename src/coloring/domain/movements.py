"""The money movements of a page: what `TaggedTenge.PaymentsRecorded` carries, one entry each.

A page event holds a program's allocations, payments, refusals and accepted acts (what a
contract may be paid) of one batch as compact lists
(`to_entry`), in the order they were applied; each movement stays addressable as (event, index).
These typed forms are what the aggregate applies, what the projections fold and what tests read:
they have the fields of the per-record events of older ledgers (`UnitsAllocated`,
`UnitsTransferred`, `TransferRefused`, which take them from here), so old and new ledgers fold
through the same handlers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import attrgetter
from typing import ClassVar, Literal, NamedTuple, Protocol, TypeVar, cast


class MovedPiece(NamedTuple):
    """A range of one allocation's units that a payment moved (`start` to `end`, half open),
    and the delivery (allocation or transfer) that had brought it to the payer."""

    allocation_id: str
    start: int
    end: int
    delivered_by: str


class PaymentFinding(NamedTuple):
    """A rule a payment broke at its instant, and how many tiyn of it the finding concerns."""

    rule: str
    amount: int


JsonValue = str | int | None | Sequence["JsonValue"]
"""What a page's entry is made of: a piece or a finding is a named tuple when recorded, a JSON
array when read back."""

JsonEntry = list[JsonValue]
"""A movement as a page event holds it, `[KIND, every field but program_id, in order]` (its
pieces and findings as arrays once stored), which `movements` reads back as a typed movement."""

# The entries by kind, as `movements` reads them: lists at runtime, typed as the tuples their
# positions are so that unpacking one types every field (pieces and findings stay arrays until
# they become named tuples).
_Arrays = list[Sequence[str | int]]
_TransferredRow = tuple[
    Literal["transferred"], int, str, str, str, int, int, int, str | None, str | None, str,
    _Arrays, _Arrays,
]  # fmt: skip
_RefusedRow = tuple[Literal["refused"], int, str, str, str, int, int, int, str | None, _Arrays]
_AllocatedRow = tuple[Literal["allocated"], int, str, str, str, int, int, int, str]
_AcceptedRow = tuple[Literal["accepted"], int, str, str, int, int, int]
_Row = _TransferredRow | _RefusedRow | _AllocatedRow | _AcceptedRow


class _Entry:
    """A movement that a page stores as its `JsonEntry` (the page's program is the event's).
    Each is a named tuple of its fields, `program_id` first: a frozen dataclass's init sets
    every field through `object.__setattr__`, and a fold or replay makes one a movement (20k
    payments: 0.14 CPU s of a rebuild's fold)."""

    __slots__ = ()
    KIND: ClassVar[str]

    def to_entry(self) -> JsonEntry:
        return [self.KIND, *_ENTRY_FIELDS[type(self)](self)]


class _AllocatedFields(NamedTuple):
    program_id: str
    seq: int
    allocation_id: str
    payer: str
    recipient: str
    amount: int
    at_us: int
    at_offset: int
    outcome: str


class Allocated(_AllocatedFields, _Entry):
    """Units issued to a recipient (`outcome`: held, spent or returned at once)."""

    __slots__ = ()
    KIND: ClassVar[str] = "allocated"


class _TransferredFields(NamedTuple):
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
    pieces: list[MovedPiece]
    findings: list[PaymentFinding]


class Transferred(_TransferredFields, _Entry):
    """A payment applied: who paid whom how much, when, towards what; the pieces moved (front
    of the payer's queue first), where they went, the document it counts towards and the rules
    it broke at its instant."""

    __slots__ = ()
    KIND: ClassVar[str] = "transferred"


class _RefusedFields(NamedTuple):
    # The first nine of `_TransferredFields` again: a named tuple inherits no fields.
    program_id: str
    seq: int
    transfer_id: str
    payer: str
    payee: str
    amount: int
    at_us: int
    at_offset: int
    purpose_ref: str | None
    findings: list[PaymentFinding]


class Refused(_RefusedFields, _Entry):
    """A payment refused whole (the fields of `Transferred` it has): nothing moved, nothing
    settled."""

    __slots__ = ()
    KIND: ClassVar[str] = "refused"


class _AcceptedFields(NamedTuple):
    program_id: str
    seq: int
    act_id: str
    contract_id: str
    amount: int
    at_us: int
    at_offset: int


class Accepted(_AcceptedFields, _Entry):
    """An act of work accepted under a contract of the program: it raises what the contract
    may be paid (the lesser of its value and its acts so far)."""

    __slots__ = ()
    KIND: ClassVar[str] = "accepted"


Movement = Allocated | Transferred | Refused | Accepted
_TYPES: dict[str, type[Allocated] | type[Transferred] | type[Refused] | type[Accepted]] = {
    t.KIND: t for t in (Allocated, Transferred, Refused, Accepted)
}


# The fields of an entry, in order, as its JSON array takes them.
_ENTRY_FIELDS: dict[type[_Entry], attrgetter[tuple[JsonValue, ...]]] = {
    t: attrgetter(*t._fields[1:]) for t in _TYPES.values()
}


def movements(program_id: str, entries: Sequence[JsonEntry]) -> Iterator[Movement]:
    """The typed movements of a page's entries, in order. JSON gives a piece and a finding back
    as arrays: they become their named tuples here, once, so a movement read from the log
    equals the one the live aggregate applied."""
    # Typed once per page, not checked per field: the entries are the ones `to_entry` wrote,
    # and a check of each field would cost every fold and every replay. Each is unpacked (which
    # checks its length) into the tuple of its movement, without the argument parsing of the
    # named tuple's constructor (a payment: 0.6 against 2.4 us).
    for entry in cast("list[_Row]", entries):
        if entry[0] == "transferred":
            _, seq, tid, payer, payee, amount, at_us, offset, ref, settles, outcome, ps, fs = entry
            pieces = [_tuple(MovedPiece, p) for p in ps]
            found = [_tuple(PaymentFinding, f) for f in fs] if fs else []
            yield _tuple(
                Transferred,
                (program_id, seq, tid, payer, payee, amount, at_us, offset, ref, settles, outcome,
                 pieces, found),
            )  # fmt: skip
        elif entry[0] == "refused":
            _, seq, tid, payer, payee, amount, at_us, offset, ref, fs = entry
            found = [_tuple(PaymentFinding, f) for f in fs]
            yield _tuple(
                Refused, (program_id, seq, tid, payer, payee, amount, at_us, offset, ref, found)
            )
        elif entry[0] == "allocated":
            _, seq, aid, payer, recipient, amount, at_us, offset, outcome = entry
            yield _tuple(
                Allocated, (program_id, seq, aid, payer, recipient, amount, at_us, offset, outcome)
            )
        elif entry[0] == "accepted":
            _, seq, act_id, contract_id, amount, at_us, offset = entry
            yield _tuple(Accepted, (program_id, seq, act_id, contract_id, amount, at_us, offset))
        else:
            # A kind no code writes (a damaged page): never read as another kind.
            raise KeyError(entry[0])


def first_entry_seq(entries: Sequence[JsonEntry]) -> int:
    """The record sequence number of a page's first entry."""
    return cast("_Row", entries[0])[1]


# A named tuple from a JSON array without the argument parsing of its constructor: half the
# cost of `MovedPiece(*p)` (measured with timeit, two pieces: 1.8 us against 3.7 us).
_tuple = tuple.__new__


M = TypeVar("M", Allocated, Transferred, Refused)


class _PerRecordEvent(Protocol):
    program_id: str


def as_movement(kind: type[M], event: _PerRecordEvent) -> M:
    """The movement a per-record event of an older ledger recorded: it has the movement's
    fields by name, so it is read as a page's entry would be (its pieces and findings become
    named tuples the same way)."""
    (m,) = movements(event.program_id, [[kind.KIND, *_ENTRY_FIELDS[kind](event)]])
    if not isinstance(m, kind):
        raise TypeError(f"{event!r} does not read as {kind.__name__}")
    return m
