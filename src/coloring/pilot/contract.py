"""The pilot data contract, row by row: one pydantic model per CSV file (section 2).

Each model validates the text cells of one row (the reader passes only the non-empty cells;
an optional cell that is empty is simply absent) and turns it into the domain record with
`to_record()`. Cross-row rules (unique ids, references, subcontracts) live in `checks`.
Every validator raises `ValueError` with a message a user can act on; the reader turns it into
`file:line: column: reason`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationInfo, field_validator

from coloring.domain.money import parse_tiyn
from coloring.domain.records import (
    DEFAULT_PRICE_TOLERANCE,
    ActRecord,
    AllocationRecord,
    AnimalRecord,
    ContractRecord,
    LoanRecord,
    ParticipantRecord,
    ProgramKind,
    ProgramRecord,
    PurchaseRecord,
    ReferencePriceRecord,
    RegistryEvent,
    RegistryRecord,
    Role,
    SubsidyRecord,
    TransferRecord,
)
from coloring.domain.time import MAX_DAYS, Instant, InvalidTimeError, parse_instant

_ID_RE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_DAYS_RE = re.compile(r"[0-9]+")
_PERCENT_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")

ROLE_LIST = ", ".join(r.value for r in Role)
KIND_LIST = ", ".join(k.value for k in ProgramKind)
EVENT_LIST = ", ".join(e.value for e in RegistryEvent)
_ROLES = {r.value for r in Role}
_KINDS = {k.value for k in ProgramKind}
_EVENTS = {e.value for e in RegistryEvent}
_OWNERLESS = {RegistryEvent.DISPOSED.value, RegistryEvent.EXPORTED.value}


def is_id(text: str) -> bool:
    return _ID_RE.fullmatch(text) is not None


def parse_id(text: str) -> str:
    if _ID_RE.fullmatch(text) is None:
        raise ValueError(f"{text!r} is not an id (1 to 64 characters of A-Z a-z 0-9 . _ : -)")
    return text


_TIMES: dict[str, Instant] = {}
_DAYS: dict[str, Instant] = {}


def parse_time(text: str) -> Instant:
    """`parse_instant`, ASCII only, with small caches: exports repeat their instants, and
    their days (with offset) even more."""
    instant = _TIMES.get(text)
    if instant is not None:
        return instant
    if not text.isascii():  # the time pattern's \d would accept non-ASCII digits
        raise InvalidTimeError(
            f"{text!r} is not a time of the form YYYY-MM-DD[THH:MM[:SS[.ffffff]]][Z|+HH:MM]"
        )
    instant = _full_form(text) or parse_instant(text)
    if len(_TIMES) >= 4096:
        _TIMES.clear()
    _TIMES[text] = instant
    return instant


def _full_form(text: str) -> Instant | None:
    """`YYYY-MM-DDTHH:MM:SS+HH:MM` (the usual form, ASCII) from its day's midnight, which
    `parse_instant` parses once per day and offset; None for any other text or a time out
    of range, which `parse_instant` then parses (or explains)."""
    if len(text) != 25 or text[10] != "T" or text[13] != ":" or text[16] != ":":
        return None
    hh, mm, ss = text[11:13], text[14:16], text[17:19]
    if not (hh.isdigit() and mm.isdigit() and ss.isdigit()):
        return None
    h, m, sec = int(hh), int(mm), int(ss)
    if h > 23 or m > 59 or sec > 59:
        return None
    day_key = text[:10] + text[19:]
    midnight = _DAYS.get(day_key)
    if midnight is None:
        try:
            midnight = parse_instant(f"{text[:10]}T00:00:00{text[19:]}")
        except InvalidTimeError:
            return None
        if len(_DAYS) >= 4096:
            _DAYS.clear()
        _DAYS[day_key] = midnight
    return Instant(midnight.us + ((h * 60 + m) * 60 + sec) * 1_000_000, midnight.offset_minutes)


def parse_days(text: str) -> int:
    if _DAYS_RE.fullmatch(text) is None:
        raise ValueError(f"{text!r} is not a whole number of days (0 or more)")
    if int(text) > MAX_DAYS:
        raise ValueError(f"{text!r}: more than {MAX_DAYS} days is more than the ledger records")
    return int(text)


def parse_percent(text: str) -> Decimal:
    if _PERCENT_RE.fullmatch(text) is None:
        raise ValueError(f"{text!r} is not a percentage (a decimal number, 0 or more, e.g. 12.5)")
    return Decimal(text)


def parse_role(text: str) -> str:
    if text not in _ROLES:
        raise ValueError(f"{text!r} is not a role (expected one of {ROLE_LIST})")
    return text


def parse_kind(text: str) -> str:
    if text not in _KINDS:
        raise ValueError(f"{text!r} is not a program kind (expected one of {KIND_LIST})")
    return text


def parse_event(text: str) -> str:
    if text not in _EVENTS:
        raise ValueError(f"{text!r} is not a registry event (expected one of {EVENT_LIST})")
    return text


def parse_route(text: str) -> tuple[tuple[str, str], ...]:
    """`treasury>operator operator>bank` -> (("treasury", "operator"), ("operator", "bank"))."""
    hops: dict[tuple[str, str], None] = {}
    for hop in text.split():
        source, sep, target = hop.partition(">")
        if not sep or ">" in target:
            raise ValueError(f"route hop {hop!r} is not of the form role>role")
        for role in (source, target):
            if role not in _ROLES:
                raise ValueError(
                    f"route hop {hop!r}: {role!r} is not a role (expected one of {ROLE_LIST})"
                )
        hops[(source, target)] = None
    if not hops:
        raise ValueError("a route needs at least one hop role>role")
    return tuple(hops)


def split_id_list(text: str) -> list[str]:
    """The items of a `;`-separated list; blanks around items and empty items are ignored."""
    return [item.strip() for item in text.split(";") if item.strip()]


def parse_id_list(text: str) -> tuple[str, ...]:
    items = split_id_list(text)
    for item in items:
        parse_id(item)
    return tuple(dict.fromkeys(items))


Id = Annotated[str, PlainValidator(parse_id)]
Amount = Annotated[int, PlainValidator(parse_tiyn)]
Time = Annotated[Instant, PlainValidator(parse_time)]
Days = Annotated[int, PlainValidator(parse_days)]
Percent = Annotated[Decimal, PlainValidator(parse_percent)]
RoleName = Annotated[str, PlainValidator(parse_role)]
KindName = Annotated[str, PlainValidator(parse_kind)]
EventName = Annotated[str, PlainValidator(parse_event)]
Route = Annotated[tuple[tuple[str, str], ...], PlainValidator(parse_route)]
IdList = Annotated[tuple[str, ...], PlainValidator(parse_id_list)]


class Row(BaseModel):
    """One CSV row. Fields are the file's columns; fields with a default are optional cells."""

    model_config = ConfigDict(frozen=True)

    def to_record(self) -> Any:
        raise NotImplementedError


