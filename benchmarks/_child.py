"""Run one command as this process's only child; print one JSON line on stdout's last line:
{"rc", "seconds", "peak_mb", "cpu_s", "server_cpu_s"} where peak_mb is the child's own
ru_maxrss (so every measured command has its own peak) and cpu_s its user + system seconds.
With BENCH_PG_DB set, server_cpu_s is the CPU of the PostgreSQL backends serving that database
meanwhile (`benchmarks/pgload.py`); otherwise null. The child's stdout/stderr go to the files
given by BENCH_LOG."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pgload import backends


def main() -> None:
    cmd = sys.argv[1:]
    log = os.environ.get("BENCH_LOG", os.devnull)
    pg_db = os.environ.get("BENCH_PG_DB")
    server: dict[int, float] = {}
    with open(log, "ab") as f:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=f, stderr=f)
        while pg_db:
            server.update(backends(pg_db))
            try:
                proc.wait(timeout=0.2)  # returns as soon as the command ends
                break
            except subprocess.TimeoutExpired:
                pass
        proc.wait()
        seconds = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "rc": proc.returncode,
                "seconds": seconds,
                "peak_mb": usage.ru_maxrss / 1024,  # KiB on Linux
                "cpu_s": usage.ru_utime + usage.ru_stime,
                "server_cpu_s": sum(server.values()) if pg_db else None,
            }
        )
    )


if __name__ == "__main__":
    main()
