"""The `LedgerView` of a ledger being loaded into: its store, asked by the reader's checks."""

from __future__ import annotations

from coloring.domain.aggregates import Participant, Program
from coloring.domain.documents import Contract, Document
from coloring.store import LedgerStore


class StoredLedger:
    """What a ledger's store already holds, as the CSV reader asks it (a `LedgerView`)."""

    def __init__(self, store: LedgerStore) -> None:
        self.store = store

    def participant_role(self, participant_id: str) -> str | None:
        p = self.store.get(Participant.create_id(participant_id))
        return p.role if isinstance(p, Participant) else None

    def program_exists(self, program_id: str) -> bool:
        return isinstance(self.store.get(Program.create_id(program_id)), Program)

    def document_kind(self, document_id: str) -> str | None:
        d = self.store.get(Document.create_id(document_id))
        return d.kind if isinstance(d, Document) else None

    def contract_terms(self, contract_id: str) -> tuple[str, str] | None:
        c = self.store.get(Document.create_id(contract_id))
        return (c.program_id, c.payee) if isinstance(c, Contract) else None

    def movement_id_exists(self, movement_id: str) -> bool:
        return bool(self.store.lookup("movement", [movement_id]))
