"""Tagged units: each allocation's tiyn numbered 0..n-1, held as ranges in FIFO queues.

A queue belongs to one holder and one program. A piece is a half-open range of one allocation's
units together with the id of the delivery (allocation or transfer) that brought it to this
holder and the holders it passed through before, oldest first. Pieces are plain lists so that
they serialise as JSON in snapshots; a piece's holder tuple is never mutated, only replaced.
"""

from __future__ import annotations

from collections import deque
from typing import Any

# piece layout: [allocation_id, start, end, delivered_by, previous_holders]
ALLOC, START, END, DELIVERED_BY, PREVIOUS = range(5)

Piece = list[Any]
Queue = deque[Piece]


def peek_prefix(queue: Queue, amount: int) -> list[Piece]:
    """The pieces `take_prefix` would remove, without removing them."""
    taken: list[Piece] = []
    need = amount
    for piece in queue:
        if need == 0:
            break
        size = piece[END] - piece[START]
        if size <= need:
            taken.append(list(piece))
            need -= size
        else:
            taken.append([piece[ALLOC], piece[START], piece[START] + need, *piece[DELIVERED_BY:]])
            need = 0
    return taken


def take_prefix(queue: Queue, amount: int) -> list[Piece]:
    """Remove `amount` units from the front of `queue` (the caller checked they are there)."""
    taken: list[Piece] = []
    need = amount
    while need:
        piece = queue[0]
        size = piece[END] - piece[START]
        if size <= need:
            taken.append(queue.popleft())
            need -= size
        else:
            cut = piece[START] + need
            taken.append([piece[ALLOC], piece[START], cut, *piece[DELIVERED_BY:]])
            piece[START] = cut
            need = 0
    return taken


def held_by_before(pieces: list[Piece], participant_id: str) -> int:
    """How many of these units `participant_id` held at some earlier point."""
    return sum(p[END] - p[START] for p in pieces if participant_id in p[PREVIOUS])
