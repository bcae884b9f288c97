"""Opening the ledger, and the reference records: participants, programs and their amended
terms, reference prices."""

from __future__ import annotations

from coloring.domain.aggregates import Ledger, Participant, Program
from coloring.domain.errors import LedgerModeError, TermsAmendmentError
from coloring.domain.prices import PriceList
from coloring.domain.records import (
    Mode,
    ParticipantRecord,
    ProgramRecord,
    ReferencePriceRecord,
    TermsAmendment,
)
from coloring.domain.time import MAX_DAYS
from coloring.recordkeys import price_key
from coloring.usecases.base import UseCase


class Registration(UseCase):
    """Opening the ledger in its mode; participants, programs, amendments, prices."""

    def open_ledger(self, mode: str | None) -> str:
        """Open the ledger in `mode` (default observe); a ledger keeps the mode it opened in."""
        current = self.mode()
        if current is None:
            chosen = Mode(mode or Mode.OBSERVE).value
            self.store.touch(Ledger(mode=chosen))
            self.store.mode = chosen
            self.store.command_done()
            return chosen
        if mode is not None and mode != current:
            raise LedgerModeError(
                f"this ledger was opened in {current} mode; use --mode {current} "
                f"or load into a fresh ledger to use {mode}"
            )
        return current

    def register_participant(self, r: ParticipantRecord, source: str = "api") -> None:
        seq = self.store.next_seq("participant", r.participant_id, r, None, source)
        self._changed(
            Participant(
                participant_id=r.participant_id,
                name=r.name,
                role=r.role,
                region=r.region,
                related_to=list(r.related_to),
                seq=seq,
            )
        )

    def register_program(self, r: ProgramRecord, source: str = "api") -> None:
        seq = self.store.next_seq("program", r.program_id, r, None, source)
        self._changed(
            Program(
                program_id=r.program_id,
                name=r.name,
                kind=r.kind,
                route=[list(hop) for hop in r.route],
                expires_at_us=r.expires_at.us,
                expires_at_offset=r.expires_at.offset_minutes,
                max_idle_days=r.max_idle_days,
                subsidy_cap_percent=None
                if r.subsidy_cap_percent is None
                else str(r.subsidy_cap_percent),
                retention_days=r.retention_days,
                price_tolerance_percent=str(r.price_tolerance_percent),
                seq=seq,
            )
        )

    def amend_program(self, a: TermsAmendment, source: str = "api") -> int:
        """Change a program's expiry and/or idle limit from `a.at` on; returns the amendment's
        number (1 for the first). History keeps both: payments and deliveries before `a.at` were
        judged, and stay judged, under the terms then in force."""
        program = self._program(a.program_id)
        if a.expires_at is None and a.max_idle_days is None:
            raise TermsAmendmentError("an amendment changes expires_at, max_idle_days or both")
        if not a.reason.strip():
            raise TermsAmendmentError("an amendment needs a reason (it is kept in the history)")
        if a.max_idle_days is not None and not 0 <= a.max_idle_days <= MAX_DAYS:
            raise TermsAmendmentError(
                f"max_idle_days must be a whole number from 0 to {MAX_DAYS}, got {a.max_idle_days}"
            )
        expires_at_us = program.expires_at_us if a.expires_at is None else a.expires_at.us
        if a.expires_at is not None and a.expires_at.us < a.at.us:
            # An expiry in the past of the amendment would judge money retroactively.
            raise TermsAmendmentError(
                f"the new expires_at {a.expires_at} is before the amendment instant {a.at}"
            )
        number = program.amendments + 1
        seq = self.store.next_seq("amendment", f"{a.program_id}/{number}", a, a.at, source)
        program.amend_terms(
            program_id=a.program_id,
            expires_at_us=expires_at_us,
            expires_at_offset=program.expires_at_offset
            if a.expires_at is None
            else a.expires_at.offset_minutes,
            max_idle_days=program.max_idle_days if a.max_idle_days is None else a.max_idle_days,
            at_us=a.at.us,
            at_offset=a.at.offset_minutes,
            reason=a.reason,
            seq=seq,
        )
        self._changed(program)
        return number

    def quote_price(
        self, r: ReferencePriceRecord, occurrence: int = 0, source: str = "api"
    ) -> None:
        key = price_key(r, occurrence)
        seq = self.store.next_seq("price", key, r, None, source)
        price_list = self.store.get(PriceList.create_id())
        if not isinstance(price_list, PriceList):
            price_list = PriceList()
        price_list.quote(
            item=r.item,
            region=r.region,
            price=r.price,
            valid_from_us=r.valid_from.us,
            valid_from_offset=r.valid_from.offset_minutes,
            seq=seq,
        )
        self._changed(price_list)
