"""Replay a scenario into a fresh ledger: read and validate the file (with `--set` overrides),
feed its records through the application's use cases in the spec's order, project, report."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coloring.application import ColoringApplication, price_key, registry_key
from coloring.domain import records
from coloring.pilot.applier import RECORDED_BY
from coloring.pilot.loader import LoadRefusedError, load_folder
from coloring.pilot.reader import PilotInputError
from coloring.projections import extracts
from coloring.projections.runner import ProjectionRunner
from coloring.scenarios import model as m
from coloring.scenarios.build import patch_programs, plan_timeline, source_kind
from coloring.scenarios.report import Report, build
from coloring.scenarios.source import Document, Issue, ScenarioError, read
from coloring.scratch import scratch_folder

MEMORY = "sqlite:///:memory:"
SECTIONS = ("participants", "programs", "reference_prices", "parameters", "expect")
FLUSH_EVERY = 5000

# Where a `--set` path lives in the file: parameters, and the generator's settings.
ROOTS: dict[str, tuple[str | int, ...]] = {
    "mode": ("parameters", "mode"),
    "as_of": ("parameters", "as_of"),
    "programs": ("parameters", "programs"),
    "generate": ("generate",),
}


@dataclass(frozen=True)
class Loaded:
    """A scenario read, overridden and validated: ready to replay."""

    doc: Document
    scenario: m.Scenario
    source: str
    overrides: tuple[str, ...]

    @property
    def title(self) -> str:
        return self.scenario.title or Path(self.doc.file).stem

    @property
    def mode(self) -> str:
        return self.scenario.parameters.mode.value


def load(path: Path, sets: Sequence[str] = (), labelled: Sequence[tuple[str, str]] = ()) -> Loaded:
    """Read a scenario, apply `--set PATH=VALUE` assignments (and options given as
    `(assignment, label)`, e.g. `("mode=enforce", "--mode enforce")`), validate it."""
    doc = read(path)
    if not isinstance(doc.data, dict):
        raise ScenarioError([doc.issue((), "a scenario is a mapping (title, timeline, expect...)")])
    for part in SECTIONS:
        if part in doc.data and doc.data[part] is None:
            del doc.data[part]  # `expect:` with nothing under it: as if left out
    for assignment in sets:
        doc.set(assignment, ROOTS)
    for assignment, label in labelled:
        doc.set(assignment, ROOTS, label)
    try:
        scenario = m.Scenario.model_validate(doc.data)
    except ValidationError as e:
        raise ScenarioError(doc.validation_issues(e)) from None
    kind = source_kind(doc, scenario)
    overrides = (*(f"--set {s}" for s in sets), *(label for _, label in labelled))
    return Loaded(doc, scenario, kind, overrides)


def replay(loaded: Loaded, db_url: str | None = None) -> Report:
    """Replay into a fresh ledger (in memory unless `db_url`) and report at the as_of."""
    app = ColoringApplication(db_url or MEMORY)
    try:
        if app.store.recorder.max_notification_id() is not None:
            raise ScenarioError(
                [
                    Issue(
                        "--db",
                        "-",
                        f"{db_url} is not empty: a scenario replays into a fresh ledger",
                    )
                ]
            )
        planted = feed(app, loaded)
        runner = ProjectionRunner(app.store)
        runner.run()
        report = build(
            runner.db,
            loaded.scenario.parameters.as_of,
            title=loaded.title,
            file=loaded.doc.file,
            source=loaded.source,
            mode=loaded.mode,
            overrides=loaded.overrides,
        )
        report.planted = planted
        report.regions = extracts.regions(runner.db)
        return report
    finally:
        app.close()


def feed(app: ColoringApplication, loaded: Loaded) -> frozenset[tuple[str, str]] | None:
    """Record the scenario in the ledger; returns the planted findings of a generated folder."""
    sc = loaded.scenario
    if loaded.source == "timeline":
        plan, mode = plan_timeline(loaded.doc, sc)
        seen: Counter[str] = Counter()
        with app.store.batch():
            app.open_ledger(mode)
            for n, (record, where) in enumerate([*plan.undated, *plan.dated], 1):
                _apply(app, record, where, seen)
                if n % FLUSH_EVERY == 0:
                    app.store.flush()
        app.store.snapshot_units()
        return None
    with _folder(loaded) as folder:
        planted = None
        if loaded.source == "generate":
            rows = json.loads((folder / "planted.json").read_text(encoding="utf-8"))
            planted = frozenset((r["rule"], r["subject"]) for r in rows)
        try:
            load_folder(app, folder, loaded.mode)
        except (PilotInputError, LoadRefusedError) as e:
            where = loaded.doc.where((loaded.source,))
            raise ScenarioError(
                Issue(where, loaded.source, line) for line in str(e).splitlines()
            ) from None
    return planted


@contextmanager
def _folder(loaded: Loaded) -> Iterator[Path]:
    """The pilot folder to load: the scenario's own (a patched copy when parameters change its
    programs), or a generated one."""
    sc, doc = loaded.scenario, loaded.doc
    if sc.pilot is not None:
        folder = doc.folder / sc.pilot
        if not (folder / "programs.csv").is_file():
            raise ScenarioError([doc.issue(("pilot",), f"{folder} is not a pilot folder")])
        if not sc.parameters.programs:
            yield folder
            return
        with scratch_folder("scenario") as tmp:
            copy = tmp / folder.name
            shutil.copytree(folder, copy)
            patch_programs(doc, sc, copy)
            yield copy
        return
    settings = sc.generate
    assert settings is not None
    try:
        from coloring.pilot.generator import generate
    except ImportError:  # pragma: no cover - the generator ships with the package
        raise ScenarioError(
            [doc.issue(("generate",), "this build of coloring has no pilot generator")]
        ) from None
    with scratch_folder("scenario") as tmp:
        folder = tmp / "generated"
        try:
            generate(
                folder,
                seed=settings.seed,
                farmers=settings.farmers,
                scale=settings.scale,
                misuse_rate=settings.misuse_rate,
            )
        except ValueError as e:
            raise ScenarioError([doc.issue(("generate",), str(e))]) from None
        patch_programs(doc, sc, folder)
        yield folder


def _apply(app: ColoringApplication, r: Any, where: str, seen: Counter[str]) -> None:
    """One record through its use case. Registry facts and prices have no id: identical ones
    are told apart by their occurrence, as in a pilot folder."""
    match r:
        case records.ReferencePriceRecord():
            key = price_key(r, 0)
            seen[key] += 1
            app.quote_price(r, occurrence=seen[key] - 1, source=where)
        case records.RegistryRecord():
            key = registry_key(r, 0)
            seen[key] += 1
            app.record_registry_fact(r, occurrence=seen[key] - 1, source=where)
        case _:
            RECORDED_BY[type(r)](app, r, where)
