"""Run one command as this process's only child; print one JSON line on stdout's last line:
{"rc", "seconds", "cpu", "peak_mb"} where cpu is the child's user + system seconds (what the
command cost, whatever the neighbours on the machine took) and peak_mb its own ru_maxrss (so
every measured command has its own peak). The child's stdout/stderr go to the files given by
BENCH_LOG."""

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
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    print(json.dumps({"rc": rc, "seconds": seconds, "cpu": cpu, "peak_mb": usage.ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
