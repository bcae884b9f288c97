"""python -m benchmarks.serve [--farmers N] [--db URL] [--keep DIR] | [--ledger URL]

How long `coloring serve` takes to render each page over a generated ledger: generates a pilot
folder (`--farmers`, about 34 payments each), loads it, then times every page through the app
in process: the first render, and the median of 3 more (the overview's charts are kept while
the read models stay where they are). Figures in docs/serve.md. `--ledger URL` times the pages
of a ledger already loaded (e.g. the 1M benchmark's), without generating or loading anything."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from starlette.testclient import TestClient

from coloring.application import ColoringApplication
from coloring.pilot.generator import generate
from coloring.pilot.loader import load_folder
from coloring.projections import queries
from coloring.projections.runner import ProjectionRunner
from coloring.web.app import create_app


def pages(db: object) -> list[str]:
    found = queries.findings(db)  # type: ignore[arg-type]
    first = next((f for f in found if f.rule == "OVERPAYMENT"), found[0])
    holder = first.participants[0]
    return [
        "/",
        "/risk",
        "/findings",
        "/findings?sort=-amount",
        "/findings?region=Akmola&program=AA-2025",
        "/findings?page=2",
        f"/finding/{first.rule}/{first.subject}",
        f"/participant/{holder}",
        "/trace?unit=AL-00001%230",
        "/movements?program=AA-2025&kind=allocation&status=applied",
        "/balances",
        "/?as_of=2025-06-30",
        "/?lang=ru",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--farmers", type=int, default=300)
    parser.add_argument("--db", help="database URL (default: a SQLite file in a temp folder)")
    parser.add_argument("--keep", type=Path, help="keep the pilot folder and ledger here")
    parser.add_argument("--ledger", help="time the pages of this loaded ledger (loads nothing)")
    args = parser.parse_args()
    if args.ledger:
        timed_pages(args.ledger)
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="coloring-serve-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "pilot"
    url = args.db or f"sqlite:///{work / 'ledger.db'}"
    if not folder.is_dir():
        generate(folder, seed=1, farmers=args.farmers)
    application = ColoringApplication(url)
    runner = ProjectionRunner(application.store)
    started = time.perf_counter()
    load_folder(application, folder)
    runner.run()
    loaded = time.perf_counter() - started
    payments = runner.db.query("SELECT COUNT(*) FROM rm_movements WHERE kind = 'transfer'")[0][0]
    findings = len(queries.findings(runner.db))
    print(f"ledger: {url}; {payments:,} payments, {findings:,} findings (loaded in {loaded:.1f} s)")
    timed_pages(url, runner.db)
    application.close()


def timed_pages(url: str, db: object = None) -> None:
    if db is None:
        from coloring.readside import current_read_models

        with current_read_models(url) as current:
            paths = pages(current)
    else:
        paths = pages(db)
    print("    first   median  size")
    with TestClient(create_app(url, "en")) as client:
        for path in paths:
            t0 = time.perf_counter()
            assert client.get(path).status_code == 200, path
            first = (time.perf_counter() - t0) * 1000
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                page = client.get(path)
                times.append(time.perf_counter() - t0)
            took = statistics.median(times) * 1000
            print(f"{first:6.0f} ms {took:6.0f} ms {len(page.content) // 1024:4d} KB  {path}")


if __name__ == "__main__":
    main()
