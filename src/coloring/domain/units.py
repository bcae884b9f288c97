"""Tagged units: each allocation's tiyn numbered 0..n-1, held as ranges in FIFO queues.

A queue belongs to one holder and one program. A piece is a half-open range of one allocation's
units together with the id of the delivery (allocation or transfer) that brought it to this
holder and the holders it passed through before, oldest first. A piece's holder tuple is never
mutated, only replaced. A snapshot stores a piece as its JSON array (`Piece.row`), read back by
`Piece.of` (`coloring.store`'s transcoding of the queues).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

# A piece as a snapshot stores it (and `holdings` shows it):
# [allocation_id, start, end, delivered_by, previous_holders].
PieceRow = list[str | int | list[str]]


@dataclass(slots=True)
class Piece:
    """Units `start` to `end` (half open) of one allocation in a holder's queue. Mutable: a
    payment cuts the front piece and re-addresses the pieces it moves."""

    allocation_id: str
    start: int
    end: int
    delivered_by: str
    previous: tuple[str, ...]

    def copy(self) -> Piece:
        return Piece(self.allocation_id, self.start, self.end, self.delivered_by, self.previous)

    def row(self) -> PieceRow:
        return [self.allocation_id, self.start, self.end, self.delivered_by, list(self.previous)]

    @staticmethod
    def of(row: list[str | int | list[str]]) -> Piece:
        """The piece of a snapshot's JSON array (see `row`)."""
        alloc, start, end, delivered_by, previous = row
        assert isinstance(alloc, str) and isinstance(start, int) and isinstance(end, int)
        assert isinstance(delivered_by, str) and isinstance(previous, list)
        return Piece(alloc, start, end, delivered_by, tuple(previous))


Queue = deque[Piece]


def peek_prefix(queue: Queue, amount: int) -> list[Piece]:
    """The pieces `take_prefix` would remove, without removing them."""
    taken: list[Piece] = []
    need = amount
    for piece in queue:
        if need == 0:
            break
        size = piece.end - piece.start
        cut = piece.copy()
        if size > need:
            cut.end = piece.start + need
        taken.append(cut)
        need -= cut.end - cut.start
    return taken


def take_prefix(queue: Queue, amount: int) -> list[Piece]:
    """Remove `amount` units from the front of `queue` (the caller checked they are there)."""
    taken: list[Piece] = []
    need = amount
    while need:
        piece = queue[0]
        size = piece.end - piece.start
        if size <= need:
            taken.append(queue.popleft())
            need -= size
        else:
            cut = piece.copy()
            cut.end = piece.start = piece.start + need
            taken.append(cut)
            need = 0
    return taken


def held_by_before(pieces: list[Piece], participant_id: str) -> int:
    """How many of these units `participant_id` held at some earlier point."""
    return sum(p.end - p.start for p in pieces if participant_id in p.previous)


def queue_violations(queues: dict[str, Queue], balances: dict[str, int]) -> list[str]:
    """What is wrong with a program's holdings: a negative or empty piece, a balance that is
    negative or differs from its queue, a holder with units but no balance."""
    found = []
    for holder in sorted(queues.keys() | balances.keys()):
        queue = queues.get(holder, deque())
        bad = [p for p in queue if not 0 <= p.start < p.end]
        if bad:
            found.append(f"{holder} holds a malformed piece {bad[0].row()}")
        in_queue = sum(p.end - p.start for p in queue)
        balance = balances.get(holder, 0)
        if balance < 0:
            found.append(f"{holder} holds a negative amount ({balance} tiyn)")
        elif balance != in_queue:
            found.append(f"{holder}'s balance {balance} differs from its units ({in_queue})")
    return found
