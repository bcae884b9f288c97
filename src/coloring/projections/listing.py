"""The findings list ready to print: each stored finding's JSON text is kept in
`rm_findings.shown`.

At a million payments the whole list is about 12,000 findings, and decoding each one's evidence,
building it as an object and encoding it again as indented JSON was most of `coloring findings`'
time. The fold writes the text with the finding, from the very columns it writes (`shown_row`),
so it is what `Finding.as_dict` of the stored row gives; the list is then a copy of it with the
region put in (the first participant's, read when asked, as `Ledger.findings` reads it).
The time-based findings, judged when asked, are made into text here the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from coloring.projections import jsontext
from coloring.projections.db import Database
from coloring.projections.names import check_names, check_rules
from coloring.projections.queries import (
    Filters,
    Finding,
    FindingColumns,
    evaluation_instant,
    idle_findings,
    shown_evidence,
    stored_finding,
    stored_where,
    unreturned_findings,
)

_INDENT = re.compile("\n *")
# Where the region goes: before the top-level "evidence" key, the only line of the text that
# is one space and that key (deeper keys are indented further; strings hold no raw newline).
_EVIDENCE_LINE = '\n "evidence": '


def shown_text(f: Finding) -> str:
    """The finding as `findings --format json` prints it, without its region, at depth 0."""
    return jsontext.dumps(f.as_dict())


def shown_row(row: Sequence[Any]) -> tuple[Any, ...]:
    """A row of `FINDING_INSERT` without its last value, `shown`, with it: the text of the
    finding the query makes of that row."""
    rule, subject, program, amount, at_us, off, status, _known, a, b, evidence = row
    found = stored_finding(rule, subject, program, amount, at_us, off, status, a, b, evidence)
    return (*row, shown_text(found))


@dataclass(frozen=True, slots=True)
class Listed(FindingColumns):
    """A finding as listed: its columns, its region and its JSON text."""

    region: str | None
    shown: str | Finding
    """The stored text, or a time-based finding (its text is made when it is printed)."""

    def evidence_text(self) -> str:
        """The evidence as users see it (`queries.shown_evidence`) in one line, as
        `json.dumps(evidence, ensure_ascii=False)` writes it (the CSV's last column)."""
        if isinstance(self.shown, str):
            # The stored text's evidence (its last key) with its line breaks and indents taken
            # out: no string holds a raw newline, so every one is the layout's (a tenth of the
            # time of decoding the evidence and encoding it again).
            start = self.shown.index(_EVIDENCE_LINE) + len(_EVIDENCE_LINE)
            return _INDENT.sub("", self.shown[start:-2].replace(",\n", ", \n"))
        return json.dumps(shown_evidence(self.shown.evidence), ensure_ascii=False)

    def json_item(self) -> str:
        """The finding as an item of the list `findings --format json` prints (depth 1)."""
        region = "null" if self.region is None else encode_basestring(self.region)
        text = self.shown if isinstance(self.shown, str) else shown_text(self.shown)
        with_region = text.replace(_EVIDENCE_LINE, f'\n "region": {region},{_EVIDENCE_LINE}', 1)
        return with_region.replace("\n", "\n ")


def listed(db: Database, as_of_us: int | None, filters: Filters) -> list[Listed]:
    """`queries.findings(db, as_of_us, filters)`, the same findings in the same order, with
    each one's region and text (the same errors for unknown names)."""
    check_rules(filters.rules)
    check_names(db, filters.program, filters.participant)
    t = evaluation_instant(db, as_of_us)
    if t is None:
        return []
    out = _stored(db, t, filters)
    out.extend(_judged(db, t, filters))
    out.sort(key=lambda f: (f.at_us, f.rule, f.subject))
    return out


def _stored(db: Database, t: int, filters: Filters) -> list[Listed]:
    """The findings the fold stored, known by `t`."""
    where, params = stored_where(t, filters, "f.")
    stored = (
        Listed(
            rule,
            subject,
            program,
            amount,
            at_us,
            off,
            status,
            (a, b) if a and b else tuple(p for p in (a, b) if p),  # as `queries.findings`
            region,
            shown,
        )
        for rule, subject, program, amount, at_us, off, status, a, b, region, shown in db.query(
            "SELECT f.rule, f.subject, f.program_id, f.amount, f.at_us, f.at_offset, f.status, "
            "f.party_a, f.party_b, NULLIF(p.region, ''), f.shown FROM rm_findings f "
            "LEFT JOIN rm_participants p "
            "ON p.participant_id = COALESCE(NULLIF(f.party_a, ''), f.party_b) "
            f"WHERE {' AND '.join(where)}",
            params,
        )
    )
    # Rules and program are asked in SQL; participant and dates only narrow further.
    narrows = (filters.participant, filters.since_us, filters.until_us) != (None, None, None)
    return [f for f in stored if filters.keep(f)] if narrows else list(stored)


def _judged(db: Database, t: int, filters: Filters) -> list[Listed]:
    """The findings judged at `t` (IDLE_FUNDS, UNRETURNED_AFTER_EXPIRY), with their regions."""
    judged: list[Finding] = []
    if not filters.rules or "IDLE_FUNDS" in filters.rules:
        judged.extend(idle_findings(db, t))
    if not filters.rules or "UNRETURNED_AFTER_EXPIRY" in filters.rules:
        judged.extend(unreturned_findings(db, t))
    judged = [f for f in judged if filters.keep(f)]
    regions = _regions(db, {f.participants[0] for f in judged if f.participants})
    return [
        Listed(
            f.rule,
            f.subject,
            f.program,
            f.amount,
            f.at_us,
            f.at_offset,
            f.status,
            f.participants,
            regions.get(f.participants[0]) if f.participants else None,
            f,
        )
        for f in judged
    ]


def _regions(db: Database, participants: set[str]) -> dict[str, str | None]:
    """The region of each of `participants` (None for none), as `extracts.regions` has it."""
    chosen = sorted(participants)
    found: dict[str, str | None] = {}
    for i in range(0, len(chosen), 500):
        chunk = chosen[i : i + 500]
        found.update(
            (pid, region or None)
            for pid, region in db.query(
                "SELECT participant_id, region FROM rm_participants "
                f"WHERE participant_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        )
    return found
