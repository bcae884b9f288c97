"""Auyl Amanaty's purchases: what a farmer buys with a loan, its animals and their registry rows.

A farmer contracts one to three purchases from breeders (animals registered to the seller
before the contract, re-registered to the farmer after it and before the payment). Planted
misuse per purchase (`PURCHASE_PLANTS`, on the payment; the rule each plants is
`PURCHASE_RULE`) and per purchase again (`ANIMAL_PLANTS`, on one of its animals).
"""

from __future__ import annotations

from dataclasses import dataclass

from coloring.domain.money import format_tiyn
from coloring.pilot.generator.catalog import (
    DAY,
    EXPIRES_AT,
    HOUR,
    LAST_CLEAN,
    LIVESTOCK,
    MAX_REFERENCE,
    MINUTE,
    SPECIES_BASE,
    TENGE,
    fmt_time,
)
from coloring.pilot.generator.sink import PURCHASES, REGISTRY
from coloring.pilot.generator.world import World

PURCHASE_PLANTS = ("missing_doc", "mismatch", "overpayment", "related", "paid_before")
ANIMAL_PLANTS = ("unregistered", "not_owner", "duplicate", "early_disposal", "price")

PURCHASE_RULE = {
    "missing_doc": "MISSING_DOCUMENT",
    "mismatch": "DOCUMENT_MISMATCH",
    "overpayment": "OVERPAYMENT",
    "related": "RELATED_PARTY",
    "paid_before": "PAID_BEFORE_REREGISTRATION",
}


@dataclass(slots=True)
class Animal:
    animal_id: str
    species: str
    price: int  # tiyn
    plant: str | None = None


@dataclass(slots=True)
class Purchase:
    purchase_id: str
    seller: str
    animals: list[Animal]
    plant: str | None = None
    total: int = 0
    paid: int = 0


