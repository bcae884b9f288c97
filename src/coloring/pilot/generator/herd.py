"""A region's whole herd in the registry extract: animals that program money never buys.

A real extract of the animal identification system lists every animal of the region, not only
those sold under the program: most of its rows are animals registered to farmers and breeders,
sold between them and to private persons, slaughtered or exported. `Herd` adds such rows,
`per_payment` of them for each transfer the other generators wrote, dated inside the cycle of
those transfers. They name animals of their own (`KZH...`, never in a purchase), so they change
no finding: rules about animals read only the animals of purchases. They draw from a random
generator of their own, so the folder without the herd is the same, byte for byte, with the
herd's rows left out.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from coloring.pilot.generator.catalog import MINUTE, fmt_time
from coloring.pilot.generator.sink import REGISTRY, Sink

SPECIES = ("cow", "cow", "bull", "sheep", "sheep", "sheep", "horse", "goat")


class Herd:
    def __init__(self, sink: Sink, seed: int, per_payment: int, owners: Sequence[str]) -> None:
        self.sink = sink
        self.rng = random.Random(f"herd {seed}")
        self.per_payment = per_payment
        self.owners = owners
        self.rows = 0
        self._animals = 0
        self._paid = 0

    def _owner(self) -> str:
        """A farmer or breeder of the program, or (a third of the time) a private person."""
        r = self.rng.random()
        if r < 1 / 3 or not self.owners:
            return f"IIN-{int(r * 3 * 10**12):012d}"
        return self.owners[int(r * len(self.owners)) % len(self.owners)]

    def cycle(self, start: int, end: int) -> None:
        """Rows for the transfers written since the last call, dated in [start, end)."""
        paid = self.sink.payments - self._paid
        self._paid = self.sink.payments
        want = self.rows + paid * self.per_payment
        rng, row = self.rng.random, self.sink.row
        span = max(1, (end - start) // MINUTE - 2)
        while self.rows < want:
            self._animals += 1
            animal = f"KZH{self._animals:010d}"
            species = SPECIES[int(rng() * len(SPECIES))]
            # Registered in the first half of the window, sold on and gone in the rest.
            t = start + int(rng() * span / 2) * MINUTE
            row(t, REGISTRY, animal, species, "registered", self._owner(), fmt_time(t))
            self.rows += 1
            while rng() < 0.5 and self.rows < want:
                t += 1 + int(rng() * (end - t - MINUTE) / 2)
                row(t, REGISTRY, animal, species, "transferred", self._owner(), fmt_time(t))
                self.rows += 1
            if rng() < 1 / 3 and self.rows < want:
                t += 1 + int(rng() * (end - t - MINUTE) / 2)
                how = "disposed" if rng() < 0.8 else "exported"
                row(t, REGISTRY, animal, species, how, "", fmt_time(t))
                self.rows += 1
