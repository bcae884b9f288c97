"""From a validated scenario to the ledger's records, in the spec's order; and the checks that
make a scenario replayable (the same input errors as the pilot contract, on scenario lines).

Order (section 3): participants, programs and reference prices first; then the timeline by
instant, at one instant allocations, loans, subsidies, contracts, purchases, registry, acts,
transfers, and within a kind the order of the file.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from coloring.domain import records
from coloring.domain.time import Instant
from coloring.scenarios import model as m
from coloring.scenarios.source import Document, ScenarioError
from coloring.scenarios.timeline import Timeline

SOURCES = ("timeline", "pilot", "generate")
Sourced = tuple[Any, str]  # (record, "file:line")


@dataclass
class Plan:
    """The records of a timeline scenario, in the order they are applied."""

    undated: list[Sourced] = field(default_factory=list)
    dated: list[Sourced] = field(default_factory=list)


def source_kind(doc: Document, sc: m.Scenario) -> str:
    """Which of `timeline`, `pilot` and `generate` the scenario uses (exactly one)."""
    given = [k for k in SOURCES if getattr(sc, k) is not None]
    if len(given) != 1:
        found = ", ".join(given) or "none"
        raise ScenarioError(
            [doc.issue((), f"give exactly one of timeline, pilot, generate (found {found})")]
        )
    kind = given[0]
    if kind != "timeline":
        extra = [k for k in ("participants", "programs", "reference_prices") if getattr(sc, k)]
        if extra:
            raise ScenarioError(
                [
                    doc.issue(
                        (k,),
                        f"comes from the {kind} folder; change program settings with "
                        "parameters.programs",
                    )
                    for k in extra
                ]
            )
    return kind


def _program_record(
    pid: str, p: m.Program, over: m.ProgramParameters | None
) -> records.ProgramRecord:
    values: dict[str, Any] = {
        "expires_at": p.expires_at,
        "max_idle_days": p.max_idle_days,
        "subsidy_cap_percent": p.subsidy_cap_percent,
        "retention_days": p.retention_days,
        "price_tolerance_percent": p.price_tolerance_percent,
    }
    if over is not None:
        values.update({k: getattr(over, k) for k in over.model_fields_set})
    return records.ProgramRecord(
        program_id=pid,
        name=p.name or pid,
        kind=p.kind.value,
        route=p.route,
        expires_at=values["expires_at"],
        max_idle_days=values["max_idle_days"],
        subsidy_cap_percent=values["subsidy_cap_percent"],
        retention_days=values["retention_days"],
        price_tolerance_percent=values["price_tolerance_percent"]
        or records.DEFAULT_PRICE_TOLERANCE,
    )


def check_program_parameters(doc: Document, sc: m.Scenario, known: set[str]) -> None:
    issues = [
        doc.issue(
            ("parameters", "programs", pid),
            f"unknown program {pid!r} (programs: {', '.join(sorted(known)) or 'none'})",
        )
        for pid in sc.parameters.programs
        if pid not in known
    ]
    for pid, over in sc.parameters.programs.items():
        if pid in known and "max_idle_days" in over.model_fields_set and over.max_idle_days is None:
            issues.append(
                doc.issue(("parameters", "programs", pid, "max_idle_days"), "cannot be removed")
            )
        if pid in known and "expires_at" in over.model_fields_set and over.expires_at is None:
            issues.append(
                doc.issue(("parameters", "programs", pid, "expires_at"), "cannot be removed")
            )
    if issues:
        raise ScenarioError(issues)


def plan_timeline(doc: Document, sc: m.Scenario) -> tuple[Plan, str]:
    """The records of a timeline scenario in the spec's order, and its mode."""
    check_program_parameters(doc, sc, set(sc.programs))
    t = Timeline(doc, sc)
    issues = t.issues
    if not sc.participants:
        t.issue(("participants",), "a timeline needs participants")
    if not sc.programs:
        t.issue(("programs",), "a timeline needs programs")
    plan = Plan()
    for pid, p in sc.participants.items():
        for k, other in enumerate(p.related_to):
            if other not in sc.participants:
                t.issue(("participants", pid, "related_to", k), f"unknown participant {other!r}")
        record = records.ParticipantRecord(
            pid, p.name or pid, p.role.value, p.region, tuple(x for x in p.related_to if x != pid)
        )
        plan.undated.append((record, doc.where(("participants", pid))))
    for pid, prog in sc.programs.items():
        over = sc.parameters.programs.get(pid)
        plan.undated.append((_program_record(pid, prog, over), doc.where(("programs", pid))))
    for k, r in enumerate(sc.reference_prices):
        price = records.ReferencePriceRecord(r.item, r.region, r.price, r.valid_from)
        plan.undated.append((price, doc.where(("reference_prices", k))))
    steps = sc.timeline or []
    for step in steps:
        if isinstance(step, m.Purchase):
            for a in step.animals:
                t.species.setdefault(a.id, a.species)
    ordered = sorted(range(len(steps)), key=lambda i: _order(steps[i], i))
    for i in ordered:
        step = steps[i]
        order = _order(step, i)
        plan.dated.append((t.record(i, step, order), doc.where(("timeline", i))))
    if issues:
        raise ScenarioError(sorted(issues, key=lambda x: (x.line, x.field)))
    return plan, sc.parameters.mode.value


def _order(step: Any, i: int) -> tuple[int, int, int]:
    """Section 3's order; an amendment goes first at its instant (its terms apply from it on)."""
    rank = -1 if isinstance(step, m.AmendTerms) else records.DATED_ORDER[_RECORD_TYPE[type(step)]]
    return (step.at.us, rank, i)


_RECORD_TYPE: dict[type, type] = {
    m.Allocate: records.AllocationRecord,
    m.Lend: records.LoanRecord,
    m.ApproveSubsidy: records.SubsidyRecord,
    m.SignContract: records.ContractRecord,
    m.Purchase: records.PurchaseRecord,
    m.Register: records.RegistryRecord,
    m.TransferOwnership: records.RegistryRecord,
    m.Dispose: records.RegistryRecord,
    m.Export: records.RegistryRecord,
    m.AcceptAct: records.ActRecord,
    m.Pay: records.TransferRecord,
    m.Return: records.TransferRecord,
}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Instant):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def patch_programs(doc: Document, sc: m.Scenario, folder: Path) -> None:
    """Apply `parameters.programs` to the `programs.csv` of a (scratch copy of a) pilot folder."""
    path = folder / "programs.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        columns = list(reader.fieldnames or [])
        rows = list(reader)
    check_program_parameters(doc, sc, {r.get("program_id", "") for r in rows})
    overrides: Mapping[str, m.ProgramParameters] = sc.parameters.programs
    for row in rows:
        over = overrides.get(row.get("program_id", ""))
        if over is None:
            continue
        for name in sorted(over.model_fields_set):
            if name not in columns:
                columns.append(name)
            row[name] = _cell(getattr(over, name))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