@dataclass
class Purchases:
    """Plans and writes the purchases of the program's farmers, with the plants forced on them
    (by farmer index: the first purchase of that farmer carries it)."""

    w: World
    farmers: list[str]
    sellers: list[str]
    forced_purchase: dict[int, str]
    forced_animal: dict[int, str]

    def plan(self, f: int, late: bool) -> list[Purchase]:
        w = self.w
        target = (w.ri(2_000, 8_800) + w.ri(4_000, 8_800)) // 2 * 1000
        k = 1 if target < 3_500_000 else w.pick((1, 2, 2, 3))
        budget = target // k
        purchases = []
        for j in range(k):
            animals: list[Animal] = []
            spent = 0
            sheep = w.chance(0.12)
            while True:
                if sheep:
                    species = "sheep"
                    price = SPECIES_BASE["sheep"] * w.ri(8_800, 11_200) // 10_000 // 100 * 100
                else:
                    species = "cow" if w.chance(0.8) else "bull"
                    price = SPECIES_BASE[species] * w.ri(8_800, 11_200) // 10_000 // 500 * 500
                if animals and (spent + price > budget or len(animals) >= 40):
                    break
                animals.append(Animal(w.next_id("KZ", 10), species, price * TENGE))
                spent += price
            seller = w.pick(self.sellers)
            p = Purchase(w.next_id("PU-", 6), seller, animals)
            if not late:
                p.plant = self.forced_purchase.get(f) if j == 0 else None
                if p.plant is None and w.misused():
                    p.plant = w.pick(PURCHASE_PLANTS)
                plant = self.forced_animal.get(f) if j == 0 else None
                if plant is None and w.misused():
                    plant = w.pick(ANIMAL_PLANTS)
                if plant is not None:
                    w.pick(animals).plant = plant
            for a in animals:
                if a.plant == "price":
                    base = MAX_REFERENCE[a.species]
                    a.price = base * w.ri(13_500, 19_000) // 10_000 // 100 * 100 * TENGE
            if p.plant == "related":
                # The farmer buys from a relative: a seller declared related to him.
                relative = w.next_id("SEL-R", 4)
                w.participant(
                    relative, f"Breeder {w.person()}", "seller", w.regions[self.farmers[f]]
                )
                w.relate(relative, self.farmers[f])
                p.seller = relative
            p.total = sum(a.price for a in animals)
            p.paid = p.total
            if p.plant == "overpayment":
                p.paid += max(1000 * TENGE, p.total * w.ri(200, 1000) // 10_000 // TENGE * TENGE)
            purchases.append(p)
        return purchases

    def emit(self, p: Purchase, farmer: str, t: int, late: bool) -> int:
        """Emit the purchase, its animals and their registry records; return the payment time."""
        w, sink = self.w, self.w.sink
        t_c = t + (w.ri(3, 10) if late else w.ri(3, 40)) * HOUR
        sink.row(t_c, PURCHASES, p.purchase_id, LIVESTOCK, farmer, p.seller, _time(t_c))
        t_reg = t_c - w.span(4 * DAY, 10 * DAY)
        t_buyer = t_c + w.ri(1, 6 if late else 20) * HOUR
        n = len(p.animals)
        t_pay = t_buyer + n * MINUTE + w.ri(1, 6 if late else 24) * HOUR
        if late and t_pay >= EXPIRES_AT - HOUR:
            raise AssertionError("a late purchase would be paid after expiry")
        for i, a in enumerate(p.animals):
            sink.animal(p.purchase_id, a.animal_id, a.species, _tenge(a.price))
            subject = f"{p.purchase_id}/{a.animal_id}"
            reg = t_reg + i * MINUTE
            arrives = t_buyer + i * MINUTE
            if p.plant == "paid_before" and i == n - 1:
                arrives = t_pay + w.ri(2, 72) * HOUR
            owner = p.seller
            if a.plant == "unregistered":
                w.plant("UNREGISTERED_ANIMAL", subject)
                sink.row(
                    arrives,
                    REGISTRY,
                    a.animal_id,
                    a.species,
                    "registered",
                    farmer,
                    _time(arrives),
                )
            else:
                if a.plant == "not_owner":
                    w.plant("SELLER_NOT_OWNER", subject)
                    owner = self._other_seller(p.seller)
                sink.row(reg, REGISTRY, a.animal_id, a.species, "registered", owner, _time(reg))
                sink.row(
                    arrives,
                    REGISTRY,
                    a.animal_id,
                    a.species,
                    "transferred",
                    farmer,
                    _time(arrives),
                )
            if a.plant == "duplicate":
                # The same animal was contracted before by another farmer, in a deal never paid.
                w.plant("DUPLICATE_ANIMAL", subject)
                ghost = w.next_id("PU-", 6)
                other = self.farmers[w.below(len(self.farmers))]
                t_g = t_c - w.span(1 * DAY, 3 * DAY)
                sink.row(t_g, PURCHASES, ghost, LIVESTOCK, other, p.seller, _time(t_g))
                sink.animal(ghost, a.animal_id, a.species, _tenge(a.price))
            elif a.plant == "early_disposal":
                w.plant("EARLY_DISPOSAL", subject)
                leave = min(arrives + w.span(2 * DAY, 60 * DAY), LAST_CLEAN)
                if leave <= arrives:
                    raise AssertionError("early disposal would come before the animal arrived")
                how = w.pick(("disposed", "exported", "transferred"))
                new_owner = w.iin() if how == "transferred" else ""
                sink.row(leave, REGISTRY, a.animal_id, a.species, how, new_owner, _time(leave))
            elif a.plant == "price":
                w.plant("PRICE_ABOVE_REFERENCE", subject)
        if w.chance(0.15):
            # Registry noise: another animal of the seller that leaves the herd, never sold here.
            noise = w.next_id("KZ", 10)
            species = p.animals[0].species
            sink.row(t_reg, REGISTRY, noise, species, "registered", p.seller, _time(t_reg))
            t_out = min(t_reg + w.span(1 * DAY, 20 * DAY), LAST_CLEAN)
            how = w.pick(("disposed", "exported", "transferred"))
            sink.row(
                t_out,
                REGISTRY,
                noise,
                species,
                how,
                w.iin() if how == "transferred" else "",
                _time(t_out),
            )
        return t_pay

    def _other_seller(self, seller: str) -> str:
        if len(self.sellers) < 2:
            return self.w.iin()
        while True:
            other = self.w.pick(self.sellers)
            if other != seller:
                return other


_tenge = format_tiyn
_time = fmt_time
