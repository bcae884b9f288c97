"""Answers taken out of the ledger: Parquet and JSON tables for analysts, an xlsx workbook and
Excel-flavoured CSV for auditors (docs/export.md)."""
