"""The example pilot folder the demo loads: the repository's `examples/akmola-small`, or, for an
installed package without the repository, the same folder regenerated from its seed."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

EXAMPLE = "akmola-small"
EXAMPLE_SEED = 7
EXAMPLE_FARMERS = 12
SHIPPED = Path(__file__).resolve().parents[2] / "examples" / EXAMPLE
"""The repository's example folder; an installed package does not have it."""


@contextmanager
def example_folder() -> Iterator[Path]:
    """The shipped example folder, else the same regenerated in a temporary folder that is
    removed when the block ends (each demo would otherwise leave one behind)."""
    if (SHIPPED / "participants.csv").is_file():
        yield SHIPPED
        return
    from coloring.pilot.generator import generate

    with tempfile.TemporaryDirectory(prefix="coloring-example-") as tmp:
        target = Path(tmp) / EXAMPLE
        generate(target, seed=EXAMPLE_SEED, farmers=EXAMPLE_FARMERS)
        yield target
