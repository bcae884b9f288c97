"""The ledger application: its use cases over a unit of work it holds apart.

`ColoringApplication` holds the unit of work, `app.store` (`coloring.store.LedgerStore`:
aggregates in use, batched saves in record order with the record index, snapshots of the
units, the event store), and the use cases (`coloring.usecases`), each given that store to
change the ledger through. The use cases' methods are the application's (`app.pay(...)`); what
concerns saving, not recording, goes through the store by name (`app.store.batch()`,
`app.store.snapshot_units()`, `app.store.recorder`)."""

from __future__ import annotations

from collections.abc import Sequence

from coloring.domain import records
from coloring.domain.time import Instant
from coloring.domain.units import PieceRow
from coloring.recordkeys import digest, price_key, registry_key
from coloring.store import LedgerStore
from coloring.usecases.documents import Documents
from coloring.usecases.money import Money, PaymentResult
from coloring.usecases.registration import Registration

__all__ = ["ColoringApplication", "PaymentResult", "digest", "price_key", "registry_key"]


class ColoringApplication:
    """The ledger application. Configure with a database URL (see `coloring.persistence`)."""

    def __init__(self, db_url: str | None = None, env: dict[str, str] | None = None) -> None:
        self.store = LedgerStore(db_url, env)
        self._registration = Registration(self.store)
        self._money = Money(self.store)
        self._documents = Documents(self.store)

    def close(self) -> None:
        """Close the store. The application opened it, so it closes it: whoever opens an
        application to record or read closes that, without reaching for the store."""
        self.store.close()

    # -- ledger, parties and programs (coloring.usecases.registration) -------------------

    def mode(self) -> str | None:
        return self._registration.mode()

    def open_ledger(self, mode: str | None) -> str:
        """Open the ledger in `mode` (default observe); a ledger keeps the mode it opened in."""
        return self._registration.open_ledger(mode)

    def register_participant(self, r: records.ParticipantRecord, source: str = "api") -> None:
        self._registration.register_participant(r, source)

    def register_program(self, r: records.ProgramRecord, source: str = "api") -> None:
        self._registration.register_program(r, source)

    def amend_program(self, a: records.TermsAmendment, source: str = "api") -> int:
        """Change a program's expiry and/or idle limit from `a.at` on; returns the amendment's
        number (1 for the first)."""
        return self._registration.amend_program(a, source)

    def quote_price(
        self, r: records.ReferencePriceRecord, occurrence: int = 0, source: str = "api"
    ) -> None:
        self._registration.quote_price(r, occurrence, source)

    # -- money (coloring.usecases.money) -------------------------------------------------

    def allocate(self, r: records.AllocationRecord, source: str = "api") -> None:
        self._money.allocate(r, source)

    def pay(self, r: records.TransferRecord, source: str = "api") -> PaymentResult:
        """Judge and apply (or refuse) one payment; returns what happened."""
        return self._money.pay(r, source)

    def pay_all(self, payments: Sequence[tuple[records.TransferRecord, str]]) -> int:
        """`pay` each payment, with its source, in turn; returns how many were applied."""
        return self._money.pay_all(payments)

    def holdings(self, program_id: str) -> dict[str, list[PieceRow]]:
        """The live FIFO queues of a program: holder -> pieces (allocation, start, end, ...)."""
        return self._money.holdings(program_id)

    # -- documents and registry (coloring.usecases.documents) ----------------------------

    def issue_loan(self, r: records.LoanRecord, source: str = "api") -> None:
        self._documents.issue_loan(r, source)

    def contract_purchase(self, r: records.PurchaseRecord, source: str = "api") -> None:
        self._documents.contract_purchase(r, source)

    def add_animals(self, animals: Sequence[records.AnimalRecord], source: str = "api") -> None:
        """Animals of a purchase recorded earlier (purchase_animals.csv is undated)."""
        self._documents.add_animals(animals, source)

    def approve_subsidy(self, r: records.SubsidyRecord, source: str = "api") -> None:
        self._documents.approve_subsidy(r, source)

    def sign_contract(self, r: records.ContractRecord, source: str = "api") -> None:
        self._documents.sign_contract(r, source)

    def accept_act(self, r: records.ActRecord, source: str = "api") -> None:
        """Record an accepted act, in the page of the contract's program (or, before its
        contract is signed, in `EarlyActs`)."""
        self._documents.accept_act(r, source)

    def record_registry_fact(
        self, r: records.RegistryRecord, occurrence: int = 0, source: str = "api"
    ) -> None:
        """A registry row, recorded with the batch's others as one `RegistryExtract`."""
        self._documents.record_registry_fact(r, occurrence, source)

    def record_registry_facts(
        self, rows: Sequence[tuple[records.RegistryRecord, int, str]]
    ) -> None:
        """Registry rows (each with its occurrence in the folder and its source), in order."""
        self._documents.record_registry_facts(rows)

    def owner_of(self, animal_id: str, at: Instant) -> str | None:
        """The animal's registered owner at `at` (None: unregistered, disposed, exported)."""
        return self._documents.owner_of(animal_id, at)
