"""The example pilot folder the demo loads: the repository's `examples/akmola-small`, or, for an
installed package without the repository, the same folder regenerated from its seed."""

from __future__ import annotations

import tempfile
from pathlib import Path

EXAMPLE = "akmola-small"
EXAMPLE_SEED = 7
EXAMPLE_FARMERS = 12


def example_folder() -> Path:
    shipped = Path(__file__).resolve().parents[2] / "examples" / EXAMPLE
    if (shipped / "participants.csv").is_file():
        return shipped
    from coloring.pilot.generator import generate

    target = Path(tempfile.mkdtemp(prefix="coloring-example-")) / EXAMPLE
    generate(target, seed=EXAMPLE_SEED, farmers=EXAMPLE_FARMERS)
    return target
