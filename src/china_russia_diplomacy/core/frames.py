"""Arrow tables -> pandas or polars frames with the types a researcher expects.

pandas: nullable ``Int64`` and ``boolean``, ``string`` for text, ``Float64`` for numbers, ``category``
for enum columns (with the schema's full value list as categories, read from the Arrow field metadata),
and ``datetime64[ns]`` for dates so that ``.dt`` and comparisons with date strings work. polars:
``Date``, ``Int64``, ``Boolean``, ``String`` and ``Categorical``.
Neither frictionless nor pandera is imported here.

The conversion is column-wise and vectorised: no cell ever becomes a Python object. Text stays in
Arrow memory (pandas' ``string`` dtype is Arrow-backed), integers, booleans and floats go through the
pandas dtypes' own ``__from_arrow__`` (values and validity bitmap copied as arrays), enum columns keep
their dictionary codes (remapped once per dictionary onto the schema's value list, so 1M rows cost a
handful of dictionary lookups), and dates are cast by Arrow to ``timestamp[ns]``. At a million rows
this is what makes ``load_all`` cost about what ``pyarrow.Table.to_pandas`` costs.

Dates outside the ``datetime64[ns]`` range (before 1677-09-21 or after 2262-04-11) cannot be
represented. They are never silently wrapped or shifted: by default :class:`DateOutOfRangeError`
names the column and the first offending date; ``out_of_range_dates="null"`` turns them into ``NaT``
instead, for callers (such as a validator that reports them itself) that must go on. The package's
validation refuses such dates, so the shipped tables never contain them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from .errors import CRDError, UsageError

OutOfRange = Literal["raise", "null"]

# The dates the package's contract allows: whole years inside the datetime64[ns] range, so that every
# loader backend (pandas included) holds every date of a valid package. Validation refuses any other
# (rule ``date-range``) and the codebook states the bounds.
EARLIEST = dt.date(1678, 1, 1)
LATEST = dt.date(2261, 12, 31)

# The datetime64[ns] range, as days since 1970-01-01 (what date32 stores).
_NS_MIN_DAY = -106751  # 1677-09-22, the first whole day representable in nanoseconds
_NS_MAX_DAY = 106751  # 2262-04-11, the last one


class DateOutOfRangeError(CRDError, ValueError):
    """A date column holds a date that ``datetime64[ns]`` cannot represent."""


def _enum_of(field: pa.Field) -> list[str] | None:
    meta = field.metadata or {}
    raw = meta.get(b"enum")
    return json.loads(raw) if raw else None


def _categorical(field: pa.Field, col: pa.ChunkedArray):
    """A dictionary column as ``pd.Categorical`` whose categories are the schema's enum list.

    Parquet readers may hand back each chunk with its own dictionary (only the values used, in any
    order), so the codes are remapped per chunk: one ``index_in`` over the (tiny) dictionary, then a
    numpy ``take`` over the indices. When the dictionary already is the enum list (as the package's
    Parquet files are written) the indices are the codes. A value missing from the enum list becomes a
    missing value, as ``pd.Categorical(values, categories=...)`` does. Without an enum list the
    categories are the sorted distinct values present.
    """
    import numpy as np
    import pandas as pd

    cats = _enum_of(field)
    if cats is None:
        present = pc.unique(col.cast(field.type.value_type)).drop_null().to_pylist()
        cats = sorted(present)
    value_set = pa.array(cats, pa.string())
    parts = []
    for chunk in col.chunks:
        if len(chunk) == 0:
            continue
        dictionary = chunk.dictionary.cast(pa.string())
        indices = chunk.indices
        if dictionary.equals(value_set):  # the Parquet twins' case: the dictionary is the enum list
            parts.append(indices.fill_null(-1).to_numpy(zero_copy_only=False))
            continue
        remap = pc.index_in(dictionary, value_set=value_set).fill_null(-1).to_numpy(zero_copy_only=False)
        codes = remap.astype(np.int64)[indices.fill_null(0).to_numpy(zero_copy_only=False)] if len(remap) else \
            np.full(len(chunk), -1, dtype=np.int64)
        if indices.null_count:
            codes[indices.is_null().to_numpy(zero_copy_only=False)] = -1
        parts.append(codes)
    codes = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
    # Every code is in range by construction (-1 or an index into cats): no validation pass needed.
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(cats), validate=False)


def _dates(name: str, col: pa.ChunkedArray, out_of_range: OutOfRange):
    """A date32 column as ``datetime64[ns]``, checking the ns range first (see the module docstring)."""
    low, high = pc.min_max(col).values()
    bad = (low.is_valid and low.value < _NS_MIN_DAY) or (high.is_valid and high.value > _NS_MAX_DAY)
    if bad:
        days = col.cast(pa.int32())
        in_range = pc.and_(pc.greater_equal(days, _NS_MIN_DAY), pc.less_equal(days, _NS_MAX_DAY))
        if out_of_range == "raise":
            first = col.filter(pc.invert(in_range)).slice(0, 1).to_pylist()[0]
            raise DateOutOfRangeError(
                f"column {name!r}: date {first.isoformat()} is outside the range pandas can hold as "
                "datetime64[ns] (1677-09-22 to 2262-04-11); load it with backend='arrow' or 'polars', "
                "or pass out_of_range_dates='null' to read such dates as NaT")
        col = pc.if_else(in_range, col, pa.scalar(None, pa.date32()))
    # A writable copy: a zero-copy view of Arrow memory is read-only, and a frame must accept edits.
    return col.cast(pa.timestamp("ns")).combine_chunks().to_numpy(zero_copy_only=False, writable=True)


def _column(field: pa.Field, col: pa.ChunkedArray, out_of_range: OutOfRange):
    import pandas as pd

    t = field.type
    if pa.types.is_dictionary(t):
        return _categorical(field, col)
    if pa.types.is_date(t):
        return _dates(field.name, col if t == pa.date32() else col.cast(pa.date32()), out_of_range)
    if pa.types.is_integer(t):
        return pd.Int64Dtype().__from_arrow__(col if t == pa.int64() else col.cast(pa.int64()))
    if pa.types.is_boolean(t):
        return pd.BooleanDtype().__from_arrow__(col)
    if pa.types.is_floating(t):
        col = col if t == pa.float64() else col.cast(pa.float64())
        # NaN is "not stated" in pandas' nullable floats, as the cell-by-cell conversion made it.
        return pd.Float64Dtype().__from_arrow__(pc.if_else(pc.is_nan(col), pa.scalar(None, pa.float64()), col))
    return pd.StringDtype().__from_arrow__(col.cast(pa.string()) if not pa.types.is_string(t) else col)


def to_pandas(table: pa.Table, *, out_of_range_dates: OutOfRange = "raise"):
    """The pandas frame of an Arrow table, with the dtypes listed in the module docstring."""
    import pandas as pd

    if out_of_range_dates not in ("raise", "null"):
        raise UsageError(f"out_of_range_dates must be 'raise' or 'null', not {out_of_range_dates!r}")
    data = {}
    for field, col in zip(table.schema, table.columns):
        values = _column(field, col, out_of_range_dates)
        data[field.name] = values if isinstance(values, pd.Series) else pd.Series(values, copy=False)
    frame = pd.DataFrame(data, columns=table.column_names, copy=False)
    frame.index = pd.RangeIndex(table.num_rows)
    return frame


def to_polars(table: pa.Table):
    import polars as pl

    return pl.from_arrow(table)
