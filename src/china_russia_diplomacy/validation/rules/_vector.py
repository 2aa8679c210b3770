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
    (``Series.map`` casts an empty datetime mapping to float and raises); ``mapping`` has unique keys."""
    if not mapping.index.is_unique:
        mapping = mapping[~mapping.index.duplicated()]
    return pd.Series(mapping.reindex(keys.astype(object).where(keys.notna(), None).values).values, index=keys.index)
