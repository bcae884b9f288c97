"""From a validated scenario to the ledger's records, in the spec's order; and the checks that
make a scenario replayable (the same input errors as the pilot contract, on scenario lines).

Order (section 3): participants, programs and reference prices first; then the timeline by
instant, at one instant allocations, loans, subsidies, contracts, purchases, registry, acts,
transfers, and within a kind the order of the file.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from coloring.domain.records import (
    DATED_ORDER,
    DEFAULT_PRICE_TOLERANCE,
    ActRecord,
    AllocationRecord,
    AnimalRecord,
    ContractRecord,
    DatedRecord,
    LoanRecord,
    ParticipantRecord,
    ProgramRecord,
    PurchaseRecord,
    ReferencePriceRecord,
    RegistryRecord,
    SubsidyRecord,
    TermsAmendment,
    TransferRecord,
)
from coloring.domain.time import Instant
from coloring.scenarios import model as m
from coloring.scenarios.source import Document, Issue, ScenarioError

SOURCES = ("timeline", "pilot", "generate")
Sourced = tuple[Any, str]  # (record, "file:line")


@dataclass
class Plan:
    """The records of a timeline scenario, in the order they are applied."""

    undated: list[Sourced] = field(default_factory=list)
    dated: list[Sourced] = field(default_factory=list)


def source_kind(doc: Document, sc: m.Scenario) -> str:
    """Which of `timeline`, `pilot` and `generate` the scenario uses (exactly one)."""
    given = [k for k in SOURCES if getattr(sc, k) is not None]
    if len(given) != 1:
        found = ", ".join(given) or "none"
        raise ScenarioError(
            [doc.issue((), f"give exactly one of timeline, pilot, generate (found {found})")]
        )
    kind = given[0]
    if kind != "timeline":
        extra = [k for k in ("participants", "programs", "reference_prices") if getattr(sc, k)]
        if extra:
            raise ScenarioError(
                [
                    doc.issue(
                        (k,),
                        f"comes from the {kind} folder; change program settings with "
                        "parameters.programs",
                    )
                    for k in extra
                ]
            )
    return kind


def _program_record(pid: str, p: m.Program, over: m.ProgramParameters | None) -> ProgramRecord:
    values: dict[str, Any] = {
        "expires_at": p.expires_at,
        "max_idle_days": p.max_idle_days,
        "subsidy_cap_percent": p.subsidy_cap_percent,
        "retention_days": p.retention_days,
        "price_tolerance_percent": p.price_tolerance_percent,
    }
    if over is not None:
        values.update({k: getattr(over, k) for k in over.model_fields_set})
    return ProgramRecord(
        program_id=pid,
        name=p.name or pid,
        kind=p.kind.value,
        route=p.route,
        expires_at=values["expires_at"],
        max_idle_days=values["max_idle_days"],
        subsidy_cap_percent=values["subsidy_cap_percent"],
        retention_days=values["retention_days"],
        price_tolerance_percent=values["price_tolerance_percent"] or DEFAULT_PRICE_TOLERANCE,
    )


def check_program_parameters(doc: Document, sc: m.Scenario, known: set[str]) -> None:
    issues = [
        doc.issue(
            ("parameters", "programs", pid),
            f"unknown program {pid!r} (programs: {', '.join(sorted(known)) or 'none'})",
        )
        for pid in sc.parameters.programs
        if pid not in known
    ]
    for pid, over in sc.parameters.programs.items():
        if pid in known and "max_idle_days" in over.model_fields_set and over.max_idle_days is None:
            issues.append(
                doc.issue(("parameters", "programs", pid, "max_idle_days"), "cannot be removed")
            )
        if pid in known and "expires_at" in over.model_fields_set and over.expires_at is None:
            issues.append(
                doc.issue(("parameters", "programs", pid, "expires_at"), "cannot be removed")
            )
    if issues:
        raise ScenarioError(issues)


class _Timeline:
    """Checks the references of a timeline and builds its records."""

    def __init__(self, doc: Document, sc: m.Scenario) -> None:
        self.doc = doc
        self.sc = sc
        self.issues: list[Issue] = []
        self.treasuries = [p for p, v in sc.participants.items() if v.role.value == "treasury"]
        self.seen: dict[str, dict[str, tuple[Any, ...]]] = {
            "movement": {},
            "document": {},
            "act": {},
        }
        self.contracts: dict[str, tuple[tuple[int, int, int], str, str]] = {}
        self.species: dict[str, str] = {}

    def issue(self, path: tuple[Any, ...], message: str) -> None:
        self.issues.append(self.doc.issue(path, message))

    def party(self, i: int, name: str, pid: str) -> None:
        if pid not in self.sc.participants:
            self.issue(
                ("timeline", i, name), f"unknown participant {pid!r} (declare it in participants)"
            )

    def program(self, i: int, step: Any) -> str:
        pid: str | None = step.program
        if pid is None:
            if len(self.sc.programs) == 1:
                return next(iter(self.sc.programs))
            self.issue(("timeline", i, "program"), "required when there are several programs")
            return ""
        if pid not in self.sc.programs:
            self.issue(("timeline", i, "program"), f"unknown program {pid!r}")
        return pid

    def unique(self, kind: str, i: int, name: str, key: str) -> None:
        first = self.seen[kind].get(key)
        if first is not None:
            where = self.doc.where(first)
            self.issue(("timeline", i, name), f"{key!r} is already used ({where})")
        else:
            self.seen[kind][key] = ("timeline", i, name)

    def record(
        self, i: int, step: Any, order: tuple[int, int, int]
    ) -> DatedRecord | TermsAmendment:
        at: Instant = step.at
        if isinstance(step, m.Allocate):
            return self.allocation(i, step)
        if isinstance(step, m.Lend):
            self.unique("document", i, "lend", step.lend)
            self.party(i, "from", step.lender)
            self.party(i, "to", step.borrower)
            return LoanRecord(
                step.lend, self.program(i, step), step.lender, step.borrower, step.amount, at
            )
        if isinstance(step, m.Purchase):
            return self.purchase(i, step)
        if isinstance(step, m.ApproveSubsidy):
            self.unique("document", i, "approve_subsidy", step.approve_subsidy)
            self.party(i, "applicant", step.applicant)
            self.party(i, "supplier", step.supplier)
            return SubsidyRecord(
                step.approve_subsidy,
                self.program(i, step),
                step.applicant,
                step.supplier,
                step.asset.id,
                step.asset.kind,
                step.asset.value,
                step.amount,
                at,
            )
        if isinstance(step, m.SignContract):
            return self.contract(i, step, order)
        if isinstance(step, m.AcceptAct):
            self.unique("act", i, "accept_act", step.accept_act)
            signed = self.contracts.get(step.contract)
            if signed is None or signed[0] > order:
                self.issue(
                    ("timeline", i, "contract"), f"no contract {step.contract!r} signed by then"
                )
            return ActRecord(step.accept_act, step.contract, step.amount, at)
        if isinstance(step, (m.Pay, m.Return)):
            return self.payment(i, step)
        if isinstance(step, m.AmendTerms):
            return self.amendment(i, step)
        return self.registry(i, step)

    def allocation(self, i: int, step: m.Allocate) -> AllocationRecord:
        self.unique("movement", i, "allocate", step.allocate)
        self.party(i, "from", step.payer)
        self.party(i, "to", step.recipient)
        if step.payer in self.sc.participants and step.payer not in self.treasuries:
            self.issue(("timeline", i, "from"), "an allocation is paid by a treasury")
        if step.payer == step.recipient:
            self.issue(("timeline", i, "to"), "the recipient is the payer")
        return AllocationRecord(
            step.allocate, self.program(i, step), step.payer, step.recipient, step.amount, step.at
        )

    def purchase(self, i: int, step: m.Purchase) -> PurchaseRecord:
        self.unique("document", i, "purchase", step.purchase)
        self.party(i, "buyer", step.buyer)
        self.party(i, "seller", step.seller)
        listed: set[str] = set()
        for k, a in enumerate(step.animals):
            if a.id in listed:
                self.issue(("timeline", i, "animals", k, "id"), "listed twice in one purchase")
            listed.add(a.id)
        animals = tuple(AnimalRecord(step.purchase, a.id, a.species, a.price) for a in step.animals)
        return PurchaseRecord(
            step.purchase, self.program(i, step), step.buyer, step.seller, step.at, animals
        )

    def amendment(self, i: int, step: m.AmendTerms) -> TermsAmendment:
        if step.amend_terms not in self.sc.programs:
            self.issue(("timeline", i, "amend_terms"), f"unknown program {step.amend_terms!r}")
        if step.expires_at is None and step.max_idle_days is None:
            self.issue(("timeline", i, "amend_terms"), "give expires_at, max_idle_days or both")
        if step.expires_at is not None and step.expires_at.us < step.at.us:
            self.issue(("timeline", i, "expires_at"), "before the amendment's own `at`")
        return TermsAmendment(
            step.amend_terms, step.at, step.reason, step.expires_at, step.max_idle_days
        )

    def contract(self, i: int, step: m.SignContract, order: tuple[int, int, int]) -> ContractRecord:
        self.unique("document", i, "sign_contract", step.sign_contract)
        self.party(i, "customer", step.customer)
        self.party(i, "contractor", step.contractor)
        program = self.program(i, step)
        if step.parent is not None:
            parent = self.contracts.get(step.parent)
            if parent is None or parent[0] > order:
                self.issue(("timeline", i, "parent"), f"no contract {step.parent!r} signed by then")
            elif parent[1] != program:
                self.issue(
                    ("timeline", i, "parent"), "a subcontract belongs to its parent's program"
                )
            elif parent[2] != step.customer:
                self.issue(
                    ("timeline", i, "customer"),
                    f"the customer of a subcontract is its parent's contractor ({parent[2]})",
                )
        self.contracts[step.sign_contract] = (order, program, step.contractor)
        return ContractRecord(
            step.sign_contract,
            program,
            step.customer,
            step.contractor,
            step.value,
            step.at,
            step.parent,
        )

    def payment(self, i: int, step: m.Pay | m.Return) -> TransferRecord:
        kind = "pay" if isinstance(step, m.Pay) else "return"
        tid = step.pay if isinstance(step, m.Pay) else step.return_
        self.unique("movement", i, kind, tid)
        self.party(i, "from", step.payer)
        payee = step.payee
        if isinstance(step, m.Return):
            if payee is None:
                if len(self.treasuries) != 1:
                    self.issue(("timeline", i, "to"), "required: name the treasury paid back")
                payee = self.treasuries[0] if self.treasuries else ""
            elif payee in self.sc.participants and payee not in self.treasuries:
                self.issue(("timeline", i, "to"), f"{payee!r} is not a treasury: use `pay`")
        assert payee is not None
        if payee:
            self.party(i, "to", payee)
        if payee == step.payer:
            self.issue(("timeline", i, "to"), "the payee is the payer")
        ref = step.purpose_ref if isinstance(step, m.Pay) else None
        return TransferRecord(
            tid, step.at, self.program(i, step), step.payer, payee, step.amount, ref
        )

    def registry(self, i: int, step: Any) -> RegistryRecord:
        owner: str | None = None
        if isinstance(step, m.Register):
            animal, event, owner = step.animal, "registered", step.owner
        elif isinstance(step, m.TransferOwnership):
            animal, event, owner = step.transfer_ownership, "transferred", step.owner
        elif isinstance(step, m.Dispose):
            animal, event = step.dispose, "disposed"
        else:
            animal, event = step.export, "exported"
        species = step.species or self.species.get(animal)
        if species is None:
            self.issue(("timeline", i, "species"), f"required: animal {animal!r} is in no purchase")
            species = "?"
        self.species.setdefault(animal, species)
        return RegistryRecord(animal, species, event, owner, step.at)


def plan_timeline(doc: Document, sc: m.Scenario) -> tuple[Plan, str]:
    """The records of a timeline scenario in the spec's order, and its mode."""
    check_program_parameters(doc, sc, set(sc.programs))
    t = _Timeline(doc, sc)
    issues = t.issues
    if not sc.participants:
        t.issue(("participants",), "a timeline needs participants")
    if not sc.programs:
        t.issue(("programs",), "a timeline needs programs")
    plan = Plan()
    for pid, p in sc.participants.items():
        for k, other in enumerate(p.related_to):
            if other not in sc.participants:
                t.issue(("participants", pid, "related_to", k), f"unknown participant {other!r}")
        record = ParticipantRecord(
            pid, p.name or pid, p.role.value, p.region, tuple(x for x in p.related_to if x != pid)
        )
        plan.undated.append((record, doc.where(("participants", pid))))
    for pid, prog in sc.programs.items():
        over = sc.parameters.programs.get(pid)
        plan.undated.append((_program_record(pid, prog, over), doc.where(("programs", pid))))
    for k, r in enumerate(sc.reference_prices):
        price = ReferencePriceRecord(r.item, r.region, r.price, r.valid_from)
        plan.undated.append((price, doc.where(("reference_prices", k))))
    steps = sc.timeline or []
    for step in steps:
        if isinstance(step, m.Purchase):
            for a in step.animals:
                t.species.setdefault(a.id, a.species)
    ordered = sorted(range(len(steps)), key=lambda i: _order(steps[i], i))
    for i in ordered:
        step = steps[i]
        order = _order(step, i)
        plan.dated.append((t.record(i, step, order), doc.where(("timeline", i))))
    if issues:
        raise ScenarioError(sorted(issues, key=lambda x: (x.line, x.field)))
    return plan, sc.parameters.mode.value


