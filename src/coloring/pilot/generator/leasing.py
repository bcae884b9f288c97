"""Machinery leasing subsidy: treasury > KazAgroFinance > leasing companies > dealers/suppliers.

A farmer (the applicant) leases a machine; the subsidy (at most 25% of the machine's actual
value) is approved a few days before its weekly cycle and the leasing company pays it to the
dealer or supplier in one payment that names the subsidy.

Planted misuse, per subsidy (`SUBSIDY_PLANTS`): over the cap, the same asset subsidised again,
an asset value far above the reference price, a supplier related to the applicant.
"""

from __future__ import annotations

from coloring.domain.money import format_tiyn
from coloring.pilot.generator.catalog import (
    ASSET_BASE,
    ASSET_KINDS,
    CYCLES,
    DAY,
    HOUR,
    LEASING,
    MAX_REFERENCE,
    MINUTE,
    TENGE,
    TREASURY,
    fmt_time,
)
from coloring.pilot.generator.sink import SUBSIDIES
from coloring.pilot.generator.world import World

SUBSIDY_PLANTS = ("over_cap", "double", "price", "related")


class Leasing:
    def __init__(self, w: World, n_subsidies: int, farmers: list[str], force: bool) -> None:
        self.w = w
        rng = w.rng
        self.operator = w.participant("OP-KAF", "KazAgroFinance", "operator", "Astana")
        n_lessors = max(2, min(20, n_subsidies // 40))
        self.lessors = [
            w.participant(
                f"LSG-{k + 1:02d}", f"{w.place()} Agro Leasing", "leasing_company", w.region()
            )
            for k in range(n_lessors)
        ]
        n_dealers = max(3, min(60, n_subsidies // 25))
        self.dealers = []
        for k in range(n_dealers):
            role = "dealer" if k % 3 else "supplier"
            name = (
                f"{w.place()} Agrotechnika" if role == "dealer" else f"{w.place()} Machinery Plant"
            )
            self.dealers.append(w.participant(f"DLR-{k + 1:03d}", name, role, w.region()))
        self.farmers = farmers
        order = list(range(len(farmers)))
        rng.shuffle(order)
        self.applicant_order = order
        self.n = n_subsidies
        self.forced: dict[int, str] = {}
        if force and n_subsidies >= 4:
            # Subsidy 0 stays clean so that the forced DOUBLE_SUBSIDY (the last one, in a later
            # cycle) has an earlier asset to copy.
            self.forced = {0: "clean", max(1, n_subsidies // 4): "over_cap"}
            self.forced[max(2, n_subsidies // 2)] = "price"
            self.forced[n_subsidies - 1] = "double"
        self.earlier_assets: list[tuple[str, str, int]] = []

    def cycle(self, c: int, t0: int) -> None:
        w, sink = self.w, self.w.sink
        by_lessor: dict[int, int] = {}
        new_assets: list[tuple[str, str, int]] = []
        for i in range(c * self.n // CYCLES, (c + 1) * self.n // CYCLES):
            plant = self._plant(i)
            applicant = self.farmers[self.applicant_order[i % len(self.farmers)]]
            sid = w.next_id("SB-", 6)
            if plant == "double":
                asset_id, kind, value = w.pick(self.earlier_assets)
                w.plant("DOUBLE_SUBSIDY", sid)
            else:
                asset_id = w.next_id("VIN-KZ", 7)
                kind = w.pick(ASSET_KINDS)
                value = ASSET_BASE[kind] * w.ri(8_800, 11_200) // 10_000 // 1000 * 1000
                if plant == "price":
                    value = MAX_REFERENCE[kind] * w.ri(14_000, 45_000) // 10_000 // 1000 * 1000
                    w.plant("PRICE_ABOVE_REFERENCE", sid)
                value *= TENGE
                if plant is None:
                    new_assets.append((asset_id, kind, value))
            if plant == "over_cap":
                amount = value * w.ri(2_700, 4_000) // 10_000
                if amount * 100 <= 25 * value:
                    raise AssertionError("over-cap subsidy within the cap")
                w.plant("SUBSIDY_OVER_CAP", sid)
            else:
                amount = value * w.ri(1_500, 2_400) // 10_000
            supplier = w.pick(self.dealers)
            if plant == "related":
                w.relate(applicant, supplier)
            t_app = t0 - w.ri(1, 6) * DAY + w.span(9 * HOUR, 18 * HOUR)
            sink.row(
                t_app,
                SUBSIDIES,
                sid,
                LEASING,
                applicant,
                supplier,
                asset_id,
                kind,
                format_tiyn(value),
                format_tiyn(amount),
                fmt_time(t_app),
            )
            k = w.below(len(self.lessors))
            t_pay = t0 + (1 + w.below(4)) * DAY + w.span(9 * HOUR, 17 * HOUR)
            row = sink.pay(t_pay, LEASING, self.lessors[k], supplier, amount, sid)
            if plant == "related":
                w.plant("RELATED_PARTY", row)
            by_lessor[k] = by_lessor.get(k, 0) + amount
        self.earlier_assets.extend(new_assets)
        del self.earlier_assets[:-64]
        self._fund(t0, by_lessor)

    def _plant(self, i: int) -> str | None:
        """The misuse planted in subsidy `i`, if any."""
        w = self.w
        plant = self.forced.get(i)
        if plant is None and w.misused():
            plant = w.pick(SUBSIDY_PLANTS)
        if plant == "clean":
            plant = None
        if plant == "double" and not self.earlier_assets:
            plant = None
        if plant == "related" and self.n > len(self.farmers):
            plant = None  # applicants have several subsidies: keep the relation to one
        return plant

    def _fund(self, t0: int, by_lessor: dict[int, int]) -> None:
        """Allocate to the operator what the lessors paid this cycle, pass it on to each lessor,
        and return the surpluses to the treasury."""
        if not by_lessor:
            return
        w, sink = self.w, self.w.sink
        total = 0
        for j, k in enumerate(sorted(by_lessor)):
            surplus = w.surplus(by_lessor[k])
            total += by_lessor[k] + surplus
            who = self.lessors[k]
            sink.pay(
                t0 + 10 * HOUR + j * 9 * MINUTE, LEASING, self.operator, who, by_lessor[k] + surplus
            )
            if surplus:
                sink.pay(t0 + 5 * DAY + 11 * HOUR + j * MINUTE, LEASING, who, TREASURY, surplus)
        surplus = w.surplus(total)
        sink.allocate(t0 + 8 * HOUR + w.below(30) * MINUTE, LEASING, self.operator, total + surplus)
        if surplus:
            sink.pay(t0 + 20 * HOUR, LEASING, self.operator, TREASURY, surplus)
