"""Helpers for tests that edit a scratch copy of the package."""

from __future__ import annotations

from pathlib import Path


def edit_cell(csv_path: Path, row: int, column: str, value: str) -> None:
    """Set one cell of a package CSV (``row`` 0 = first data row), keeping the contract's CSV format."""
    import csv

    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[row + 1][rows[0].index(column)] = value
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
