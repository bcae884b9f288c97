"""Validating a page of rows column by column, with the contract's own parsers.

A model of `contract` validates one row: pydantic calls the field's parser (`parse_id`,
`parse_time`, `parse_tiyn`, ...) for each cell, then the model's cross-field checks, then
`to_record()` builds the record. Done row by row that costs several microseconds a row, most
of it in calls. Here a page of rows is taken apart into columns; each column goes through the
same parser as the model's field (an id column through the id pattern alone, in one pass), the
cross-field checks run over whole columns, and the records are built straight from the
columns. Anything unusual (a cell a parser refuses, an empty required cell, a payer paying
itself, an owner missing for a `registered` event) answers None: the caller then validates
that page row by row with the model, which names every problem exactly as it always has.

So the model stays the definition of a valid row and of its message; the columns are how a
valid page is read quickly. `tests/pilot/test_columns.py` checks that both give the same
records, and that the columns never accept what the model refuses.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast, get_args

from pydantic import PlainValidator
from pydantic.fields import FieldInfo

from coloring.domain.time import Instant
from coloring.pilot.cells import ID_RE, OWNERLESS, parse_id, parse_time
from coloring.pilot.contract import (
    ActRow,
    AllocationRow,
    ContractRow,
    LoanRow,
    PurchaseAnimalRow,
    PurchaseRow,
    ReferencePriceRow,
    RegistryRow,
    Row,
    SubsidyRow,
    TransferRow,
)

Column = list[Any]
Check = Callable[[dict[str, Any]], bool]

_id_match = ID_RE.fullmatch


def _parser(field: FieldInfo) -> Callable[[str], Any] | None:
    """The function that validates the field's cell (None: the text itself, as for `str`)."""
    for meta in field.metadata:
        if isinstance(meta, PlainValidator):
            return meta.func  # type: ignore[return-value]
    for arg in get_args(field.annotation):  # `X | None`: the parser of X
        for meta in getattr(arg, "__metadata__", ()):
            if isinstance(meta, PlainValidator):
                return meta.func  # type: ignore[return-value]
    return None


class Times:
    """A column of instants as `parse_time` reads them, kept as their microseconds and offsets
    without an `Instant` per row: a dated file keeps only those two numbers (`DatedFile.keep`),
    so building an `Instant` for each row of a page was a third of parsing its time."""

    __slots__ = ("offsets", "us")

    def __init__(self, us: list[int], offsets: list[int]) -> None:
        self.us = us
        self.offsets = offsets

    def instants(self) -> list[Instant]:
        return list(map(Instant, self.us, self.offsets))


_MIDNIGHTS: dict[str, Instant] = {}
"""Each day's midnight (with its offset) as `parse_time` read it: the usual form of a time is
its day's midnight and a number of seconds."""


def parse_times(texts: Iterable[str]) -> Times:
    """`parse_time` of every text; raises ValueError where it would (the caller then reads
    the page row by row, which says why). The usual form `YYYY-MM-DDTHH:MM:SS+HH:MM` is read
    here from its day's midnight, the same arithmetic as `parse_time`; any other goes to
    `parse_time` itself."""
    us: list[int] = []
    offsets: list[int] = []
    midnights = _MIDNIGHTS
    for text in texts:
        if len(text) == 25 and text[10] == "T" and text[13] == ":" and text[16] == ":":
            hh, mm, ss = text[11:13], text[14:16], text[17:19]
            # ASCII digits only: str.isdigit accepts other scripts' digits, the contract not.
            if hh.isdigit() and mm.isdigit() and ss.isdigit() and text.isascii():
                h, m, sec = int(hh), int(mm), int(ss)
                if h <= 23 and m <= 59 and sec <= 59:
                    day = text[:10] + text[19:]
                    midnight = midnights.get(day)
                    if midnight is None:
                        # A day or offset that does not parse makes the whole text refused.
                        midnight = parse_time(f"{text[:10]}T00:00:00{text[19:]}")
                        if len(midnights) >= 4096:
                            midnights.clear()
                        midnights[day] = midnight
                    us.append(midnight.us + ((h * 60 + m) * 60 + sec) * 1_000_000)
                    offsets.append(midnight.offset_minutes)
                    continue
        instant = parse_time(text)
        us.append(instant.us)
        offsets.append(instant.offset_minutes)
    return Times(us, offsets)


