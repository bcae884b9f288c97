"""Road contracts: treasury > KazAvtoZhol > contractor > subcontractor > supplier.

A main contract (customer: the operator) has one to three subcontracts, each with one to three
supply contracts, and up to two supply contracts of the contractor itself. Work is accepted in
rounds, bottom up (supply acts, then subcontract acts, then the main act), and paid top down
within two days: the operator pays the main act, the contractor pays its subcontractors and
direct suppliers, each subcontractor pays its suppliers (in one or two instalments). Payments
never exceed the acts accepted before them.

Planted misuse: per main contract (`CONTRACT_PLANTS`) a circular deal between two shell
subcontractors (ROUND_TRIP) or a subcontractor related to the contractor (RELATED_PARTY on
every payment to it); per round (`ROUND_PLANTS`) the operator paying before the act is
accepted (OVERPAYMENT).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coloring.domain.money import format_tiyn
from coloring.pilot.generator.catalog import (
    CYCLES,
    DAY,
    HOUR,
    MINUTE,
    ROADS,
    TENGE,
    TREASURY,
    fmt_time,
)
from coloring.pilot.generator.sink import CONTRACTS
from coloring.pilot.generator.world import World

CONTRACT_PLANTS = ("round_trip", "related_sub")
ROUND_PLANTS = ("advance",)
_SUB_TRADES = ("Mostostroy", "Bridge Works", "Drainage Service", "Earthworks", "Road Marking")
_SUPPLY_TRADES = (
    "Asphalt Plant",
    "Bitumen Terminal",
    "Gravel Quarry",
    "Concrete Works",
    "Road Signs",
    "Steel Barriers",
)
MLN = 1_000_000 * TENGE


@dataclass(slots=True)
class _Node:
    contract_id: str
    customer: str
    contractor: str
    value: int = 0
    children: list[_Node] = field(default_factory=list)
    related: bool = False  # every payment into this contract is a planted RELATED_PARTY


@dataclass(slots=True)
class _Main:
    node: _Node
    bps: list[int]
    chain: list[_Node] = field(default_factory=list)  # the planted circular deal, if any
    chain_amount: int = 0
    done: int = 0


def _firms(w: World, prefix: str, trades: tuple[str, ...], role: str, n: int) -> list[str]:
    """`n` firms of one role, named by place and trade (the trades in turn)."""
    return [
        w.participant(
            f"{prefix}-{k + 1:04d}", f"{w.place()} {trades[k % len(trades)]}", role, w.region()
        )
        for k in range(n)
    ]


class Roads:
    def __init__(self, w: World, n_contracts: int, force: bool) -> None:
        self.w = w
        self.operator = w.participant("OP-KAZAVTOZHOL", "KazAvtoZhol", "operator", "Astana")
        self.contractors = [
            w.participant(f"CTR-{k + 1:03d}", f"{w.place()} Avtodor", "contractor", w.region())
            for k in range(max(2, n_contracts // 4))
        ]
        self.subs = _firms(w, "SUB", _SUB_TRADES, "subcontractor", max(4, n_contracts // 2))
        self.suppliers = _firms(w, "SUP", _SUPPLY_TRADES, "supplier", max(6, n_contracts))
        # Two contractors with a common owner; they never pay each other.
        w.relate(self.contractors[1], self.contractors[0])
        self.n = n_contracts
        self.forced: dict[int, str] = {0: "round_trip"} if force and n_contracts else {}
        self.rounds: dict[int, list[_Main]] = {}

    def cycle(self, c: int, t0: int) -> None:
        sign_cycles = CYCLES - 4  # each contract has at least one round after its signing
        if c < sign_cycles:
            for i in range(c * self.n // sign_cycles, (c + 1) * self.n // sign_cycles):
                self._sign(i, c, t0)
        mains = self.rounds.pop(c, [])
        if not mains:
            return
        w, sink = self.w, self.w.sink
        total = 0
        for m in mains:
            total += self._round(m, t0 + (1 + w.below(3)) * DAY + w.ri(9, 15) * HOUR)
        surplus = w.surplus(total)
        sink.allocate(t0 + 8 * HOUR + w.below(30) * MINUTE, ROADS, self.operator, total + surplus)
        if surplus:
            sink.pay(t0 + 4 * DAY + 12 * HOUR, ROADS, self.operator, TREASURY, surplus)

    # -- contracts -----------------------------------------------------------------------

    def _sign(self, i: int, c: int, t0: int) -> None:
        w, rng = self.w, self.w.rng
        plant = self.forced.get(i)
        if plant is None and w.misused():
            plant = w.pick(CONTRACT_PLANTS)
        contractor = w.pick(self.contractors)
        main = _Node(w.next_id("RD-", 5), self.operator, contractor)
        budget = w.pick((w.ri(300, 1_500), w.ri(1_500, 6_000), w.ri(6_000, 20_000)))
        budget *= MLN
        n_subs = w.ri(1, 3)
        subs = rng.sample(self.subs, min(n_subs, len(self.subs)))
        related_index = w.below(len(subs)) if plant == "related_sub" else -1
        parts: list[tuple[_Node, int]] = []
        for k, who in enumerate(subs):
            related = k == related_index
            if related:
                who = w.participant(
                    w.next_id("SUB-L", 3), f"{w.place()} Stroy Service", "subcontractor", w.region()
                )
                w.relate(who, contractor)
            sub = _Node(f"{main.contract_id}-S{k + 1}", contractor, who, related=related)
            for j, supplier in enumerate(rng.sample(self.suppliers, w.ri(1, 3))):
                leaf = _Node(f"{sub.contract_id}-P{j + 1}", who, supplier)
                sub.children.append(leaf)
                parts.append((leaf, w.ri(1, 10)))
            main.children.append(sub)
        for j, supplier in enumerate(rng.sample(self.suppliers, w.ri(0, 2))):
            leaf = _Node(f"{main.contract_id}-D{j + 1}", contractor, supplier)
            main.children.append(leaf)
            parts.append((leaf, w.ri(1, 10)))
        weights = sum(wt for _, wt in parts)
        for leaf, wt in parts:
            leaf.value = budget * wt // weights // (1000 * TENGE) * (1000 * TENGE)
        for node in main.children:
            if node.children:
                node.value = sum(x.value for x in node.children)
                node.value += node.value * w.ri(0, 300) // 10_000 // TENGE * TENGE
        main.value = sum(x.value for x in main.children)
        main.value += main.value * w.ri(0, 500) // 10_000 // TENGE * TENGE
        m = _Main(main, [])
        if plant == "round_trip":
            m.chain_amount = budget * w.ri(200, 800) // 10_000 // (1000 * TENGE) * (1000 * TENGE)
            main.value += m.chain_amount
            m.chain = self._chain(main)
            for node in m.chain:
                node.value = m.chain_amount
        self._sign_top_down(t0, m)
        self._schedule_rounds(c, m)

    def _sign_top_down(self, t0: int, m: _Main) -> None:
        """Sign the main contract, then its subcontracts and their supply contracts (and a
        round trip's chain), a few days apart."""
        w, main = self.w, m.node
        t_sign = t0 + w.below(4) * DAY + w.ri(9, 17) * HOUR
        self._contract(t_sign, main, "")
        for node in main.children:
            t_sub = t_sign + w.ri(1, 3) * DAY
            self._contract(t_sub, node, main.contract_id)
            for leaf in node.children:
                self._contract(t_sub + w.ri(1, 3) * DAY, leaf, node.contract_id)
        for k, node in enumerate(m.chain):
            parent = main.contract_id if k == 0 else m.chain[0 if k == 3 else k - 1].contract_id
            self._contract(t_sign + (k + 1) * DAY + HOUR, node, parent)

    def _schedule_rounds(self, c: int, m: _Main) -> None:
        """Rounds of accepted work, from two or three cycles after signing until the end of the
        season, each a share of the main contract (in basis points)."""
        w = self.w
        cycles = []
        cc = c + 2 + w.below(2)
        for _ in range(w.ri(6, 20)):
            if cc >= CYCLES:
                break
            cycles.append(cc)
            cc += w.ri(1, 2)
        if not cycles:
            raise AssertionError("a road contract without a round of work")
        weights_r = [w.ri(1, 10) for _ in cycles]
        total_bp = w.ri(8_500, 10_000)
        m.bps = [total_bp * x // sum(weights_r) for x in weights_r]
        for cc in cycles:
            self.rounds.setdefault(cc, []).append(m)

    def _chain(self, main: _Node) -> list[_Node]:
        """A circular deal: C -> S1 -> S2 -> S1 (the round trip) -> supplier."""
        w = self.w
        s1 = w.participant(w.next_id("SUB-X", 3), f"{w.place()} Invest Stroy", "subcontractor")
        s2 = w.participant(w.next_id("SUB-X", 3), f"{w.place()} Trans Build", "subcontractor")
        supplier = w.pick(self.suppliers)
        cid = main.contract_id
        return [
            _Node(f"{cid}-X1", main.contractor, s1),
            _Node(f"{cid}-X2", s1, s2),
            _Node(f"{cid}-X3", s2, s1),
            _Node(f"{cid}-X4", s1, supplier),
        ]

    def _contract(self, t: int, node: _Node, parent: str) -> None:
        value = node.value
        self.w.sink.row(
            t,
            CONTRACTS,
            node.contract_id,
            ROADS,
            node.customer,
            node.contractor,
            format_tiyn(value),
            fmt_time(t),
            parent,
        )

    # -- one round -----------------------------------------------------------------------

    def _round(self, m: _Main, t: int) -> int:
        """Acts and payments of one round at `t`; return what the operator pays."""
        w, sink = self.w, self.w.sink
        bp = m.bps[m.done]
        first = m.done == 0
        m.done += 1
        main = m.node
        acts: dict[str, int] = {}
        n_leaf = 0
        for node in main.children:
            leaves = node.children or [node]
            for leaf in leaves:
                acts[leaf.contract_id] = leaf.value * bp // 10_000
                sink.act(t - 3 * HOUR + n_leaf * MINUTE, leaf.contract_id, acts[leaf.contract_id])
                n_leaf += 1
        for k, node in enumerate(main.children):
            if node.children:
                acts[node.contract_id] = sum(acts[x.contract_id] for x in node.children)
                sink.act(t - 2 * HOUR + k * MINUTE, node.contract_id, acts[node.contract_id])
        total = sum(acts[node.contract_id] for node in main.children)
        if first and m.chain:
            total += m.chain_amount
            for k, node in enumerate(m.chain):
                sink.act(t - 150 * MINUTE + k * MINUTE, node.contract_id, m.chain_amount)
        sink.act(t - HOUR, main.contract_id, total)
        # Money, top down.
        if w.misused():
            # Paid ahead of the act: an advance beyond the accepted work.
            row = sink.pay(
                t - HOUR - w.ri(2, 12) * HOUR,
                ROADS,
                self.operator,
                main.contractor,
                total,
                main.contract_id,
            )
            w.plant("OVERPAYMENT", row)
        else:
            sink.pay(t, ROADS, self.operator, main.contractor, total, main.contract_id)
        n_pay = 0
        for k, node in enumerate(main.children):
            amount = acts[node.contract_id]
            at = t + DAY + k * 10 * MINUTE
            if not node.children:  # a supply contract of the contractor itself
                self._instalments(at + HOUR, node, amount)
                continue
            row = sink.pay(at, ROADS, main.contractor, node.contractor, amount, node.contract_id)
            if node.related:
                w.plant("RELATED_PARTY", row)
            for leaf in node.children:
                self._instalments(t + 2 * DAY + n_pay * 10 * MINUTE, leaf, acts[leaf.contract_id])
                n_pay += 1
        if first and m.chain:
            c1, c2, c3, c4 = m.chain
            a = m.chain_amount
            sink.pay(t + DAY + 5 * MINUTE, ROADS, c1.customer, c1.contractor, a, c1.contract_id)
            sink.pay(t + DAY + 3 * HOUR, ROADS, c2.customer, c2.contractor, a, c2.contract_id)
            row = sink.pay(t + DAY + 5 * HOUR, ROADS, c3.customer, c3.contractor, a, c3.contract_id)
            w.plant("ROUND_TRIP", row)
            sink.pay(t + 2 * DAY + 3 * HOUR, ROADS, c4.customer, c4.contractor, a, c4.contract_id)
        return total

    def _instalments(self, at: int, leaf: _Node, amount: int) -> None:
        """A supplier is paid for its act in one to three instalments, two hours apart."""
        w, sink = self.w, self.w.sink
        n = 1 + w.chance(0.5) + w.chance(0.3)
        for _ in range(n - 1):
            part = amount * w.ri(25, 60) // 100
            sink.pay(at, ROADS, leaf.customer, leaf.contractor, part, leaf.contract_id)
            amount -= part
            at += 2 * HOUR
        sink.pay(at, ROADS, leaf.customer, leaf.contractor, amount, leaf.contract_id)
