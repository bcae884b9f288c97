"""Every kind of tampering with the stored ledger is found by `verify`, as a real process, naming
the position, before and after `rebuild` (which refuses to fold a broken chain)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import pytest

from integrity.tamper import Sealed, coloring

# Each case tampers and returns the position `verify` must name, and whether the chain breaks.
Case = Callable[[Sealed], tuple[int, bool]]


def edit_an_amount(s: Sealed) -> tuple[int, bool]:
    p = s.stored.payment("M1")
    s.stored.edit_json(p, amount=601)
    return p, True


def redirect_a_payment(s: Sealed) -> tuple[int, bool]:
    p = s.stored.payment("X3")
    s.stored.edit_json(p, payee="S2")
    return p, True


def delete_an_event(s: Sealed) -> tuple[int, bool]:
    p = s.stored.payment("M1")
    s.stored.delete(p)
    return p, True


def insert_an_event(s: Sealed) -> tuple[int, bool]:
    _, _, topic, state = s.stored.event(1)
    return s.stored.append(uuid.uuid4(), 1, topic, state), True


def swap_two_events(s: Sealed) -> tuple[int, bool]:
    p = s.stored.payment("M1")
    s.stored.swap(p, p + 1)
    return p, True


def truncate_the_log(s: Sealed) -> tuple[int, bool]:
    sealed_at = json.loads(s.seal.read_text())["position"]
    s.stored.truncate(sealed_at - 3)
    return sealed_at, False


def clear_the_units_in_a_snapshot(s: Sealed) -> tuple[int, bool]:
    oid, version = s.stored.run(
        f"SELECT originator_id, originator_version FROM {s.stored.snapshots} "
        "ORDER BY originator_version DESC LIMIT 1"
    )[0]
    s.stored.edit_snapshot(queues={}, balances={})
    return s.stored.position_of(oid, int(version)), False


def delete_record_index_rows(s: Sealed) -> tuple[int, bool]:
    s.stored.run("DELETE FROM ledger_records WHERE key = ?", ("M1",))
    return s.stored.payment("M1"), False


def forge_a_payment_with_a_valid_link(s: Sealed) -> tuple[int, bool]:
    oid, _, topic, state = s.stored.event(s.stored.payment("M1"))
    forged = json.loads(state) | {"transfer_id": "M1-FORGED"}
    version = s.stored.last_version(oid) + 1
    position = s.stored.append(oid, version, topic, json.dumps(forged).encode(), relink=True)
    return position, False


def corrupt_an_events_json(s: Sealed) -> tuple[int, bool]:
    p = s.stored.payment("M1")
    s.stored.set_state(p, b'{"amount": ')
    return p, True


CASES: list[Case] = [
    edit_an_amount,
    redirect_a_payment,
    delete_an_event,
    insert_an_event,
    swap_two_events,
    truncate_the_log,
    clear_the_units_in_a_snapshot,
    delete_record_index_rows,
    forge_a_payment_with_a_valid_link,
    corrupt_an_events_json,
]


def verify_names(s: Sealed, position: int) -> None:
    result = coloring("verify", "--db", s.url, "--seal", str(s.seal))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"position {position}:" in result.stdout, result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("tamper", CASES, ids=[c.__name__ for c in CASES])
def test_tampering_is_found_naming_its_position_before_and_after_rebuild(
    sealed: Sealed, tamper: Case
) -> None:
    position, breaks_chain = tamper(sealed)
    verify_names(sealed, position)
    rebuilt = coloring("rebuild", "--db", sealed.url)
    if breaks_chain:
        assert rebuilt.returncode == 1
        assert "the hash chain is broken at position" in rebuilt.stderr
    # Otherwise a rebuild may succeed or fail (a forged copy cannot be folded), but says so.
    assert "Traceback" not in rebuilt.stderr
    verify_names(sealed, position)


def test_an_untampered_ledger_verifies_against_its_seal(sealed: Sealed) -> None:
    result = coloring("verify", "--db", sealed.url, "--seal", str(sealed.seal))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "the ledger extends the seal" in result.stderr


def test_a_removed_chain_link_is_named_as_an_unchained_event(sealed: Sealed) -> None:
    p = sealed.stored.payment("M1")
    sealed.stored.run("DELETE FROM ledger_chain WHERE position = ?", (p,))
    result = coloring("verify", "--db", sealed.url)
    assert result.returncode == 1
    assert f"position {p}: chain: an event with no chain link" in result.stdout


def test_a_projection_position_moved_back_is_a_finding_not_a_traceback(sealed: Sealed) -> None:
    last = sealed.stored.last()
    sealed.stored.run("UPDATE rm_position SET position = ?", (last - 5,))
    result = coloring("verify", "--db", sealed.url)
    assert result.returncode == 1
    assert f"position {last - 4}: read models: catching the read models up" in result.stdout
    assert "Traceback" not in result.stderr
    assert coloring("rebuild", "--db", sealed.url).returncode == 0
    assert coloring("verify", "--db", sealed.url).returncode == 0


def test_a_projection_position_beyond_the_log_is_a_finding(sealed: Sealed) -> None:
    last = sealed.stored.last()
    sealed.stored.run("UPDATE rm_position SET position = ?", (last + 10,))
    result = coloring("verify", "--db", sealed.url)
    assert result.returncode == 1
    assert f"position {last + 10}: read models: the read models say they folded" in result.stdout


def test_verify_json_lists_each_finding_with_its_check_and_position(sealed: Sealed) -> None:
    p = sealed.stored.payment("M1")
    sealed.stored.edit_json(p, amount=601)
    result = coloring("verify", "--db", sealed.url, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert {"check": "chain", "position": p} in [
        {k: f[k] for k in ("check", "position")} for f in report["problems"]
    ]
