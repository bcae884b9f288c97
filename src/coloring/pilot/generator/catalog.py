"""Fixed facts of the synthetic pilot: programs, regions, names, prices, the calendar.

Times inside the generator are whole seconds since 2025-01-01T00:00:00+05:00 (Kazakhstan);
they are printed with the +05:00 offset. Amounts are whole tiyn (1/100 tenge).
"""

from __future__ import annotations

from datetime import date, timedelta

DAY = 86_400
HOUR = 3_600
MINUTE = 60
TENGE = 100  # tiyn

_BASE = date(2025, 1, 1)
_DAY_TEXT = {d: (_BASE + timedelta(days=d)).isoformat() for d in range(-90, 400)}
_TIME_OF_DAY = [f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+05:00" for s in range(DAY)]


def day_of(d: date) -> int:
    return (d - _BASE).days


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    """Seconds for a local (+05:00) time in 2025."""
    return day_of(date(2025, month, day)) * DAY + hour * HOUR + minute * MINUTE


def fmt_time(t: int) -> str:
    """`2025-03-04T10:15:00+05:00` for a time in seconds since 2025-01-01 (+05:00)."""
    d, s = divmod(t, DAY)
    return _DAY_TEXT[d] + _TIME_OF_DAY[s]


# The calendar: weekly cycles of payments from late January to mid November; every clean flow
# is settled within days, so all holders are empty well before the programs expire.
EXPIRES_AT = at(12, 31, 18)
EXPIRES_TEXT = fmt_time(EXPIRES_AT)
FIRST_CYCLE = day_of(date(2025, 1, 27)) * DAY
CYCLE = 7 * DAY
CYCLES = 41  # the last cycle starts 2025-11-03
LATE_CYCLE = at(12, 26)  # planted expiry breaches: money that arrives just before expiry
LAST_CLEAN = at(12, 30, 12)  # nothing clean or idle-planted happens after this
LOOKBEHIND = 12 * DAY  # how far before its cycle a record may be dated (registry, approvals)

TREASURY = "KZ-TREASURY"

# Programs: id, name, kind, route, max_idle_days, subsidy_cap_percent, retention_days,
# price_tolerance_percent.
LIVESTOCK = "AA-2025"
LEASING = "AGROLEASE-2025"
ROADS = "ROADS-2025"

LIVESTOCK_IDLE_DAYS = 30
LEASING_IDLE_DAYS = 45
ROADS_IDLE_DAYS = 20
SUBSIDY_CAP_PERCENT = 25
RETENTION_DAYS = 365

ROUTES = {
    LIVESTOCK: "treasury>operator operator>bank bank>farmer farmer>seller",
    LEASING: (
        "treasury>operator operator>leasing_company leasing_company>dealer leasing_company>supplier"
    ),
    ROADS: (
        "treasury>operator operator>contractor contractor>subcontractor "
        "subcontractor>subcontractor contractor>supplier subcontractor>supplier"
    ),
}


def route_hops(route: str) -> frozenset[tuple[str, str]]:
    return frozenset((h.split(">")[0], h.split(">")[1]) for h in route.split())


def final_roles(route: str) -> frozenset[str]:
    hops = route_hops(route)
    sources = {s for s, _ in hops}
    return frozenset(t for _, t in hops if t not in sources)


PROGRAM_ROWS = [
    # program_id, name, kind, route, expires_at, max_idle_days, cap, retention, tolerance
    (
        LIVESTOCK,
        "Auyl Amanaty livestock microloans",
        "livestock",
        ROUTES[LIVESTOCK],
        EXPIRES_TEXT,
        str(LIVESTOCK_IDLE_DAYS),
        "",
        str(RETENTION_DAYS),
        "20",
    ),
    (
        LEASING,
        "Agricultural machinery leasing subsidy",
        "subsidy",
        ROUTES[LEASING],
        EXPIRES_TEXT,
        str(LEASING_IDLE_DAYS),
        str(SUBSIDY_CAP_PERCENT),
        "",
        "20",
    ),
    (
        ROADS,
        "Regional road reconstruction",
        "contract",
        ROUTES[ROADS],
        EXPIRES_TEXT,
        str(ROADS_IDLE_DAYS),
        "",
        "",
        "",
    ),
]
IDLE_DAYS = {LIVESTOCK: LIVESTOCK_IDLE_DAYS, LEASING: LEASING_IDLE_DAYS, ROADS: ROADS_IDLE_DAYS}

REGIONS = (
    ("Akmola", 30),
    ("Kostanay", 15),
    ("North Kazakhstan", 12),
    ("Pavlodar", 8),
    ("Karaganda", 8),
    ("Aktobe", 6),
    ("East Kazakhstan", 6),
    ("West Kazakhstan", 5),
    ("Almaty", 4),
    ("Zhambyl", 3),
    ("Turkistan", 3),
)
REGION_NAMES = tuple(r for r, _ in REGIONS)
REGION_WEIGHTS = tuple(w for _, w in REGIONS)

SURNAMES = (
    "Abenov", "Akhmetov", "Baimukhanov", "Dzhaksybekov", "Ermekov", "Zhumabaev", "Iskakov",
    "Kassymov", "Mukanov", "Nurlanov", "Omarov", "Sadykov", "Tulegenov", "Utepov",
    "Kenzhebekov", "Serikbayev", "Bekturov", "Aitkulov", "Yesenov", "Temirbekov", "Zhakupov",
    "Karimov", "Ospanov", "Smagulov", "Tokayev", "Ualiyev", "Shaikenov", "Rakhimov",
    "Myrzakhmetov", "Kuanyshev", "Amanzholov", "Beisenov", "Dauletov", "Ibraimov", "Kaliyev",
    "Nurmagambetov", "Sarsenbayev", "Tastanov", "Yerlanov", "Zhaksylykov",
)  # fmt: skip
INITIALS = "ABDEGKMNRSTZ"
PLACES = (
    "Esil", "Tobol", "Ishim", "Nura", "Irtysh", "Kokshe", "Burabay", "Sary-Arka", "Zhaiyk",
    "Altai", "Ulytau", "Turgai", "Shortandy", "Zerenda", "Atbasar", "Arkalyk",
)  # fmt: skip

# Reference prices (tenge, whole): the first `*` row of an item is its lowest price in the
# table, so a clean price drawn within +-12% of it is never above any reference x 1.2.
SPECIES_BASE = {"cow": 376_000, "bull": 429_000, "sheep": 41_000}
ASSET_BASE = {
    "tractor": 32_000_000,
    "combine": 98_000_000,
    "seeder": 14_500_000,
    "sprayer": 9_800_000,
    "baler": 6_900_000,
}
ASSET_KINDS = ("tractor", "tractor", "tractor", "seeder", "seeder", "sprayer", "baler", "combine")
REFERENCE_ROWS = [
    # item, region, price (tenge), valid_from
    ("cow", "*", 376_000, "2025-01-01"),
    ("bull", "*", 429_000, "2025-01-01"),
    ("sheep", "*", 41_000, "2025-01-01"),
    ("cow", "Akmola", 392_000, "2025-01-01"),
    ("bull", "Kostanay", 445_000, "2025-01-01"),
    ("sheep", "North Kazakhstan", 43_500, "2025-04-01"),
    ("cow", "*", 388_000, "2025-07-01"),
    ("tractor", "*", 32_000_000, "2025-01-01"),
    ("combine", "*", 98_000_000, "2025-01-01"),
    ("seeder", "*", 14_500_000, "2025-01-01"),
    ("sprayer", "*", 9_800_000, "2025-01-01"),
    ("baler", "*", 6_900_000, "2025-01-01"),
    ("combine", "Kostanay", 101_000_000, "2025-01-01"),
    ("tractor", "*", 33_500_000, "2025-06-01"),
]
MAX_REFERENCE: dict[str, int] = {}
for _item, _region, _price, _valid in REFERENCE_ROWS:
    MAX_REFERENCE[_item] = max(MAX_REFERENCE.get(_item, 0), _price)

BANK_NAMES = (
    "Agrarian Credit Partnership Esil",
    "Bereke Agro Bank",
    "Credit Partnership Tobol-Agro",
    "Ishim Rural Credit Partnership",
    "Sary-Arka Agro Credit",
    "Kokshe Credit Partnership",
)
