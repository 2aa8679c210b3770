"""``crd.scan(table)``: a table as a polars ``LazyFrame`` over its Parquet twin, for big data.

(The module is not named ``scan``: importing a submodule of that name would replace the function
on the package.)

``load`` reads a whole table into memory. ``scan`` reads nothing until ``.collect()``: polars then
pushes the query's column selection and filters down into the Parquet reader (projection and
predicate pushdown), so only the columns asked for are decoded and row groups whose min/max
statistics exclude the filter are skipped. The Parquet twins are written with statistics for this
(``parquet_io.WRITER_OPTIONS``). ``query.explain()`` shows what was pushed down: the filter appears as
``SELECTION`` inside the ``Parquet SCAN`` node.

The column types are those of ``load(table, backend="polars")``: ``Date``, ``Int64``, ``Boolean``,
``String``, and ``Categorical`` for the controlled vocabularies (the Parquet files store them
dictionary-encoded, which polars reads as categoricals).

>>> import polars as pl, china_russia_diplomacy as crd
>>> visits = (crd.scan("events")
...           .filter(pl.col("event_type") == "visit", pl.col("date_start") >= pl.date(2025, 1, 1))
...           .select("event_id", "date_start", "title")
...           .collect())

polars is an optional dependency (``pip install "china-russia-diplomacy[polars]"``), imported only
when ``scan`` is called. For SQL the same pushdown is what DuckDB does over the same files: see
:func:`china_russia_diplomacy.connect`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def scan(table: str, package_dir: str | Path | None = None, *, version: str | None = None) -> Any:
    """A ``polars.LazyFrame`` over ``table``'s Parquet file; nothing is read until ``.collect()``.

    Parameters
    ----------
    table:
        One of :func:`china_russia_diplomacy.tables`.
    package_dir:
        Scan another copy of the package (an unpacked release, an edited checkout) instead of the
        installed one.
    version:
        Scan a registered version (``"1.0.0"``), fetched and verified once like ``load(version=...)``.
    """
    try:
        import polars as pl
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError('scan() needs polars: pip install "china-russia-diplomacy[polars]"') from None

    from .loader import _arrow_from_csv, _resolve, _resource, path, version_of

    base, handed_over = _resolve(package_dir, version)
    version_of(base, handed_over)  # a folder whose files differ from its descriptor: one warning line
    if "parquet" not in _resource(table, base):  # a CSV export: typed as load() types it, then lazy
        return pl.from_arrow(_arrow_from_csv(table, base)).lazy()
    # glob=False: the path is a path. A folder named "Thesis [final]" is not a pattern (polars would look
    # for "Thesis f", "Thesis i"... and find nothing, or another folder's file).
    return pl.scan_parquet(path(table, "parquet", base), glob=False)
