"""`coloring explain`: a finding and the records behind it, in plain words, from the read
models (a few indexed look-ups)."""

from __future__ import annotations

from coloring.domain.money import format_tiyn
from coloring.domain.time import format_instant
from coloring.projections.db import Database
from coloring.projections.queries import EVIDENCE_AMOUNTS, Finding, find_one, shown_evidence


def explain(db: Database, rule: str, subject: str, as_of_us: int | None = None) -> list[str]:
    """The finding and the records behind it, in plain words."""
    return explain_finding(db, find_one(db, rule, subject, as_of_us))


def explain_finding(db: Database, f: Finding) -> list[str]:
    """The records behind a finding already in hand (a few indexed look-ups)."""
    lines = [
        f"{f.rule} {f.subject} ({f.status}): {format_tiyn(f.amount)} KZT of program {f.program}, "
        f"at {f.at}",
    ]
    movement_id = f.evidence.get("transfer") or f.evidence.get("delivery")
    if isinstance(movement_id, str):
        # A payment recorded in a page of movements is that event's entry number so-and-so.
        entry = f.evidence.get("entry")
        lines += _movement_lines(db, movement_id, entry if isinstance(entry, int) else None)
    for key in ("purpose_ref", "purchase", "subsidy", "earlier_purchase", "earlier_subsidy"):
        doc_id = f.evidence.get(key)
        if isinstance(doc_id, str):
            lines += _document_lines(db, doc_id)
    animal = f.evidence.get("animal")
    if isinstance(animal, str):
        lines.append(_registry_line(db, animal))
    for key, value in sorted(shown_evidence(f.evidence).items()):
        if key not in _EXPLAINED_ABOVE:
            unit = " KZT" if key in EVIDENCE_AMOUNTS else ""
            lines.append(f"- {key}: {value}{unit}")
    return lines


# Evidence that `explain_finding` shows as the records it names (or, for the entry, beside them).
_EXPLAINED_ABOVE = frozenset(
    {"transfer", "purpose_ref", "purchase", "subsidy", "animal", "notification", "entry"}
)


def _movement_lines(db: Database, movement_id: str, entry: int | None) -> list[str]:
    at_entry = f", entry {entry}" if entry is not None else ""
    return [
        f"- {kind} {movement_id} at {format_instant(at_us, off)}: {payer} -> {payee}, "
        f"{format_tiyn(amount)} KZT, {status}"
        + (f" ({outcome})" if outcome else "")
        + (f", purpose_ref {ref}" if ref else ", no purpose_ref")
        + (f", counted towards {settles}" if settles else "")
        + f" [event #{nid}{at_entry}]"
        for kind, payer, payee, amount, at_us, off, status, outcome, ref, settles, nid in db.query(
            "SELECT kind, payer, payee, amount, at_us, at_offset, status, outcome, purpose_ref, "
            "settles, notification_id FROM rm_movements WHERE movement_id = ?",
            (movement_id,),
        )
    ]


def _document_lines(db: Database, doc_id: str) -> list[str]:
    lines = []
    for kind, program, payer, party, payee, at_us, off, value, paid in db.query(
        # Paid: the payments counted towards it (the read models keep no total of them; a sum
        # is NUMERIC on PostgreSQL, hence `int`).
        "SELECT kind, program_id, payer, party, payee, at_us, at_offset, value, "
        "(SELECT COALESCE(SUM(amount), 0) FROM rm_movements WHERE settles = ?) "
        "FROM rm_documents WHERE document_id = ?",
        (doc_id, doc_id),
    ):
        # A subsidy names no payer: its applicant is the party it is for.
        parties = f"{payer} -> {payee}" if payer else f"applicant {party}, supplier {payee}"
        lines.append(
            f"- {kind} {doc_id} of {program} dated {format_instant(at_us, off)}: "
            f"{parties}, value {format_tiyn(value)} KZT, paid {format_tiyn(int(paid))} KZT"
        )
    return lines


def _registry_line(db: Database, animal: str) -> str:
    history = db.query(
        "SELECT at_us, at_offset, event, owner FROM rm_registry WHERE animal_id = ? "
        "ORDER BY at_us, seq",
        (animal,),
    )
    return f"- registry of {animal}: " + (
        "; ".join(f"{format_instant(a, o)} {e} {w or ''}".strip() for a, o, e, w in history)
        or "no record"
    )
