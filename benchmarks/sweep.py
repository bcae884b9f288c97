"""`python -m benchmarks sweep`: `coloring sweep` of the shipped livestock scenario over 12
combinations (6 idle limits x 2 modes), with --jobs 1 and --jobs 2, against 12 separate
`coloring replay --set ...` processes run one after another (one process, one core, per
replay). Each measure is a whole command, interpreter start-up included; median of --repeat."""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "scenarios/auyl-amanaty.yaml"
IDLE_DAYS = ("10", "15", "30", "45", "60", "90")
MODES = ("observe", "enforce")
CLI = [sys.executable, "-c", "from coloring.cli import main; main()"]


SWEPT = re.compile(r"swept \d+ combination\(s\) in ([0-9.]+) s")
INNER: list[float] = []  # the sweeps' own figure: replays only, without interpreter start-up


def _timed(commands: list[list[str]]) -> float:
    started = time.perf_counter()
    for command in commands:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
        inner = SWEPT.search(done.stderr)
        if inner:
            INNER.append(float(inner[1]))
    return time.perf_counter() - started


HEAVY = "scenarios/generated-at-scale.yaml"
HEAVY_GRID = ["--set", "generate.farmers=40", "--grid", "generate.seed=1,2,3,4,5,6"]


def measure(repeat: int, heavy: bool = False) -> dict[str, Any]:
    grid = [
        "--grid",
        f"programs.AA-2025.max_idle_days={','.join(IDLE_DAYS)}",
        "--grid",
        f"mode={','.join(MODES)}",
    ]
    sweep = [*CLI, "sweep", SCENARIO, *grid, "--format", "csv"]
    singles = [
        [*CLI, "replay", SCENARIO, "--set", f"programs.AA-2025.max_idle_days={d}", "--mode", m]
        for d in IDLE_DAYS
        for m in MODES
    ]
    cases = {
        "12 single replays, one process each, one after another": singles,
        "sweep --jobs 1": [[*sweep, "--jobs", "1"]],
        "sweep --jobs 2": [[*sweep, "--jobs", "2"]],
    }
    if heavy:
        # Replays that take seconds, not 0.1 s: where parallel workers can pay off.
        big = [*CLI, "sweep", HEAVY, *HEAVY_GRID, "--grid", "mode=observe,enforce"]
        big += ["--format", "csv"]
        cases["generated, 40 farmers: sweep --jobs 1"] = [[*big, "--jobs", "1"]]
        cases["generated, 40 farmers: sweep --jobs 2"] = [[*big, "--jobs", "2"]]
    figures: dict[str, Any] = {}
    for name, commands in cases.items():
        _timed(commands[:1])  # warm the file cache
        INNER.clear()
        times = [_timed(commands) for _ in range(repeat)]
        figures[name] = {
            "median_s": statistics.median(times),
            "min_s": min(times),
            "max_s": max(times),
            "replays_s": statistics.median(INNER) if INNER else None,
        }
    return figures


def cmd_sweep(a: argparse.Namespace) -> int:
    figures = measure(a.repeat, a.heavy)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"sweep of {len(IDLE_DAYS) * len(MODES)} combinations of {SCENARIO}; {cpus} CPU(s), "
        f"load average {load:.1f}; median of {a.repeat}"
    )
    base = figures["12 single replays, one process each, one after another"]["median_s"]
    for name, f in figures.items():
        inner = f" (replays alone {f['replays_s']:.2f} s)" if f["replays_s"] is not None else ""
        print(
            f"  {name:<56} {f['median_s']:6.2f} s  ({f['min_s']:.2f}-{f['max_s']:.2f})"
            f"  x{f['median_s'] / base:.2f}{inner}"
        )
    return 0


def add_parser(sub: Any) -> None:
    s = sub.add_parser("sweep", help="coloring sweep of 12 livestock combinations, --jobs 1 and 2")
    s.add_argument("--repeat", type=int, default=3)
    s.add_argument(
        "--heavy",
        action="store_true",
        help="also 12 combinations of generated-at-scale.yaml at 40 farmers (~2 s per replay)",
    )
    s.set_defaults(func=cmd_sweep)
