"""How fast the pilot reader reads a folder: rows per second of `read_folder` (the checked
reading) and of `PilotFolder.dated()` (the records it kept, in time order), in process; per CPU
second too, which a machine shared with other work measures more steadily than the wall.

    python benchmarks/read.py FOLDER [--repeat R]     prints one line per reading
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

from coloring.pilot.reader import read_folder

# As the command line sets it (cli.main): a read holds many long-lived objects.
gc.set_threshold(100_000, 50, 1000)


def main() -> None:
    p = argparse.ArgumentParser(prog="python benchmarks/read.py", description=__doc__)
    p.add_argument("folder", type=Path)
    p.add_argument("--repeat", type=int, default=1)
    a = p.parse_args()
    for _ in range(a.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        folder = read_folder(a.folder)
        first, first_cpu = time.perf_counter() - t0, time.process_time() - c0
        rows = sum(folder.count().values())
        t0, c0 = time.perf_counter(), time.process_time()
        dated = sum(1 for _ in folder.dated())
        second, second_cpu = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"read_folder: {rows:,} rows in {first:.2f} s, CPU {first_cpu:.2f} s "
            f"({rows / first_cpu:,.0f} rows/CPU s, {first_cpu / rows * 1e6:.1f} us/row); "
            f"dated(): {dated:,} records in {second:.2f} s, CPU {second_cpu:.2f} s "
            f"({dated / second_cpu:,.0f} rows/CPU s, {second_cpu / dated * 1e6:.1f} us/row)"
        )


if __name__ == "__main__":
    main()
