"""The `LedgerView` of a ledger being loaded into: its store, asked by the reader's checks."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from eventsourcing.domain import Aggregate

from coloring.domain.aggregates import Participant, Program
from coloring.domain.documents import Contract, Document
from coloring.store import LedgerStore


class StoredLedger:
    """What a ledger's store already holds, as the CSV reader asks it (a `LedgerView`)."""

    def __init__(self, store: LedgerStore) -> None:
        self.store = store
        start = store.start()
        # A store stays `fresh` after recording in this process (what it holds, it holds in
        # memory): only one that has recorded nothing yet is empty.
        self._empty = start.fresh and start.seq == 0
        """The ledger held nothing when it was opened and nothing was recorded since (what
        `LedgerStore.get` answers None for, unasked): an aggregate's id need not be built. A
        first load's reading asks once for each of the folder's documents (~1.4M at 10M
        payments), which filled the natural ids' cache (~73 MB) before the load began."""

    def _get(self, aggregate_id: Callable[[], UUID]) -> Aggregate | None:
        return None if self._empty else self.store.get(aggregate_id())

    def participant_role(self, participant_id: str) -> str | None:
        p = self._get(lambda: Participant.create_id(participant_id))
        return p.role if isinstance(p, Participant) else None

    def program_exists(self, program_id: str) -> bool:
        return isinstance(self._get(lambda: Program.create_id(program_id)), Program)

    def document_kind(self, document_id: str) -> str | None:
        d = self._get(lambda: Document.create_id(document_id))
        return d.kind if isinstance(d, Document) else None

    def contract_terms(self, contract_id: str) -> tuple[str, str] | None:
        c = self._get(lambda: Document.create_id(contract_id))
        return (c.program_id, c.payee) if isinstance(c, Contract) else None

    def movement_id_exists(self, movement_id: str) -> bool:
        return bool(self.store.lookup("movement", [movement_id]))
