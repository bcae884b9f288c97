"""The pilot data contract, row by row: one pydantic model per CSV file (section 2).

Each model validates the text cells of one row, each by its parser in `cells` (the reader
passes only the non-empty cells; an optional cell that is empty is simply absent), and turns it
into the domain record with `to_record()`. Cross-row rules (unique ids, references,
subcontracts) live in `checks`. Every validator raises `ValueError` with a message a user can
act on; the reader turns it into `file:line: column: reason`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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

    def to_record(self) -> records.ParticipantRecord:
        # The relation is not reflexive: a participant listing itself adds nothing.
        related = tuple(p for p in self.related_to if p != self.participant_id)
        return records.ParticipantRecord(
            self.participant_id, self.name, self.role, self.region, related
        )


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

    def to_record(self) -> records.AllocationRecord:
        return records.AllocationRecord(
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

    def to_record(self) -> records.LoanRecord:
        return records.LoanRecord(
            self.loan_id, self.program_id, self.lender, self.borrower, self.amount, self.issued_at
        )


class PurchaseRow(Row):
    purchase_id: Id
    program_id: Id
    buyer: Id
    seller: Id
    contracted_at: Time

    def to_record(self) -> records.PurchaseRecord:
        return records.PurchaseRecord(
            self.purchase_id, self.program_id, self.buyer, self.seller, self.contracted_at
        )


class PurchaseAnimalRow(Row):
    purchase_id: Id
    animal_id: Id
    species: str
    price: Amount

    def to_record(self) -> records.AnimalRecord:
        return records.AnimalRecord(self.purchase_id, self.animal_id, self.species, self.price)


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

    def to_record(self) -> records.SubsidyRecord:
        return records.SubsidyRecord(
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

    def to_record(self) -> records.ContractRecord:
        return records.ContractRecord(
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

    def to_record(self) -> records.ActRecord:
        return records.ActRecord(self.act_id, self.contract_id, self.amount, self.accepted_at)


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
        if event in OWNERLESS:
            return None
        if value is None:
            if event is None:  # the event itself is wrong; that is its own error
                return None
            raise ValueError(f"a value is required when event is {event!r}")
        return parse_id(value)

    def to_record(self) -> records.RegistryRecord:
        return records.RegistryRecord(self.animal_id, self.species, self.event, self.owner, self.at)


class ReferencePriceRow(Row):
    item: str
    region: str
    price: Amount
    valid_from: Time

    def to_record(self) -> records.ReferencePriceRecord:
        return records.ReferencePriceRecord(self.item, self.region, self.price, self.valid_from)


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

    def to_record(self) -> records.TransferRecord:
        return records.TransferRecord(
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
