"""`coloring report`: one self-contained HTML file (inline SVG charts, no network) built from the
read models with SQL aggregates: money flows, utilisation over time, idle time at
intermediaries, a risk map, and the findings with their evidence. See docs/report.md."""

from coloring.report.build import Chart, Report, build_report

__all__ = ["Chart", "Report", "build_report"]
