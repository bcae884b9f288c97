"""What the public API returns: frozen dataclasses with amounts in tenge (`Decimal`, two
fraction digits) and timezone-aware datetimes (in the offset the record was written with), and
`Rows`, a tuple of them that converts to an Arrow table (`to_arrow()`) or JSON-ready dicts
(`to_dicts()`, amounts and instants as the CLI prints them).

Arrow columns: amounts `decimal128(20, 2)` (exact tenge), instants `timestamp[us, UTC]` with
the writer's offset beside them in `<name>_offset_minutes`, lists as `list<string>`, evidence as
a JSON string. pandas, polars and DuckDB read such a table as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from typing import Any, ClassVar, Generic, TypeVar

from coloring.domain.time import format_instant

# pyarrow is imported by the conversions that need it (`to_arrow`, `schema`): a command that
# prints JSON, CSV or a table would otherwise pay a tenth of a second to import it.
ARROW_TYPES: dict[str, Any] = {
    "AMOUNT": lambda pa: pa.decimal128(20, 2),
    "INSTANT": lambda pa: pa.timestamp("us", tz="UTC"),
}


def __getattr__(name: str) -> Any:
    """`AMOUNT` (decimal128(20, 2): exact tenge) and `INSTANT` (timestamp[us, UTC])."""
    if name in ARROW_TYPES:
        import pyarrow as pa

        return ARROW_TYPES[name](pa)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)


def tenge(tiyn: int) -> Decimal:
    """125000050 tiyn -> Decimal('1250000.50') (exact)."""
    return Decimal(tiyn).scaleb(-2)


@cache
def _zone(offset_minutes: int) -> timezone:
    return timezone(timedelta(minutes=offset_minutes))


def aware(us: int, offset_minutes: int) -> datetime:
    """Microseconds since the epoch -> a datetime in the offset it was written with.

    Computed on the local time, which is within datetime's years 1-9999 for every instant the
    contract reads in its own offset (0001-01-01T00:00+14:00 is in year 0 at UTC). An instant
    beyond them at this offset is given as the first or last representable moment."""
    tz = _zone(offset_minutes)
    try:
        local = _NAIVE_EPOCH + timedelta(microseconds=us + offset_minutes * 60_000_000)
    except OverflowError:
        local = datetime.min if us < 0 else datetime.max
    return local.replace(tzinfo=tz)


def offset_minutes(at: datetime) -> int:
    delta = at.utcoffset()
    return 0 if delta is None else int(delta.total_seconds() // 60)


def iso(at: datetime) -> str:
    """As the CLI prints an instant: `2025-02-14T10:00:00+05:00`."""
    us = (at - _EPOCH) // timedelta(microseconds=1)
    return format_instant(us, offset_minutes(at))


@dataclass(frozen=True, slots=True)
class Finding:
    """A misuse finding: `participants` are ids (payer first), `region` is the first
    participant's, `evidence` the records and figures behind it."""

    rule: str
    subject: str
    program: str
    amount: Decimal
    at: datetime
    status: str
    participants: tuple[str, ...]
    region: str | None
    evidence: Mapping[str, Any] = field(default_factory=dict, hash=False)

    ARROW: ClassVar[dict[str, Any]] = {"participants": lambda pa: pa.list_(pa.string())}


@dataclass(frozen=True, slots=True)
class Balance:
    program: str
    participant: str
    held: Decimal


@dataclass(frozen=True, slots=True)
class ProgramTotals:
    """One program's money at an instant: allocated = spent + returned + held, and spent =
    on_purpose + misused (money by verdict, docs/contract-choices.md)."""

    program: str
    name: str
    allocated: Decimal
    spent: Decimal
    on_purpose: Decimal
    misused: Decimal
    returned: Decimal
    held: Decimal


@dataclass(frozen=True, slots=True)
class Utilisation:
    """As `coloring replay` and the report define it (docs/scenarios.md): what became of a
    program's money, and how long it waited on average (days)."""

    program: str
    allocated: Decimal
    spent: Decimal
    on_purpose: Decimal
    misused: Decimal
    idle: Decimal
    returned: Decimal
    held: Decimal
    blocked: Decimal
    idle_days: Decimal

    ARROW: ClassVar[dict[str, Any]] = {"idle_days": lambda pa: pa.decimal128(12, 1)}


@dataclass(frozen=True, slots=True)
class TraceStep:
    holder: str
    via: str
    at: datetime
    outcome: str


