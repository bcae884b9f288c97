"""The records of a timeline scenario, one step at a time, with the checks on its references
(parties, programs, ids used twice, acts of contracts not signed yet) as scenario issues."""

from __future__ import annotations

from typing import Any

from coloring.domain import records
from coloring.domain.time import Instant
from coloring.scenarios import model as m
from coloring.scenarios.source import Document, Issue


class Timeline:
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

    def between(self, kind: str, i: int, name: str, key: str, parties: dict[str, str]) -> None:
        """A new movement or document: `key` not used before, and each of its parties (by the
        step's field) declared."""
        self.unique(kind, i, name, key)
        for field, pid in parties.items():
            self.party(i, field, pid)

    def record(
        self, i: int, step: Any, order: tuple[int, int, int]
    ) -> records.DatedRecord | records.TermsAmendment:
        at: Instant = step.at
        if isinstance(step, m.Allocate):
            return self.allocation(i, step)
        if isinstance(step, m.Lend):
            parties = {"from": step.lender, "to": step.borrower}
            self.between("document", i, "lend", step.lend, parties)
            return records.LoanRecord(
                step.lend, self.program(i, step), step.lender, step.borrower, step.amount, at
            )
        if isinstance(step, m.Purchase):
            return self.purchase(i, step)
        if isinstance(step, m.ApproveSubsidy):
            return self.subsidy(i, step)
        if isinstance(step, m.SignContract):
            return self.contract(i, step, order)
        if isinstance(step, m.AcceptAct):
            self.unique("act", i, "accept_act", step.accept_act)
            signed = self.contracts.get(step.contract)
            if signed is None or signed[0] > order:
                self.issue(
                    ("timeline", i, "contract"), f"no contract {step.contract!r} signed by then"
                )
            return records.ActRecord(step.accept_act, step.contract, step.amount, at)
        if isinstance(step, (m.Pay, m.Return)):
            return self.payment(i, step)
        if isinstance(step, m.AmendTerms):
            return self.amendment(i, step)
        return self.registry(i, step)

    def allocation(self, i: int, step: m.Allocate) -> records.AllocationRecord:
        parties = {"from": step.payer, "to": step.recipient}
        self.between("movement", i, "allocate", step.allocate, parties)
        if step.payer in self.sc.participants and step.payer not in self.treasuries:
            self.issue(("timeline", i, "from"), "an allocation is paid by a treasury")
        if step.payer == step.recipient:
            self.issue(("timeline", i, "to"), "the recipient is the payer")
        return records.AllocationRecord(
            step.allocate, self.program(i, step), step.payer, step.recipient, step.amount, step.at
        )

    def purchase(self, i: int, step: m.Purchase) -> records.PurchaseRecord:
        parties = {"buyer": step.buyer, "seller": step.seller}
        self.between("document", i, "purchase", step.purchase, parties)
        listed: set[str] = set()
        for k, a in enumerate(step.animals):
            if a.id in listed:
                self.issue(("timeline", i, "animals", k, "id"), "listed twice in one purchase")
            listed.add(a.id)
        animals = tuple(
            records.AnimalRecord(step.purchase, a.id, a.species, a.price) for a in step.animals
        )
        return records.PurchaseRecord(
            step.purchase, self.program(i, step), step.buyer, step.seller, step.at, animals
        )

    def subsidy(self, i: int, step: m.ApproveSubsidy) -> records.SubsidyRecord:
        parties = {"applicant": step.applicant, "supplier": step.supplier}
        self.between("document", i, "approve_subsidy", step.approve_subsidy, parties)
        return records.SubsidyRecord(
            step.approve_subsidy,
            self.program(i, step),
            step.applicant,
            step.supplier,
            step.asset.id,
            step.asset.kind,
            step.asset.value,
            step.amount,
            step.at,
        )

    def amendment(self, i: int, step: m.AmendTerms) -> records.TermsAmendment:
        if step.amend_terms not in self.sc.programs:
            self.issue(("timeline", i, "amend_terms"), f"unknown program {step.amend_terms!r}")
        if step.expires_at is None and step.max_idle_days is None:
            self.issue(("timeline", i, "amend_terms"), "give expires_at, max_idle_days or both")
        if step.expires_at is not None and step.expires_at.us < step.at.us:
            self.issue(("timeline", i, "expires_at"), "before the amendment's own `at`")
        return records.TermsAmendment(
            step.amend_terms, step.at, step.reason, step.expires_at, step.max_idle_days
        )

    def contract(
        self, i: int, step: m.SignContract, order: tuple[int, int, int]
    ) -> records.ContractRecord:
        parties = {"customer": step.customer, "contractor": step.contractor}
        self.between("document", i, "sign_contract", step.sign_contract, parties)
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
        return records.ContractRecord(
            step.sign_contract,
            program,
            step.customer,
            step.contractor,
            step.value,
            step.at,
            step.parent,
        )

    def payment(self, i: int, step: m.Pay | m.Return) -> records.TransferRecord:
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
        return records.TransferRecord(
            tid, step.at, self.program(i, step), step.payer, payee, step.amount, ref
        )

    def registry(self, i: int, step: Any) -> records.RegistryRecord:
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
        return records.RegistryRecord(animal, species, event, owner, step.at)