def _not_payer(value: str, info: ValidationInfo, payer_column: str = "payer") -> str:
    if info.data.get(payer_column) == value:
        raise ValueError(f"{value!r} is also the payer: a payment must go to someone else")
    return value


class ParticipantRow(Row):
    participant_id: Id
    name: str
    role: RoleName
    region: str | None = None
    related_to: IdList = ()

    def to_record(self) -> ParticipantRecord:
        # The relation is not reflexive: a participant listing itself adds nothing.
        related = tuple(p for p in self.related_to if p != self.participant_id)
        return ParticipantRecord(self.participant_id, self.name, self.role, self.region, related)


class ProgramRow(Row):
    program_id: Id
    name: str
    kind: KindName
    route: Route
    expires_at: Time
    max_idle_days: Days
    subsidy_cap_percent: Percent | None = None
    retention_days: Days | None = None
    price_tolerance_percent: Percent | None = None

    def to_record(self) -> ProgramRecord:
        tolerance = self.price_tolerance_percent
        return ProgramRecord(
            self.program_id,
            self.name,
            self.kind,
            self.route,
            self.expires_at,
            self.max_idle_days,
            self.subsidy_cap_percent,
            self.retention_days,
            DEFAULT_PRICE_TOLERANCE if tolerance is None else tolerance,
        )


class AllocationRow(Row):
    allocation_id: Id
    program_id: Id
    payer: Id
    recipient: Id
    amount: Amount
    allocated_at: Time

    @field_validator("recipient")
    @classmethod
    def _recipient_is_not_payer(cls, value: str, info: ValidationInfo) -> str:
        return _not_payer(value, info)

    def to_record(self) -> AllocationRecord:
        return AllocationRecord(
            self.allocation_id,
            self.program_id,
            self.payer,
            self.recipient,
            self.amount,
            self.allocated_at,
        )


class LoanRow(Row):
    loan_id: Id
    program_id: Id
    lender: Id
    borrower: Id
    amount: Amount
    issued_at: Time

    def to_record(self) -> LoanRecord:
        return LoanRecord(
            self.loan_id, self.program_id, self.lender, self.borrower, self.amount, self.issued_at
        )


class PurchaseRow(Row):
    purchase_id: Id
    program_id: Id
    buyer: Id
    seller: Id
    contracted_at: Time

    def to_record(self) -> PurchaseRecord:
        return PurchaseRecord(
            self.purchase_id, self.program_id, self.buyer, self.seller, self.contracted_at
        )


class PurchaseAnimalRow(Row):
    purchase_id: Id
    animal_id: Id
    species: str
    price: Amount

    def to_record(self) -> AnimalRecord:
        return AnimalRecord(self.purchase_id, self.animal_id, self.species, self.price)


