"""How an aggregate's state that JSON has no type for is written in a snapshot."""

from __future__ import annotations

from collections import deque

from eventsourcing.persistence import Transcoding

from coloring.domain.units import Piece, PieceRow, Queue


class QueueAsList(Transcoding):
    """A unit queue (the only deque an aggregate holds) in a snapshot: the JSON array of its
    pieces' arrays, under the name `deque` that snapshots have always been written with."""

    type = deque
    name = "deque"

    def encode(self, obj: Queue) -> list[PieceRow]:
        return [piece.row() for piece in obj]

    def decode(self, data: list[PieceRow]) -> Queue:
        return deque(map(Piece.of, data))
