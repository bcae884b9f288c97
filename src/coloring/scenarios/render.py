"""Plain-text renderings of a replay report and of a comparison. Fixed-width columns written
by hand (no terminal-width wrapping), so the same replay prints the same bytes everywhere."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from coloring.domain.money import format_tiyn
from coloring.domain.rules import Rule
from coloring.scenarios.expect import Outcome
from coloring.scenarios.report import METRICS, Report

FINDINGS_SHOWN = 40
IDLE_DAYS = "idle days (average wait, days)"


def table(rows: Sequence[Sequence[str]], align: str = "", indent: str = "  ") -> list[str]:
    """Rows as aligned columns; `align` has `l` or `r` per column (default: the first left,
    the others right)."""
    if not rows:
        return []
    width = len(rows[0])
    align = align or "l" + "r" * (width - 1)
    widths = [max(len(r[i]) for r in rows) for i in range(width)]
    lines = []
    for r in rows:
        cells = [
            c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(r, widths, align, strict=True)
        ]
        lines.append((indent + "   ".join(cells)).rstrip())
    return lines


def report_text(report: Report, outcome: Outcome | None = None) -> str:
    lines = [
        report.title,
        f"scenario {report.file} ({report.source}), {report.mode} mode, as of {report.as_of}",
    ]
    if report.overrides:
        lines.append("overrides: " + "; ".join(report.overrides))
    lines.append(f"payments: {report.applied} applied, {report.refused} refused")
    programs = list(report.programs.values())
    lines += ["", "utilisation (KZT)"]
    rows = [["", *(u.program for u in programs)]]
    rows += [
        [label, *(format_tiyn(u.amounts()[name]) for u in programs)] for name, label in METRICS
    ]
    rows.append([IDLE_DAYS, *(u.idle_days for u in programs)])
    lines += table(rows)
    lines += ["", "findings by rule"]
    totals = report.by_rule()
    if totals:
        rows = [["rule", "count", "refused", "amount (KZT)"]]
        rows += [
            [r, str(t.count), str(t.refused), format_tiyn(t.amount)] for r, t in totals.items()
        ]
        lines += table(rows)
    else:
        lines.append("  none")
    if report.findings:
        lines += ["", "findings"]
        rows = [
            [f.at, f.rule, f.subject, f.program, format_tiyn(f.amount), f.status]
            for f in report.findings[:FINDINGS_SHOWN]
        ]
        lines += table(rows, "llllrl")
        more = len(report.findings) - FINDINGS_SHOWN
        if more > 0:
            lines.append(f"  ... and {more} more (--format json lists them all)")
    lines += ["", "balances (KZT)"]
    rows = [
        [p, h, format_tiyn(v)] for p, holders in report.balances.items() for h, v in holders.items()
    ]
    lines += table(rows, "llr") if rows else ["  nothing held"]
    if outcome is not None:
        lines += ["", outcome.summary()]
        lines += [f"  {f}" for f in outcome.failures]
    return "\n".join(lines) + "\n"


def report_json(report: Report, outcome: Outcome | None = None) -> str:
    data = report.as_dict()
    if outcome is not None:
        data["expectations"] = outcome.as_dict()
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


# -- compare ---------------------------------------------------------------------------------

SIDES = ("baseline", "variant ")
CHANGE = "change = variant minus baseline: + the variant has more, - it has less"


def _signed(n: int, money: bool) -> str:
    if n == 0:
        return ""
    text = format_tiyn(abs(n)) if money else str(abs(n))
    return ("+" if n > 0 else "-") + text


def _finding_cell(count: int, refused: int) -> str:
    if not count:
        return "-"
    return f"{count} ({refused} refused)" if refused else str(count)


def headline(labels: Sequence[str], reports: Sequence[Report]) -> str:
    """One line: how misuse, blocked money, refusals and findings change from the baseline to
    the variant."""
    a, b = reports
    change = a.total("misused") - b.total("misused")
    if change:
        effect = f"{format_tiyn(abs(change))} " + ("prevented" if change > 0 else "added")
    else:
        effect = "no change"
    return (
        f"{labels[1]} vs {labels[0]}: misuse {format_tiyn(a.total('misused'))} -> "
        f"{format_tiyn(b.total('misused'))} KZT ({effect}); blocked "
        f"{format_tiyn(a.total('blocked'))} -> {format_tiyn(b.total('blocked'))} KZT; "
        f"refused payments {a.refused} -> {b.refused}; findings {len(a.findings)} -> "
        f"{len(b.findings)}"
    )


def compare_text(title: str, labels: Sequence[str], reports: Sequence[Report]) -> str:
    lines = [f"compare {title}"]
    for side, label, r in zip(SIDES, labels, reports, strict=True):
        lines.append(
            f"  {side} {label}: {r.file} ({r.source}), {r.mode} mode, as of {r.as_of}"
            + (f"; {'; '.join(r.overrides)}" if r.overrides else "")
        )
    lines.append(f"  {CHANGE}")
    header = ["", *labels, "change"]
    rows: list[list[str]] = [header]
    rows.append(
        ["payments applied", *(str(r.applied) for r in reports), _delta(reports, "applied")]
    )
    rows.append(
        ["payments refused", *(str(r.refused) for r in reports), _delta(reports, "refused")]
    )
    lines += ["", *table(rows)]

    lines += ["", "findings by rule"]
    totals = [r.by_rule() for r in reports]
    rules = [x.value for x in Rule if any(x.value in t for t in totals)]
    rows = [header]
    for rule in rules:
        counts = [t[rule].count if rule in t else 0 for t in totals]
        cells = [
            _finding_cell(t[rule].count, t[rule].refused) if rule in t else "-" for t in totals
        ]
        rows.append([rule, *cells, _signed(counts[1] - counts[0], False)])
    counts = [len(r.findings) for r in reports]
    rows.append(["all findings", *(str(n) for n in counts), _signed(counts[1] - counts[0], False)])
    lines += table(rows)

    programs = sorted({p for r in reports for p in r.programs})
    if len(programs) > 1:
        lines += ["", "money (KZT, all programs)"]
        rows = [header]
        for name, label in METRICS:
            values = [r.total(name) for r in reports]
            rows.append(
                [label, *(format_tiyn(v) for v in values), _signed(values[1] - values[0], True)]
            )
        lines += table(rows)
    for pid in programs:
        lines += ["", f"utilisation of {pid} (KZT)"]
        rows = [header]
        for name, label in METRICS:
            values = [r.programs[pid].amounts()[name] if pid in r.programs else 0 for r in reports]
            rows.append(
                [label, *(format_tiyn(v) for v in values), _signed(values[1] - values[0], True)]
            )
        days = [r.programs[pid].idle_days if pid in r.programs else "-" for r in reports]
        tenths = [r.programs[pid].idle_tenths if pid in r.programs else 0 for r in reports]
        change = tenths[1] - tenths[0]
        sign = "+" if change > 0 else "-"
        rows.append(
            [IDLE_DAYS, *days, f"{sign}{abs(change) // 10}.{abs(change) % 10}" if change else ""]
        )
        lines += table(rows)
    lines += ["", headline(labels, reports)]
    return "\n".join(lines) + "\n"


def _delta(reports: Sequence[Report], attr: str) -> str:
    values: list[int] = [getattr(r, attr) for r in reports]
    return _signed(values[1] - values[0], False)


def compare_json(title: str, labels: Sequence[str], reports: Sequence[Report]) -> str:
    data: dict[str, Any] = {
        "compare": title,
        "change": CHANGE,
        "variants": [
            {"side": side.strip(), "label": label, "report": r.as_dict()}
            for side, label, r in zip(SIDES, labels, reports, strict=True)
        ],
        "headline": headline(labels, reports),
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
