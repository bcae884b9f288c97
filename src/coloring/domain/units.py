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

# `Any`: a piece is a mutable JSON array of mixed fields, the layout above, because it is what
# a snapshot stores; a moved piece's typed, immutable form in events is `MovedPiece`.
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


def queue_violations(queues: dict[str, Queue], balances: dict[str, int]) -> list[str]:
    """What is wrong with a program's holdings: a negative or empty piece, a balance that is
    negative or differs from its queue, a holder with units but no balance."""
    found = []
    for holder in sorted(queues.keys() | balances.keys()):
        queue = queues.get(holder, deque())
        bad = [p for p in queue if not 0 <= p[START] < p[END]]
        if bad:
            found.append(f"{holder} holds a malformed piece {bad[0]}")
        in_queue = sum(p[END] - p[START] for p in queue)
        balance = balances.get(holder, 0)
        if balance < 0:
            found.append(f"{holder} holds a negative amount ({balance} tiyn)")
        elif balance != in_queue:
            found.append(f"{holder}'s balance {balance} differs from its units ({in_queue})")
    return found
