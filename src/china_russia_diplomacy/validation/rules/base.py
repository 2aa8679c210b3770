"""The tables every rule reads, and the one constructor of a rule finding.

Rules work on whole columns (pandas/Arrow operations: ``isin`` for keys, ``groupby`` for counts) and
turn into Python only the rows that fail, so their cost grows linearly with the package and a million
rows validate in seconds. :meth:`Tables.rows` (a dict per row) remains for rules that need one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from ...core.metadata import Metadata
from ..report import Finding

LAYER = "rules"


@dataclass
class Tables:
    """The typed frames of a package (pandas, and the Arrow tables they were made from) with their CSV
    line numbers. ``released`` names, per table, the columns its frame no longer holds (the free text
    a validation drops before the cross-table rules, see :func:`.released_columns`): asking for one is
    a programming error, raised, never a rule that silently finds nothing."""

    meta: Metadata
    frames: dict[str, pd.DataFrame]
    lines: dict[str, list[int]]
    package_dir: Path
    arrow: dict = field(default_factory=dict)
    released: dict[str, frozenset[str]] = field(default_factory=dict)

    def line(self, table: str, i: int) -> int | None:
        """CSV line of row ``i`` of ``table``."""
        lines = self.lines.get(table, [])
        return lines[i] if i < len(lines) else None

    def rows(self, table: str) -> Iterator[tuple[int | None, dict]]:
        """(CSV line, row dict with None for empty cells and dates as ``datetime.date``), streamed in
        batches so that a million rows never exist as dicts at once. A Python dict per row: prefer
        column operations."""
        if table in self.arrow:
            i = 0
            for batch in self.arrow[table].to_batches(max_chunksize=20_000):
                for rec in batch.to_pylist():
                    yield self.line(table, i), rec
                    i += 1
        elif table in self.frames:
            for i, rec in enumerate(self.frames[table].to_dict("records")):
                yield self.line(table, i), {k: plain(v) for k, v in rec.items()}

    def batches(self, table: str, names: tuple[str, ...], size: int = 50_000) -> Iterator[list[list]]:
        """The named columns as Python values, ``size`` rows at a time (for the few checks that must
        look at each value, such as slicing an article at an evidence span), so that their Python
        objects never exist for a whole million-row table at once."""
        if table in self.arrow:
            for batch in self.arrow[table].select(list(names)).to_batches(max_chunksize=size):
                yield [batch.column(i).to_pylist() for i in range(len(names))]
        elif table in self.frames:
            frame = self.frames[table]
            for start in range(0, len(frame), size):
                yield [[plain(v) for v in frame[n].iloc[start : start + size].tolist()] for n in names]

    def column(self, table: str, name: str) -> list:
        """One column as Python values (None for empty cells, ``datetime.date`` for dates)."""
        if table in self.arrow:
            return self.arrow[table].column(name).to_pylist()
        return [plain(v) for v in self.frames[table][name].tolist()]


def isin(values, allowed) -> np.ndarray:
    """Vectorised membership of a column in another (boolean array; a missing value is never in).

    Arrow's hash kernel directly on the columns' buffers: pandas' ``isin`` on Arrow-backed strings
    turns the allowed values into a Python list first, a million objects at a million rows."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(pd.Series(values).array)
    allowed = allowed if isinstance(allowed, (pa.Array, pa.ChunkedArray)) else pa.array(pd.Series(allowed).array)
    if isinstance(allowed, pa.ChunkedArray):
        allowed = allowed.combine_chunks()
    if allowed.type != values.type:
        allowed = allowed.cast(values.type)
    found = pc.is_in(values, value_set=allowed.drop_null(), skip_nulls=True)
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False).astype(bool)


def failing(mask) -> np.ndarray:
    """Row positions where a boolean mask (NA counts as passing) is true."""
    return np.flatnonzero(np.asarray(pd.Series(mask).fillna(False), dtype=bool))


def plain(value):
    """A cell as a plain Python value (None for missing, a date for a timestamp, an int for a numpy
    integer): what row dicts hold and what a finding's message shows."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.integer):
        return int(value)
    return value


def f(table: str, line, column, value, rule: str, message: str) -> Finding:
    return Finding(LAYER, table, line, column, None if value is None else str(value), rule, message)
