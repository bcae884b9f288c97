"""What a load's checks may ask of the ledger it adds to: references to records of earlier
loads (`checks.Checker`), and the empty ledger of a first load."""

from __future__ import annotations

from typing import Protocol


class LedgerView(Protocol):
    """What the ledger already holds from earlier loads."""

    def participant_role(self, participant_id: str) -> str | None: ...

    def program_exists(self, program_id: str) -> bool: ...

    def document_kind(self, document_id: str) -> str | None:
        """`"loan"`, `"purchase"`, `"subsidy"`, `"contract"` or None."""
        ...

    def contract_terms(self, contract_id: str) -> tuple[str, str] | None:
        """(program_id, contractor) of a recorded contract."""
        ...

    def movement_id_exists(self, allocation_or_transfer_id: str) -> bool: ...


class _EmptyLedger:
    def participant_role(self, participant_id: str) -> str | None:
        return None

    def program_exists(self, program_id: str) -> bool:
        return False

    def document_kind(self, document_id: str) -> str | None:
        return None

    def contract_terms(self, contract_id: str) -> tuple[str, str] | None:
        return None

    def movement_id_exists(self, allocation_or_transfer_id: str) -> bool:
        return False


EMPTY_LEDGER: LedgerView = _EmptyLedger()
