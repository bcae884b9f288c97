"""The fixed choices of the read commands' options, in one place for both of their parsers:
`coloring.cli` (typer) and `coloring.readcli` (the fast path, which must not import typer)."""

from __future__ import annotations

from enum import StrEnum

# Each choice is written once: a StrEnum made from names takes each name as its value.
Format = StrEnum("Format", "table json csv")
Status = StrEnum("Status", "open refused")
SortKey = StrEnum("SortKey", "at amount")
GroupKey = StrEnum("GroupKey", "rule program region participant status")
