"""The synthetic pilot generator: valid under the contract, deterministic, and honest about misuse.

`reference_findings` below is an independent, deliberately plain reading of section 5 of
`pilot-data.md` (observe mode, default as_of): FIFO units with their holders, documents, the
registry. planted.json must equal what it finds, rule for rule and subject for subject.
"""

from __future__ import annotations

import csv
import filecmp
import json
import re
from collections import deque
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from coloring.domain.money import parse_tiyn
from coloring.domain.time import parse_instant
from coloring.pilot.contract import FILES
from coloring.pilot.generator import RULES, generate

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "akmola-small"
EXAMPLE_ARGS: dict[str, Any] = {"seed": 7, "farmers": 12, "misuse_rate": 0.1}

# Section 2 as the reader declares it, not as the generator lists it: every file the
# generator writes must have the columns the reader reads, and fill every required one.
CONTRACT_COLUMNS = {name: list(spec.columns) for name, spec in FILES.items()}
OPTIONAL = {name: set(spec.columns) - spec.required for name, spec in FILES.items()}
# Each document file's kind and the columns of its payee, payer and party (None: it names none).
DOCUMENT_PARTIES: dict[str, tuple[str, str, str | None, str | None]] = {
    "loans.csv": ("loan", "borrower", "lender", None),
    "subsidies.csv": ("subsidy", "supplier", None, "applicant"),
    "contracts.csv": ("contract", "contractor", "customer", "customer"),
    "purchases.csv": ("purchase", "seller", "buyer", "buyer"),
}
AMOUNT_COLUMNS = {"amount", "price", "asset_value", "value"}
TIME_COLUMNS = {"allocated_at", "issued_at", "contracted_at", "approved_at", "signed_at", "at"}
TIME_COLUMNS |= {"accepted_at", "expires_at"}
ID_RE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
AMOUNT_RE = re.compile(r"[0-9]+(\.[0-9]{1,2})?")
TIME_RE = re.compile(r"2025-\d\d-\d\dT\d\d:\d\d:\d\d\+05:00")
DAY_US = 86_400 * 1_000_000


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def planted(folder: Path) -> set[tuple[str, str]]:
    return {(p["rule"], p["subject"]) for p in json.loads((folder / "planted.json").read_text())}


def us(text: str) -> int:
    return parse_instant(text).us


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pilot30")
    generate(out, seed=1, farmers=30)
    return out


# -- the reference reading of section 5 ----------------------------------------------------


