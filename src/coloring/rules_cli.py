"""`coloring rules`: the misuse rules as the rulebook declares them (no ledger needed)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Literal

import typer

if TYPE_CHECKING:
    from coloring.domain.rulebook import RuleSpec


def rules(
    fmt: Annotated[
        Literal["table", "json", "markdown"],
        typer.Option("--format", help="table, json, or markdown (the table in the docs)."),
    ] = "table",
) -> None:
    """The 18 misuse rules: when each is judged, whether enforce mode refuses it, what its
    findings name, and what it means."""
    from coloring.domain.rulebook import RULEBOOK

    if fmt == "json":
        rows = [
            {
                "rule": str(s.code),
                "stage": str(s.stage),
                "enforceable": s.enforceable,
                "category": str(s.category),
                "subject": str(s.subject),
                "title": s.title,
                "explanation": s.explanation,
            }
            for s in RULEBOOK
        ]
        sys.stdout.write(json.dumps(rows, indent=1, ensure_ascii=False) + "\n")
        return
    if fmt == "markdown":
        sys.stdout.write(markdown_table())
        return
    from rich.table import Table

    from coloring.cli import out
    from coloring.i18n import _, current
    from coloring.rule_text import title

    table = Table(
        _("rule"), _("stage"), _("refused in enforce"), _("subject"), _("title"), title=_("rules")
    )
    for s in RULEBOOK:
        table.add_row(
            str(s.code),
            str(s.stage),
            _("yes") if s.enforceable else "",
            str(s.subject),
            title(s.code, current()),
        )
    out.print(table)


def markdown_table(book: Sequence[RuleSpec] | None = None) -> str:
    """The rulebook (or `book`) as the Markdown table docs/architecture.md carries (a test
    keeps them equal)."""
    from coloring.domain.rulebook import RULEBOOK

    lines = [
        "| rule | stage | refused in enforce | subject | title |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {s.code} | {s.stage} | {'yes' if s.enforceable else ''} | {s.subject} | {s.title} |"
        for s in (RULEBOOK if book is None else book)
    ]
    return "\n".join(lines) + "\n"
