"""Re-judging documents from the read models: animal, subsidy and settlement rules.

After each page the fold asks for the animals, assets, priced items and documents it touched to be
judged again over the whole record (the tables), so the result does not depend on which load or
page brought a record in.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from coloring.domain.rules import Rule
from coloring.projections.db import Cursor
from coloring.projections.docrules import (
    ANIMAL_RULES,
    SETTLEMENT_RULES,
    SUBSIDY_RULES,
    AnimalInPurchase,
    DocFinding,
    History,
    ReferenceData,
    RegistryFact,
    SettledDocument,
    Settlement,
    SubsidyDoc,
    animal_findings,
    settlement_findings,
    subsidy_findings,
)
from coloring.projections.listing import shown_row

FINDING_INSERT = (
    "INSERT INTO rm_findings (rule, subject, program_id, amount, at_us, at_offset, status, "
    "known_us, party_a, party_b, evidence, shown) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
)
"""Takes a row of the fold's findings with its text added (`listing.shown_row`)."""


ANIMALS_IN_PURCHASES = (
    "SELECT pa.purchase_id, pa.animal_id, pa.species, pa.price, d.at_us, d.at_offset, "
    "d.seq, d.program_id, d.party, d.payee FROM rm_purchase_animals pa "
    "JOIN rm_documents d ON d.document_id = pa.purchase_id WHERE "
)
SUBSIDIES = (
    "SELECT subsidy_id, program_id, applicant, supplier, asset_id, asset_kind, asset_value, "
    "amount, at_us, at_offset, seq FROM rm_subsidies "
)


@dataclass
class Judged:
    """The animals and assets a fold that began with no findings has written findings of
    (the only findings of these rules that can exist): the others' need no deleting.

    Those with a finding, not all those judged: every purchased animal is judged, so a set of
    them grew with the ledger (~580 MB of ids at 10M payments); a few percent have findings."""

    animals: set[str] = field(default_factory=set)
    assets: set[str] = field(default_factory=set)


T = TypeVar("T")
M = TypeVar("M")


