"""The pilot data contract, row by row: one pydantic model per CSV file (section 2).

Each model validates the text cells of one row, each by its parser in `cells` (the reader
passes only the non-empty cells; an optional cell that is empty is simply absent), and turns it
into the domain record with `to_record()`. Cross-row rules (unique ids, references,
subcontracts) live in `checks`. Every validator raises `ValueError` with a message a user can
act on; the reader turns it into `file:line: column: reason`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from coloring.domain import records
from coloring.pilot.cells import (
    OWNERLESS,
    Amount,
    Days,
    EventName,
    Id,
    IdList,
    KindName,
    Percent,
    RoleName,
    Route,
    Time,
    parse_id,
)


class Row(BaseModel):
    """One CSV row. Fields are the file's columns; fields with a default are optional cells.

    The row's fields, in their order, are the first fields of its `record` (as `columns` builds
    records from a page's columns); a model whose record wants more says so in `to_record`."""

    model_config = ConfigDict(frozen=True)
    record: ClassVar[type[Any]]

    def to_record(self) -> Any:
        return self.record(*(getattr(self, name) for name in type(self).model_fields))


def _not_payer(value: str, info: ValidationInfo, payer_column: str = "payer") -> str:
    if info.data.get(payer_column) == value:
        raise ValueError(f"{value!r} is also the payer: a payment must go to someone else")
    return value


class ParticipantRow(Row):
    record = records.ParticipantRecord

    participant_id: Id
    name: str
    role: RoleName
    region: str | None = None
    related_to: IdList = ()

    def to_record(self) -> records.ParticipantRecord:
        # The relation is not reflexive: a participant listing itself adds nothing.
        related = tuple(p for p in self.related_to if p != self.participant_id)
        return records.ParticipantRecord(
            self.participant_id, self.name, self.role, self.region, related
        )


class ProgramRow(Row):
    record = records.ProgramRecord

    program_id: Id
    name: str
    kind: KindName
    route: Route
    expires_at: Time
    max_idle_days: Days
    subsidy_cap_percent: Percent | None = None
    retention_days: Days | None = None
    price_tolerance_percent: Percent | None = None

    def to_record(self) -> records.ProgramRecord:
        tolerance = self.price_tolerance_percent
        return records.ProgramRecord(
            self.program_id,
            self.name,
            self.kind,
            self.route,
            self.expires_at,
            self.max_idle_days,
            self.subsidy_cap_percent,
            self.retention_days,
            records.DEFAULT_PRICE_TOLERANCE if tolerance is None else tolerance,
        )


class AllocationRow(Row):
    record = records.AllocationRecord

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


class LoanRow(Row):
    record = records.LoanRecord

    loan_id: Id
    program_id: Id
    lender: Id
    borrower: Id
    amount: Amount
    issued_at: Time


class PurchaseRow(Row):
    record = records.PurchaseRecord

    purchase_id: Id
    program_id: Id
    buyer: Id
    seller: Id
    contracted_at: Time


class PurchaseAnimalRow(Row):
    record = records.AnimalRecord

    purchase_id: Id
    animal_id: Id
    species: str
    price: Amount


class SubsidyRow(Row):
    record = records.SubsidyRecord

    subsidy_id: Id
    program_id: Id
    applicant: Id
    supplier: Id
    asset_id: Id
    asset_kind: str
    asset_value: Amount
    amount: Amount
    approved_at: Time


class ContractRow(Row):
    record = records.ContractRecord

    contract_id: Id
    program_id: Id
    customer: Id
    contractor: Id
    value: Amount
    signed_at: Time
    parent_contract_id: Id | None = None


class ActRow(Row):
    record = records.ActRecord

    act_id: Id
    contract_id: Id
    amount: Amount
    accepted_at: Time


class RegistryRow(Row):
    record = records.RegistryRecord

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
        if event in OWNERLESS:
            return None
        if value is None:
            if event is None:  # the event itself is wrong; that is its own error
                return None
            raise ValueError(f"a value is required when event is {event!r}")
        return parse_id(value)


class ReferencePriceRow(Row):
    record = records.ReferencePriceRecord

    item: str
    region: str
    price: Amount
    valid_from: Time


class TransferRow(Row):
    record = records.TransferRecord

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
