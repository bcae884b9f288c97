"""A synthetic pilot folder, valid under the data contract, with misuse planted on purpose.

`generate(out, seed=..., farmers=..., scale=..., misuse_rate=...)` writes the CSV files of the
contract (section 2) for three programs of 2025 at once:

- `AA-2025`, Auyl Amanaty livestock microloans: treasury > operator > banks > farmers > sellers,
  loans, purchases of cows, bulls and sheep with the animal registry, retention 365 days;
- `AGROLEASE-2025`, a machinery leasing subsidy: treasury > operator > leasing companies >
  dealers and suppliers, subsidies of at most 25% of the asset value;
- `ROADS-2025`, road contracts: treasury > operator > contractor > subcontractor > supplier,
  with subcontracts, supply contracts and acts of accepted work.

and `planted.json`, the findings the data must give in `observe` mode with the default as_of:
a sorted JSON array of `{"rule", "subject"}`, exactly as section 5 names subjects. Nothing else
is a finding: clean data keeps every rule, and each planted breach produces only the findings
listed for it.

Same arguments, same bytes: the only randomness is `random.Random(seed)`; no clock is read.
All records are dated in 2025 (+05:00); the programs expire 2025-12-31T18:00:00+05:00. Clean
money never waits more than ten days anywhere and nothing is held at the end; planted expiry
breaches happen in the last evening of the year, after expiry.

Size: `farmers x scale` farmers (one loan each, ~22 animals), 0.35 subsidies and 0.25 road
contracts per farmer; about 34 transfers and 125 rows per farmer in all. farmers=200 with
scale=1 gives ~7,000 transfers; **farmers x scale = 29,000 (farmers=200, scale=145) gives about
1,000,000 transfers** (3.6 million rows, ~240 MB of CSV) in about 30 s of one CPU and under
200 MB of memory: rows stream through a buffer of a few weeks of records. The summary prints
the scale that gives a million transfers for the chosen number of farmers.

Herd: `herd=N` adds a region's whole herd to the registry extract, N rows per transfer of
animals that program money never buys (registered, sold between farmers and to private persons,
disposed, exported), as a real regional export has: `herd=15` at 200,000 transfers gives about
3 million registry rows. They change no finding, and the rest of the folder stays the same.

Misuse: `misuse_rate` is the probability, per opportunity, that a breach is planted: per farmer
lifecycle (insufficient funds, idle loan, off-route payment, spending after expiry, unreturned
at expiry), per purchase twice (a payment plant and an animal plant), per subsidy, per road
contract and per round of accepted work. With `misuse_rate > 0` one breach of each kind is also
placed at fixed positions, so every rule of section 5 occurs in any folder of 10 farmers or more.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from coloring.domain.money import format_tiyn
from coloring.domain.rulebook import RULEBOOK
from coloring.pilot.generator.catalog import (
    CYCLE,
    CYCLES,
    FIRST_CYCLE,
    LAST_CLEAN,
    LATE_CYCLE,
    LOOKBEHIND,
    PROGRAM_ROWS,
    REFERENCE_ROWS,
    TENGE,
    fmt_time,
)
from coloring.pilot.generator.herd import Herd
from coloring.pilot.generator.leasing import Leasing
from coloring.pilot.generator.livestock import Livestock
from coloring.pilot.generator.roads import Roads
from coloring.pilot.generator.sink import COLUMNS, MONEY_RULES, GeneratorBugError, write_table
from coloring.pilot.generator.world import World

__all__ = ["RULES", "TRANSFERS_PER_FARMER", "GenerationSummary", "GeneratorBugError", "generate"]

TRANSFERS_PER_FARMER = 34  # measured: transfers per farmer (farmers x scale), all programs

RULES = tuple(str(spec.code) for spec in RULEBOOK)
"""Every rule the generator plants (all of them: a test checks it against the rulebook)."""


@dataclass(frozen=True)
class GenerationSummary:
    out: Path
    seed: int
    farmers: int
    scale: float
    misuse_rate: float
    programs: tuple[str, ...]
    rows: dict[str, int]
    transfers: int
    planted: dict[str, int] = field(default_factory=dict)
    as_of: str = ""
    herd: int = 0

    @property
    def planted_total(self) -> int:
        return sum(self.planted.values())

    def to_text(self) -> str:
        lines = [
            f"pilot folder {self.out}",
            f"  seed {self.seed}, farmers {self.farmers} x scale {self.scale:g}, "
            f"misuse rate {self.misuse_rate:g}"
            + (f", herd {self.herd} registry rows per transfer" if self.herd else ""),
            f"  programs: {', '.join(self.programs)}",
            f"  transfers: {self.transfers}; latest record (default as_of): {self.as_of}",
            f"  (about {TRANSFERS_PER_FARMER} transfers per farmer: with {self.farmers} farmers, "
            f"scale {1_000_000 / (TRANSFERS_PER_FARMER * self.farmers):.4g} gives ~1,000,000)",
            "  rows per file:",
        ]
        lines += [f"    {name:<22} {n:>10}" for name, n in self.rows.items()]
        lines.append(f"  planted findings: {self.planted_total} (planted.json)")
        lines += [f"    {rule:<28} {n:>8}" for rule, n in self.planted.items() if n]
        return "\n".join(lines)


def generate(
    out: Path,
    *,
    seed: int = 1,
    farmers: int = 200,
    scale: float = 1.0,
    misuse_rate: float = 0.05,
    herd: int = 0,
) -> GenerationSummary:
    """Write a deterministic synthetic pilot folder to `out` (created if needed); `herd` adds
    that many registry rows per transfer of animals never bought (see `herd.Herd`)."""
    _check_arguments(farmers, scale, misuse_rate, herd)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    n_farmers = max(1, round(farmers * scale))
    force = misuse_rate > 0
    w = World(out, seed, misuse_rate)
    livestock = Livestock(w, n_farmers, force)
    leasing = Leasing(w, max(4, round(n_farmers * 0.35)), livestock.farmers, force)
    roads = Roads(w, max(2, round(n_farmers / 4)), force)
    region = Herd(w.sink, seed, herd, [*livestock.farmers, *livestock.sellers])
    for c in range(CYCLES):
        t0 = FIRST_CYCLE + c * CYCLE
        livestock.cycle(c, t0)
        leasing.cycle(c, t0)
        roads.cycle(c, t0)
        region.cycle(t0, t0 + CYCLE)
        w.sink.flush(t0 + CYCLE - LOOKBEHIND)
    livestock.late_cycle()
    region.cycle(LATE_CYCLE, LAST_CLEAN)
    w.sink.close()

    _write_undated(out, w)
    planted = w.resolved_plants()
    _check_money_rules(planted, w.sink.found)
    _write_planted(out, planted)

    rows = {name: 0 for name in COLUMNS}
    rows.update(w.sink.rows)
    rows["participants.csv"] = len(w.participant_rows())
    rows["programs.csv"] = len(PROGRAM_ROWS)
    rows["reference_prices.csv"] = len(REFERENCE_ROWS)
    counts = Counter(r for r, _ in planted)
    return GenerationSummary(
        out=out,
        seed=seed,
        farmers=farmers,
        scale=scale,
        misuse_rate=misuse_rate,
        programs=tuple(p[0] for p in PROGRAM_ROWS),
        rows=rows,
        transfers=rows["transfers.csv"],
        planted={rule: counts.get(rule, 0) for rule in RULES},
        as_of=fmt_time(w.sink.latest),
        herd=herd,
    )


def _check_arguments(farmers: int, scale: float, misuse_rate: float, herd: int) -> None:
    if farmers < 1:
        raise ValueError("farmers must be at least 1")
    if not scale > 0:
        raise ValueError("scale must be above 0")
    if not 0 <= misuse_rate <= 1:
        raise ValueError("misuse_rate must be between 0 and 1")
    if herd < 0:
        raise ValueError("herd must be 0 or more")


def _write_undated(out: Path, w: World) -> None:
    """The files the cycles do not write: participants, programs, reference prices."""
    write_table(out / "participants.csv", COLUMNS["participants.csv"], w.participant_rows())
    write_table(out / "programs.csv", COLUMNS["programs.csv"], PROGRAM_ROWS)
    write_table(
        out / "reference_prices.csv",
        COLUMNS["reference_prices.csv"],
        [(i, r, format_tiyn(p * TENGE), v) for i, r, p, v in REFERENCE_ROWS],
    )


def _write_planted(out: Path, planted: list[tuple[str, str]]) -> None:
    with (out / "planted.json").open("w", encoding="utf-8", newline="\n") as f:
        f.write("[\n")
        f.write(",\n".join(json.dumps({"rule": r, "subject": s}) for r, s in planted))
        f.write("\n]\n" if planted else "]\n")


def _check_money_rules(planted: list[tuple[str, str]], found: dict[str, set[str]]) -> None:
    """The money rules the sink judged must give exactly what was planted for them."""
    problems = []
    for rule in MONEY_RULES:
        want = {s for r, s in planted if r == rule}
        got = found[rule]
        if want != got:
            problems.append(
                f"{rule}: planted but not found {sorted(want - got)[:5]}, "
                f"found but not planted {sorted(got - want)[:5]}"
            )
    if problems:
        raise GeneratorBugError("; ".join(problems))
