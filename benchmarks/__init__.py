"""Benchmarks for `coloring`: `python -m benchmarks run --size N` / `python -m benchmarks ratchet`.
See docs/performance.md."""
