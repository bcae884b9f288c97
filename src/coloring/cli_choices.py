"""The fixed choices of the read commands' options, in one place for both of their parsers:
`coloring.cli` (typer) and `coloring.readcli` (the fast path, which must not import typer)."""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Status(StrEnum):
    open = "open"
    refused = "refused"


class SortKey(StrEnum):
    at = "at"
    amount = "amount"


class GroupKey(StrEnum):
    rule = "rule"
    program = "program"
    region = "region"
    participant = "participant"
    status = "status"
