"""`Ledger`: one ledger database, opened for questions and loads; every question brings the read
models up to date first, then reads them through the projections' queries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from itertools import starmap
from os import PathLike
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from coloring.api import results
from coloring.api.results import Rows, aware, offset_minutes, tenge
from coloring.closing import Closing
from coloring.domain.rules import Rule
from coloring.domain.time import (
    DAY_US,
    KZ_OFFSET_MINUTES,
    Instant,
    InvalidTimeError,
    parse_instant,
)
from coloring.projections import explaining, extracts, queries
from coloring.projections.names import check_rules

if TYPE_CHECKING:
    # Imported where used: a question on current read models (`Ledger.reading`) needs none
    # of them, and they are most of a command's start-up.
    from coloring.application import ColoringApplication
    from coloring.projections.db import Database
    from coloring.projections.runner import ProjectionRunner
    from coloring.scenarios.report import Utilisation as ReportUtilisation

When = str | datetime | None
KZ = timezone(timedelta(minutes=KZ_OFFSET_MINUTES))
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
STATUSES = ("open", "refused")


def instant(when: When, name: str = "as_of") -> Instant | None:
    """An ISO 8601 text (no offset means +05:00, as on the command line) or a datetime (naive
    means +05:00 too) as the ledger's instant."""
    if when is None:
        return None
    if isinstance(when, datetime):
        if when.tzinfo is None:
            when = when.replace(tzinfo=KZ)
        return Instant((when - EPOCH) // timedelta(microseconds=1), offset_minutes(when))
    try:
        return parse_instant(when)
    except InvalidTimeError as e:
        raise queries.BadQueryError(f"{name}: {e}") from None


def instant_us(when: When, name: str = "as_of") -> int | None:
    found = instant(when, name)
    return None if found is None else found.us


def tiyn(amount: Decimal | int | str | None, name: str = "min_amount") -> int | None:
    """An amount in tenge (Decimal, int or text such as "1250000.50") as tiyn."""
    if amount is None:
        return None
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        raise queries.BadQueryError(f"{name}: {amount!r} is not an amount in tenge") from None
    scaled = value.scaleb(2)
    if not value.is_finite() or scaled != scaled.to_integral_value() or value < 0:
        raise queries.BadQueryError(
            f"{name}: {amount!r} is not an amount in tenge with at most 2 fraction digits"
        )
    return int(scaled)


def finding(f: queries.Finding, regions: Mapping[str, str | None]) -> results.Finding:
    first = f.participants[0] if f.participants else None
    return finding_in(f, regions.get(first) if first is not None else None)


def finding_in(f: queries.Finding, region: str | None) -> results.Finding:
    return results.Finding(
        f.rule,
        f.subject,
        f.program,
        tenge(f.amount),
        aware(f.at_us, f.at_offset),
        f.status,
        f.participants,
        region,
        queries.shown_evidence(f.evidence),
    )


def utilisation(u: ReportUtilisation) -> results.Utilisation:
    amounts = u.amounts()
    return results.Utilisation(
        u.program,
        allocated=tenge(amounts["allocated"]),
        spent=tenge(amounts["spent"]),
        on_purpose=tenge(amounts["on_purpose"]),
        misused=tenge(amounts["misused"]),
        idle=tenge(amounts["idle"]),
        returned=tenge(amounts["returned"]),
        held=tenge(amounts["held"]),
        blocked=tenge(amounts["blocked"]),
        idle_days=Decimal(u.idle_tenths).scaleb(-1),
    )


def _rules(rule: str | Iterable[str] | None) -> tuple[str, ...]:
    chosen = (rule,) if isinstance(rule, str) else tuple(rule or ())
    check_rules(chosen)
    return chosen


class Ledger(Closing):
    """A ledger database (SQLite or PostgreSQL URL). Use as a context manager or `close()`."""

    def __init__(self, url: str | None = None, *, catch_up: bool = True) -> None:
        from coloring.application import ColoringApplication
        from coloring.locking import CATCH_UP, WriteLock, reader_may_create
        from coloring.projections.runner import ProjectionRunner

        # Tables are created only under the write lock, if it is free: never beside a writer.
        lock = WriteLock(url, CATCH_UP)
        try:
            held = lock.try_acquire(create=reader_may_create(lock.url))
            self._app = ColoringApplication(url, env=None if held else {"CREATE_TABLE": "n"})
            self._runner = ProjectionRunner(self._app.store, create=held)
        finally:
            lock.release()
        self._owned = True
        self._catch_up = catch_up

    @classmethod
    def over(
        cls, app: ColoringApplication, runner: ProjectionRunner, *, catch_up: bool = True
    ) -> Ledger:
        """Private: questions over an application someone else opened (and closes)."""
        ledger = cls.__new__(cls)
        ledger._app, ledger._runner, ledger._owned = app, runner, False
        ledger._catch_up = catch_up
        return ledger

    @classmethod
    def reading(cls, db: Database) -> Ledger:
        """Private: questions on read models already up to date with the event log, opened
        without the application (`coloring.readside`); nothing is caught up or loaded."""
        ledger = cls.__new__(cls)
        ledger._app, ledger._owned, ledger._catch_up = cast(Any, None), False, False
        ledger._runner = cast(Any, SimpleNamespace(db=db))
        return ledger

    def close(self) -> None:
        if self._owned:
            self._app.close()

    def _db(self) -> Any:
        # Catching up writes: only when no writer holds the ledger (else read it as it is).
        if self._catch_up and self._runner.pending():
            from coloring.locking import catch_up_if_free

            catch_up_if_free(self._runner)
        return self._runner.db

    def load(self, folder: str | PathLike[str], mode: str | None = None) -> results.LoadSummary:
        """Load a pilot folder (contract v1) as `coloring load` does: all of it or nothing
        (raises `ColoringError` with every problem found)."""
        from coloring.locking import WriteLock
        from coloring.pilot.loader import load_folder

        with WriteLock(self._app.store.db_url, "load") as lock:
            lock.acquire()
            summary = load_folder(self._app, Path(folder), mode)
            self._runner.run()
        return results.LoadSummary(
            summary.mode,
            dict(summary.records),
            summary.skipped,
            summary.applied,
            summary.refused,
        )

    def findings(
        self,
        rule: str | Iterable[str] | None = None,
        *,
        program: str | None = None,
        participant: str | None = None,
        region: str | None = None,
        status: str | None = None,
        min_amount: Decimal | int | str | None = None,
        since: When = None,
        until: When = None,
        as_of: When = None,
    ) -> Rows[results.Finding]:
        """Findings known at `as_of` (default: the latest record), sorted by time, rule and
        subject, with the filters of `coloring findings`."""
        if status is not None and status not in STATUSES:
            raise queries.BadQueryError(f"status: {status!r} is not open or refused")
        filters = queries.Filters(
            rules=_rules(rule),
            program=program,
            participant=participant,
            since_us=instant_us(since, "since"),
            until_us=instant_us(until, "until"),
        )
        least = tiyn(min_amount)
        db = self._db()
        regions = extracts.regions(db)
        out = []
        for f in queries.findings(db, instant_us(as_of), filters):
            where = regions.get(f.participants[0]) if f.participants else None
            if (
                (status is None or f.status == status)
                and (region is None or where == region)
                and (least is None or f.amount >= least)
            ):
                out.append(finding_in(f, where))
        return Rows(results.Finding, out)

    def totals_by_rule(self, **filters: Any) -> Rows[results.RuleTotal]:
        """Findings counted and summed per rule (in the order the contract lists the rules)."""
        count: Counter[str] = Counter()
        refused: Counter[str] = Counter()
        amount: dict[str, Decimal] = {}
        for f in self.findings(**filters):
            count[f.rule] += 1
            refused[f.rule] += f.status == "refused"
            amount[f.rule] = amount.get(f.rule, Decimal("0.00")) + f.amount
        order = [r.value for r in Rule]
        return Rows(
            results.RuleTotal,
            (results.RuleTotal(r, count[r], refused[r], amount[r]) for r in order if r in count),
        )

    def balances(
        self, *, program: str | None = None, participant: str | None = None, as_of: When = None
    ) -> Rows[results.Balance]:
        """Coloured money held per program and holder at `as_of` (default: now)."""
        rows = queries.balances(self._db(), instant_us(as_of), program, participant)
        return Rows(
            results.Balance,
            (results.Balance(b.program, b.participant, tenge(b.held)) for b in rows),
        )

    def programs(self, *, as_of: When = None) -> Rows[results.ProgramTotals]:
        """Allocated, spent (on purpose, misused), returned and held per program at `as_of`."""
        return Rows(
            results.ProgramTotals,
            (
                results.ProgramTotals(
                    p.program,
                    p.name,
                    tenge(p.allocated),
                    tenge(p.spent),
                    tenge(p.on_purpose),
                    tenge(p.misused),
                    tenge(p.returned),
                    tenge(p.held),
                )
                for p in extracts.program_totals(self._db(), instant_us(as_of))
            ),
        )

    def utilisation(self, *, as_of: When = None) -> Rows[results.Utilisation]:
        """Per program: spent on purpose, misused, idle, returned, held, blocked (as a replay
        reports them)."""
        from coloring.scenarios.report import build as build_report

        report = build_report(
            self._db(), instant(as_of), title="", file="", source="", mode="", overrides=()
        )
        return Rows(results.Utilisation, (utilisation(u) for u in report.programs.values()))

    def trace(self, unit: str, *, as_of: When = None) -> results.Trace:
        """One tagged tiyn (`ALLOCATION#N`) from its allocation to where it is at `as_of`."""
        db = self._db()
        t = queries.trace(db, unit, instant_us(as_of))
        steps = Rows(
            results.TraceStep,
            (
                results.TraceStep(s.holder, s.via, aware(s.at_us, s.at_offset), s.outcome)
                for s in t.steps
            ),
        )
        return results.Trace(t.unit, t.program, steps, t.state)

    def explain(self, rule: str, subject: str, *, as_of: When = None) -> tuple[str, ...]:
        """One finding and the records behind it, in plain words (as `coloring explain`)."""
        return tuple(explaining.explain(self._db(), rule, subject, instant_us(as_of)))

    def participants(self) -> Rows[results.Participant]:
        rows = extracts.participants(self._db())
        return Rows(results.Participant, starmap(results.Participant, rows))

    def movements(self, *, as_of: When = None) -> Rows[results.Movement]:
        """Every allocation and payment (applied or refused) up to `as_of`, in ledger order."""
        return Rows(
            results.Movement,
            (
                results.Movement(
                    m.movement,
                    m.kind,
                    m.program,
                    m.payer,
                    m.payee,
                    tenge(m.amount),
                    aware(m.at_us, m.at_offset),
                    m.status,
                    m.outcome,
                    m.purpose_ref,
                    m.settles,
                    m.seq,
                )
                for m in extracts.movements(self._db(), instant_us(as_of))
            ),
        )

    def balance_steps(self, *, as_of: When = None) -> Rows[results.BalanceStep]:
        """Each holder's balance after every movement that changed it, up to `as_of`."""
        return Rows(
            results.BalanceStep,
            (
                results.BalanceStep(
                    s.program, s.participant, aware(s.at_us, 0), s.seq, tenge(s.held)
                )
                for s in extracts.balance_steps(self._db(), instant_us(as_of))
            ),
        )

    def deliveries(self, *, as_of: When = None) -> Rows[results.Delivery]:
        """Deliveries of money to holders that must pass it on, up to `as_of`."""
        return Rows(
            results.Delivery,
            (
                results.Delivery(
                    d.delivery,
                    d.program,
                    d.holder,
                    tenge(d.amount),
                    aware(d.at_us, d.at_offset),
                    d.idle_limit_us // DAY_US,
                    tenge(d.passed_on_in_time),
                )
                for d in extracts.deliveries(self._db(), instant_us(as_of))
            ),
        )
