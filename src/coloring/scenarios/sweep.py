"""Parameter sweeps: a scenario replayed for every combination of a grid of `--set` values, in
parallel processes, summarised one row per combination.

Every combination is read and validated before any replay starts (a bad path or value is a
usage error naming it); each replay runs in a fresh in-memory ledger in a worker process and
sends back only its row. Expectations are checked and reported per row: a what-if that
breaks them is an answer, not an error."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

from coloring.domain.rules import Rule
from coloring.scenarios.expect import check
from coloring.scenarios.replay import load, replay
from coloring.scenarios.source import Issue, ScenarioError

# Money columns of a row: totals over the scenario's programs (tiyn).
MONEY = ("on_purpose", "misused", "idle", "returned", "blocked", "held")


@dataclass(frozen=True)
class Axis:
    path: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Row:
    """One combination's outcome: amounts in tiyn, finding counts by rule."""

    settings: tuple[tuple[str, str], ...]
    money: dict[str, int]
    findings: dict[str, int]
    applied: int
    refused: int
    checked: int
    failures: tuple[str, ...] = field(default=())

    @property
    def expectations(self) -> str:
        if not self.checked:
            return "none"
        if not self.failures:
            return f"all {self.checked} hold"
        return f"{len(self.failures)} of {self.checked} failed"


def parse_grid(texts: Sequence[str]) -> list[Axis]:
    """`PATH=V1,V2,...` per axis; a path given twice or an empty value is a usage error."""
    axes: list[Axis] = []
    for text in texts:
        path, sep, values = text.partition("=")
        path = path.strip()
        choices = tuple(v.strip() for v in values.split(","))
        if not sep or not path or not all(choices):
            raise ScenarioError(
                [
                    Issue(
                        f"--grid {text}",
                        path or "-",
                        "expected PATH=V1,V2,..., e.g. programs.AA-2025.max_idle_days=15,30,60",
                    )
                ]
            )
        if any(a.path == path for a in axes):
            raise ScenarioError([Issue(f"--grid {text}", path, "this path is already a grid axis")])
        axes.append(Axis(path, tuple(dict.fromkeys(choices))))
    if not axes:
        raise ScenarioError([Issue("--grid", "-", "give at least one --grid PATH=V1,V2,...")])
    return axes


def combinations(axes: Sequence[Axis]) -> list[tuple[tuple[str, str], ...]]:
    """Every combination, the last axis varying fastest."""
    return [
        tuple(zip((a.path for a in axes), values, strict=True))
        for values in product(*(a.values for a in axes))
    ]


def replay_one(
    scenario: str, settings: tuple[tuple[str, str], ...], sets: tuple[str, ...] = ()
) -> Row:
    """Replay one combination (in a worker process) and summarise it."""
    loaded = load(Path(scenario), [*sets, *(f"{p}={v}" for p, v in settings)])
    report = replay(loaded)
    outcome = check(loaded.doc, loaded.scenario.expect, report)
    return Row(
        settings,
        {m: report.total(m) for m in MONEY},
        {rule: t.count for rule, t in report.by_rule().items()},
        report.applied,
        report.refused,
        outcome.checked,
        tuple(str(f) for f in outcome.failures),
    )


def _context() -> multiprocessing.context.BaseContext:
    # fork starts a worker in milliseconds (a replay of a small scenario takes ~0.1 s; spawn's
    # fresh interpreter and imports cost a second per worker), and is safe while this process
    # runs one thread; otherwise forkserver.
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def sweep(
    scenario: Path,
    axes: Sequence[Axis],
    jobs: int = 1,
    sets: Sequence[str] = (),
    done: Callable[[int, Row], None] | None = None,
) -> list[Row]:
    """Replay every combination (`jobs` at a time), rows in grid order."""
    combos = combinations(axes)
    for settings in combos:  # all bad input is reported before anything is replayed
        load(scenario, [*sets, *(f"{p}={v}" for p, v in settings)])
    rows: list[Row] = []
    if jobs <= 1 or len(combos) == 1:
        for settings in combos:
            rows.append(replay_one(str(scenario), settings, tuple(sets)))
            if done:
                done(len(rows), rows[-1])
        return rows
    workers = min(jobs, len(combos))
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        futures = [
            pool.submit(replay_one, str(scenario), settings, tuple(sets)) for settings in combos
        ]
        try:
            for future in futures:
                rows.append(future.result())
                if done:
                    done(len(rows), rows[-1])
        except BaseException:
            # Stopped (Ctrl-C, or SIGTERM, which `cli.main` raises as Ctrl-C) or failed: the
            # combinations not begun are dropped; leaving the pool would replay them all first.
            pool.shutdown(cancel_futures=True)
            raise
    return rows


def rules_seen(rows: Sequence[Row]) -> list[str]:
    """The rules with a finding in any row, in the contract's order."""
    return [r.value for r in Rule if any(r.value in row.findings for row in rows)]
