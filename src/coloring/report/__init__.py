"""`coloring report`: one self-contained HTML file (inline SVG charts, no network) built from the
read models with SQL aggregates: money flows, utilisation over time, idle time at
intermediaries, a risk map, and the findings with their evidence. See docs/report.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coloring.report.build import Chart, Report, build_report

__all__ = ["Chart", "Report", "build_report"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the command line imports `coloring.report.commands`, and so this
    # package, at every start, and the report's modules take a tenth of a second to import.
    if name in __all__:
        from coloring.report import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
