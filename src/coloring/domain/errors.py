"""Domain errors: every error the project raises on purpose subclasses ColoringError."""

from __future__ import annotations


class ColoringError(Exception):
    """Base of the project's own errors."""


class InvalidAmountError(ColoringError):
    def __init__(self, amount: object) -> None:
        super().__init__(
            f"amount must be a positive whole number of tiyn (at most 10**17), got {amount!r}"
        )


class UnknownRecordError(ColoringError):
    """A command names a participant, program or document the ledger does not know."""


class DuplicateRecordError(ColoringError):
    """A record with this id exists already with other content."""


class LedgerModeError(ColoringError):
    """The ledger was opened in another mode."""


class TimeOrderError(ColoringError):
    """A dated record would go before the latest instant already in the ledger."""


class StorageError(ColoringError):
    """The event store failed; the message says what to do."""


class DatabaseUnavailableError(ColoringError):
    """The ledger's database cannot be opened (a wrong path or URL, a server that is down)."""


class TermsAmendmentError(ColoringError):
    """A program's terms cannot be amended as asked (the message says why)."""
