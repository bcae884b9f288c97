"""Auyl Amanaty: treasury > Agrarian Credit Corporation > banks > farmers > sellers of animals.

One lifecycle per farmer, in one weekly cycle: the bank lends, the farmer contracts one to
three purchases (animals registered to the seller before the contract, re-registered to the
farmer after it and before the payment), pays each seller once and returns what is left.
Every clean delivery leaves its holder within ten days; nothing is held at the end.

Planted misuse, per lifecycle (`LIFE_PLANTS`), per purchase (`PURCHASE_PLANTS`, on the payment)
and per purchase again (`ANIMAL_PLANTS`, on one of its animals); the purchases themselves are
planned and written in `coloring.pilot.generator.purchases`. Each plant produces exactly
the findings it records with `World.plant`.
"""

from __future__ import annotations

from coloring.domain.money import format_tiyn
from coloring.pilot.generator.catalog import (
    BANK_NAMES,
    CYCLES,
    DAY,
    EXPIRES_AT,
    HOUR,
    LATE_CYCLE,
    LIVESTOCK,
    LIVESTOCK_IDLE_DAYS,
    MINUTE,
    PLACES,
    TENGE,
    TREASURY,
    fmt_time,
)
from coloring.pilot.generator.purchases import (
    ANIMAL_PLANTS,
    PURCHASE_PLANTS,
    PURCHASE_RULE,
    Purchase,
    Purchases,
)
from coloring.pilot.generator.sink import LOANS
from coloring.pilot.generator.world import World

LIFE_PLANTS = ("insufficient", "idle", "off_route", "spent", "unreturned")
LATE = ("spent", "unreturned")