class Reference:
    """Findings of a pilot folder by a straightforward replay of sections 3 and 5."""

    def __init__(self, folder: Path) -> None:
        self.f = folder
        self.findings: set[tuple[str, str]] = set()
        self.roles = {}
        self.region = {}
        self.related: dict[str, set[str]] = {}
        for p in read(folder, "participants.csv"):
            self.roles[p["participant_id"]] = p["role"]
            self.region[p["participant_id"]] = p["region"]
            for other in (x.strip() for x in p["related_to"].split(";")):
                if other and other != p["participant_id"]:
                    self.related.setdefault(p["participant_id"], set()).add(other)
                    self.related.setdefault(other, set()).add(p["participant_id"])
        self.programs = {}
        for p in read(folder, "programs.csv"):
            hops = {tuple(h.split(">")) for h in p["route"].split()}
            sources = {s for s, _ in hops}
            self.programs[p["program_id"]] = {
                "hops": hops,
                "final": {t for _, t in hops if t not in sources},
                "expires": us(p["expires_at"]),
                "idle": int(p["max_idle_days"]) * DAY_US,
                "cap": Decimal(p["subsidy_cap_percent"]) if p["subsidy_cap_percent"] else None,
                "retention": int(p["retention_days"]) if p["retention_days"] else None,
                "tolerance": Decimal(p["price_tolerance_percent"] or "20"),
            }
        self.animals: dict[str, list[dict[str, str]]] = {}
        for a in read(folder, "purchase_animals.csv"):
            self.animals.setdefault(a["purchase_id"], []).append(a)
        self.prices = read(folder, "reference_prices.csv")

    def is_related(self, a: str, b: str) -> bool:
        return b in self.related.get(a, ())

    def add(self, rule: str, subject: str) -> None:
        self.findings.add((rule, subject))

    def records(self) -> Iterator[tuple[int, str, dict[str, str]]]:
        files = [
            ("allocations.csv", "allocated_at"),
            ("loans.csv", "issued_at"),
            ("subsidies.csv", "approved_at"),
            ("contracts.csv", "signed_at"),
            ("purchases.csv", "contracted_at"),
            ("registry.csv", "at"),
            ("acts.csv", "accepted_at"),
            ("transfers.csv", "at"),
        ]
        rows = []
        for order, (name, col) in enumerate(files):
            for i, r in enumerate(read(self.f, name)):
                rows.append((us(r[col]), order, i, name, r))
        rows.sort(key=lambda x: x[:3])
        for t, _o, _i, name, r in rows:
            yield t, name, r

    def reference_price(self, item: str, region: str, at: int) -> int | None:
        best: dict[str, tuple[int, int]] = {}
        for i, p in enumerate(self.prices):
            if p["item"] != item or us(p["valid_from"]) > at:
                continue
            if p["region"] not in (region, "*"):
                continue
            key = (us(p["valid_from"]), i)
            if p["region"] not in best or key > best[p["region"]]:
                best[p["region"]] = key
        for r in (region, "*"):
            if r in best:
                return parse_tiyn(self.prices[best[r][1]]["price"])
        return None

    def above_reference(self, value: int, item: str, region: str, at: int, program: str) -> bool:
        ref = self.reference_price(item, region, at)
        tol = self.programs[program]["tolerance"]
        return ref is not None and Decimal(value) * 100 > Decimal(ref) * (100 + tol)

    def run(self) -> set[tuple[str, str]]:
        queues: dict[tuple[str, str], deque[list[Any]]] = {}
        held: dict[tuple[str, str], int] = {}
        docs: dict[str, dict[str, Any]] = {}
        acts: dict[str, list[tuple[int, int]]] = {}
        owner: dict[str, str | None] = {}
        registry: dict[str, list[tuple[int, str, str | None]]] = {}
        snapshots: dict[str, set[str]] = {}
        latest = 0
        purchases = []
        subsidies = []

        def snapshot_before(t: int) -> None:
            for pid, prog in self.programs.items():
                if pid not in snapshots and t > prog["expires"]:
                    snapshots[pid] = {h for (h, p), n in held.items() if p == pid and n > 0}

        for t, name, r in self.records():
            latest = max(latest, t)
            snapshot_before(t)
            if name == "allocations.csv":
                key = (r["recipient"], r["program_id"])
                n = parse_tiyn(r["amount"])
                queues.setdefault(key, deque()).append(
                    [n, r["allocation_id"], t, frozenset({r["recipient"]})]
                )
                held[key] = held.get(key, 0) + n
            elif name in DOCUMENT_PARTIES:
                docs[r[f"{DOCUMENT_PARTIES[name][0]}_id"]] = self.document(name, r)
                if name == "subsidies.csv":
                    subsidies.append(r)
                elif name == "purchases.csv":
                    purchases.append((t, len(purchases), r))
            elif name == "registry.csv":
                who = r["owner"] if r["event"] in ("registered", "transferred") else None
                owner[r["animal_id"]] = who
                registry.setdefault(r["animal_id"], []).append((t, r["event"], who))
            elif name == "acts.csv":
                acts.setdefault(r["contract_id"], []).append((t, parse_tiyn(r["amount"])))
            else:
                self.pay(t, r, queues, held, docs, acts, owner)
        as_of = latest
        for pid, prog in self.programs.items():
            if as_of >= prog["expires"]:
                if pid not in snapshots:
                    snapshots[pid] = {h for (h, p), n in held.items() if p == pid and n > 0}
                for h in snapshots[pid]:
                    if self.roles[h] != "treasury":
                        self.add("UNRETURNED_AFTER_EXPIRY", f"{pid}/{h}")
        for (_h, p), q in queues.items():
            for _n, delivery, arrived, _holders in q:
                if as_of - arrived > self.programs[p]["idle"]:
                    self.add("IDLE_FUNDS", delivery)
        self.documents(purchases, subsidies, registry)
        return self.findings

    def document(self, name: str, r: dict[str, str]) -> dict[str, Any]:
        """A document of `name` as section 5 reads it: who pays whom, and what is payable."""
        kind, payee, payer, party = DOCUMENT_PARTIES[name]
        doc = {
            "kind": kind,
            "program": r["program_id"],
            "payee": r[payee],
            "payer": r[payer] if payer else None,
            "party": r[party] if party else None,
            "paid": 0,
        }
        if kind == "contract":
            doc["value"] = parse_tiyn(r["value"])
        elif kind == "purchase":
            animals = self.animals.get(r["purchase_id"], [])
            doc["payable"] = sum(parse_tiyn(a["price"]) for a in animals)
        else:
            doc["payable"] = parse_tiyn(r["amount"])
        return doc

    def pay(
        self,
        t: int,
        r: dict[str, str],
        queues: dict[tuple[str, str], deque[list[Any]]],
        held: dict[tuple[str, str], int],
        docs: dict[str, dict[str, Any]],
        acts: dict[str, list[tuple[int, int]]],
        owner: dict[str, str | None],
    ) -> None:
        tid, prog_id, payer, payee = r["transfer_id"], r["program_id"], r["payer"], r["payee"]
        amount, ref = parse_tiyn(r["amount"]), r["purpose_ref"]
        prog = self.programs[prog_id]
        key = (payer, prog_id)
        if amount > held.get(key, 0):
            self.add("INSUFFICIENT_FUNDS", tid)
            return
        held[key] -= amount
        taken = []
        need = amount
        q = queues[key]
        while need:
            piece = q[0]
            if t - piece[2] > prog["idle"]:
                self.add("IDLE_FUNDS", piece[1])
            if piece[0] <= need:
                taken.append(q.popleft())
                need -= piece[0]
            else:
                taken.append([need, *piece[1:]])
                piece[0] -= need
                need = 0
        payee_role = self.roles[payee]
        if payee_role == "treasury":
            return
        final = payee_role in prog["final"]
        if (self.roles[payer], payee_role) not in prog["hops"]:
            self.add("OFF_ROUTE", tid)
        if final and not ref:
            self.add("MISSING_DOCUMENT", tid)
        doc = docs.get(ref) if ref else None
        if ref:
            if (
                doc is None
                or doc["program"] != prog_id
                or doc["payee"] != payee
                or (doc["payer"] is not None and doc["payer"] != payer)
            ):
                self.add("DOCUMENT_MISMATCH", tid)
            else:
                assert doc is not None
                if doc["kind"] == "contract":
                    payable = min(doc["value"], sum(a for at, a in acts.get(ref, []) if at <= t))
                else:
                    payable = doc["payable"]
                if doc["paid"] + amount > payable:
                    self.add("OVERPAYMENT", tid)
                doc["paid"] += amount
                if doc["kind"] == "purchase" and any(
                    owner.get(a["animal_id"]) != doc["party"] for a in self.animals.get(ref, [])
                ):
                    self.add("PAID_BEFORE_REREGISTRATION", tid)
            if self.is_related(payee, payer) or (
                doc is not None and doc["party"] and self.is_related(payee, doc["party"])
            ):
                self.add("RELATED_PARTY", tid)
        if t > prog["expires"]:
            self.add("SPENT_AFTER_EXPIRY", tid)
        if any(payee in piece[3] for piece in taken):
            self.add("ROUND_TRIP", tid)
        if final:
            return
        pq = queues.setdefault((payee, prog_id), deque())
        for n, _d, _a, holders in taken:
            pq.append([n, tid, t, holders | {payee}])
        held[(payee, prog_id)] = held.get((payee, prog_id), 0) + amount

    def documents(
        self,
        purchases: list[tuple[int, int, dict[str, str]]],
        subsidies: list[dict[str, str]],
        registry: dict[str, list[tuple[int, str, str | None]]],
    ) -> None:
        seen: set[str] = set()
        for t_c, _i, p in sorted(purchases, key=lambda x: x[:2]):
            pid, buyer, seller = p["purchase_id"], p["buyer"], p["seller"]
            prog = self.programs[p["program_id"]]
            for a in self.animals.get(pid, []):
                aid, subject = a["animal_id"], f"{pid}/{a['animal_id']}"
                recs = registry.get(aid, [])
                before = [x for x in recs if x[0] <= t_c]
                if not before:
                    self.add("UNREGISTERED_ANIMAL", subject)
                elif before[-1][2] != seller:
                    self.add("SELLER_NOT_OWNER", subject)
                if aid in seen:
                    self.add("DUPLICATE_ANIMAL", subject)
                seen.add(aid)
                if prog["retention"] is not None:
                    later = [x for x in recs if x[0] >= t_c]
                    start = next((i for i, x in enumerate(later) if x[2] == buyer), None)
                    if start is not None:
                        arrived = later[start][0]
                        for x in later[start + 1 :]:
                            if x[2] != buyer:
                                if x[0] - arrived < prog["retention"] * DAY_US:
                                    self.add("EARLY_DISPOSAL", subject)
                                break
                price = parse_tiyn(a["price"])
                region = self.region.get(buyer, "")
                if self.above_reference(price, a["species"], region, t_c, p["program_id"]):
                    self.add("PRICE_ABOVE_REFERENCE", subject)
        covered: set[str] = set()
        ordered = sorted(enumerate(subsidies), key=lambda x: (us(x[1]["approved_at"]), x[0]))
        for _i, s in ordered:
            sid, value, amount = (
                s["subsidy_id"],
                parse_tiyn(s["asset_value"]),
                parse_tiyn(s["amount"]),
            )
            prog = self.programs[s["program_id"]]
            t = us(s["approved_at"])
            region = self.region.get(s["applicant"], "")
            if self.above_reference(value, s["asset_kind"], region, t, s["program_id"]):
                self.add("PRICE_ABOVE_REFERENCE", sid)
            if prog["cap"] is not None and Decimal(amount) * 100 > prog["cap"] * value:
                self.add("SUBSIDY_OVER_CAP", sid)
            if s["asset_id"] in covered:
                self.add("DOUBLE_SUBSIDY", sid)
            covered.add(s["asset_id"])


