"""Helpers for tests that edit a scratch copy of the package."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterable


def copy_parts(src: Path, dest: Path, parts: Iterable[str]) -> Path:
    """Copy the named files and directories of a package directory (those that exist) to ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in parts:
        if (src / part).is_dir():
            shutil.copytree(src / part, dest / part)
        elif (src / part).is_file():
            shutil.copy2(src / part, dest / part)
    return dest


def edit_cell(csv_path: Path, row: int, column: str, value: str) -> None:
    """Set one cell of a package CSV (``row`` 0 = first data row), keeping the contract's CSV format."""
    import csv

    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[row + 1][rows[0].index(column)] = value
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


READABLE_PARTS = ("datapackage.json", "releases.json", "CITATION.cff", "data", "schemas", "sources", "history")


def copy_readable_package(src: Path, dest: Path) -> Path:
    """What an installed package holds for reading old versions: data, descriptor, registry, history."""
    return copy_parts(src, dest, READABLE_PARTS)
