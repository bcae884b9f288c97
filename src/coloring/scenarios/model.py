"""The scenario format: pydantic models of a scenario file (the boundary; see docs/scenarios.md).

Amounts are tenge as written by hand (`376000`, `1250000.50`, `100_000_000`) and become whole
tiyn; times are the contract's ISO 8601 (no offset means +05:00). Every model forbids unknown
fields, so a misspelt field is an error on its line rather than a silently ignored value.
`docs/scenario.schema.json` is generated from these models (`python -m coloring.scenarios.schema`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag

from coloring.domain.records import Mode, ProgramKind, Role
from coloring.domain.rules import Rule
from coloring.scenarios.values import (
    Count,
    Days,
    Id,
    NonEmpty,
    Percent,
    Route,
    Tenge,
    TengeOrZero,
    When,
)


def _finding(value: object) -> object:
    if isinstance(value, str):
        rule, _, subject = value.strip().partition(" ")
        if not subject.strip():
            raise ValueError("a finding is 'RULE SUBJECT', e.g. 'OFF_ROUTE T-7'")
        return {"rule": rule, "subject": subject.strip()}
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- cast ----------------------------------------------------------------------------------


class Participant(Strict):
    """Who can hold or receive money; keyed by participant id."""

    role: Role
    name: str | None = None
    region: str | None = None
    related_to: list[Id] = Field(default_factory=list, description="declared affiliation")


class Program(Strict):
    """What a colour means; keyed by program id. The rule settings may be changed by
    `parameters.programs.ID` and `--set programs.ID.FIELD=VALUE`."""

    kind: ProgramKind
    route: Route
    expires_at: When
    max_idle_days: Days
    name: str | None = None
    subsidy_cap_percent: Percent | None = None
    retention_days: Days | None = None
    price_tolerance_percent: Percent | None = None


class ReferencePrice(Strict):
    item: NonEmpty = Field(description="a species or an asset kind")
    price: Tenge
    valid_from: When
    region: NonEmpty = Field("*", description="'*' = any region")


# -- timeline ------------------------------------------------------------------------------


class Step(Strict):
    at: When
    note: str | None = Field(None, description="free text for the reader; ignored")


# A step's `from` and `to` as the analyst writes them: Python keywords, so each field takes its
# key by alias (`return`'s `to` may be left out, declared in place).
From = Annotated[Id, Field(alias="from")]
To = Annotated[Id, Field(alias="to")]


class Allocate(Step):
    """The budget issues coloured tenge: `from` is a treasury."""

    allocate: Id
    payer: From
    recipient: To
    amount: Tenge
    program: Id | None = None


class Lend(Step):
    """A loan agreement (the money moves with a `pay` step `for` the loan)."""

    lend: Id
    lender: From
    borrower: To
    amount: Tenge
    program: Id | None = None


class Animal(Strict):
    id: Id
    species: NonEmpty
    price: Tenge


class Purchase(Step):
    """A purchase contract for animals."""

    purchase: Id
    buyer: Id
    seller: Id
    animals: list[Animal] = Field(default_factory=list)
    program: Id | None = None


class Register(Step):
    """Registry: the animal is registered to `owner` (any id, not only a participant)."""

    animal: Id = Field(alias="register")
    owner: Id
    species: str | None = Field(None, description="default: from a purchase of the animal")


class TransferOwnership(Step):
    """Registry: ownership of the animal passes `to` another owner."""

    transfer_ownership: Id
    owner: To
    species: str | None = None


class Dispose(Step):
    """Registry: the animal is disposed of (slaughtered, died)."""

    dispose: Id
    species: str | None = None


class Export(Step):
    """Registry: the animal leaves the country."""

    export: Id
    species: str | None = None


class Asset(Strict):
    id: Id
    kind: NonEmpty
    value: Tenge


class ApproveSubsidy(Step):
    approve_subsidy: Id
    applicant: Id
    supplier: Id
    asset: Asset
    amount: Tenge
    program: Id | None = None


class SignContract(Step):
    sign_contract: Id
    customer: Id
    contractor: Id
    value: Tenge
    parent: Id | None = Field(None, description="the contract this one subcontracts")
    program: Id | None = None


class AcceptAct(Step):
    """Work accepted under a contract."""

    accept_act: Id
    contract: Id
    amount: Tenge


class Pay(Step):
    pay: Id
    payer: From
    payee: To
    amount: Tenge
    purpose_ref: str | None = Field(None, alias="for", description="loan/purchase/subsidy/contract")
    program: Id | None = None


class Return(Step):
    """Pay coloured money back to a treasury (`to` defaults to the only treasury)."""

    return_: Id = Field(alias="return")
    payer: From
    payee: Id | None = Field(None, alias="to")
    amount: Tenge
    program: Id | None = None


class AmendTerms(Step):
    """The program's expiry and/or idle limit change from `at` on (`coloring amend`): what
    came before stays judged under the old terms."""

    amend_terms: Id = Field(description="the program")
    reason: NonEmpty
    expires_at: When | None = None
    max_idle_days: Days | None = None


STEPS: dict[str, type[Step]] = {
    "allocate": Allocate,
    "lend": Lend,
    "purchase": Purchase,
    "register": Register,
    "transfer_ownership": TransferOwnership,
    "dispose": Dispose,
    "export": Export,
    "approve_subsidy": ApproveSubsidy,
    "sign_contract": SignContract,
    "accept_act": AcceptAct,
    "pay": Pay,
    "return": Return,
    "amend_terms": AmendTerms,
}


def step_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        kinds = [k for k in STEPS if k in value]
    else:
        kinds = [k for k, cls in STEPS.items() if isinstance(value, cls)]
    return kinds[0] if len(kinds) == 1 else None


AnyStep = Annotated[
    Annotated[Allocate, Tag("allocate")]
    | Annotated[Lend, Tag("lend")]
    | Annotated[Purchase, Tag("purchase")]
    | Annotated[Register, Tag("register")]
    | Annotated[TransferOwnership, Tag("transfer_ownership")]
    | Annotated[Dispose, Tag("dispose")]
    | Annotated[Export, Tag("export")]
    | Annotated[ApproveSubsidy, Tag("approve_subsidy")]
    | Annotated[SignContract, Tag("sign_contract")]
    | Annotated[AcceptAct, Tag("accept_act")]
    | Annotated[Pay, Tag("pay")]
    | Annotated[Return, Tag("return")]
    | Annotated[AmendTerms, Tag("amend_terms")],
    Discriminator(
        step_kind,
        custom_error_type="step_kind",
        custom_error_message="a step is a mapping with `at` and exactly one of: "
        + ", ".join(STEPS),
    ),
]


# -- other sources -------------------------------------------------------------------------


class Generate(Strict):
    """Settings of `coloring.pilot.generator.generate` (a synthetic pilot folder)."""

    seed: int = 1
    farmers: int = Field(200, ge=1)
    scale: float = Field(1.0, gt=0)
    misuse_rate: float = Field(0.05, ge=0, le=1)


# -- parameters and expectations -------------------------------------------------------------


class ProgramParameters(Strict):
    """Replaces these settings of the program (null removes an optional one)."""

    expires_at: When | None = None
    max_idle_days: Days | None = None
    subsidy_cap_percent: Percent | None = None
    retention_days: Days | None = None
    price_tolerance_percent: Percent | None = None


class Parameters(Strict):
    """What `--set PATH=VALUE` changes: `mode`, `as_of`, `programs.ID.FIELD`."""

    mode: Mode = Mode.OBSERVE
    as_of: When | None = Field(None, description="evaluation instant; default the latest record")
    programs: dict[Id, ProgramParameters] = Field(default_factory=dict)


class ExpectedFinding(Strict):
    rule: Rule
    subject: NonEmpty
    status: Literal["open", "refused"] | None = None
    amount: Tenge | None = None


class ProgramExpectation(Strict):
    """Amounts of the report's utilisation table (tenge); only those given are checked."""

    allocated: TengeOrZero | None = None
    spent: TengeOrZero | None = None
    on_purpose: TengeOrZero | None = None
    misused: TengeOrZero | None = None
    idle: TengeOrZero | None = None
    returned: TengeOrZero | None = None
    held: TengeOrZero | None = None
    blocked: TengeOrZero | None = None