# -- tests ---------------------------------------------------------------------------------


def test_the_same_seed_writes_byte_identical_folders(tmp_path: Path) -> None:
    generate(tmp_path / "a", seed=5, farmers=15)
    generate(tmp_path / "b", seed=5, farmers=15)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert mismatch == [] and errors == []
    assert len(match) == len(CONTRACT_COLUMNS) + 1  # and planted.json


def test_another_seed_writes_other_data(tmp_path: Path) -> None:
    generate(tmp_path / "a", seed=5, farmers=15)
    generate(tmp_path / "b", seed=6, farmers=15)
    a = (tmp_path / "a" / "transfers.csv").read_bytes()
    assert a != (tmp_path / "b" / "transfers.csv").read_bytes()


def test_every_file_parses_and_has_exactly_the_contract_columns(folder: Path) -> None:
    csv_files = sorted(p.name for p in folder.glob("*.csv"))
    assert csv_files == sorted(CONTRACT_COLUMNS)
    for name, columns in CONTRACT_COLUMNS.items():
        with (folder / name).open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f, strict=True))
        assert rows[0] == columns, name
        assert len(rows) > 1, f"{name} is empty"
        for line, row in enumerate(rows[1:], start=2):
            assert len(row) == len(columns), f"{name}:{line}"
            for column, cell in zip(columns, row, strict=True):
                if column not in OPTIONAL[name]:
                    assert cell.strip(), f"{name}:{line}: {column} is empty"


