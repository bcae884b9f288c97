"""Hypothesis strategies shared by the test suite, and the small fixed world they draw from.

Import as `from strategies import ...` (pytest puts `tests/` on `sys.path` via `conftest.py`).
Keep strategies here, one place, so that every test draws ids, amounts and instants alike.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import strategies as st

from coloring.application import ColoringApplication
from coloring.domain import records
from coloring.domain.aggregates import TaggedTenge
from coloring.domain.movements import Allocated, Movement, Transferred, movements
from coloring.domain.time import DAY_US, Instant, parse_instant
from coloring.domain.units import Piece, Queue

# -- the fixed world ---------------------------------------------------------------------

T0 = parse_instant("2025-01-01")
HOUR_US = 3600 * 1_000_000

CAST: tuple[records.ParticipantRecord, ...] = (
    records.ParticipantRecord("T", "Treasury", "treasury"),
    records.ParticipantRecord("OP", "Operator", "operator"),
    records.ParticipantRecord("B", "Bank", "bank"),
    records.ParticipantRecord("F1", "Farmer one", "farmer"),
    records.ParticipantRecord("F2", "Farmer two", "farmer"),
    records.ParticipantRecord("S", "Seller", "seller"),
)
ROLE_OF: dict[str, str] = {p.participant_id: p.role for p in CAST}
TREASURY = "T"
NON_TREASURY: tuple[str, ...] = tuple(p for p, r in ROLE_OF.items() if r != "treasury")

LIVESTOCK_ROUTE: tuple[tuple[str, str], ...] = (
    ("treasury", "operator"),
    ("operator", "bank"),
    ("bank", "farmer"),
    ("farmer", "seller"),
)
SHORT_ROUTE: tuple[tuple[str, str], ...] = (
    ("treasury", "operator"),
    ("operator", "farmer"),
    ("farmer", "seller"),
)


def after(start: Instant, *, days: int = 0, hours: int = 0, us: int = 0) -> Instant:
    """`start` moved forward, in the same offset."""
    return Instant(start.us + days * DAY_US + hours * HOUR_US + us, start.offset_minutes)


def program(
    program_id: str = "P1",
    route: tuple[tuple[str, str], ...] = LIVESTOCK_ROUTE,
    *,
    expires_at: Instant | None = None,
    kind: str = "livestock",
    max_idle_days: int = 30,
) -> records.ProgramRecord:
    return records.ProgramRecord(
        program_id,
        f"Program {program_id}",
        kind,
        route,
        expires_at if expires_at is not None else after(T0, days=365),
        max_idle_days,
    )


def reopen(app: ColoringApplication) -> ColoringApplication:
    """A second application on the same store as `app`: its state is rebuilt from the stored
    events only. Works for an in-memory SQLite database too, while `app` keeps it open."""
    store = app.store
    env = {}
    if store.db_url == "sqlite:///:memory:":
        env["SQLITE_DBNAME"] = str(store.env.get("SQLITE_DBNAME"))
    return ColoringApplication(store.db_url, env=env)


@contextmanager
def reopened(app: ColoringApplication) -> Iterator[ColoringApplication]:
    """`reopen(app)`, closed on leaving the block."""
    again = reopen(app)
    try:
        yield again
    finally:
        again.close()


def with_cast(
    app: ColoringApplication, mode: str, *programs: records.ProgramRecord
) -> ColoringApplication:
    """`app` with its ledger opened in `mode` and the CAST and `programs` registered."""
    app.open_ledger(mode)
    with app.store.batch():
        for participant in CAST:
            app.register_participant(participant)
        for record in programs:
            app.register_program(record)
    return app


def domain_events(app: ColoringApplication) -> list[Any]:
    """Every stored event of the ledger, in notification (recording) order."""
    events: list[Any] = []
    start = 1
    store = app.store
    while batch := store.recorder.select_notifications(start, 1000):
        events.extend(store.mapper.to_domain_event(n) for n in batch)
        start = batch[-1].id + 1
    return events


def money_movements(app: ColoringApplication) -> list[Movement]:
    """Every allocation, payment and refusal the ledger recorded, in recording order: the
    entries of its pages of movements (and the per-record events of an older ledger)."""
    found: list[Movement] = []
    for e in domain_events(app):
        if isinstance(e, TaggedTenge.PaymentsRecorded):
            found.extend(movements(e.program_id, e.entries))
        elif isinstance(
            e,
            TaggedTenge.UnitsAllocated | TaggedTenge.UnitsTransferred | TaggedTenge.TransferRefused,
        ):
            found.append(e.movement())
    return found


def unit_outcomes(app: ColoringApplication) -> dict[str, Counter[str]]:
    """Per allocation, read from the events: its `amount`, and how many of its units went
    `spent` and `returned` (by the allocation itself or by payments)."""
    totals: dict[str, Counter[str]] = {}
    for e in money_movements(app):
        if isinstance(e, Allocated):
            totals.setdefault(e.allocation_id, Counter())["amount"] += e.amount
            if e.outcome != "held":
                totals[e.allocation_id][e.outcome] += e.amount
        elif isinstance(e, Transferred) and e.outcome != "held":
            for alloc, start, end, *_ in e.pieces:
                totals.setdefault(alloc, Counter())[e.outcome] += end - start
    return totals


# -- scalars -----------------------------------------------------------------------------

ids = st.from_regex(r"[A-Za-z0-9._:-]{1,64}", fullmatch=True)
"""Any id the contract allows (section 1)."""


def tiyn(max_value: int = 10**12) -> st.SearchStrategy[int]:
    """A positive amount in tiyn."""
    return st.integers(min_value=1, max_value=max_value)


def instants(
    min_us: int = T0.us - 400 * DAY_US, max_us: int = T0.us + 400 * DAY_US
) -> st.SearchStrategy[Instant]:
    """Instants around the pilot's year, in any offset from -12:00 to +14:00."""
    return st.builds(
        Instant,
        st.integers(min_value=min_us, max_value=max_us),
        st.integers(min_value=-12 * 60, max_value=14 * 60),
    )


