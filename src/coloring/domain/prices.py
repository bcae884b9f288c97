"""Reference prices: undated data, recorded on one price list and applied by `valid_from`."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from coloring.domain.aggregates import natural_id
from coloring.domain.topics import TopicAggregate


class PriceList(TopicAggregate):
    """Reference prices (undated data: they apply by `valid_from`)."""

    TOPIC = "coloring.PriceList"

    class Opened(Aggregate.Created):
        """The one price list opened (its prices are quoted one by one)."""

    class PriceQuoted(Aggregate.Event):
        item: str
        region: str
        price: int
        valid_from_us: int
        valid_from_offset: int
        seq: int

    @staticmethod
    def create_id() -> UUID:
        return natural_id("price-list", "main")

    @event(Opened)
    def __init__(self) -> None:
        pass

    @event(PriceQuoted)
    def quote(
        self,
        item: str,
        region: str,
        price: int,
        valid_from_us: int,
        valid_from_offset: int,
        seq: int,
    ) -> None:
        """Record a reference price. The command is its own event: there is no rule to check
        (prices are reference data, judged against where they are used) and nothing to keep,
        since the read models hold the prices."""