def test_amounts_are_positive_with_at_most_two_decimals(folder: Path) -> None:
    for name, columns in CONTRACT_COLUMNS.items():
        for row in read(folder, name):
            for column in AMOUNT_COLUMNS & set(columns):
                assert AMOUNT_RE.fullmatch(row[column]), (name, row)
                assert parse_tiyn(row[column]) > 0


def test_times_are_iso_instants_of_2025_in_kazakhstan_time(folder: Path) -> None:
    for name, columns in CONTRACT_COLUMNS.items():
        for row in read(folder, name):
            for column in TIME_COLUMNS & set(columns):
                assert TIME_RE.fullmatch(row[column]), (name, column, row[column])


def test_ids_are_well_formed_and_unique_and_references_resolve(folder: Path) -> None:
    people = {p["participant_id"]: p for p in read(folder, "participants.csv")}
    programs = {p["program_id"] for p in read(folder, "programs.csv")}
    for p in people.values():
        assert ID_RE.fullmatch(p["participant_id"])
        assert all(x in people for x in p["related_to"].split(";") if x)
    documents: set[str] = set()
    money_ids: set[str] = set()
    id_columns = {
        "loans.csv": "loan_id",
        "purchases.csv": "purchase_id",
        "subsidies.csv": "subsidy_id",
        "contracts.csv": "contract_id",
    }
    for name, column in id_columns.items():
        for row in read(folder, name):
            assert ID_RE.fullmatch(row[column]) and row[column] not in documents
            documents.add(row[column])
            assert row["program_id"] in programs
    for name, column in (("allocations.csv", "allocation_id"), ("transfers.csv", "transfer_id")):
        for row in read(folder, name):
            assert ID_RE.fullmatch(row[column]) and row[column] not in money_ids
            money_ids.add(row[column])
            payer = row["payer"]
            payee = row.get("payee") or row["recipient"]
            assert payer in people and payee in people and payer != payee
    assert all(people[a["payer"]]["role"] == "treasury" for a in read(folder, "allocations.csv"))
    contracts = {c["contract_id"]: c for c in read(folder, "contracts.csv")}
    for c in contracts.values():
        if c["parent_contract_id"]:
            assert c["customer"] == contracts[c["parent_contract_id"]]["contractor"]
    assert all(a["contract_id"] in contracts for a in read(folder, "acts.csv"))
    purchases = {p["purchase_id"] for p in read(folder, "purchases.csv")}
    pairs = [(a["purchase_id"], a["animal_id"]) for a in read(folder, "purchase_animals.csv")]
    assert all(p in purchases for p, _ in pairs)
    assert len(set(pairs)) == len(pairs)


