"""Where generated rows go: a time-ordered buffer per day, flushed to the CSV files in order.

Programs emit records in any order within a bounded window (a cycle's records lie between
`LOOKBEHIND` before and a few weeks after its start); `flush(cutoff)` sorts and writes every
record dated before `cutoff`, so memory holds only a few weeks of rows.

On the way out the sink replays the money exactly as the ledger will (section 3): balances and
FIFO queues per (holder, program), refusing payments beyond holdings. It assigns allocation,
act and transfer ids in time order and judges the rules that need nothing but the money and
the roles: INSUFFICIENT_FUNDS, OFF_ROUTE, MISSING_DOCUMENT, SPENT_AFTER_EXPIRY, IDLE_FUNDS and
UNRETURNED_AFTER_EXPIRY. The generator compares these with what it planted.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from coloring.domain.money import format_tiyn
from coloring.pilot.generator.catalog import (
    DAY,
    EXPIRES_AT,
    IDLE_DAYS,
    ROUTES,
    TREASURY,
    final_roles,
    fmt_time,
    route_hops,
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "participants.csv": ("participant_id", "name", "role", "region", "related_to"),
    "programs.csv": (
        "program_id",
        "name",
        "kind",
        "route",
        "expires_at",
        "max_idle_days",
        "subsidy_cap_percent",
        "retention_days",
        "price_tolerance_percent",
    ),
    "reference_prices.csv": ("item", "region", "price", "valid_from"),
    "allocations.csv": (
        "allocation_id",
        "program_id",
        "payer",
        "recipient",
        "amount",
        "allocated_at",
    ),
    "loans.csv": ("loan_id", "program_id", "lender", "borrower", "amount", "issued_at"),
    "subsidies.csv": (
        "subsidy_id",
        "program_id",
        "applicant",
        "supplier",
        "asset_id",
        "asset_kind",
        "asset_value",
        "amount",
        "approved_at",
    ),
    "contracts.csv": (
        "contract_id",
        "program_id",
        "customer",
        "contractor",
        "value",
        "signed_at",
        "parent_contract_id",
    ),
    "purchases.csv": ("purchase_id", "program_id", "buyer", "seller", "contracted_at"),
    "purchase_animals.csv": ("purchase_id", "animal_id", "species", "price"),
    "registry.csv": ("animal_id", "species", "event", "owner", "at"),
    "acts.csv": ("act_id", "contract_id", "amount", "accepted_at"),
    "transfers.csv": (
        "transfer_id",
        "at",
        "program_id",
        "payer",
        "payee",
        "amount",
        "purpose_ref",
    ),
}

# Dated files: index = the order of section 3 at one instant; purchase animals are undated and
# written as they come.
ALLOCATIONS, LOANS, SUBSIDIES, CONTRACTS, PURCHASES, REGISTRY, ACTS, TRANSFERS = range(8)
PURCHASE_ANIMALS = 8
DATED_FILES = (
    "allocations.csv",
    "loans.csv",
    "subsidies.csv",
    "contracts.csv",
    "purchases.csv",
    "registry.csv",
    "acts.csv",
    "transfers.csv",
    "purchase_animals.csv",
)

# Rules the sink judges itself.
INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
OFF_ROUTE = "OFF_ROUTE"
MISSING_DOCUMENT = "MISSING_DOCUMENT"
SPENT_AFTER_EXPIRY = "SPENT_AFTER_EXPIRY"
IDLE_FUNDS = "IDLE_FUNDS"
UNRETURNED_AFTER_EXPIRY = "UNRETURNED_AFTER_EXPIRY"
MONEY_RULES = (
    INSUFFICIENT_FUNDS,
    OFF_ROUTE,
    MISSING_DOCUMENT,
    SPENT_AFTER_EXPIRY,
    IDLE_FUNDS,
    UNRETURNED_AFTER_EXPIRY,
)


class GeneratorBugError(RuntimeError):
    """The generated data would not be what the generator planned (a bug in the generator)."""


@dataclass(slots=True, eq=False)
class Payment:
    """A transfer or allocation on its way out; `id` is assigned when it is written."""

    program: str
    payer: str
    payee: str
    amount: int
    purpose_ref: str = ""
    refused: bool = False
    id: str = field(default="", init=False)


_ID_FORMAT = {ALLOCATIONS: "AL-{:05d},", ACTS: "ACT-{:07d},", TRANSFERS: "T-{:07d},"}


class Sink:
    """Buffered, time-ordered CSV output of the dated files, with the money replayed."""

    def __init__(self, out: Path, roles: dict[str, str]) -> None:
        self.out = out
        self.roles = roles
        self._hops = {p: route_hops(r) for p, r in ROUTES.items()}
        self._finals = {p: final_roles(r) for p, r in ROUTES.items()}
        self._idle = {p: d * DAY for p, d in IDLE_DAYS.items()}
        self._files: list[IO[str]] = []
        for name in DATED_FILES:
            f = (out / name).open("w", encoding="utf-8", newline="")
            f.write(",".join(COLUMNS[name]) + "\n")
            self._files.append(f)
        self.rows = dict.fromkeys(DATED_FILES, 0)
        self._buckets: dict[int, list[tuple[int, int, int, str, Payment | None]]] = {}
        self._flushed_before = -(10**9)  # day index: everything before it is written
        self._seq = 0
        self._ids = dict.fromkeys(_ID_FORMAT, 0)
        self.balances: dict[tuple[str, str], int] = {}
        self._queues: dict[tuple[str, str], deque[list[Any]]] = {}
        self.found: dict[str, set[str]] = {r: set() for r in MONEY_RULES}
        self.latest = -(10**12)
        self.payments = 0
        """Transfers added so far (written or still buffered)."""
        self._expiry_snapshot: set[str] | None = None

    # -- adding records ------------------------------------------------------------------

    def add(self, t: int, file: int, line: str, money: Payment | None = None) -> None:
        """Buffer a dated record: its CSV line (after the id for allocations, acts and
        transfers, whose ids are given in time order when written). The generator's dated
        values never need quoting. At one instant records go in file order, then as added."""
        day = t // DAY
        if day < self._flushed_before:
            raise GeneratorBugError(f"record at {fmt_time(t)} arrived after its day was written")
        self._seq += 1
        # One integer orders by time, then the file order of section 3, then arrival.
        key = ((t << 4) + file << 32) + self._seq
        bucket = self._buckets.get(day)
        if bucket is None:
            bucket = self._buckets[day] = []
        bucket.append((key, t, file, line, money))

    def row(self, t: int, file: int, *cells: str) -> None:
        self.add(t, file, ",".join(cells))

    def animal(self, *cells: str) -> None:
        """A purchase_animals row: undated, written at once, grouped by purchase."""
        self._files[PURCHASE_ANIMALS].write(",".join(cells) + "\n")
        self.rows["purchase_animals.csv"] += 1

    def allocate(self, t: int, program: str, recipient: str, amount: int) -> Payment:
        m = Payment(program, TREASURY, recipient, amount)
        line = f"{program},{TREASURY},{recipient},{format_tiyn(amount)},{fmt_time(t)}"
        self.add(t, ALLOCATIONS, line, m)
        return m

    def pay(
        self,
        t: int,
        program: str,
        payer: str,
        payee: str,
        amount: int,
        purpose_ref: str = "",
        *,
        refused: bool = False,
    ) -> Payment:
        """A transfer; the returned handle gets its id when the transfer is written."""
        if payer == payee or amount <= 0:
            raise GeneratorBugError(f"bad payment {payer}->{payee} {amount}")
        self.payments += 1
        m = Payment(program, payer, payee, amount, purpose_ref, refused)
        line = f"{fmt_time(t)},{program},{payer},{payee},{format_tiyn(amount)},{purpose_ref}"
        self.add(t, TRANSFERS, line, m)
        return m

    def act(self, t: int, contract_id: str, amount: int) -> None:
        self.add(t, ACTS, f"{contract_id},{format_tiyn(amount)},{fmt_time(t)}")

    # -- writing -------------------------------------------------------------------------

    def flush(self, before: int) -> None:
        """Write every record dated before `before` (seconds), in the order of section 3."""
        cutoff = before // DAY
        for day in sorted(d for d in self._buckets if d < cutoff):
            self._write_day(self._buckets.pop(day))
        self._flushed_before = max(self._flushed_before, cutoff)

    def _write_day(self, events: list[tuple[int, int, int, str, Payment | None]]) -> None:
        events.sort()
        out: list[list[str]] = [[] for _ in DATED_FILES]
        ids = self._ids
        for _key, t, file, line, money in events:
            if t > EXPIRES_AT and self._expiry_snapshot is None:
                self._take_expiry_snapshot()
            fmt = _ID_FORMAT.get(file)
            if fmt is not None:
                n = ids[file] = ids[file] + 1
                head = fmt.format(n)
                if money is not None:
                    money.id = head[:-1]
                    if file == TRANSFERS:
                        self._apply_transfer(t, money)
                    else:
                        self._deliver(money.program, money.payee, money.id, t, money.amount)
                line = head + line
            out[file].append(line)
        self.latest = max(self.latest, events[-1][1])
        for file, lines in enumerate(out):
            if lines:
                lines.append("")
                self._files[file].write("\n".join(lines))
                self.rows[DATED_FILES[file]] += len(lines) - 1

    def _deliver(self, program: str, holder: str, delivery: str, t: int, amount: int) -> None:
        key = (holder, program)
        self.balances[key] = self.balances.get(key, 0) + amount
        q = self._queues.get(key)
        if q is None:
            q = self._queues[key] = deque()
        q.append([delivery, t, amount])

    def _apply_transfer(self, t: int, m: Payment) -> None:
        key = (m.payer, m.program)
        held = self.balances.get(key, 0)
        refused = m.amount > held
        if refused != m.refused:
            raise GeneratorBugError(
                f"{m.id} {m.payer}->{m.payee} {m.amount} holds {held}: refused={refused}"
            )
        if refused:
            self.found[INSUFFICIENT_FUNDS].add(m.id)
            return
        self.balances[key] = held - m.amount
        idle = self._idle[m.program]
        q = self._queues[key]
        need = m.amount
        while need:
            piece = q[0]
            if t - piece[1] > idle:
                self.found[IDLE_FUNDS].add(piece[0])
            if piece[2] <= need:
                need -= piece[2]
                q.popleft()
            else:
                piece[2] -= need
                need = 0
        payee_role = self.roles[m.payee]
        if payee_role == "treasury":
            return
        if (self.roles[m.payer], payee_role) not in self._hops[m.program]:
            self.found[OFF_ROUTE].add(m.id)
        if t > EXPIRES_AT:
            self.found[SPENT_AFTER_EXPIRY].add(m.id)
        if payee_role in self._finals[m.program]:
            if not m.purpose_ref:
                self.found[MISSING_DOCUMENT].add(m.id)
            return
        self._deliver(m.program, m.payee, m.id, t, m.amount)

    def _take_expiry_snapshot(self) -> None:
        self._expiry_snapshot = {
            f"{program}/{holder}"
            for (holder, program), amount in self.balances.items()
            if amount > 0 and self.roles[holder] != "treasury"
        }

    def close(self) -> None:
        """Write what is left and judge the end: idle units at as_of, holdings at expiry."""
        self.flush(10**12)
        for f in self._files:
            f.close()
        as_of = self.latest
        for (_holder, program), q in self._queues.items():
            for delivery, arrived, _left in q:
                if as_of - arrived > self._idle[program]:
                    self.found[IDLE_FUNDS].add(delivery)
        if as_of >= EXPIRES_AT:
            if self._expiry_snapshot is None:
                self._take_expiry_snapshot()
            assert self._expiry_snapshot is not None
            self.found[UNRETURNED_AFTER_EXPIRY] = set(self._expiry_snapshot)


def write_table(path: Path, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows)
