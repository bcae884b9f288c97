"""The per-record events of older ledgers, declared by the named tuples that hold their records.

Ledgers written before pages recorded one event per record: an allocation, a payment applied
or refused (`TaggedTenge.UnitsAllocated`, `UnitsTransferred`, `TransferRefused`), a registry row
(`Animal.FactRecorded`). A page holds each such record as a named tuple (a movement, a
`RegistryFact`), and the old event has that tuple's fields, by name. A `PerRecordEvent[Row]`
takes its fields from the named tuple `Row`, so they are declared once, and `row()` reads the
event back as that tuple. Their class names and topics stay: the ledgers hold them.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar, cast, get_args, get_origin

from eventsourcing.domain import Aggregate

from coloring.domain.movements import JsonValue

Row = TypeVar("Row", bound=tuple[Any, ...])


class PerRecordEvent(Aggregate.Event, Generic[Row]):
    """An event with the fields of the named tuple its class names (`PerRecordEvent[RegistryFact]`),
    as the JSON values stored. The base of those events, with no topic of its own."""

    _row: ClassVar[Any]  # the named tuple class

    def __init_subclass__(cls, **kwargs: Any) -> None:
        for base in cls.__dict__.get("__orig_bases__", ()):
            origin, args = get_origin(base), get_args(base)
            # A base that passes its type variable on (`_PerRecordEvent(PerRecordEvent[M])`)
            # names no tuple: its subclasses do.
            if isinstance(origin, type) and issubclass(origin, PerRecordEvent) and args:
                (row,) = args
                if isinstance(row, type):
                    cls._row = row
                    cls.__annotations__ = dict.fromkeys(cls._row._fields, JsonValue)
        super().__init_subclass__(**kwargs)

    def row(self) -> Row:
        """The record as its named tuple, each field as stored."""
        return cast("Row", self._row._make(getattr(self, name) for name in self._row._fields))
