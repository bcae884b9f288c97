"""Rules on documents, animals and prices (section 5), as pure functions of one key's records.

They are judged on every document, paid or not, over the whole record regardless of the order in
which loads brought the records in, so several loads give the findings of one. Each finding
carries `known_us`: the instant from which it is visible to time travel (`--as-of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from operator import itemgetter
from typing import NamedTuple

from coloring.domain.records import SubsidyFields
from coloring.domain.rulebook import ANIMAL_RULES, SETTLEMENT_RULES, SUBSIDY_RULES, Rule
from coloring.domain.time import DAY_US

__all__ = ["ANIMAL_RULES", "SETTLEMENT_RULES", "SUBSIDY_RULES"]


class AnimalInPurchase(NamedTuple):
    """An animal as a purchase lists it, with the purchase's fields. Named tuples, this and
    `RegistryFact`: judging every purchased animal makes one of each per row read, and a frozen
    dataclass's init (a `setattr` per field) costs several times a tuple's."""

    purchase_id: str
    animal_id: str
    species: str
    price: int
    at_us: int
    at_offset: int
    seq: int
    program_id: str
    buyer: str
    seller: str


class RegistryFact(NamedTuple):
    seq: int
    at_us: int
    event: str
    owner: str | None


# Each sorts by (at_us, seq), by position: `AnimalInPurchase` 4 and 6, `RegistryFact` 1 and 0.
_PURCHASE_ORDER = itemgetter(4, 6)
_FACT_ORDER = itemgetter(1, 0)


@dataclass(frozen=True, slots=True)
class SubsidyDoc(SubsidyFields):
    """A subsidy as the read model keeps it: its record's fields, its instant as stored, and
    its sequence number."""

    at_us: int
    at_offset: int
    seq: int


@dataclass(frozen=True, slots=True)
class Terms:
    retention_days: int | None
    subsidy_cap_percent: Fraction | None
    price_tolerance_percent: Fraction


@dataclass(frozen=True, slots=True)
class DocFinding:
    rule: Rule
    subject: str
    program_id: str
    amount: int
    at_us: int
    at_offset: int
    known_us: int
    party_a: str
    party_b: str
    evidence: dict[str, object]


# item -> list of (region, valid_from_us, seq, price)
PriceBook = dict[str, list[tuple[str, int, int, int]]]


@dataclass(frozen=True, slots=True)
class ReferenceData:
    """What the document rules judge documents against: each program's terms, each
    participant's region and the reference prices (the fold keeps them up to date in place)."""

    terms: dict[str, Terms]
    regions: dict[str, str | None]
    book: PriceBook


def reference_price(book: PriceBook, item: str, region: str | None, at_us: int) -> int | None:
    """Latest price of the region valid at `at_us` (later row wins a tie), else latest `*`."""
    rows = book.get(item, ())
    for wanted in ([region] if region else []) + ["*"]:
        best: tuple[int, int, int] | None = None
        for row_region, valid_from, seq, price in rows:
            if (
                row_region == wanted
                and valid_from <= at_us
                and (best is None or (valid_from, seq) > best[:2])
            ):
                best = (valid_from, seq, price)
        if best is not None:
            return best[2]
    return None


def above_reference(price: int, reference: int, tolerance: Fraction) -> bool:
    # The same exact comparison in integers: Fraction arithmetic cost more than the rest of
    # judging an animal (a rebuild judges every purchased animal).
    d = tolerance.denominator
    return price * 100 * d > reference * (100 * d + tolerance.numerator)


def animal_findings(
    animal: list[AnimalInPurchase],
    history: list[RegistryFact],
    data: ReferenceData,
) -> list[DocFinding]:
    """Every animal rule for one animal id over all purchases that list it."""
    out: list[DocFinding] = []
    # Most animals are in one purchase with a fact or two: sorted by C keys, and only when
    # there is an order to make (a rebuild judges every purchased animal).
    facts = sorted(history, key=_FACT_ORDER) if len(history) > 1 else history
    purchases = sorted(animal, key=_PURCHASE_ORDER) if len(animal) > 1 else animal
    for i, a in enumerate(purchases):
        term = data.terms[a.program_id]
        if i > 0:
            earlier = {"earlier_purchase": purchases[0].purchase_id}
            out.append(_on_animal(Rule.DUPLICATE_ANIMAL, a, a.at_us, earlier))
        last_known = None
        for f in facts:
            if f.at_us <= a.at_us:
                last_known = f
        if last_known is None:
            out.append(_on_animal(Rule.UNREGISTERED_ANIMAL, a, a.at_us, {}))
        elif last_known.owner != a.seller:
            owner = {"registry_seq": last_known.seq, "registered_owner": last_known.owner}
            out.append(_on_animal(Rule.SELLER_NOT_OWNER, a, a.at_us, owner))
        if term.retention_days is not None:
            departure = _early_departure(facts, a, term.retention_days)
            if departure is not None:
                arrived, left = departure
                moved = {"registered_seq": arrived.seq, "left_seq": left.seq, "left_by": left.event}
                out.append(_on_animal(Rule.EARLY_DISPOSAL, a, left.at_us, moved))
        reference = reference_price(data.book, a.species, data.regions.get(a.buyer), a.at_us)
        if reference is not None and above_reference(
            a.price, reference, term.price_tolerance_percent
        ):
            priced = {"reference_price": reference}
            out.append(_on_animal(Rule.PRICE_ABOVE_REFERENCE, a, a.at_us, priced))
    return out