def _order(step: Any, i: int) -> tuple[int, int, int]:
    """Section 3's order; an amendment goes first at its instant (its terms apply from it on)."""
    rank = -1 if isinstance(step, m.AmendTerms) else DATED_ORDER[_RECORD_TYPE[type(step)]]
    return (step.at.us, rank, i)


_RECORD_TYPE: dict[type, type] = {
    m.Allocate: AllocationRecord,
    m.Lend: LoanRecord,
    m.ApproveSubsidy: SubsidyRecord,
    m.SignContract: ContractRecord,
    m.Purchase: PurchaseRecord,
    m.Register: RegistryRecord,
    m.TransferOwnership: RegistryRecord,
    m.Dispose: RegistryRecord,
    m.Export: RegistryRecord,
    m.AcceptAct: ActRecord,
    m.Pay: TransferRecord,
    m.Return: TransferRecord,
}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Instant):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def patch_programs(doc: Document, sc: m.Scenario, folder: Path) -> None:
    """Apply `parameters.programs` to the `programs.csv` of a (scratch copy of a) pilot folder."""
    path = folder / "programs.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        columns = list(reader.fieldnames or [])
        rows = list(reader)
    check_program_parameters(doc, sc, {r.get("program_id", "") for r in rows})
    overrides: Mapping[str, m.ProgramParameters] = sc.parameters.programs
    for row in rows:
        over = overrides.get(row.get("program_id", ""))
        if over is None:
            continue
        for name in sorted(over.model_fields_set):
            if name not in columns:
                columns.append(name)
            row[name] = _cell(getattr(over, name))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
