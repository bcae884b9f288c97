"""Balances as of any instant equal the movements up to it, summed by hand.

`holdings_at` reads each holder's last balance step at or before the instant; the model here is
the plainest reading of section 3: what every applied movement at or before T delivered to a
holder, less what it paid.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coloring.application import ColoringApplication
from coloring.pilot.generator import generate
from coloring.pilot.loader import load_folder
from coloring.projections import queries
from coloring.projections.runner import ProjectionRunner


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProjectionRunner]:
    root = tmp_path_factory.mktemp("time-travel")
    generate(root / "pilot", seed=5, farmers=4)
    app = ColoringApplication(f"sqlite:///{root / 'ledger.db'}")
    try:
        load_folder(app, root / "pilot")
        projection = ProjectionRunner(app.store)
        projection.run(page_size=997)
        yield projection
    finally:
        app.close()


def summed_by_hand(runner: ProjectionRunner, t: int) -> list[tuple[str, str, int]]:
    held: Counter[tuple[str, str]] = Counter()
    for kind, program, payer, payee, amount, outcome in runner.db.query(
        "SELECT kind, program_id, payer, payee, amount, outcome FROM rm_movements "
        "WHERE status = 'applied' AND at_us <= ?",
        (t,),
    ):
        if outcome == "held":
            held[(program, payee)] += amount
        if kind == "transfer":
            held[(program, payer)] -= amount
    return sorted((p, h, v) for (p, h), v in held.items() if v > 0)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_balances_as_of_any_instant_are_the_movements_up_to_it(
    runner: ProjectionRunner, data: st.DataObject
) -> None:
    instants = [int(r[0]) for r in runner.db.query("SELECT at_us FROM rm_movements")]
    t = data.draw(st.sampled_from(instants)) + data.draw(st.sampled_from([-1, 0, 1]))
    got = [(b.program, b.participant, b.held) for b in queries.balances(runner.db, t)]
    assert got == summed_by_hand(runner, t)
