"""The loader's dispatch: each record of a pilot folder to its use case, with its source.

Apart from `loader` (which decides what to record and when to save) because this is the one
place that knows which use case records which kind of record (`RECORDED_BY`, which a
scenario's replay uses too).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coloring.application import ColoringApplication
from coloring.domain import records
from coloring.pilot.reader import Sourced

if TYPE_CHECKING:
    from coloring.pilot.loader import LoadSummary


RECORDED_BY: dict[type, Callable[[ColoringApplication, Any, str], object]] = {
    records.ParticipantRecord: ColoringApplication.register_participant,
    records.ProgramRecord: ColoringApplication.register_program,
    records.TermsAmendment: ColoringApplication.amend_program,
    records.AllocationRecord: ColoringApplication.allocate,
    records.LoanRecord: ColoringApplication.issue_loan,
    records.SubsidyRecord: ColoringApplication.approve_subsidy,
    records.ContractRecord: ColoringApplication.sign_contract,
    records.PurchaseRecord: ColoringApplication.contract_purchase,
    records.ActRecord: ColoringApplication.accept_act,
    records.TransferRecord: ColoringApplication.pay,
}
"""The use case that records each kind of record, given the record and its source; prices and
registry facts, which have no id, are recorded with their occurrence (`quote_price`,
`record_registry_facts`)."""


def _with_source(
    app: ColoringApplication, use_case: Callable[[ColoringApplication, Any, str], object]
) -> Callable[[Any, str, int], object]:
    """The dispatch entry of one use case (a function of its own, so that each entry keeps its
    own use case rather than the loop's last)."""
    return lambda r, where, _: use_case(app, r, where)


@cache
def _label(record_type: type) -> str:
    """`TransferRecord` -> `transfer` (once per type)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", record_type.__name__.removesuffix("Record")).lower()


class Applier:
    """Applies records of the folder, each with its source (`folder/file:line`)."""

    def __init__(self, app: ColoringApplication, folder: Path, summary: LoadSummary) -> None:
        self.app = app
        self.prefix = f"{folder}/"
        self.summary = summary
        self.types: Counter[type] = Counter()
        # Registry rows wait here and are recorded by the run (`drain`): a call per row through
        # the application was a tenth of a registry-heavy load.
        self.registry_run: list[tuple[records.RegistryRecord, int, str]] = []
        # Payments wait here too, and are judged a run at a time (`Money.pay_all`): one look-up
        # of the mode and of each program's units and route a run. One of the two lists at
        # most holds records: each is drained before the other takes one.
        self.payments: list[tuple[records.TransferRecord, str]] = []
        self.by_type: dict[type, Callable[[Any, str, int], object]] = {
            t: _with_source(app, use_case) for t, use_case in RECORDED_BY.items()
        }
        # Prices are told apart by occurrence.
        self.by_type[records.ReferencePriceRecord] = lambda r, where, n: app.quote_price(
            r, occurrence=n, source=where
        )

    def __call__(self, s: Sourced[Any], occurrence: int) -> None:
        r = s.record
        t = type(r)
        self.types[t] += 1
        where = f"{self.prefix}{s.file}:{s.line}"
        if t is records.RegistryRecord:
            if self.payments:
                self.drain()
            self.registry_run.append((r, occurrence, where))
            return
        if self.registry_run:
            self.drain()
        if t is records.TransferRecord:
            self.payments.append((r, where))
            return
        if self.payments:
            self.drain()
        self.by_type[t](r, where, occurrence)

    def registry(
        self,
        file: str,
        lines: Sequence[int],
        rows: list[records.RegistryRecord],
        occurrences: list[int],
        known: Sequence[int] | None = None,
    ) -> None:
        """Registry rows of `file` that follow each other in record order, each with its line
        and occurrence, as many calls of this object would take them; `known` flags the rows
        recorded already (left out)."""
        if self.payments:
            self.drain()
        prefix = f"{self.prefix}{file}:"
        run = zip(rows, occurrences, [f"{prefix}{line}" for line in lines], strict=True)
        waiting = self.registry_run
        before = len(waiting)
        if known is None:
            waiting.extend(run)
        else:
            waiting.extend(row for row, flag in zip(run, known, strict=True) if not flag)
        if len(waiting) > before:
            self.types[records.RegistryRecord] += len(waiting) - before

    def drain(self) -> None:
        """Record the registry rows or payments waiting: before any other record (which may
        read them) and before a batch is saved."""
        if self.registry_run:
            run, self.registry_run = self.registry_run, []
            self.app.record_registry_facts(run)
        if self.payments:
            payments, self.payments = self.payments, []
            applied = self.app.pay_all(payments)
            self.summary.applied += applied
            self.summary.refused += len(payments) - applied

    def count(self) -> None:
        """Add the records applied, by kind, to the summary."""
        for t, n in self.types.items():
            self.summary.records[_label(t)] += n
