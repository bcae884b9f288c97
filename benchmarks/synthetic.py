"""Fallback synthetic pilot folder (contract v1), used only when `coloring.pilot.generator`
is not available. Deterministic, fast, valid: every payer only pays what it holds.

Shape: 1 treasury, 1 operator, 20 banks, F farmers, F//10 sellers, one livestock program.
Per farmer: a bank loan paid bank>farmer, one purchase of 4 animals paid farmer>seller in 4
instalments (one per animal), registry rows (registered to the seller, transferred to the
farmer before the first payment). Operator>bank: 20 payments on day 1; allocations on day 0.
Transfers = 20 + 5 * F, so F = (N - 20) // 5. Every 100th instalment has no purpose_ref
(a planted MISSING_DOCUMENT)."""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

TZ = timezone(timedelta(hours=5))
START = datetime(2025, 1, 1, 9, 0, tzinfo=TZ)
BANKS = 20
ANIMALS = 4
PROGRAM = "LS-2025"


def _t(d: datetime) -> str:
    return d.isoformat(timespec="seconds")


def _w(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def generate(out: Path, *, transfers: int, seed: int = 1) -> dict[str, int]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    farmers = max(1, (transfers - BANKS) // (1 + ANIMALS))
    sellers = max(5, farmers // 10)
    banks = [f"BANK-{b:02d}" for b in range(BANKS)]
    fids = [f"F-{i:07d}" for i in range(farmers)]
    sids = [f"S-{i:06d}" for i in range(sellers)]

    part = [
        ["TR", "Treasury", "treasury", "Astana", ""],
        ["OP", "Operator", "operator", "Astana", ""],
    ]
    part += [[b, f"Bank {b}", "bank", "Astana", ""] for b in banks]
    part += [[f, f"Farmer {f}", "farmer", "Akmola", ""] for f in fids]
    part += [[s, f"Seller {s}", "seller", "Akmola", ""] for s in sids]
    _w(out / "participants.csv", ["participant_id", "name", "role", "region", "related_to"], part)

    span_days = 300
    _w(
        out / "programs.csv",
        ["program_id", "name", "kind", "route", "expires_at", "max_idle_days"],
        [
            [
                PROGRAM,
                "Livestock 2025",
                "livestock",
                "treasury>operator operator>bank bank>farmer farmer>seller",
                _t(START + timedelta(days=span_days + 60)),
                span_days + 30,
            ]
        ],
    )

    loans, purchases, animals, registry, late = [], [], [], [], []
    bank_total = dict.fromkeys(banks, 0)
    for i, f in enumerate(fids):
        bank = banks[i % BANKS]
        seller = sids[i % sellers]
        base = START + timedelta(days=2) + timedelta(seconds=int(i * span_days * 86400 / farmers))
        prices = [rng.randrange(300_000, 600_000) for _ in range(ANIMALS)]
        total = sum(prices)
        bank_total[bank] += total
        loan, pur = f"LN-{i:07d}", f"PU-{i:07d}"
        loans.append([loan, PROGRAM, bank, f, total, _t(base)])
        purchases.append([pur, PROGRAM, f, seller, _t(base + timedelta(hours=2))])
        late.append((base + timedelta(hours=1), f"T-{i:07d}-L", bank, f, total, loan))
        for j, p in enumerate(prices):
            a = f"A-{i:07d}-{j}"
            animals.append([pur, a, "cattle", p])
            registry.append([a, "cattle", "registered", seller, _t(base - timedelta(days=10))])
            registry.append([a, "cattle", "transferred", f, _t(base + timedelta(hours=3))])
            ref = "" if (i * ANIMALS + j) % 100 == 99 else pur
            late.append((base + timedelta(hours=4 + j), f"T-{i:07d}-{j}", f, seller, p, ref))

    grand = sum(bank_total.values())
    n_alloc = 10
    share = -(-grand // n_alloc)
    allocs = [
        [f"AL-{k:02d}", PROGRAM, "TR", "OP", share, _t(START + timedelta(minutes=k))]
        for k in range(n_alloc)
    ]
    _w(
        out / "allocations.csv",
        ["allocation_id", "program_id", "payer", "recipient", "amount", "allocated_at"],
        allocs,
    )

    rows = [
        [
            f"T-OB-{k:02d}",
            _t(START + timedelta(days=1, minutes=k)),
            PROGRAM,
            "OP",
            b,
            bank_total[b],
            "",
        ]
        for k, b in enumerate(banks)
        if bank_total[b] > 0
    ]
    late.sort(key=lambda r: r[0])
    rows += [
        [tid, _t(at), PROGRAM, payer, payee, amt, ref] for at, tid, payer, payee, amt, ref in late
    ]
    _w(
        out / "transfers.csv",
        ["transfer_id", "at", "program_id", "payer", "payee", "amount", "purpose_ref"],
        rows,
    )
    _w(
        out / "loans.csv",
        ["loan_id", "program_id", "lender", "borrower", "amount", "issued_at"],
        loans,
    )
    _w(
        out / "purchases.csv",
        ["purchase_id", "program_id", "buyer", "seller", "contracted_at"],
        purchases,
    )
    _w(out / "purchase_animals.csv", ["purchase_id", "animal_id", "species", "price"], animals)
    _w(out / "registry.csv", ["animal_id", "species", "event", "owner", "at"], registry)
    return {
        "transfers": len(rows),
        "allocations": len(allocs),
        "participants": len(part),
        "loans": len(loans),
        "purchases": len(purchases),
        "animals": len(animals),
        "registry": len(registry),
    }
