"""FIFO pieces of tagged units (section 3): taking a prefix of a holder's queue."""

from __future__ import annotations

import copy
from collections import deque

from hypothesis import given
from hypothesis import strategies as st

from coloring.domain.units import Piece, Queue, held_by_before, peek_prefix, take_prefix
from strategies import queues, units_of


def queue_of(*pieces: Piece) -> Queue:
    return deque(pieces)


def test_taking_exactly_the_first_piece_removes_it_whole() -> None:
    queue = queue_of(Piece("A", 0, 10, "A", ()), Piece("B", 0, 5, "T1", ("OP",)))
    taken = take_prefix(queue, 10)
    assert taken == [Piece("A", 0, 10, "A", ())]
    assert list(queue) == [Piece("B", 0, 5, "T1", ("OP",))]


def test_taking_part_of_a_piece_splits_it_at_the_cut() -> None:
    queue = queue_of(Piece("A", 0, 10, "A", ()))
    taken = take_prefix(queue, 3)
    assert taken == [Piece("A", 0, 3, "A", ())]
    assert list(queue) == [Piece("A", 3, 10, "A", ())]


def test_both_halves_of_a_split_piece_keep_its_delivery_and_previous_holders() -> None:
    queue = queue_of(Piece("A", 5, 9, "T7", ("OP", "B")))
    taken = take_prefix(queue, 1)
    assert (taken[0].delivered_by, taken[0].previous) == ("T7", ("OP", "B"))
    assert (queue[0].delivered_by, queue[0].previous) == ("T7", ("OP", "B"))


def test_taking_across_pieces_takes_the_front_pieces_in_order() -> None:
    queue = queue_of(
        Piece("A", 0, 4, "A", ()), Piece("B", 10, 12, "B", ()), Piece("A", 4, 8, "T1", ("F1",))
    )
    taken = take_prefix(queue, 7)
    assert taken == [
        Piece("A", 0, 4, "A", ()),
        Piece("B", 10, 12, "B", ()),
        Piece("A", 4, 5, "T1", ("F1",)),
    ]
    assert list(queue) == [Piece("A", 5, 8, "T1", ("F1",))]


def test_taking_everything_empties_the_queue() -> None:
    queue = queue_of(Piece("A", 0, 4, "A", ()), Piece("B", 0, 2, "B", ()))
    take_prefix(queue, 6)
    assert not queue


def test_taking_nothing_takes_no_piece_and_leaves_the_queue() -> None:
    queue = queue_of(Piece("A", 0, 4, "A", ()))
    assert take_prefix(queue, 0) == []
    assert list(queue) == [Piece("A", 0, 4, "A", ())]


def test_peeking_does_not_change_the_queue() -> None:
    queue = queue_of(Piece("A", 0, 4, "A", ()), Piece("B", 0, 2, "B", ()))
    before = copy.deepcopy(queue)
    peek_prefix(queue, 5)
    assert queue == before


def test_peeking_more_than_the_queue_holds_returns_the_whole_queue() -> None:
    queue = queue_of(Piece("A", 0, 4, "A", ()))
    assert peek_prefix(queue, 10) == [Piece("A", 0, 4, "A", ())]


def test_units_held_before_counts_only_pieces_naming_the_participant() -> None:
    pieces = [
        Piece("A", 0, 4, "T1", ("OP", "B")),
        Piece("A", 4, 6, "T2", ("OP",)),
        Piece("C", 0, 9, "C", ()),
    ]
    assert held_by_before(pieces, "B") == 4
    assert held_by_before(pieces, "OP") == 6
    assert held_by_before(pieces, "F1") == 0


@given(queue=queues(), data=st.data())
def test_peek_returns_exactly_what_take_removes(queue: Queue, data: st.DataObject) -> None:
    total = sum(p.end - p.start for p in queue)
    amount = data.draw(st.integers(min_value=0, max_value=total))
    peeked = peek_prefix(queue, amount)
    assert take_prefix(queue, amount) == peeked


@given(queue=queues(), data=st.data())
def test_take_removes_a_prefix_of_the_units_and_keeps_their_order(
    queue: Queue, data: st.DataObject
) -> None:
    before = units_of(queue)
    amount = data.draw(st.integers(min_value=0, max_value=len(before)))
    taken = take_prefix(queue, amount)
    assert units_of(taken) == before[:amount]
    assert units_of(queue) == before[amount:]
