"""State shared by the three program generators: randomness, participants, ids, plants."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from coloring.pilot.generator.catalog import (
    INITIALS,
    PLACES,
    REGION_NAMES,
    REGION_WEIGHTS,
    SURNAMES,
    TREASURY,
)
from coloring.pilot.generator.sink import Payment, Sink

T = TypeVar("T")
Subject = str | Payment  # a text subject, or a payment whose id comes when written


class World:
    def __init__(self, out: Path, seed: int, misuse_rate: float) -> None:
        self.rng = random.Random(seed)
        self._random = self.rng.random
        self.misuse_rate = misuse_rate
        self.roles: dict[str, str] = {}
        self.regions: dict[str, str] = {}
        self._participants: list[list[Any]] = []
        self._index: dict[str, int] = {}
        self.sink = Sink(out, self.roles)
        self.planted: list[tuple[str, Subject]] = []
        self._counters: dict[str, int] = {}
        self._region_cum = list(itertools.accumulate(REGION_WEIGHTS))
        self.participant(
            TREASURY, "Treasury Committee of the Ministry of Finance", "treasury", "Astana"
        )

    # -- participants --------------------------------------------------------------------

    def participant(self, pid: str, name: str, role: str, region: str = "") -> str:
        self._index[pid] = len(self._participants)
        self._participants.append([pid, name, role, region, []])
        self.roles[pid] = role
        self.regions[pid] = region
        return pid

    def relate(self, a: str, b: str) -> None:
        """Declare `a` related to `b` (on `a`'s row; the relation is symmetric)."""
        self._participants[self._index[a]][4].append(b)

    def participant_rows(self) -> list[tuple[str, ...]]:
        return [(p, n, r, g, ";".join(rel)) for p, n, r, g, rel in self._participants]

    def region(self) -> str:
        x = self.below(self._region_cum[-1])
        return REGION_NAMES[bisect.bisect_right(self._region_cum, x)]

    def person(self) -> str:
        return f"{self.pick(SURNAMES)} {self.pick(INITIALS)}."

    def place(self) -> str:
        return self.pick(PLACES)

    def iin(self) -> str:
        """An owner id that is not a participant (a private person's IIN)."""
        return f"IIN-{self.ri(10**11, 10**12 - 1)}"

    # -- ids and plants ------------------------------------------------------------------

    def next_id(self, prefix: str, width: int) -> str:
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}{n:0{width}d}"

    # Fast draws: `random()` scaled to an integer (Random.randint costs ten times more). The
    # draws only pick sizes and times; amounts are then computed in whole tiyn.

    def ri(self, a: int, b: int) -> int:
        """An integer in [a, b]."""
        return a + int(self._random() * (b - a + 1))

    def span(self, low: int, high: int) -> int:
        """A duration in whole minutes between `low` and `high` seconds."""
        return 60 * self.ri(low // 60, high // 60)

    def below(self, n: int) -> int:
        return int(self._random() * n)

    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self._random() * len(seq))]

    def chance(self, p: float) -> bool:
        return self._random() < p

    def surplus(self, amount: int) -> int:
        """Half the time nothing, else 0.5-5% of `amount` in whole tenge: returned unused."""
        if self._random() < 0.5:
            return 0
        return amount * self.ri(50, 500) // 10_000 // 100 * 100

    def misused(self) -> bool:
        return self.misuse_rate > 0 and self._random() < self.misuse_rate

    def plant(self, rule: str, subject: Subject) -> None:
        self.planted.append((rule, subject))

    def resolved_plants(self) -> list[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        for rule, subject in self.planted:
            text = subject if isinstance(subject, str) else subject.id
            out.add((rule, text))
        return sorted(out)
