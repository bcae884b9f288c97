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
from collections.abc import Callable, Sequence
from typing import Any, cast, get_args

from pydantic import PlainValidator
from pydantic.fields import FieldInfo

from coloring.domain.records import (
    ActRecord,
    AllocationRecord,
    AnimalRecord,
    ContractRecord,
    LoanRecord,
    PurchaseRecord,
    ReferencePriceRecord,
    RegistryRecord,
    SubsidyRecord,
    TransferRecord,
)
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
Check = Callable[[dict[str, Column]], bool]

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


def _payer_is_not(column: str) -> Check:
    def check(columns: dict[str, Column]) -> bool:
        return not any(map(operator.eq, columns[column], columns["payer"]))

    return check


def _owners(columns: dict[str, Column]) -> bool:
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
    checks, and the record type that takes the fields in their order."""

    def __init__(self, model: type[Row], record: type, checks: Sequence[Check] = ()) -> None:
        self.model = model
        self.fields = [
            (name, _parser(field), field.is_required(), field.default)
            for name, field in model.model_fields.items()
        ]
        self.names = [name for name, *_ in self.fields]
        self.record = record
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
        return list(map(self.record, *columns.values()))

    def columns(self, page: Sequence[dict[str, str]]) -> dict[str, Column] | None:
        """The page's values by field, each parsed as the model parses it, or None."""
        columns: dict[str, Column] = {}
        for name, parse, required, default in self.fields:
            cells_of: list[str | None] = [cells.get(name) for cells in page]
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
        _Columns(AllocationRow, AllocationRecord, (_payer_is_not("recipient"),)),
        _Columns(LoanRow, LoanRecord),
        _Columns(PurchaseRow, PurchaseRecord),
        _Columns(PurchaseAnimalRow, AnimalRecord),
        _Columns(SubsidyRow, SubsidyRecord),
        _Columns(ContractRow, ContractRecord),
        _Columns(ActRow, ActRecord),
        _Columns(RegistryRow, RegistryRecord, (_owners,)),
        _Columns(ReferencePriceRow, ReferencePriceRecord),
        _Columns(TransferRow, TransferRecord, (_payer_is_not("payee"),)),
    )
}
"""The models whose pages can be read by columns (the files that can be large)."""
