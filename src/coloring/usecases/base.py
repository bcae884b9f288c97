"""What every use case shares: the unit of work it changes the ledger through, the ledger's
mode, the look-ups of parties, programs and a program's units, and the check of amounts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate

from coloring.domain.aggregates import Ledger, Participant, Program, TaggedTenge
from coloring.domain.documents import Document
from coloring.domain.errors import DuplicateRecordError, InvalidAmountError, UnknownRecordError
from coloring.domain.money import MAX_TIYN
from coloring.domain.records import ContractRecord, LoanRecord, PurchaseRecord, SubsidyRecord
from coloring.domain.registry import RegistryFact
from coloring.domain.time import Instant

DocumentRecord = LoanRecord | PurchaseRecord | SubsidyRecord | ContractRecord


class UnitOfWork(Protocol):
    """The unit of work as the use cases see it: what each member promises is told by
    `coloring.store.LedgerStore`, the one that implements it. Saving in batches, snapshots and
    handing batches over are not the use cases' business: the application and the loader ask
    the store for them by name."""

    mode: str | None
    routes: dict[str, tuple[frozenset[tuple[str, str]], frozenset[str]]]

    def get(self, aggregate_id: UUID) -> Aggregate | None: ...
    def next_seq(
        self, kind: str, key: str, record: object, at: Instant | None, source: str
    ) -> int: ...
    def take_seq(self) -> int: ...
    def index_row(self, kind: str, key: str, record: object, seq: int, source: str) -> None: ...
    def touch(self, aggregate: Aggregate) -> None: ...
    def command_done(self) -> None: ...
    def record_fact(self, fact: RegistryFact) -> None: ...
    def current_owner(self, animal_id: str) -> str | None: ...
    def registry_history(
        self, animal_id: str, pending: bool = True
    ) -> list[tuple[int, str, str | None]]: ...


if TYPE_CHECKING:
    from coloring.store import LedgerStore

    # Read by mypy only: the store it is given must be a unit of work as the use cases see it.
    _store_is_a_unit_of_work: type[UnitOfWork] = LedgerStore


class UseCase:
    """A family of use cases over one unit of work (`UnitOfWork`); other code calls the
    store's own methods (`batch`, `lookup`, ...) or the application's use cases."""

    def __init__(self, store: UnitOfWork) -> None:
        self.store = store

    def mode(self) -> str | None:
        """observe or enforce, as the ledger was opened (None: not opened yet)."""
        if self.store.mode is None:
            ledger = self.store.get(Ledger.create_id())
            self.store.mode = ledger.mode if isinstance(ledger, Ledger) else None
        return self.store.mode

    def _changed(self, aggregate: Aggregate) -> None:
        """The aggregate changed: saved with the batch, or at once outside one."""
        self.store.touch(aggregate)
        self.store.command_done()

    def _participant(self, participant_id: str) -> Participant:
        p = self.store.get(Participant.create_id(participant_id))
        if not isinstance(p, Participant):
            raise UnknownRecordError(f"unknown participant {participant_id!r}")
        return p

    def _program(self, program_id: str) -> Program:
        p = self.store.get(Program.create_id(program_id))
        if not isinstance(p, Program):
            raise UnknownRecordError(f"unknown program {program_id!r}")
        return p

    def _route(self, program: Program) -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
        """The program's hops and final roles, made once per program: a route never changes
        (amendments change the expiry and the idle limit only)."""
        route = self.store.routes.get(program.program_id)
        if route is None:
            route = self.store.routes[program.program_id] = (
                frozenset(program.hops),
                frozenset(program.final_roles),
            )
        return route

    def _tagged(self, program_id: str, seq: int) -> TaggedTenge:
        tagged = self.store.get(TaggedTenge.create_id(program_id))
        if not isinstance(tagged, TaggedTenge):
            tagged = TaggedTenge(program_id=program_id, seq=seq)
            self.store.touch(tagged)
        return tagged

    def _new_document(
        self,
        document_id: str,
        program_id: str,
        parties: tuple[str, ...],
        record: DocumentRecord,
        source: str,
    ) -> int:
        """Check a new document (its program and parties known, its id unused) and index it;
        returns its record sequence number."""
        self._program(program_id)
        for party in parties:
            self._participant(party)
        if self.store.get(Document.create_id(document_id)) is not None:
            raise DuplicateRecordError(f"document {document_id!r} is already in the ledger")
        return self.store.next_seq("document", document_id, record, record.at, source)


def require_positive(*amounts: int) -> None:
    """Amounts are whole tiyn above zero; checked before a command changes anything."""
    for amount in amounts:
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_TIYN:
            raise InvalidAmountError(amount)