# -- unit queues -------------------------------------------------------------------------


@st.composite
def queues(draw: st.DrawFn, max_pieces: int = 8) -> Queue:
    """A FIFO queue of pieces: disjoint unit ranges of a few allocations, each with the
    delivery that brought it and the holders it passed through."""
    next_start: dict[str, int] = {}
    queue: Queue = deque()
    for _ in range(draw(st.integers(min_value=0, max_value=max_pieces))):
        alloc = draw(st.sampled_from(["A", "B", "C"]))
        start = next_start.get(alloc, 0) + draw(st.integers(min_value=0, max_value=3))
        end = start + draw(st.integers(min_value=1, max_value=40))
        next_start[alloc] = end
        delivered_by = draw(st.sampled_from([alloc, "T1", "T2", "T3"]))
        previous = tuple(draw(st.lists(st.sampled_from(NON_TREASURY), max_size=3)))
        queue.append(Piece(alloc, start, end, delivered_by, previous))
    return queue


def units_of(pieces: Iterable[Piece]) -> list[tuple[str, int]]:
    """Expand pieces into their units `(allocation_id, k)`, in queue order."""
    return [(p.allocation_id, k) for p in pieces for k in range(p.start, p.end)]


def runs(pieces: Any) -> list[tuple[str, int, int]]:
    """Pieces as maximal contiguous ranges `(allocation_id, start, end)`, in queue order:
    two queues hold the same units in the same order exactly when their runs are equal."""
    merged: list[tuple[str, int, int]] = []
    for p in pieces:
        alloc, start, end = p[0], p[1], p[2]
        if merged and merged[-1][0] == alloc and merged[-1][2] == start:
            merged[-1] = (alloc, merged[-1][1], end)
        else:
            merged.append((alloc, start, end))
    return merged


# -- ledger plans ------------------------------------------------------------------------

PlanRecord = (
    records.AllocationRecord
    | records.LoanRecord
    | records.PurchaseRecord
    | records.ContractRecord
    | records.ActRecord
    | records.RegistryRecord
    | records.TransferRecord
)

