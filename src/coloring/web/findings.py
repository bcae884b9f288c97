"""The findings page's question: the CLI's findings (same list, same order) narrowed further by
region, status and amount, sorted by any column, one page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from coloring.projections import browse, queries
from coloring.projections.db import Database
from coloring.web.paging import Page, page_count

PAGE = 50
NO_REGION = "-"
SORTS = ("at", "rule", "subject", "program", "amount", "status")


@dataclass(frozen=True)
class Narrowing:
    """What the page adds to `queries.Filters`; amounts in tiyn, region `-` for none."""

    region: str | None = None
    status: str | None = None
    min_amount: int | None = None
    max_amount: int | None = None

    def any(self) -> bool:
        return any(v is not None for v in (self.region, self.status, self.min_amount))


@dataclass(frozen=True)
class FindingsPage(Page[tuple[queries.Finding, str]]):
    """Each row is a finding and its region."""

    at_risk: int  # each subject once, at its largest amount (as the risk map counts)


def region_of(f: queries.Finding, regions: dict[str, browse.Participant]) -> str:
    """A finding's region: its first participant's (payer, buyer, applicant or holder)."""
    first = f.participants[0] if f.participants else None
    known = regions.get(first) if first else None
    return known.region if known else ""


def first_participants(db: Database, found: list[queries.Finding]) -> dict[str, browse.Participant]:
    return browse.participants(db, [f.participants[0] for f in found if f.participants])


def findings_page(
    db: Database,
    t: int | None,
    filters: queries.Filters,
    narrowing: Narrowing,
    sort: str = "at",
    page: int = 1,
    size: int = PAGE,
    known: list[queries.Finding] | None = None,
    regions: dict[str, browse.Participant] | None = None,
) -> FindingsPage:
    """One page of the findings at `t`; `known`, if the caller keeps it, is the whole list at
    `t` (then only narrowed here) and `regions` its first participants (`first_participants`)."""
    found = (
        queries.findings(db, t, filters) if known is None else queries.narrowed(db, known, filters)
    )
    if regions is None:
        regions = first_participants(db, found)
    rows = [(f, region_of(f, regions)) for f in found]
    wanted = "" if narrowing.region == NO_REGION else narrowing.region
    rows = [
        (f, r)
        for f, r in rows
        if (wanted is None or r == wanted)
        and (narrowing.status is None or f.status == narrowing.status)
        and (narrowing.min_amount is None or f.amount >= narrowing.min_amount)
        and (narrowing.max_amount is None or f.amount <= narrowing.max_amount)
    ]
    key = sort.lstrip("-")
    if key in SORTS and key != "at":
        # Stable: ties keep the contract's order (at, rule, subject).
        rows.sort(key=lambda row: getattr(row[0], key), reverse=sort.startswith("-"))
    elif sort == "-at":
        rows.reverse()
    top: dict[tuple[str, str], int] = {}
    for f, _region in rows:
        top[(f.program, f.subject)] = max(top.get((f.program, f.subject), 0), f.amount)
    pages = page_count(len(rows), size)
    page = min(max(1, page), pages)
    return FindingsPage(
        rows=rows[(page - 1) * size : page * size],
        total=len(rows),
        amount=sum(f.amount for f, _ in rows),
        at_risk=sum(top.values()),
        page=page,
        pages=pages,
    )
