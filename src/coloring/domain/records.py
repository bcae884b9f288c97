"""The facts the ledger records, as plain values (the pilot contract's rows, already parsed).

Amounts are whole tiyn; instants are `Instant`. These are the inputs of the application's use
cases; the CSV boundary (`coloring.pilot`) produces them, scenarios and tests build them directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import get_args

from coloring.domain.time import Instant

# The contract's words for roles, program kinds, registry events and ledger modes, each written
# once: a StrEnum made from names takes each name in lower case as its value (`Role.FARMER` is
# "farmer").
Role = StrEnum(
    "Role",
    "TREASURY OPERATOR BANK FARMER SELLER LEASING_COMPANY DEALER CONTRACTOR SUBCONTRACTOR "
    "SUPPLIER SCHOOL OTHER",
)
ROLES = frozenset(r.value for r in Role)
ProgramKind = StrEnum("ProgramKind", "LIVESTOCK SUBSIDY CONTRACT")
RegistryEvent = StrEnum("RegistryEvent", "REGISTERED TRANSFERRED DISPOSED EXPORTED")
Mode = StrEnum("Mode", "OBSERVE ENFORCE")


DEFAULT_PRICE_TOLERANCE = Decimal(20)


@dataclass(frozen=True, slots=True)
class ParticipantRecord:
    participant_id: str
    name: str
    role: str
    region: str | None = None
    related_to: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProgramRecord:
    program_id: str
    name: str
    kind: str
    route: tuple[tuple[str, str], ...]
    expires_at: Instant
    max_idle_days: int
    subsidy_cap_percent: Decimal | None = None
    retention_days: int | None = None
    price_tolerance_percent: Decimal = DEFAULT_PRICE_TOLERANCE


@dataclass(frozen=True, slots=True)
class AllocationRecord:
    allocation_id: str
    program_id: str
    payer: str
    recipient: str
    amount: int
    at: Instant


@dataclass(frozen=True, slots=True)
class LoanRecord:
    loan_id: str
    program_id: str
    lender: str
    borrower: str
    amount: int
    at: Instant


@dataclass(frozen=True, slots=True)
class AnimalRecord:
    """One row of purchase_animals.csv."""

    purchase_id: str
    animal_id: str
    species: str
    price: int


@dataclass(frozen=True, slots=True)
class PurchaseRecord:
    purchase_id: str
    program_id: str
    buyer: str
    seller: str
    at: Instant
    animals: tuple[AnimalRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class SubsidyFields:
    """A subsidy's fields but its instant: what its record and the row the subsidy rules judge
    (`projections.docrules.SubsidyDoc`, with the instant as stored) both hold."""

    subsidy_id: str
    program_id: str
    applicant: str
    supplier: str
    asset_id: str
    asset_kind: str
    asset_value: int
    amount: int


@dataclass(frozen=True, slots=True)
class SubsidyRecord(SubsidyFields):
    at: Instant


@dataclass(frozen=True, slots=True)
class ContractRecord:
    contract_id: str
    program_id: str
    customer: str
    contractor: str
    value: int
    at: Instant
    parent_contract_id: str | None = None


@dataclass(frozen=True, slots=True)
class ActRecord:
    act_id: str
    contract_id: str
    amount: int
    at: Instant


@dataclass(frozen=True, slots=True)
class RegistryRecord:
    animal_id: str
    species: str
    event: str
    owner: str | None
    at: Instant


@dataclass(frozen=True, slots=True)
class ReferencePriceRecord:
    item: str
    region: str
    price: int
    valid_from: Instant


@dataclass(frozen=True, slots=True)
class TransferRecord:
    transfer_id: str
    at: Instant
    program_id: str
    payer: str
    payee: str
    amount: int
    purpose_ref: str | None = None


@dataclass(frozen=True, slots=True)
class TermsAmendment:
    """A change of a program's money terms from `at` on (not a pilot file: an operator's act).

    Only the terms a tagged unit lives by can change: its expiry and its idle limit. Route, kind
    and the document terms stay as registered; another policy is another program (colour).
    """

    program_id: str
    at: Instant
    reason: str
    expires_at: Instant | None = None
    max_idle_days: int | None = None


# Section 3: at one instant, allocations, loans, subsidies, contracts, purchases, registry,
# acts, transfers; within a file, row order. The union lists the kinds in that order and
# `DATED_ORDER` numbers them from it, so the order is written once.
DatedRecord = (
    AllocationRecord
    | LoanRecord
    | SubsidyRecord
    | ContractRecord
    | PurchaseRecord
    | RegistryRecord
    | ActRecord
    | TransferRecord
)
DATED_ORDER: dict[type, int] = {kind: rank for rank, kind in enumerate(get_args(DatedRecord))}

PILOT_RECORDS: tuple[type, ...] = (
    ActRecord,
    AllocationRecord,
    AnimalRecord,
    ContractRecord,
    LoanRecord,
    ParticipantRecord,
    ProgramRecord,
    PurchaseRecord,
    ReferencePriceRecord,
    RegistryRecord,
    SubsidyRecord,
    TransferRecord,
)
"""Every kind of record a pilot folder holds (what the record index digests)."""