OPEN_ROUTE: tuple[tuple[str, str], ...] = (
    ("treasury", "operator"),
    *(
        (a, b)
        for a in ("operator", "bank", "farmer")
        for b in ("operator", "bank", "farmer", "seller")
        if a != b
    ),
)
"""A route that allows most hops, so that in enforce mode document rules decide."""


@st.composite
def ledger_plans(draw: st.DrawFn, max_steps: int = 25) -> list[PlanRecord]:
    """A time-ordered list of records for program `P1` (use with `program("P1", OPEN_ROUTE)`
    and the CAST): a few allocations, then documents (loans, purchases with animals, contracts
    with acts), registry facts and payments whose `purpose_ref` names a document of the plan,
    an unknown one or none. One record per hour from T0."""
    plan: list[PlanRecord] = []
    clock = iter(range(10_000))

    def at() -> Instant:
        return after(T0, hours=next(clock))

    def two_parties() -> tuple[str, str]:
        a = draw(st.sampled_from(NON_TREASURY))
        b = draw(st.sampled_from([p for p in NON_TREASURY if p != a]))
        return a, b

    for i in range(draw(st.integers(min_value=1, max_value=3))):
        recipient = draw(st.sampled_from(["OP", "B", "F1", "F2"]))
        plan.append(
            records.AllocationRecord(f"A{i}", "P1", TREASURY, recipient, draw(tiyn(500)), at())
        )
    documents: list[str] = []
    contracts: list[str] = []
    animals: list[str] = []
    kinds = st.sampled_from(["loan", "purchase", "contract", "act", "registry", "pay", "pay"])
    for n, kind in enumerate(draw(st.lists(kinds, max_size=max_steps))):
        if kind == "loan":
            lender, borrower = two_parties()
            plan.append(records.LoanRecord(f"L{n}", "P1", lender, borrower, draw(tiyn(300)), at()))
            documents.append(f"L{n}")
        elif kind == "purchase":
            buyer, seller = two_parties()
            count = draw(st.integers(min_value=0, max_value=2))
            herd = tuple(
                records.AnimalRecord(f"U{n}", f"KZ{n}-{k}", "cow", draw(tiyn(200)))
                for k in range(count)
            )
            plan.append(records.PurchaseRecord(f"U{n}", "P1", buyer, seller, at(), herd))
            documents.append(f"U{n}")
            animals.extend(a.animal_id for a in herd)
        elif kind == "contract":
            customer, contractor = two_parties()
            plan.append(
                records.ContractRecord(f"C{n}", "P1", customer, contractor, draw(tiyn(400)), at())
            )
            documents.append(f"C{n}")
            contracts.append(f"C{n}")
        elif kind == "act" and contracts:
            contract = draw(st.sampled_from(contracts))
            plan.append(records.ActRecord(f"X{n}", contract, draw(tiyn(250)), at()))
        elif kind == "registry" and animals:
            animal = draw(st.sampled_from(animals))
            owner = draw(st.sampled_from(NON_TREASURY))
            plan.append(records.RegistryRecord(animal, "cow", "registered", owner, at()))
        elif kind == "pay":
            payer, payee = two_parties()
            if draw(st.booleans()):
                payee = TREASURY
            purpose_ref = draw(st.sampled_from([*documents, "UNKNOWN", None]))
            plan.append(
                records.TransferRecord(
                    f"T{n}", at(), "P1", payer, payee, draw(tiyn(300)), purpose_ref
                )
            )
    return plan


@st.composite
def api_findings(draw: st.DrawFn, max_size: int = 30) -> list[Any]:
    """Findings as the public API returns them: a few rules, programs, regions and
    participants (some missing), amounts in tenge, open or refused."""
    from coloring.api.results import Finding, aware, tenge

    people = ["F1", "F2", "S1", "B1"]
    regions = {"F1": "Akmola", "F2": "Kostanay", "S1": "Akmola", "B1": None}
    out = []
    for n in range(draw(st.integers(min_value=0, max_value=max_size))):
        who = tuple(draw(st.lists(st.sampled_from(people), max_size=2, unique=True)))
        out.append(
            Finding(
                draw(st.sampled_from(["OVERPAYMENT", "IDLE_FUNDS", "RELATED_PARTY"])),
                f"S{n}",
                draw(st.sampled_from(["AA", "ROADS"])),
                tenge(draw(tiyn(10**14))),
                aware(draw(st.integers(0, 10**15)), 300),
                draw(st.sampled_from(["open", "refused"])),
                who,
                regions[who[0]] if who else None,
            )
        )
    return out