class Livestock:
    def __init__(self, w: World, n_farmers: int, force: bool) -> None:
        self.w = w
        rng = w.rng
        self.operator = w.participant("OP-ACC", "Agrarian Credit Corporation", "operator", "Astana")
        n_banks = max(2, min(60, -(-n_farmers // 50)))
        self.banks = []
        for k in range(n_banks):
            name = BANK_NAMES[k] if k < len(BANK_NAMES) else f"Credit Partnership {w.place()} {k}"
            self.banks.append(w.participant(f"BANK-{k + 1:03d}", name, "bank", w.region()))
        self.farmers = [
            w.participant(f"FRM-{i + 1:06d}", f"Peasant farm {w.person()}", "farmer", w.region())
            for i in range(n_farmers)
        ]
        n_sellers = max(3, n_farmers // 5)
        self.sellers = [
            w.participant(f"SEL-{i + 1:05d}", f"Breeder {w.person()}", "seller", w.region())
            for i in range(n_sellers)
        ]
        n_agents = max(1, min(20, n_farmers // 200))
        self.agents = [
            w.participant(f"OTH-{i + 1:03d}", f"{PLACES[i % len(PLACES)]} Trading House", "other")
            for i in range(n_agents)
        ]
        # A few declared affiliations that never meet in a payment: farmer families.
        for _ in range(max(1, n_farmers // 100) if n_farmers >= 4 else 0):
            a, b = rng.sample(range(n_farmers), 2)
            w.relate(self.farmers[a], self.farmers[b])
        self.n = n_farmers
        self.late: list[tuple[int, str]] = []
        self.forced_life: dict[int, str] = {}
        self.forced_purchase: dict[int, str] = {}
        self.forced_animal: dict[int, str] = {}
        if force and n_farmers:
            self._force(n_farmers)
        self.purchases = Purchases(
            w, self.farmers, self.sellers, self.forced_purchase, self.forced_animal
        )

    def _force(self, n: int) -> None:
        """Place one of every plant at fixed lifecycles so that every rule occurs."""
        life_slots = sorted({n * (k + 1) // (len(LIFE_PLANTS) + 1) for k in range(5)})
        for slot, plant in zip(life_slots, LIFE_PLANTS, strict=False):
            self.forced_life[slot] = plant
        others = [i for i in range(n) if self.forced_life.get(i) not in LATE]
        step = max(1, len(others) // len(PURCHASE_PLANTS))
        for k, plant in enumerate(PURCHASE_PLANTS):
            if k * step < len(others):
                self.forced_purchase[others[k * step]] = plant
        for k, plant in enumerate(ANIMAL_PLANTS):
            j = k * step + step // 2
            if j < len(others):
                self.forced_animal[others[j]] = plant

    # -- cycles --------------------------------------------------------------------------

    def cycle(self, c: int, t0: int) -> None:
        w = self.w
        by_bank: dict[int, int] = {}
        for f in range(c * self.n // CYCLES, (c + 1) * self.n // CYCLES):
            life = self.forced_life.get(f)
            if life is None and self.w.misused():
                # A lifecycle that carries forced purchase or animal plants stays in its cycle.
                keep = f in self.forced_purchase or f in self.forced_animal
                life = w.pick(LIFE_PLANTS[:3] if keep else LIFE_PLANTS)
            if life in LATE:
                self.late.append((f, life))
                continue
            bank = w.below(len(self.banks))
            t_issue = t0 + (1 + w.below(4)) * DAY + w.span(9 * HOUR, 17 * HOUR)
            by_bank[bank] = by_bank.get(bank, 0) + self._lifecycle(f, bank, t_issue, life)
        self._fund(t0, by_bank, bank_return=t0 + 5 * DAY + 10 * HOUR)

    def late_cycle(self) -> None:
        """Lifecycles that end after expiry: SPENT_AFTER_EXPIRY and UNRETURNED_AFTER_EXPIRY."""
        if not self.late:
            return
        w = self.w
        t0 = LATE_CYCLE
        by_bank: dict[int, int] = {}
        for f, life in self.late:
            bank = w.below(len(self.banks))
            t_issue = t0 + DAY + 9 * HOUR + w.span(0, 3 * HOUR)
            by_bank[bank] = by_bank.get(bank, 0) + self._lifecycle(f, bank, t_issue, life)
        self._fund(t0, by_bank, bank_return=t0 + DAY + 18 * HOUR)

    def _fund(self, t0: int, by_bank: dict[int, int], bank_return: int) -> None:
        """Allocation to the operator, tranches to the banks, surpluses back to the treasury."""
        if not by_bank:
            return
        w, sink = self.w, self.w.sink
        total = 0
        for k, bank in enumerate(sorted(by_bank)):
            surplus = self.w.surplus(by_bank[bank])
            tranche = by_bank[bank] + surplus
            total += tranche
            sink.pay(
                t0 + 10 * HOUR + k * 7 * MINUTE, LIVESTOCK, self.operator, self.banks[bank], tranche
            )
            if surplus:
                sink.pay(bank_return + k * MINUTE, LIVESTOCK, self.banks[bank], TREASURY, surplus)
        surplus = self.w.surplus(total)
        sink.allocate(
            t0 + 8 * HOUR + w.below(30) * MINUTE, LIVESTOCK, self.operator, total + surplus
        )
        if surplus:
            sink.pay(t0 + 21 * HOUR, LIVESTOCK, self.operator, TREASURY, surplus)

    # -- one farmer ----------------------------------------------------------------------

    def _lifecycle(self, f: int, bank_index: int, t_issue: int, life: str | None) -> int:
        """Emit one farmer's loan, purchases and payments; return the loan amount."""
        w, sink = self.w, self.w.sink
        farmer = self.farmers[f]
        bank = self.banks[bank_index]
        late = life in LATE
        purchases = self.purchases.plan(f, late)
        loan_id = w.next_id("LN-", 6)
        t_loan = t_issue + w.ri(10, 120) * MINUTE
        if life == "idle":
            t = t_loan + (LIVESTOCK_IDLE_DAYS + 1) * DAY + w.span(0, DAY)
        elif late:
            t = t_loan + w.ri(2, 5) * HOUR
        else:
            t = t_loan + w.span(2 * HOUR, DAY)
        diversion = w.ri(50, 400) * 1000 * TENGE if life == "off_route" else 0
        total = diversion
        payments: list[tuple[int, Purchase]] = []
        for p in purchases:
            t = self.purchases.emit(p, farmer, t, late)
            payments.append((t, p))
            total += p.paid
        # The loan: a round sum above what the farmer will pay; the rest is returned.
        extra = 0 if w.chance(0.5) else total * w.ri(100, 600) // 10_000
        if life == "unreturned":
            extra += TENGE
        step = 10_000 * TENGE
        loan = -(-(total + extra) // step) * step
        sink.row(t_issue, LOANS, loan_id, LIVESTOCK, bank, farmer, _tenge(loan), _time(t_issue))
        loan_row = sink.pay(t_loan, LIVESTOCK, bank, farmer, loan, loan_id)
        if life == "idle":
            w.plant("IDLE_FUNDS", loan_row)
        if life == "insufficient":
            first = purchases[0]
            row = sink.pay(
                t_loan - w.ri(1, 20) * HOUR,
                LIVESTOCK,
                farmer,
                first.seller,
                first.total,
                refused=True,
            )
            w.plant("INSUFFICIENT_FUNDS", row)
        t_last = self._pay_sellers(farmer, loan_id, payments, life)
        if diversion:
            agent = w.pick(self.agents)
            t_div = payments[0][0] + w.ri(1, 10) * HOUR
            row = sink.pay(t_div, LIVESTOCK, farmer, agent, diversion)
            w.plant("OFF_ROUTE", row)
            t_back = t_div + w.ri(1, 72) * HOUR
            sink.pay(t_back, LIVESTOCK, agent, TREASURY, diversion)
            t_last = max(t_last, t_div)
        slack = loan - total
        if life == "unreturned":
            w.plant("UNRETURNED_AFTER_EXPIRY", f"{LIVESTOCK}/{farmer}")
            sink.pay(EXPIRES_AT + w.ri(30, 300) * MINUTE, LIVESTOCK, farmer, TREASURY, slack)
        elif life == "spent":
            w.plant("UNRETURNED_AFTER_EXPIRY", f"{LIVESTOCK}/{farmer}")
            if slack:
                sink.pay(t_last + w.ri(5, 30) * MINUTE, LIVESTOCK, farmer, TREASURY, slack)
        elif slack:
            sink.pay(t_last + w.ri(1, 48) * HOUR, LIVESTOCK, farmer, TREASURY, slack)
        return loan

    def _pay_sellers(
        self, farmer: str, loan_id: str, payments: list[tuple[int, Purchase]], life: str | None
    ) -> int:
        """Pay each purchase's seller (after the loan expired for a `spent` life); return the
        instant of the last payment."""
        w, sink = self.w, self.w.sink
        spent_after = EXPIRES_AT
        for k, (t_pay, p) in enumerate(payments):
            if life == "spent":
                spent_after += w.ri(10, 50) * MINUTE
                t_pay = spent_after
            ref = p.purchase_id
            if p.plant == "missing_doc":
                ref = ""
            elif p.plant == "mismatch":
                ref = loan_id if k % 2 == 0 else f"{p.purchase_id}-1"
            row = sink.pay(t_pay, LIVESTOCK, farmer, p.seller, p.paid, ref)
            rule = PURCHASE_RULE.get(p.plant or "")
            if rule:
                w.plant(rule, row)
            if life == "spent":
                w.plant("SPENT_AFTER_EXPIRY", row)
        return payments[-1][0] if life != "spent" else spent_after


_tenge = format_tiyn
_time = fmt_time
