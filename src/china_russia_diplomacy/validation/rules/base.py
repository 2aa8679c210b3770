"""The frames every rule reads, and the one constructor of a rule finding."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pandas as pd

from ...metadata import Metadata
from ..report import Finding

LAYER = "rules"


@dataclass
class Tables:
    """The typed frames of a package with their CSV line numbers and the archived texts."""

    meta: Metadata
    frames: dict[str, pd.DataFrame]
    lines: dict[str, list[int]]
    package_dir: Path
    _records: dict[str, list[tuple[int | None, dict]]] = field(default_factory=dict, repr=False)

    def rows(self, table: str) -> Iterator[tuple[int | None, dict]]:
        """(CSV line, cleaned row) pairs; converted once per table, since most rules walk several tables.
        Callers must not mutate the row dicts."""
        if table not in self._records:
            frame = self.frames.get(table)
            lines = self.lines.get(table, [])
            self._records[table] = [] if frame is None else [
                ((lines[i] if i < len(lines) else None), {k: _clean(v) for k, v in rec.items()})
                for i, rec in enumerate(frame.to_dict("records"))
            ]
        return iter(self._records[table])


def _clean(v):
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v


def f(table: str, line, column, value, rule: str, message: str) -> Finding:
    return Finding(LAYER, table, line, column, None if value is None else str(value), rule, message)

