"""Parquet (and JSON) files of the read models: one file per table, the schemas of
`coloring.api` (docs/export.md), so DuckDB, polars or pandas join them with other data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from coloring import __version__
from coloring.api.ledger import Ledger, When
from coloring.export.tables import TABLES, read, replacing


def write_parquet(ledger: Ledger, out: Path, as_of: When = None) -> list[Path]:
    """`out/<table>.parquet` for every table (zstd-compressed); the folder is replaced as a
    whole, only once every file is written."""
    about = {"coloring.version": __version__, "coloring.as_of": "" if as_of is None else str(as_of)}
    with replacing(out, folder=True) as folder:
        for name, rows in read(ledger, as_of).items():
            table = rows.to_arrow()
            # Which tool and which instant made the file travel with it (a file's key-value
            # metadata; every Parquet reader shows it).
            table = table.replace_schema_metadata({**about, "coloring.table": name})
            pq.write_table(table, folder / f"{name}.parquet", compression="zstd")
    return [out / f"{name}.parquet" for name in TABLES]


def write_json(ledger: Ledger, out: Path, as_of: When = None) -> list[Path]:
    """`out/<table>.json`: the same rows as the Parquet files, amounts and instants as text."""
    with replacing(out, folder=True) as folder:
        for name, rows in read(ledger, as_of).items():
            data: list[dict[str, Any]] = rows.to_dicts()
            (folder / f"{name}.json").write_text(
                json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
    return [out / f"{name}.json" for name in TABLES]
