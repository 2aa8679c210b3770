"""Helpers for rules written over whole columns: a boolean mask selects the offending rows, and only
those rows become :class:`Finding` objects (so a rule costs O(N) column operations at a million rows,
not one Python dict per row)."""

from __future__ import annotations

import datetime as dt
from typing import Callable

import pandas as pd

from ..report import Finding
from .base import Tables, f, failing, plain


def located(t: Tables, table: str, mask, column: str, rule: str,
            message: Callable[[int], str] | str, values: pd.Series | None = None) -> list[Finding]:
    """One finding per row where ``mask`` holds, naming the row's CSV line, ``column`` and its value."""
    frame = t.frames[table]
    vals = frame[column] if values is None else values
    out = []
    for i in failing(mask):
        msg = message(int(i)) if callable(message) else message
        out.append(f(table, t.line(table, int(i)), column, plain(vals.iloc[i]), rule, msg))
    return out


def finding_at(t: Tables, table: str, i: int, column: str, value, rule: str, message: str) -> Finding:
    """The finding for row ``i`` of ``table`` (for rules that pick offending rows by a merge, not a mask)."""
    return f(table, t.line(table, i), column, plain(value), rule, message)


def frame(t: Tables, table: str, *columns: str) -> pd.DataFrame | None:
    """The table's frame when it is there with every named column, else None (a rule then has nothing to check)."""
    df = t.frames.get(table)
    gone = t.released.get(table, frozenset()).intersection(columns)
    if gone:
        raise KeyError(f"{table}.{', '.join(sorted(gone))} was released before the cross-table rules; "
                       "list it in rules.CROSS_READS")
    if df is None or any(c not in df.columns for c in columns):
        return None
    return df


def text(series: pd.Series) -> pd.Series:
    """A column as nullable strings (category and object columns alike)."""
    return series.astype("string")


def day(value) -> str:
    v = plain(value)
    return v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else str(v)


def lookup(keys: pd.Series, mapping: pd.Series) -> pd.Series:
    """``keys.map(mapping)`` that keeps ``mapping``'s dtype even when it is empty or keys are missing
    (``Series.map`` casts an empty datetime mapping to float and raises); ``mapping`` has unique keys.

    Text keys are found with Arrow's hash kernel on the columns' buffers and the values taken by
    position (missing where no key matches, as ``reindex`` gives them): turning the keys into Python
    objects for ``reindex`` cost ~150 MB for the 430,000 mentions of a million-row package."""
    if not mapping.index.is_unique:
        mapping = mapping[~mapping.index.duplicated()]
    positions = _positions(keys, mapping.index)
    if positions is None:
        return pd.Series(mapping.reindex(keys.astype(object).where(keys.notna(), None).values).values, index=keys.index)
    return pd.Series(pd.api.extensions.take(mapping.array, positions, allow_fill=True), index=keys.index)


def _positions(keys: pd.Series, index: pd.Index):
    """Position in ``index`` of each text key (-1 where none matches), or None when either is not text
    or ``index`` holds a missing key (the Python path then decides how a missing key matches)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (isinstance(keys.dtype, pd.StringDtype) and isinstance(index.dtype, pd.StringDtype)) or index.hasnans:
        return None
    try:
        values, allowed = pa.array(keys.array), pa.array(index.array)
    except (TypeError, pa.ArrowInvalid):
        return None
    if allowed.type != values.type:
        allowed = allowed.cast(values.type)
    found = pc.index_in(values, value_set=allowed, skip_nulls=True)
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.intp)
