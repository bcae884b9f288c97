"""The rows of purchase_animals.csv as `read_folder` keeps them, compactly and grouped by
purchase."""

from __future__ import annotations

from array import array
from collections.abc import Iterator

from coloring.domain import records
from coloring.pilot.sourced import Sourced
from coloring.pilot.stream import Shared

ANIMALS_FILE = "purchase_animals.csv"


class Animals:
    """The rows of purchase_animals.csv, compactly: one slot per row in parallel columns, and
    for each purchase the slots of its rows, in file order. A folder of 10M payments has ~6M
    animals: their ids are kept as one run of UTF-8 and their prices as 64-bit integers (~50
    bytes a row instead of ~130 as strings and ints)."""

    __slots__ = ("_big_prices", "_bounds", "_ids", "_prices", "lines", "slots", "species")

    def __init__(self) -> None:
        self._ids = bytearray()
        self._bounds = array("q", [0])
        """Slot `i`'s animal id is `_ids[_bounds[i]:_bounds[i + 1]]`."""
        self.species: list[str] = []
        self._prices = array("q")
        self._big_prices: dict[int, int] = {}
        """Slot -> its price, for a price beyond 64 bits (its slot in `_prices` is unused)."""
        self.lines = array("q")
        self.slots: dict[str, array[int]] = {}
        """purchase_id -> slots of its rows."""

    def add(self, record: records.AnimalRecord, line: int, shared: Shared) -> None:
        slot = len(self.lines)
        slots = self.slots.get(record.purchase_id)
        if slots is None:
            slots = self.slots[record.purchase_id] = array("q")
        slots.append(slot)
        self._ids += record.animal_id.encode("utf-8", "surrogatepass")
        self._bounds.append(len(self._ids))
        self.species.append(shared[record.species])
        try:
            self._prices.append(record.price)
        except OverflowError:
            self._prices.append(0)
            self._big_prices[slot] = record.price
        self.lines.append(line)

    def record(self, purchase_id: str, slot: int) -> records.AnimalRecord:
        bounds, price = self._bounds, self._big_prices.get(slot, self._prices[slot])
        animal_id = self._ids[bounds[slot] : bounds[slot + 1]].decode("utf-8", "surrogatepass")
        return records.AnimalRecord(purchase_id, animal_id, self.species[slot], price)

    def _sourced(self, purchase_id: str, slot: int) -> Sourced[records.AnimalRecord]:
        return Sourced(self.record(purchase_id, slot), ANIMALS_FILE, self.lines[slot])

    def of(self, purchase_id: str) -> Iterator[Sourced[records.AnimalRecord]]:
        """The rows of one purchase, in file order."""
        for slot in self.slots.get(purchase_id, ()):
            yield self._sourced(purchase_id, slot)

    def source(self, purchase_id: str, animal_id: str) -> Sourced[records.AnimalRecord]:
        for slot in self.slots.get(purchase_id, ()):
            sourced = self._sourced(purchase_id, slot)
            if sourced.record.animal_id == animal_id:
                return sourced
        raise KeyError((purchase_id, animal_id))

    def priced(self) -> Iterator[tuple[int, str, int]]:
        """(line, purchase_id/animal_id, price) of every row, by purchase: no record built."""
        ids, bounds, prices, big = self._ids, self._bounds, self._prices, self._big_prices
        for purchase_id, slots in self.slots.items():
            for slot in slots:
                animal_id = ids[bounds[slot] : bounds[slot + 1]].decode("utf-8", "surrogatepass")
                yield self.lines[slot], f"{purchase_id}/{animal_id}", big.get(slot, prices[slot])

    def attach(self, purchase: records.PurchaseRecord) -> records.PurchaseRecord:
        """The purchase with its animals (file order), if the file lists any."""
        slots = self.slots.get(purchase.purchase_id)
        if slots is None:
            return purchase
        p, record = purchase.purchase_id, self.record
        animals = tuple(record(p, slot) for slot in slots)
        return records.PurchaseRecord(
            p, purchase.program_id, purchase.buyer, purchase.seller, purchase.at, animals
        )