class SubsidyRow(Row):
    subsidy_id: Id
    program_id: Id
    applicant: Id
    supplier: Id
    asset_id: Id
    asset_kind: str
    asset_value: Amount
    amount: Amount
    approved_at: Time

    def to_record(self) -> SubsidyRecord:
        return SubsidyRecord(
            self.subsidy_id,
            self.program_id,
            self.applicant,
            self.supplier,
            self.asset_id,
            self.asset_kind,
            self.asset_value,
            self.amount,
            self.approved_at,
        )


class ContractRow(Row):
    contract_id: Id
    program_id: Id
    customer: Id
    contractor: Id
    value: Amount
    signed_at: Time
    parent_contract_id: Id | None = None

    def to_record(self) -> ContractRecord:
        return ContractRecord(
            self.contract_id,
            self.program_id,
            self.customer,
            self.contractor,
            self.value,
            self.signed_at,
            self.parent_contract_id,
        )


class ActRow(Row):
    act_id: Id
    contract_id: Id
    amount: Amount
    accepted_at: Time

    def to_record(self) -> ActRecord:
        return ActRecord(self.act_id, self.contract_id, self.amount, self.accepted_at)


class RegistryRow(Row):
    animal_id: Id
    species: str
    event: EventName
    # Required for registered/transferred, ignored (None, not even checked) otherwise.
    owner: str | None = Field(default=None, validate_default=True)
    at: Time

    @field_validator("owner", mode="wrap")
    @classmethod
    def _owner_by_event(cls, value: Any, handler: Any, info: ValidationInfo) -> str | None:
        event = info.data.get("event")
        if event in _OWNERLESS:
            return None
        if value is None:
            if event is None:  # the event itself is wrong; that is its own error
                return None
            raise ValueError(f"a value is required when event is {event!r}")
        return parse_id(value)

    def to_record(self) -> RegistryRecord:
        return RegistryRecord(self.animal_id, self.species, self.event, self.owner, self.at)


class ReferencePriceRow(Row):
    item: str
    region: str
    price: Amount
    valid_from: Time

    def to_record(self) -> ReferencePriceRecord:
        return ReferencePriceRecord(self.item, self.region, self.price, self.valid_from)


class TransferRow(Row):
    transfer_id: Id
    at: Time
    program_id: Id
    payer: Id
    payee: Id
    amount: Amount
    purpose_ref: str | None = None  # free text, never an input error

    @field_validator("payee")
    @classmethod
    def _payee_is_not_payer(cls, value: str, info: ValidationInfo) -> str:
        return _not_payer(value, info)

    def to_record(self) -> TransferRecord:
        return TransferRecord(
            self.transfer_id,
            self.at,
            self.program_id,
            self.payer,
            self.payee,
            self.amount,
            self.purpose_ref,
        )


@dataclass(frozen=True)
class FileSpec:
    """What the reader needs to know about one file of section 2."""

    name: str
    model: type[Row]
    id_column: str | None = None
    participant_columns: tuple[str, ...] = ()
    program_column: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.model.model_fields)

    @property
    def shared_columns(self) -> tuple[str, ...]:
        """Columns naming participants or programs: their texts are stored once per read."""
        program = () if self.program_column is None else (self.program_column,)
        return (*self.participant_columns, *program)

    @property
    def required(self) -> frozenset[str]:
        """Columns that must be in the header and whose cells must not be empty."""
        return frozenset(n for n, f in self.model.model_fields.items() if f.is_required())


_P = "program_id"
FILES: dict[str, FileSpec] = {
    s.name: s
    for s in (
        FileSpec("participants.csv", ParticipantRow, "participant_id"),
        FileSpec("programs.csv", ProgramRow, "program_id"),
        FileSpec("allocations.csv", AllocationRow, "allocation_id", ("payer", "recipient"), _P),
        FileSpec("loans.csv", LoanRow, "loan_id", ("lender", "borrower"), _P),
        FileSpec("purchases.csv", PurchaseRow, "purchase_id", ("buyer", "seller"), _P),
        FileSpec("purchase_animals.csv", PurchaseAnimalRow),
        FileSpec("subsidies.csv", SubsidyRow, "subsidy_id", ("applicant", "supplier"), _P),
        FileSpec("contracts.csv", ContractRow, "contract_id", ("customer", "contractor"), _P),
        FileSpec("acts.csv", ActRow, "act_id"),
        FileSpec("registry.csv", RegistryRow),
        FileSpec("reference_prices.csv", ReferencePriceRow),
        FileSpec("transfers.csv", TransferRow, "transfer_id", ("payer", "payee"), _P),
    )
}
"""The files of section 2, in the order the contract lists them."""

REQUIRED_FILES = ("participants.csv", "programs.csv")

DOCUMENT_FILES: dict[str, str] = {
    "loans.csv": "loan",
    "purchases.csv": "purchase",
    "subsidies.csv": "subsidy",
    "contracts.csv": "contract",
}
"""Document files and their kind, in the order of section 7.8 (the later one gets the error)."""