def test_every_rule_is_planted_at_least_once_with_thirty_farmers(folder: Path) -> None:
    rules = {rule for rule, _ in planted(folder)}
    assert rules == set(RULES)


def test_clean_payments_never_overdraw(folder: Path) -> None:
    roles = {p["participant_id"]: p["role"] for p in read(folder, "participants.csv")}
    finals = {}
    for p in read(folder, "programs.csv"):
        hops = [h.split(">") for h in p["route"].split()]
        finals[p["program_id"]] = {t for _, t in hops} - {s for s, _ in hops}
    refused_on_purpose = {s for r, s in planted(folder) if r == "INSUFFICIENT_FUNDS"}
    events = [
        (us(a["allocated_at"]), 0, i, a) for i, a in enumerate(read(folder, "allocations.csv"))
    ]
    events += [(us(t["at"]), 1, i, t) for i, t in enumerate(read(folder, "transfers.csv"))]
    balance: dict[tuple[str, str], int] = {}
    refused = set()
    for _t, kind, _i, row in sorted(events, key=lambda e: e[:3]):
        amount, program = parse_tiyn(row["amount"]), row["program_id"]
        if kind == 0:
            key = (row["recipient"], program)
            balance[key] = balance.get(key, 0) + amount
            continue
        payer = (row["payer"], program)
        if amount > balance.get(payer, 0):
            refused.add(row["transfer_id"])
            continue
        balance[payer] -= amount
        payee_role = roles[row["payee"]]
        if payee_role != "treasury" and payee_role not in finals[program]:
            key = (row["payee"], program)
            balance[key] = balance.get(key, 0) + amount
    assert refused == refused_on_purpose
    assert refused  # the plant is there, and it is the only refusal


def test_planted_json_is_sorted_and_lists_each_finding_once(folder: Path) -> None:
    items = json.loads((folder / "planted.json").read_text())
    pairs = [(p["rule"], p["subject"]) for p in items]
    assert pairs == sorted(set(pairs))
    assert all(set(p) == {"rule", "subject"} for p in items)