def _payer_is_not(column: str) -> Check:
    def check(columns: dict[str, Any]) -> bool:
        return not any(map(operator.eq, columns[column], columns["payer"]))

    return check


def _owners(columns: dict[str, Any]) -> bool:
    """`RegistryRow._owner_by_event` over columns: the owner is ignored (None) for disposed
    and exported, required and an id otherwise."""
    owners = [
        None if event in OWNERLESS else owner
        for event, owner in zip(columns["event"], columns["owner"], strict=True)
    ]
    if not all(
        owner is not None and _id_match(owner) is not None
        for event, owner in zip(columns["event"], owners, strict=True)
        if event not in OWNERLESS
    ):
        return False
    columns["owner"] = owners
    return True


class _Columns:
    """How one model's page is read by columns: each field's parser, the model's cross-field
    checks, and its record type (`Row.record`), which takes the fields in their order."""

    def __init__(self, model: type[Row], checks: Sequence[Check] = ()) -> None:
        self.model = model
        self.fields = [
            (name, _parser(field), field.is_required(), field.default)
            for name, field in model.model_fields.items()
        ]
        self.names = [name for name, *_ in self.fields]
        self.record = model.record
        self.checks = checks
        self.time_field = next(
            (name for name, parse, *_ in self.fields if parse is parse_time), None
        )
        """The field with the row's instant (None for the animals of a purchase)."""

    def records(self, page: Sequence[dict[str, str]]) -> list[Any] | None:
        """The page's records, or None if some row is not valid."""
        columns = self.columns(page)
        if columns is None:
            return None
        values = [c.instants() if isinstance(c, Times) else c for c in columns.values()]
        return list(map(self.record, *values))

    def columns(self, page: Sequence[dict[str, str]]) -> dict[str, Column | Times] | None:
        """The page's values by field, each parsed as the model parses it, or None. The
        row's instant (`time_field`) comes as `Times`."""
        return self._parsed(lambda name: [cells.get(name) for cells in page])

    def columns_of_rows(
        self, header: Sequence[str], rows: Sequence[Sequence[str]]
    ) -> dict[str, Column | Times] | None:
        """As `columns`, for a page of rows as the CSV reader gives them (each as long as
        `header`; an empty cell is an absent one): taken apart into columns in one step,
        without a dict per row."""
        by_name = dict(zip(header, zip(*rows, strict=True), strict=True))

        def cells_of(name: str) -> list[str | None]:
            texts = by_name.get(name)
            if texts is None:
                return [None] * len(rows)
            return [t or None for t in texts] if "" in texts else list(texts)

        return self._parsed(cells_of)

    def _parsed(
        self, cells_of_column: Callable[[str], list[str | None]]
    ) -> dict[str, Column | Times] | None:
        columns: dict[str, Column | Times] = {}
        for name, parse, required, default in self.fields:
            cells_of = cells_of_column(name)
            if required and None in cells_of:
                return None  # an empty required cell
            if parse is None:
                column: Column = cells_of
            elif required:
                texts = cast(list[str], cells_of)
                try:
                    if parse is parse_id:
                        if not all(map(_id_match, texts)):
                            return None
                        column = texts
                    elif name == self.time_field:
                        columns[name] = parse_times(texts)
                        continue
                    else:
                        column = list(map(parse, texts))
                except ValueError:
                    return None
            else:
                try:
                    column = [default if t is None else parse(t) for t in cells_of]
                except ValueError:
                    return None
            columns[name] = column
        for check in self.checks:
            if not check(columns):
                return None
        return columns


BY_COLUMNS: dict[type[Row], _Columns] = {
    c.model: c
    for c in (
        _Columns(AllocationRow, (_payer_is_not("recipient"),)),
        _Columns(LoanRow),
        _Columns(PurchaseRow),
        _Columns(PurchaseAnimalRow),
        _Columns(SubsidyRow),
        _Columns(ContractRow),
        _Columns(ActRow),
        _Columns(RegistryRow, (_owners,)),
        _Columns(ReferencePriceRow),
        _Columns(TransferRow, (_payer_is_not("payee"),)),
    )
}
"""The models whose pages can be read by columns (the files that can be large)."""
