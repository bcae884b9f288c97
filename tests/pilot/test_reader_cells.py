"""Reading a pilot folder's cells (contract sections 2 and 7): times, roles, program kinds,
routes, days and percentages, lists and free text, and amounts and numbers of every size."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coloring.domain.records import RegistryRecord, TransferRecord
from pilot.builders import TRANSFERS, errors, read

# -- cells


def test_a_time_without_offset_means_almaty_time(tmp_path: Path) -> None:
    text = TRANSFERS + "X1,2025-01-02T10:00,P1,F1,S1,1,\nX2,2025-01-02T05:00Z,P1,F1,S1,1,\n"
    first, second = (s.record for s in read(tmp_path, transfers=text).dated())
    assert isinstance(first, TransferRecord)
    assert first.at.offset_minutes == 300
    assert first.at.us == second.at.us
    assert first.at.isoformat() == "2025-01-02T10:00:00+05:00"


def test_a_bad_time_is_an_error(tmp_path: Path) -> None:
    [error] = errors(tmp_path, transfers=TRANSFERS + "X1,02.01.2025,P1,F1,S1,1,\n")
    assert error.startswith("transfers.csv:2: at: '02.01.2025' is not a time of the form")


def test_roles_kinds_routes_and_days_are_checked(tmp_path: Path) -> None:
    programs = (
        "program_id,name,kind,route,expires_at,max_idle_days,retention_days,subsidy_cap_percent\n"
        "P1,A,cattle,treasury>farmer,2026-01-01,1.5,-1,50\n"
        "P2,B,subsidy,treasury>farmr,2026-01-01,3,,12.5%\n"
        "P3,C,subsidy,treasury-farmer,2026-01-01,3,,\n"
    )
    assert errors(tmp_path, programs=programs) == [
        "programs.csv:2: kind: 'cattle' is not a program kind (expected one of livestock, subsidy,"
        " contract)",
        "programs.csv:2: max_idle_days: '1.5' is not a whole number of days (0 or more)",
        "programs.csv:2: retention_days: '-1' is not a whole number of days (0 or more)",
        "programs.csv:3: route: route hop 'treasury>farmr': 'farmr' is not a role (expected one of"
        " treasury, operator, bank, farmer, seller, leasing_company, dealer, contractor,"
        " subcontractor, supplier, school, other)",
        "programs.csv:3: subsidy_cap_percent: '12.5%' is not a percentage (a decimal number,"
        " 0 or more, e.g. 12.5)",
        "programs.csv:4: route: route hop 'treasury-farmer' is not of the form role>role",
    ]


def test_optional_program_cells_are_parsed(tmp_path: Path) -> None:
    programs = (
        "program_id,name,kind,route,expires_at,max_idle_days,subsidy_cap_percent,"
        "retention_days,price_tolerance_percent\n"
        "P1,A,subsidy,treasury>farmer  farmer>seller,2026-01-01,0,50.5,180,7.25\n"
        "P2,B,contract,treasury>contractor,2026-01-01,0,,,\n"
    )
    first, second = (s.record for s in read(tmp_path, programs=programs).programs)
    assert first.route == (("treasury", "farmer"), ("farmer", "seller"))
    assert (first.subsidy_cap_percent, first.retention_days) == (Decimal("50.5"), 180)
    assert first.price_tolerance_percent == Decimal("7.25")
    assert (second.subsidy_cap_percent, second.retention_days) == (None, None)
    assert second.price_tolerance_percent == Decimal(20)


def test_related_to_ignores_blanks_and_empty_items_and_checks_participants(tmp_path: Path) -> None:
    text = "participant_id,name,role,related_to\nF1,A,farmer, S1 ;;S1;F1\nS1,B,seller,\n"
    assert read(tmp_path, participants=text).participants[0].record.related_to == ("S1",)
    text += "F2,C,farmer,S1;X9;b@d\n"
    assert errors(tmp_path, participants=text) == [
        "participants.csv:4: related_to: 'b@d' is not an id (1 to 64 characters of A-Z a-z"
        " 0-9 . _ : -)",
        "participants.csv:4: related_to: unknown participant 'X9' (not in participants.csv nor"
        " in the ledger)",
    ]


def test_registry_owner_is_required_for_registered_and_ignored_for_disposed(
    tmp_path: Path,
) -> None:
    registry = (
        "animal_id,species,event,owner,at\n"
        "KZ1,cow,registered,,2025-01-01\n"
        "KZ1,cow,disposed,not an id!,2025-01-02\n"
        "KZ1,cow,sold,F1,2025-01-03\n"
        "KZ2,cow,transferred,someone-else,2025-01-03\n"
    )
    assert errors(tmp_path, registry=registry) == [
        "registry.csv:2: owner: a value is required when event is 'registered'",
        "registry.csv:4: event: 'sold' is not a registry event (expected one of registered,"
        " transferred, disposed, exported)",
    ]
    pilot = read(
        tmp_path,
        registry=registry.replace(",,2025-01-01", ",F1,2025-01-01").replace(
            "KZ1,cow,sold,F1", "KZ1,cow,exported,F1"
        ),
    )
    records = [s.record for s in pilot.dated()]
    assert all(isinstance(r, RegistryRecord) for r in records)
    assert [r.owner for r in records if isinstance(r, RegistryRecord)] == [
        "F1",
        None,
        None,
        "someone-else",
    ]


def test_purpose_ref_is_free_text_and_never_an_error(tmp_path: Path) -> None:
    text = TRANSFERS + 'X1,2025-01-02,P1,F1,S1,1,"any thing, really"\nX2,2025-01-02,P1,F1,S1,1, \n'
    refs = [s.record for s in read(tmp_path, transfers=text).dated()]
    assert [r.purpose_ref for r in refs if isinstance(r, TransferRecord)] == [
        "any thing, really",
        None,
    ]


# -- round trip


_ID = st.text(alphabet="abcXYZ019._:-", min_size=1, max_size=64)
_AMOUNT = st.tuples(
    st.integers(min_value=0, max_value=10**15 - 1),
    st.sampled_from(["", "0", "5", "05", "50", "99"]),
).filter(lambda a: a[0] > 0 or a[1] not in ("", "0"))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.tuples(_ID, _AMOUNT), min_size=0, max_size=8, unique_by=lambda r: r[0]))
def test_any_valid_transfers_file_round_trips(
    tmp_path: Path, rows: list[tuple[str, tuple[int, str]]]
) -> None:
    lines = [
        f"{tid},2025-01-02T10:00,P1,F1,S1,{whole}{'.' + frac if frac else ''},\n"
        for tid, (whole, frac) in rows
    ]
    pilot = read(tmp_path, transfers=TRANSFERS + "".join(lines))
    got = [s.record for s in pilot.dated()]
    assert [(r.transfer_id, r.amount) for r in got if isinstance(r, TransferRecord)] == [
        (tid, whole * 100 + int(frac.ljust(2, "0") or "0")) for tid, (whole, frac) in rows
    ]


def test_an_amount_or_a_number_of_days_beyond_what_the_database_holds_is_an_input_error(
    tmp_path: Path,
) -> None:
    """A quadrillion tenge (10**17 tiyn) or 10**12 days would overflow the 64-bit integers of
    the databases; they are refused at the boundary instead of failing after recording."""
    programs = "program_id,name,kind,route,expires_at,max_idle_days\n"
    programs += "P1,x,livestock,treasury>operator,2026-01-01,1000000000001\n"
    assert errors(
        tmp_path,
        transfers=TRANSFERS + "X1,2025-01-02,P1,O1,B1,1000000000000000.01,\n",
        programs=programs,
    ) == [
        "programs.csv:2: max_idle_days: '1000000000001': more than 1000000000000 days is more "
        "than the ledger records",
        "transfers.csv:2: amount: '1000000000000000.01': an amount above 1000000000000000 tenge "
        "is more than the ledger records",
    ]


def test_leading_zeros_do_not_count_towards_the_size_of_an_amount_or_a_number_of_days(
    tmp_path: Path,
) -> None:
    """Section 7.6: `[0-9]+`, whatever its length (Python's int() refuses 4,300 digits)."""
    zeros = "0" * 5_000
    programs = "program_id,name,kind,route,expires_at,max_idle_days\n"
    programs += f"P1,x,livestock,treasury>operator,2026-01-01,{zeros}30\n"
    pilot = read(
        tmp_path, programs=programs, transfers=TRANSFERS + f"X1,2025-01-02,P1,O1,B1,{zeros}1.5,\n"
    )
    assert pilot.programs[0].record.max_idle_days == 30
    assert [s.record.amount for s in pilot.dated()] == [150]


def test_numbers_too_long_for_the_ledger_are_input_errors_not_a_crash(tmp_path: Path) -> None:
    """Choice 9a: an amount, a number of days or a percentage of thousands of digits is refused
    with the reason, where it once stopped the load with Python's own message or a traceback."""
    nines = "9" * 5_000
    programs = "program_id,name,kind,route,expires_at,max_idle_days,subsidy_cap_percent\n"
    programs += f"P1,x,livestock,treasury>operator,2026-01-01,{nines},1{'0' * 5_000}\n"
    found = errors(
        tmp_path, programs=programs, transfers=TRANSFERS + f"X1,2025-01-02,P1,O1,B1,{nines},\n"
    )
    assert [e.split(": ")[:2] for e in found] == [
        ["programs.csv:2", "max_idle_days"],
        ["programs.csv:2", "subsidy_cap_percent"],
        ["transfers.csv:2", "amount"],
    ]
    assert all(e.endswith("is more than the ledger records") for e in found)