def test_planted_json_is_exactly_what_the_rules_find(folder: Path) -> None:
    assert Reference(folder).run() == planted(folder)


@pytest.mark.parametrize("seed", [2, 3])
def test_heavy_misuse_still_plants_exactly_what_the_rules_find(tmp_path: Path, seed: int) -> None:
    generate(tmp_path, seed=seed, farmers=40, misuse_rate=0.6)
    expected = planted(tmp_path)
    assert len(expected) > 60
    assert Reference(tmp_path).run() == expected


def test_without_misuse_nothing_is_planted_and_nothing_is_found(tmp_path: Path) -> None:
    summary = generate(tmp_path, seed=4, farmers=25, misuse_rate=0)
    assert planted(tmp_path) == set()
    assert summary.planted_total == 0
    assert Reference(tmp_path).run() == set()


def test_a_tiny_folder_is_still_valid_and_exact(tmp_path: Path) -> None:
    generate(tmp_path, seed=9, farmers=2, misuse_rate=0.3)
    assert Reference(tmp_path).run() == planted(tmp_path)


def test_scale_multiplies_the_size(tmp_path: Path) -> None:
    small = generate(tmp_path / "s", seed=1, farmers=40, scale=1)
    big = generate(tmp_path / "b", seed=1, farmers=40, scale=4)
    assert big.rows["loans.csv"] == 4 * small.rows["loans.csv"] == 160
    assert 2.8 < big.transfers / small.transfers < 5.6
    assert 2.8 < big.rows["registry.csv"] / small.rows["registry.csv"] < 5.6


def test_the_summary_counts_files_transfers_and_plants(folder: Path, tmp_path: Path) -> None:
    summary = generate(tmp_path, seed=1, farmers=30)
    assert summary.transfers == len(read(folder, "transfers.csv"))
    assert summary.rows["registry.csv"] == len(read(folder, "registry.csv"))
    assert summary.planted_total == len(planted(folder))
    assert summary.programs == ("AA-2025", "AGROLEASE-2025", "ROADS-2025")
    text = summary.to_text()
    assert f"transfers: {summary.transfers}" in text
    assert all(name in text for name in CONTRACT_COLUMNS)
    assert "SUBSIDY_OVER_CAP" in text


def test_a_herd_adds_only_registry_rows_of_animals_never_bought(tmp_path: Path) -> None:
    plain = generate(tmp_path / "plain", seed=3, farmers=20)
    herd = generate(tmp_path / "herd", seed=3, farmers=20, herd=15)
    assert herd.rows["registry.csv"] - plain.rows["registry.csv"] >= 15 * herd.transfers
    for name in [*CONTRACT_COLUMNS, "planted.json"]:
        lines = (tmp_path / "herd" / name).read_text().splitlines(keepends=True)
        kept = "".join(line for line in lines if not line.startswith("KZH"))
        assert kept == (tmp_path / "plain" / name).read_text(), name
    bought = {r["animal_id"] for r in read(tmp_path / "herd", "purchase_animals.csv")}
    herd_animals = {r["animal_id"] for r in read(tmp_path / "herd", "registry.csv")}
    assert not {a for a in herd_animals if a.startswith("KZH")} & bought


def test_a_herd_changes_no_finding(tmp_path: Path) -> None:
    generate(tmp_path, seed=2, farmers=25, misuse_rate=0.3, herd=15)
    assert Reference(tmp_path).run() == planted(tmp_path)


def test_the_example_folder_is_what_the_generator_writes(tmp_path: Path) -> None:
    """If this fails after a generator change, regenerate the example:
    python -c "from pathlib import Path; from coloring.pilot.generator import generate;
    generate(Path('examples/akmola-small'), seed=7, farmers=12, misuse_rate=0.1)"
    """
    summary = generate(tmp_path, **EXAMPLE_ARGS)
    names = sorted(p.name for p in tmp_path.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(EXAMPLE, tmp_path, names, shallow=False)
    assert mismatch == [] and errors == []
    assert summary.transfers < 300
    assert {rule for rule, _ in planted(EXAMPLE)} == set(RULES)
