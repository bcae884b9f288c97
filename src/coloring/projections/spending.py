"""Spent money by verdict, read from the read models: the payments that spent money with
findings and their misused part (the definition is `projections.verdict`'s)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from coloring.projections.db import Database
from coloring.projections.verdict import (
    DOCUMENT_RULES,
    EVIDENCE_RULES,
    PAYMENT_RULES,
    Fact,
    Payment,
    document_misused,
    misused_by_payment,
)


@dataclass(frozen=True, slots=True)
class Misspent:
    """An applied payment into a final role, and the part of it spent with findings."""

    movement_id: str
    program_id: str
    payer: str
    at_us: int
    amount: int
    misused: int


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def misspent(db: Database, t: int) -> dict[str, Misspent]:
    """Every payment spent at or before `t` with a misused part (> 0) by the findings known at
    `t`, by movement id. Reads only the findings and the payments and documents they concern."""
    rules = sorted(str(r) for r in PAYMENT_RULES | DOCUMENT_RULES)
    facts: dict[str, list[Fact]] = defaultdict(list)
    on_documents: list[Fact] = []
    for rule, subject, amount, evidence in db.query(
        "SELECT rule, subject, amount, evidence FROM rm_findings WHERE known_us <= ? "
        f"AND rule IN ({','.join('?' * len(rules))})",
        [t, *rules],
    ):
        # Only the rules that say which part is misused read the evidence (12,000 findings
        # decoded for a few hundred at a million payments).
        fact = Fact(
            rule, subject, int(amount), json.loads(evidence) if rule in EVIDENCE_RULES else {}
        )
        if rule in PAYMENT_RULES:
            facts[subject].append(fact)
        else:
            on_documents.append(fact)
    tainted = document_misused(on_documents)
    documents: dict[str, tuple[int, int]] = {}
    for chunk in _chunks(sorted(tainted)):
        for document_id, value in db.query(
            "SELECT document_id, value FROM rm_documents "
            f"WHERE document_id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            documents[document_id] = (int(value), min(int(value), tainted[document_id]))
    rows: dict[str, tuple[int, str, str, int, int, str | None, str]] = {}
    select = (
        "SELECT movement_id, seq, program_id, payer, at_us, amount, settles, outcome "
        "FROM rm_movements WHERE status = 'applied' AND kind = 'transfer' AND at_us <= ? AND "
    )
    # The payments with findings as the database joins them (one statement, where a list of
    # their ids took 23 at a million payments); those settling documents by their ids.
    payment_rules = sorted(str(r) for r in PAYMENT_RULES)
    found = (
        "movement_id IN (SELECT subject FROM rm_findings WHERE known_us <= ? "
        f"AND rule IN ({','.join('?' * len(payment_rules))}))"
    )
    queries = [(select + found, [t, t, *payment_rules])]
    for chunk in _chunks(sorted(documents)):
        queries.append((select + f"settles IN ({','.join('?' * len(chunk))})", [t, *chunk]))
    for sql, params in queries:
        for mid, seq, *row in db.query(sql, params):
            rows[mid] = (int(seq), *row)
    ordered = sorted(rows.items(), key=lambda item: item[1][0])
    parts = misused_by_payment(
        [Payment(mid, int(r[4]), r[5]) for mid, r in ordered], facts, documents
    )
    return {
        mid: Misspent(mid, program, payer, int(at_us), int(amount), parts[mid])
        for mid, (_, program, payer, at_us, amount, _, outcome) in ordered
        if outcome == "spent" and parts[mid] > 0
    }