def _on_animal(
    rule: Rule, a: AnimalInPurchase, known_us: int, evidence: Mapping[str, object]
) -> DocFinding:
    return DocFinding(
        rule,
        f"{a.purchase_id}/{a.animal_id}",
        a.program_id,
        a.price,
        a.at_us,
        a.at_offset,
        known_us,
        a.buyer,
        a.seller,
        {"purchase": a.purchase_id, "animal": a.animal_id, **evidence},
    )


def _on_subsidy(rule: Rule, s: SubsidyDoc, evidence: Mapping[str, object]) -> DocFinding:
    return DocFinding(
        rule,
        s.subsidy_id,
        s.program_id,
        s.amount,
        s.at_us,
        s.at_offset,
        s.at_us,
        s.applicant,
        s.supplier,
        {"subsidy": s.subsidy_id, "asset": s.asset_id, **evidence},
    )


def _early_departure(
    facts: list[RegistryFact], a: AnimalInPurchase, retention_days: int
) -> tuple[RegistryFact, RegistryFact] | None:
    arrived: RegistryFact | None = None
    for fact in facts:
        if arrived is None:
            if fact.at_us >= a.at_us and fact.owner == a.buyer:
                arrived = fact
            continue
        if fact.owner != a.buyer:
            if fact.at_us - arrived.at_us < retention_days * DAY_US:
                return arrived, fact
            return None
    return None


def subsidy_findings(
    subsidies: list[SubsidyDoc],
    data: ReferenceData,
) -> list[DocFinding]:
    """Every subsidy rule for the subsidies of one asset id."""
    out: list[DocFinding] = []
    ordered = sorted(subsidies, key=lambda s: (s.at_us, s.seq))
    for i, s in enumerate(ordered):
        term = data.terms[s.program_id]
        if i > 0:
            earlier = {"earlier_subsidy": ordered[0].subsidy_id}
            out.append(_on_subsidy(Rule.DOUBLE_SUBSIDY, s, earlier))
        cap = term.subsidy_cap_percent
        if cap is not None and s.amount * 100 > cap * s.asset_value:
            capped = {"cap_percent": str(cap), "asset_value": s.asset_value}
            out.append(_on_subsidy(Rule.SUBSIDY_OVER_CAP, s, capped))
        reference = reference_price(data.book, s.asset_kind, data.regions.get(s.applicant), s.at_us)
        if reference is not None and above_reference(
            s.asset_value, reference, term.price_tolerance_percent
        ):
            priced = {"reference_price": reference, "asset_value": s.asset_value}
            out.append(_on_subsidy(Rule.PRICE_ABOVE_REFERENCE, s, priced))
    return out


@dataclass(frozen=True, slots=True)
class Settlement:
    """An applied payment that counts towards a document."""

    transfer_id: str
    amount: int
    at_us: int
    at_offset: int
    seq: int
    payer: str
    payee: str


History = dict[str, list[tuple[int, int, str | None]]]


@dataclass(frozen=True, slots=True)
class SettledDocument:
    """A purchase judged again with its payments: its value is what it may be paid."""

    document_id: str
    program_id: str
    buyer: str | None
    value: int
    animals: list[str]


def owner_at(history: History, animal_id: str, at_us: int, seq: int) -> str | None:
    owner = None
    for fact_at, fact_seq, fact_owner in history.get(animal_id, ()):
        if (fact_at, fact_seq) > (at_us, seq):
            break
        owner = fact_owner
    return owner


def settlement_findings(
    doc: SettledDocument,
    payments: list[Settlement],
    history: History,
    notifications: dict[str, int],
) -> list[DocFinding]:
    """OVERPAYMENT and PAID_BEFORE_REREGISTRATION for every payment counting towards one purchase.

    Judged over the whole record (every animal of the purchase, whichever load brought it) with
    "before" meaning earlier in the ledger's order (instant, then record order), so several loads
    give the findings of one. Refused payments keep the verdict recorded on their event.
    """
    out: list[DocFinding] = []
    paid = 0
    for p in sorted(payments, key=lambda p: p.seq):
        paid += p.amount
        evidence: dict[str, object] = {
            "transfer": p.transfer_id,
            "purpose_ref": doc.document_id,
            "notification": notifications.get(p.transfer_id),
        }
        excess = paid - doc.value
        if excess > 0:
            out.append(_on_payment(Rule.OVERPAYMENT, p, min(p.amount, excess), doc, evidence))
        if doc.animals and any(
            owner_at(history, a, p.at_us, p.seq) != doc.buyer for a in doc.animals
        ):
            out.append(_on_payment(Rule.PAID_BEFORE_REREGISTRATION, p, p.amount, doc, evidence))
    return out


def _on_payment(
    rule: Rule, p: Settlement, amount: int, doc: SettledDocument, evidence: dict[str, object]
) -> DocFinding:
    return DocFinding(
        rule,
        p.transfer_id,
        doc.program_id,
        amount,
        p.at_us,
        p.at_offset,
        p.at_us,
        p.payer,
        p.payee,
        evidence,
    )
