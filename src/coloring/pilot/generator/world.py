"""State shared by the three program generators: randomness, participants, ids, plants."""

from __future__ import annotations

import bisect
import itertools
import random
from pathlib import Path
from typing import Any

from coloring.pilot.generator.catalog import (
    INITIALS,
    PLACES,
    REGION_NAMES,
    REGION_WEIGHTS,
    SURNAMES,
    TREASURY,
)
from coloring.pilot.generator.sink import Sink

Subject = str | list[Any]  # a text subject, or a transfer/allocation row whose id comes later


class World:
    def __init__(self, out: Path, seed: int, misuse_rate: float) -> None:
        self.rng = random.Random(seed)
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
        x = self.rng.randrange(self._region_cum[-1])
        return REGION_NAMES[bisect.bisect_right(self._region_cum, x)]

    def person(self) -> str:
        return f"{self.rng.choice(SURNAMES)} {self.rng.choice(INITIALS)}."

    def place(self) -> str:
        return self.rng.choice(PLACES)

    def iin(self) -> str:
        """An owner id that is not a participant (a private person's IIN)."""
        return f"IIN-{self.rng.randrange(10**11, 10**12)}"

    # -- ids and plants ------------------------------------------------------------------

    def next_id(self, prefix: str, width: int) -> str:
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}{n:0{width}d}"

    def misused(self) -> bool:
        return self.misuse_rate > 0 and self.rng.random() < self.misuse_rate

    def plant(self, rule: str, subject: Subject) -> None:
        self.planted.append((rule, subject))

    def resolved_plants(self) -> list[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        for rule, subject in self.planted:
            text = subject if isinstance(subject, str) else subject[0]
            out.add((rule, text))
        return sorted(out)
