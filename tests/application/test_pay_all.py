"""Payments judged a run at a time (`pay_all`, as a load judges them) are judged as `pay`
judges them one by one: the same events, the same units, the same count applied."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coloring.application import ColoringApplication
from coloring.domain import records
from coloring.pilot.applier import RECORDED_BY
from coloring.pilot.reader import EMPTY_LEDGER, read_folder

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "akmola-small"


def _recorded(runs: bool) -> tuple[int, list[tuple[str, int, str, dict[str, Any]]]]:
    """Every record of the example folder applied in order, each run of payments as one
    `pay_all` (`runs`) or each payment as one `pay`; how many were applied and the events."""
    pilot = read_folder(EXAMPLE, EMPTY_LEDGER)
    app = ColoringApplication("sqlite:///:memory:")
    app.open_ledger(None)
    applied = 0
    waiting: list[tuple[records.TransferRecord, str]] = []
    with app.store.batch():
        for s in [*pilot.participants, *pilot.programs]:
            RECORDED_BY[type(s.record)](app, s.record, s.where)
        for s in pilot.dated():
            r = s.record
            if type(r) is records.TransferRecord:
                if runs:
                    waiting.append((r, s.where))
                else:
                    applied += app.pay(r, s.where).applied
                continue
            applied += app.pay_all(waiting)
            waiting = []
            if type(r) is records.RegistryRecord:
                app.record_registry_fact(r, source=s.where)
            else:
                RECORDED_BY[type(r)](app, r, s.where)
        applied += app.pay_all(waiting)
    events = [
        (str(e.originator_id), e.originator_version, e.topic, json.loads(e.state))
        for e in app.store.recorder.select_notifications(1, 100_000)
    ]
    for _, _, _, state in events:
        state.pop("timestamp", None)
    return applied, events


def test_payments_judged_in_runs_record_what_payments_judged_one_by_one_record() -> None:
    one_by_one = _recorded(runs=False)
    assert one_by_one[0] > 0
    assert _recorded(runs=True) == one_by_one