# -- CSV cells, good and bad, for the pilot reader ------------------------------------------

GOOD_CELLS = {
    "id": ["A1", "FRM-000001", "x.y:z_9"],
    "time": [
        "2025-03-04T10:15:00+05:00",
        "2025-03-04T23:59:59-03:30",
        "2025-03-04",
        "2025-03-04T10:15Z",
        "2025-03-04T10:15:00.5+05:00",
    ],
    "amount": ["1", "1.5", "1250000.05"],
    "event": ["registered", "transferred", "disposed", "exported"],
    "text": ["cow", "Breeder Ә.", " spaced "],
}
BAD_CELLS = {
    "id": ["a b", "é1", "A" * 65],
    "time": [
        "2025-02-29T10:15:00+05:00",
        "2025-03-04T24:00:00+05:00",
        "2025-03-04T10:60:00+05:00",
        "2025-03-04T10:15:00+24:00",
        "2025-03-04T10:15:00+05:60",
        "2025-03-04T1٣:15:00+05:00",
        "2025-03-04 10:15:00+05:00",
        "yesterday",
    ],
    "amount": ["0", "0.00", "-1", "1.234", "1e3", "99999999999999999"],
    "event": ["sold", "Registered"],
    "text": [],
}
TIME_TEXTS = GOOD_CELLS["time"] + BAD_CELLS["time"]


def cell_kind(model: type, field: str) -> str:
    """Which texts of GOOD_CELLS and BAD_CELLS suit a field of a `contract` row model."""
    if field == "event":
        return "event"
    if field in ("species", "asset_kind", "item", "region", "purpose_ref"):
        return "text"
    annotation = str(model.__annotations__[field])  # as written: "Time", "Amount | None", ...
    if annotation.startswith("Time"):
        return "time"
    if annotation.startswith("Amount"):
        return "amount"
    return "id"


@st.composite
def csv_pages(draw: st.DrawFn, model: type, max_rows: int = 6) -> list[dict[str, str]]:
    """A page of rows for `model` as the CSV reader hands them over (empty cells absent): half
    the pages all good, the others with a few bad or missing cells, or payers that pay
    themselves."""
    fields = model.model_fields  # type: ignore[attr-defined]
    noisy = draw(st.booleans())
    page = []
    for _ in range(draw(st.integers(1, max_rows))):
        cells: dict[str, str] = {}
        for name, field in fields.items():
            kind = cell_kind(model, name)
            choice = draw(st.integers(0, 9)) if noisy else 9
            if choice == 0 or (not field.is_required() and draw(st.booleans())):
                continue  # an empty cell
            bad = BAD_CELLS[kind]
            texts = bad if choice == 1 and bad else GOOD_CELLS[kind]
            cells[name] = draw(st.sampled_from(texts))
        if noisy and "payer" in cells and draw(st.booleans()):
            for other in ("payee", "recipient"):
                if other in cells:
                    cells[other] = cells["payer"]
        page.append(cells)
    return page


# -- the log's Merkle tree -------------------------------------------------------------------

leaf_hashes = st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=70)
# The columns of a stored event row, each of which the hash chain covers.
event_columns = st.sampled_from(["state", "topic", "originator_version", "originator_id"])


# -- printed output --------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.sampled_from(["AA-2025", "Қазақша", "a\tb", "\u2028"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        | st.dictionaries(st.integers(), inner, max_size=2)
    ),
    max_leaves=25,
)
"""What `json.dumps` writes: nested lists, tuples and dicts (a few with keys that are not text)
of text, numbers (NaN and infinities too), booleans and nulls."""

table_cells = st.one_of(
    st.from_regex(r"[A-Z0-9-]{1,30}", fullmatch=True),
    st.sampled_from(["", "open", "refused", "FRM-000010, SEL-00052", "Қазақша сөз", "月曜日"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=70),
)
"""Table cells: ids, words, wide characters, and now and then long or odd text that wraps."""
