"""The bookkeeping clock: when a load, a writer or a seal started, as each of them writes it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from coloring.clock import utc_now


def test_now_is_utc_to_the_second_ending_in_z() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    now = utc_now()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", now)
    assert timedelta(0) <= datetime.fromisoformat(now) - before <= timedelta(seconds=2)
