"""python benchmarks/pgload.py URL COMMAND...: run COMMAND (a `coloring load` into the
PostgreSQL database of URL, say) and print its wall seconds, the client's CPU seconds and peak
memory, and the CPU seconds of the server processes serving that database meanwhile.

The server's CPU is read from /proc (the server must run on this machine): every 0.2 s, the
CPU time of each backend whose process title names the database; a backend's last sample is
its total, so up to 0.2 s of a backend's last moments can be missed. Other commands using the
same database at the same time are counted too: give each measured run a database of its own.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

TICK = os.sysconf("SC_CLK_TCK")


def backends(dbname: str) -> dict[int, float]:
    """CPU seconds of each live server process whose title names the database."""
    found: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if not title.startswith("postgres: ") or f" {dbname} " not in title:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICK
    return found


def main() -> None:
    url, cmd = sys.argv[1], sys.argv[2:]
    dbname = urlparse(url).path.strip("/")
    server: dict[int, float] = {}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    while proc.poll() is None:
        server.update(backends(dbname))
        time.sleep(0.2)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "rc": proc.returncode,
                "wall_s": round(wall, 2),
                "client_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
                "client_peak_mb": round(usage.ru_maxrss / 1024, 1),
                "server_cpu_s": round(sum(server.values()), 2),
            }
        )
    )
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
