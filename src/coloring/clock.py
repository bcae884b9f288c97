"""The wall clock as the ledger's bookkeeping writes it: when a load, a writer or a seal
started, in UTC to the second (`2026-12-07T09:00:00Z`). Never a ledger instant: those come
from the records, and the domain reads no clock."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
