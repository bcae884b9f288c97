"""Generated pilot folders: for property tests, the generator's arguments as a hypothesis
strategy and a folder written from them; for read-model tests, the example folder and a
generated one, loaded.

Hypothesis runs many examples in one test, so a folder lives in a temporary directory of its
own rather than in `tmp_path`; the ledger can go beside it, in `folder.parent`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from coloring.examples import SHIPPED
from coloring.pilot.generator import generate
from coloring.projections.db import Database
from coloring.readside import current_read_models
from pilot.builders import load


def generator_args(
    farmers: tuple[int, int], misuse_rates: Sequence[float]
) -> st.SearchStrategy[dict[str, Any]]:
    """Arguments of `generate`: any seed, `farmers` (least, most), one of `misuse_rates`."""
    least, most = farmers
    return st.fixed_dictionaries(
        {
            "seed": st.integers(min_value=0, max_value=10_000),
            "farmers": st.integers(min_value=least, max_value=most),
            "misuse_rate": st.sampled_from(misuse_rates),
        }
    )


def given_generator_args(
    max_examples: int, farmers: tuple[int, int], misuse_rates: Sequence[float]
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Run the test on `max_examples` draws of `generator_args`, with no deadline: one example
    generates and loads a whole folder."""

    def decorate(test: Callable[..., None]) -> Callable[..., None]:
        strategy = generator_args(farmers, misuse_rates)
        return settings(max_examples=max_examples, deadline=None)(given(strategy)(test))

    return decorate


@contextmanager
def generated_folder(args: dict[str, Any]) -> Iterator[Path]:
    """The folder `generate(**args)` writes, removed with its directory on exit."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pilot"
        generate(folder, **args)
        yield folder


def example_and_generated(tmp_path: Path, seed: int) -> Iterator[Database]:
    """The read models of the example folder loaded in observe mode, then of a folder generated
    from `seed` (12 farmers, half scale, misuse 0.2) loaded in enforce mode."""
    folder = tmp_path / "generated"
    generate(folder, seed=seed, farmers=12, scale=0.5, misuse_rate=0.2)
    for source, mode in ((SHIPPED, "observe"), (folder, "enforce")):
        db = f"sqlite:///{tmp_path / (source.name + '.db')}"
        load(source, "--mode", mode, db=db)
        with current_read_models(db) as read_models:
            assert read_models is not None
            yield read_models