@dataclass(frozen=True, slots=True)
class Trace:
    """One tagged tiyn's path from its allocation; `state` says where it is now."""

    unit: str
    program: str
    steps: Rows[TraceStep]
    state: str

    def to_arrow(self) -> Any:
        """The steps as an Arrow table."""
        return self.steps.to_arrow()


@dataclass(frozen=True, slots=True)
class Participant:
    participant: str
    name: str
    role: str
    region: str | None


@dataclass(frozen=True, slots=True)
class Movement:
    """An allocation or a payment, applied or refused; `outcome` says where applied money
    went (held, spent, returned); `seq` is the order the ledger applied them in."""

    movement: str
    kind: str
    program: str
    payer: str
    payee: str
    amount: Decimal
    at: datetime
    status: str
    outcome: str | None
    purpose_ref: str | None
    settles: str | None
    seq: int


@dataclass(frozen=True, slots=True)
class BalanceStep:
    """A holder's balance after one movement that changed it (valid until its next step)."""

    program: str
    participant: str
    at: datetime
    seq: int
    held: Decimal


@dataclass(frozen=True, slots=True)
class Delivery:
    """Money arriving with a holder that must pass it on within `idle_limit_days`."""

    delivery: str
    program: str
    holder: str
    amount: Decimal
    at: datetime
    idle_limit_days: int
    passed_on_in_time: Decimal


@dataclass(frozen=True, slots=True)
class RuleTotal:
    rule: str
    count: int
    refused: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class LoadSummary:
    mode: str
    records: Mapping[str, int]
    skipped: int
    applied: int
    refused: int


T = TypeVar("T")


def _arrow_type(pa: Any, cls: type, name: str, annotation: str) -> Any:
    special: dict[str, Any] = getattr(cls, "ARROW", {})
    if name in special:
        return special[name](pa)
    base = annotation.replace(" | None", "")
    simple: dict[str, Any] = {
        "str": pa.string(),
        "int": pa.int64(),
        "Decimal": ARROW_TYPES["AMOUNT"](pa),
        "datetime": ARROW_TYPES["INSTANT"](pa),
        "Mapping[str, Any]": pa.string(),
        "Mapping[str, int]": pa.string(),
    }
    if base not in simple:
        raise TypeError(f"{cls.__name__}.{name}: no Arrow type for {annotation}")
    return simple[base]


AS_THEY_ARE = frozenset({"str", "str | None", "int", "int | None"})
"""Field types whose values are JSON-ready as they are."""


def _plain(value: Any, json_ready: bool) -> Any:
    if isinstance(value, Decimal):
        return str(value) if json_ready else value
    if isinstance(value, datetime):
        return iso(value) if json_ready else value
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value) if json_ready else json.dumps(dict(value), ensure_ascii=False)
    return value


class Rows(tuple[T, ...], Generic[T]):
    """An immutable sequence of results of one type, with conversions for analysis tools."""

    item: type

    def __new__(cls, item: type, rows: Iterable[T] = ()) -> Rows[T]:
        made = super().__new__(cls, rows)
        made.item = item
        return made

    def schema(self) -> Any:
        """The Arrow schema of `to_arrow()` (also for an empty result)."""
        import pyarrow as pa

        columns: list[Any] = []
        for f in fields(self.item):
            annotation = str(f.type)
            columns.append(pa.field(f.name, _arrow_type(pa, self.item, f.name, annotation)))
            if annotation.startswith("datetime"):
                columns.append(pa.field(f"{f.name}_offset_minutes", pa.int16()))
        return pa.schema(columns)

    def to_arrow(self) -> Any:
        """A `pyarrow.Table`, one column per field (see the module's note on types)."""
        import pyarrow as pa

        schema = self.schema()
        data: dict[str, list[Any]] = {name: [] for name in schema.names}
        names = [f.name for f in fields(self.item)]
        for row in self:
            for name in names:
                value = getattr(row, name)
                data[name].append(_plain(value, False))
                if isinstance(value, datetime):
                    data[f"{name}_offset_minutes"].append(offset_minutes(value))
        return pa.table(data, schema=schema)

    def to_dicts(self) -> list[dict[str, Any]]:
        """JSON-ready rows: amounts as `"1250000.50"`, instants as `2025-02-14T10:00:00+05:00`."""
        names = [f.name for f in fields(self.item)]
        # Fields whose type says they need no conversion are copied as they are (the findings of
        # a million payments are 12,000 rows of nine fields).
        plain = {f.name for f in fields(self.item) if str(f.type) in AS_THEY_ARE}
        return [
            {n: getattr(row, n) if n in plain else _plain(getattr(row, n), True) for n in names}
            for row in self
        ]
