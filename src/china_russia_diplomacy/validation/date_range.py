"""Dates outside what pandas can hold: a ``date-range`` finding instead of an ``OutOfBoundsDatetime`` traceback.

The pandas frames validation works on (and the loaders' pandas backend) store dates as
``datetime64[ns]``, which spans 1677-09-21..2262-04-11. The contract therefore limits every date
column to 1678-01-01..2261-12-31 (whole years inside that span); a date outside is a finding, and
since a valid package never holds one, every loader backend (pandas, polars, DuckDB, Arrow) represents
every date of the data. The check runs on the Arrow tables, before any pandas conversion; offending
cells are set to null for the rest of validation so that one bad date cannot crash a later layer.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ..core.frames import EARLIEST, LATEST
from .report import Finding
RULE = "date-range"


def guard_dates(tables: dict[str, pa.Table], lines: dict[str, list[int]]) -> tuple[dict[str, pa.Table], list[Finding]]:
    """(tables with out-of-range dates nulled, one finding per such cell)."""
    out_tables, findings = {}, []
    for name, table in tables.items():
        for k, field in enumerate(table.schema):
            if not pa.types.is_date(field.type):
                continue
            col = table.column(k)
            outside = pc.or_(pc.less(col, pa.scalar(EARLIEST, field.type)), pc.greater(col, pa.scalar(LATEST, field.type)))
            outside = pc.fill_null(outside, False)
            if not pc.any(outside).as_py():
                continue
            rows = pc.indices_nonzero(outside).to_pylist()
            values = col.to_pylist()
            row_lines = lines.get(name, [])
            for i in rows:
                findings.append(Finding("rules", name, row_lines[i] if i < len(row_lines) else None, field.name,
                                        values[i].isoformat(), RULE,
                                        f"{values[i].isoformat()} is outside {EARLIEST}..{LATEST}, the dates every "
                                        "loader backend can represent (pandas datetime64[ns])"))
            table = table.set_column(k, field, pc.if_else(outside, pa.scalar(None, field.type), col))
        out_tables[name] = table
    return out_tables, findings
