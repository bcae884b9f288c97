"""Run one command as this process's only child; print one JSON line on stdout's last line:
{"rc", "seconds", "peak_mb"} where peak_mb is the child's own ru_maxrss (so every measured
command has its own peak). The child's stdout/stderr go to the files given by BENCH_LOG."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time


def main() -> None:
    cmd = sys.argv[1:]
    log = os.environ.get("BENCH_LOG", os.devnull)
    with open(log, "ab") as f:
        t0 = time.perf_counter()
        rc = subprocess.call(cmd, stdout=f, stderr=f)
        seconds = time.perf_counter() - t0
    kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(json.dumps({"rc": rc, "seconds": seconds, "peak_mb": kb / 1024}))


if __name__ == "__main__":
    main()