def chunks(items: list[T], size: int = 500) -> Iterable[list[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def judge_documents(
    c: Cursor,
    data: ReferenceData,
    touched_animals: set[str],
    touched_assets: set[str],
    touched_items: set[str],
    judged: Judged | None = None,
) -> None:
    """Re-judge every animal, asset and priced item this page touched. `judged`: the animals
    and assets with a finding written by a fold that began with no findings at all (a
    rebuild, a ledger's first load); only their findings can exist, so only theirs are
    deleted first."""
    animals, assets = set(touched_animals), set(touched_assets)
    for chunk in chunks(sorted(touched_items)):
        marks = ",".join("?" * len(chunk))
        animals.update(
            r[0]
            for r in c.query(
                f"SELECT DISTINCT animal_id FROM rm_purchase_animals WHERE species IN ({marks})",
                chunk,
            )
        )
        assets.update(
            r[0]
            for r in c.query(
                f"SELECT DISTINCT asset_id FROM rm_subsidies WHERE asset_kind IN ({marks})",
                chunk,
            )
        )
    for chunk in chunks(sorted(animals)):
        marks = ",".join("?" * len(chunk))
        pairs = _grouped(
            1, _in_purchase, c.query(ANIMALS_IN_PURCHASES + f"pa.animal_id IN ({marks})", chunk)
        )
        _judge_animals(c, pairs, data, judged)
    for chunk in chunks(sorted(assets)):
        marks = ",".join("?" * len(chunk))
        by_asset = _grouped(4, _subsidy, c.query(SUBSIDIES + f"WHERE asset_id IN ({marks})", chunk))
        _judge_assets(c, by_asset, data, judged)


def _grouped(
    key: int, make: Callable[[Sequence[Any]], T], rows: Iterable[Sequence[Any]]
) -> dict[str, list[T]]:
    """Each row made into `make`'s value, grouped by its column `key`."""
    grouped: dict[str, list[T]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(make(row))
    return grouped


# A named tuple of a row as it is, without the argument parsing of its constructor (judging
# every purchased animal makes one of each row read: an animal in a purchase, a registry fact).
_new = tuple.__new__


def _in_purchase(row: Sequence[Any]) -> AnimalInPurchase:
    return _new(AnimalInPurchase, row)


def _subsidy(row: Sequence[Any]) -> SubsidyDoc:
    return SubsidyDoc(*row)


def judge_all(
    c: Cursor,
    data: ReferenceData,
    size: int = 5000,
) -> None:
    """Judge every purchased animal and every subsidised asset once, at the end of a bulk fold
    (its pages judged none, so no finding of these rules exists yet): ranges of animal ids in
    the order of their index, instead of the ids each page touched (most of which a later page
    touches again, or are in no purchase at all)."""
    last = ""
    while True:
        ids = c.query(
            "SELECT DISTINCT animal_id FROM rm_purchase_animals WHERE animal_id > ? "
            "ORDER BY animal_id LIMIT ?",
            (last, size),
        )
        if not ids:
            break
        first, last = ids[0][0], ids[-1][0]
        pairs = _grouped(
            1,
            _in_purchase,
            c.query(ANIMALS_IN_PURCHASES + "pa.animal_id BETWEEN ? AND ?", (first, last)),
        )
        # A fresh `Judged`: nothing judged yet, so no finding to delete.
        _judge_animals(c, pairs, data, Judged())
    by_asset = _grouped(4, _subsidy, c.query(SUBSIDIES + "ORDER BY asset_id"))
    _judge_assets(c, by_asset, data, Judged())


def _judge_animals(
    c: Cursor,
    pairs: dict[str, list[AnimalInPurchase]],
    data: ReferenceData,
    judged: Judged | None,
) -> None:
    """Judge the animals of `pairs` (each with the purchases that list it) against their
    registry history, replacing their findings."""
    # Only animals in a purchase have rules to break: the registry rows of the others
    # (most of a region's herd) are not read.
    history: dict[str, list[RegistryFact]] = defaultdict(list)
    for bought in chunks(sorted(pairs)):
        for row in c.query(
            "SELECT animal_id, seq, at_us, event, owner FROM rm_registry "
            f"WHERE animal_id IN ({','.join('?' * len(bought))})",
            bought,
        ):
            history[row[0]].append(_new(RegistryFact, row[1:]))
    _replace_findings_of_groups(
        c,
        ANIMAL_RULES,
        pairs,
        lambda animal_id, ps: animal_findings(ps, history[animal_id], data),
        lambda a: f"{a.purchase_id}/{a.animal_id}",
        None if judged is None else judged.animals,
    )


def _judge_assets(
    c: Cursor,
    by_asset: dict[str, list[SubsidyDoc]],
    data: ReferenceData,
    judged: Judged | None,
) -> None:
    """Judge the subsidies of each asset of `by_asset`, replacing their findings."""
    _replace_findings_of_groups(
        c,
        SUBSIDY_RULES,
        by_asset,
        lambda _, subsidies: subsidy_findings(subsidies, data),
        lambda s: s.subsidy_id,
        None if judged is None else judged.assets,
    )


def _replace_findings_of_groups(
    c: Cursor,
    rules: tuple[Rule, ...],
    groups: dict[str, list[M]],
    findings_of: Callable[[str, list[M]], list[DocFinding]],
    subject: Callable[[M], str],
    with_findings: set[str] | None,
) -> None:
    """Judge each group (an animal's purchases, an asset's subsidies) and replace the findings
    of `rules` of its members. `with_findings`: the groups a fold that began with no findings
    has written findings of; only their members' findings are deleted, and it gains this
    call's groups with findings."""
    subjects = [
        subject(m)
        for key, members in groups.items()
        if with_findings is None or key in with_findings
        for m in members
    ]
    found: list[DocFinding] = []
    for key, members in groups.items():
        findings = findings_of(key, members)
        if findings:
            found.extend(findings)
            if with_findings is not None:
                with_findings.add(key)
    replace_findings(c, rules, subjects, found)


def judge_settlements(c: Cursor, documents: set[str]) -> None:
    """Re-judge the payments counting towards purchases whose payable value changed after they
    were paid (a later load gave them more animals). Nothing else is judged again: a contract's
    payments keep the verdicts of their events, judged against the acts accepted before each."""
    for chunk in chunks(sorted(documents)):
        marks = ",".join("?" * len(chunk))
        animals: dict[str, list[str]] = defaultdict(list)
        for purchase_id, animal_id in c.query(
            "SELECT purchase_id, animal_id FROM rm_purchase_animals "
            f"WHERE purchase_id IN ({marks})",
            chunk,
        ):
            animals[purchase_id].append(animal_id)
        history: History = defaultdict(list)
        for animal_chunk in chunks(sorted({a for ids in animals.values() for a in ids})):
            animal_marks = ",".join("?" * len(animal_chunk))
            for animal_id, at_us, seq, owner in c.query(
                "SELECT animal_id, at_us, seq, owner FROM rm_registry "
                f"WHERE animal_id IN ({animal_marks}) ORDER BY at_us, seq",
                animal_chunk,
            ):
                history[animal_id].append((at_us, seq, owner))
        payments: dict[str, list[Settlement]] = defaultdict(list)
        notifications: dict[str, int] = {}
        for settles, *row, notification in c.query(
            "SELECT settles, movement_id, amount, at_us, at_offset, seq, payer, payee, "
            "notification_id FROM rm_movements "
            f"WHERE status = 'applied' AND settles IN ({marks})",
            chunk,
        ):
            payments[settles].append(Settlement(*row))
            notifications[row[0]] = notification
        found: list[DocFinding] = []
        subjects: list[str] = []
        for document_id, program_id, party, value in c.query(
            "SELECT document_id, program_id, party, value FROM rm_documents "
            f"WHERE document_id IN ({marks})",
            chunk,
        ):
            doc = SettledDocument(document_id, program_id, party, value, animals[document_id])
            found.extend(settlement_findings(doc, payments[document_id], history, notifications))
            subjects.extend(p.transfer_id for p in payments[document_id])
        replace_findings(c, SETTLEMENT_RULES, subjects, found)


def replace_findings(
    c: Cursor, rules: tuple[Rule, ...], subjects: list[str], found: list[DocFinding]
) -> None:
    rule_marks = ",".join("?" * len(rules))
    c.executemany(
        f"DELETE FROM rm_findings WHERE subject = ? AND rule IN ({rule_marks})",
        [(s, *[str(r) for r in rules]) for s in subjects],
    )
    c.executemany(
        FINDING_INSERT,
        [
            shown_row(
                (
                    str(f.rule),
                    f.subject,
                    f.program_id,
                    f.amount,
                    f.at_us,
                    f.at_offset,
                    "open",
                    f.known_us,
                    f.party_a,
                    f.party_b,
                    json.dumps(f.evidence, sort_keys=True),
                )
            )
            for f in found
        ],
    )
