"""Arrow tables -> pandas or polars frames with the types a researcher expects.

pandas: nullable ``Int64`` and ``boolean``, ``string`` for text, ``category`` for enum columns (with the
schema's full value list as categories), and ``datetime64[ns]`` for dates so that ``.dt`` and comparisons
with date strings work. polars: ``Date``, ``Int64``, ``Boolean``, ``String`` and ``Categorical``.
Neither frictionless nor pandera is imported here.
"""

from __future__ import annotations

import json

import pyarrow as pa


def _enum_of(field: pa.Field) -> list[str] | None:
    meta = field.metadata or {}
    raw = meta.get(b"enum")
    return json.loads(raw) if raw else None


def to_pandas(table: pa.Table):
    import pandas as pd

    data = {}
    for field, col in zip(table.schema, table.columns):
        t = field.type
        if pa.types.is_dictionary(t):
            values = col.cast(t.value_type).to_pylist()
            cats = _enum_of(field) or sorted({v for v in values if v is not None})
            data[field.name] = pd.Categorical(values, categories=cats)
        elif pa.types.is_date32(t):
            data[field.name] = pd.to_datetime(pd.Series(col.to_pylist(), dtype="object")).astype("datetime64[ns]")
        elif pa.types.is_integer(t):
            data[field.name] = pd.array(col.to_pylist(), dtype="Int64")
        elif pa.types.is_boolean(t):
            data[field.name] = pd.array(col.to_pylist(), dtype="boolean")
        elif pa.types.is_floating(t):
            data[field.name] = pd.array(col.to_pylist(), dtype="Float64")
        else:
            data[field.name] = pd.array(col.to_pylist(), dtype="string")
    return pd.DataFrame(data, columns=table.column_names)


def to_polars(table: pa.Table):
    import polars as pl

    return pl.from_arrow(table)