class Payments(Strict):
    applied: Count | None = None
    refused: Count | None = None


class Expect(Strict):
    findings: (
        list[
            Annotated[
                ExpectedFinding,
                BeforeValidator(_finding, json_schema_input_type=str | ExpectedFinding),
            ]
        ]
        | None
    ) = Field(None, description="the exact set of findings: 'RULE SUBJECT' or {rule, subject, ...}")
    finding_counts: dict[Rule, Count] | None = Field(
        None, description="findings per rule; a rule not listed is expected to have none"
    )
    balances: dict[Id, dict[Id, TengeOrZero]] | None = Field(
        None, description="held per program and holder; holders not listed hold nothing"
    )
    planted: bool = Field(
        False, description="generate only: the findings are exactly the generator's planted.json"
    )
    programs: dict[Id, ProgramExpectation] | None = None
    payments: Payments | None = None


class Scenario(Strict):
    """A scenario: a cast and a timeline (or a pilot folder, or generator settings), the
    parameters under study, and what the replay must show."""

    title: str | None = None
    description: str | None = None
    participants: dict[Id, Participant] = Field(default_factory=dict)
    programs: dict[Id, Program] = Field(default_factory=dict)
    reference_prices: list[ReferencePrice] = Field(default_factory=list)
    timeline: list[AnyStep] | None = None
    pilot: str | None = Field(None, description="a pilot folder, relative to the scenario file")
    generate: Generate | None = None
    parameters: Parameters = Field(default_factory=Parameters)
    expect: Expect = Field(default_factory=Expect)
