"""Reference prices: undated data, recorded on one price list and applied by `valid_from`."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from coloring.domain.aggregates import natural_id


class PriceList(Aggregate):
    """Reference prices (undated data: they apply by `valid_from`)."""

    TOPIC = "coloring.PriceList"

    class Created(Aggregate.Created):
        TOPIC = "coloring.PriceList.Created"

    class Opened(Created):
        TOPIC = "coloring.PriceList.Opened"

    class PriceQuoted(Aggregate.Event):
        TOPIC = "coloring.PriceList.PriceQuoted"
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

    def quote(
        self,
        item: str,
        region: str,
        price: int,
        valid_from_us: int,
        valid_from_offset: int,
        seq: int,
    ) -> None:
        self._quoted(
            item=item,
            region=region,
            price=price,
            valid_from_us=valid_from_us,
            valid_from_offset=valid_from_offset,
            seq=seq,
        )

    @event(PriceQuoted)
    def _quoted(
        self,
        item: str,
        region: str,
        price: int,
        valid_from_us: int,
        valid_from_offset: int,
        seq: int,
    ) -> None:
        pass
