"""``connect()``: the package as an in-memory DuckDB database, for people who think in SQL.

Every table is a view over its shipped Parquet file, so nothing is copied or loaded until a query
reads it, and DuckDB gets Parquet's column types (dates, integers, booleans). DuckDB pushes a query's
columns and filters down into the Parquet scan (only those columns are decoded, and row groups whose
statistics exclude the filter are skipped); ``EXPLAIN`` lists them under ``Read Parquet`` as
``Projections`` and ``Filters``, so the views stay cheap on tables far bigger than memory. The schemas' table and
column descriptions are attached with ``COMMENT ON``, so ``duckdb_views()`` and ``duckdb_columns()``
document the data inside the SQL session. DuckDB is an optional dependency
(``pip install "china-russia-diplomacy[duckdb]"``) imported only when ``connect`` is called.

>>> import china_russia_diplomacy as crd
>>> con = crd.connect()
>>> con.sql("select event_type, count(*) from events group by all").show()
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _literal(text: str) -> str:
    """A SQL string literal (DuckDB cannot bind parameters in DDL)."""
    return "'" + text.replace("'", "''") + "'"


def glob_escaped(path: str) -> str:
    """``path`` as a DuckDB glob pattern that matches exactly that file: DuckDB treats ``*``, ``?`` and
    ``[`` in every path given to ``read_parquet`` as a pattern (a list or a parameter included), so a
    folder named ``Thesis [final]`` would read ``Thesis f/...`` or nothing. Each is put in a one-character
    class (``[[]``, ``[*]``, ``[?]``), which a glob reads literally."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in path)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def connect(package_dir: str | Path | None = None, *, version: str | None = None) -> Any:
    """An in-memory ``duckdb.DuckDBPyConnection`` with one view per table, documented with comments.

    Parameters
    ----------
    package_dir:
        Read another copy of the package (an unpacked release, an edited checkout) instead of the
        installed one.
    version:
        Query a registered version (``"1.0.0"``), fetched and verified once like ``load(version=...)``.

    The views are named after the tables (``sources``, ``events``, ``event_mentions``,
    ``participants``, ``event_participants``, ``agreements``, ``quotes``, ``discrepancies``) and join
    on their ``*_id`` columns; see the README for examples. Table descriptions are in
    ``select view_name, comment from duckdb_views()``, column descriptions in
    ``select table_name, column_name, comment from duckdb_columns()``.
    """
    try:
        import duckdb
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError('connect() needs DuckDB: pip install "china-russia-diplomacy[duckdb]"') from None

    from ..core.errors import UntrustedInputError
    from ..core.metadata import column_description
    from .loader import _arrow_from_csv, _descriptor, _resolve, package_metadata, path, version_of

    base, handed_over = _resolve(package_dir, version)
    version_of(base, handed_over)  # a folder whose files differ from its descriptor: one warning line
    meta = package_metadata(base)
    con = duckdb.connect(":memory:")
    for spec in meta.tables:
        view = _ident(spec.name)
        if "parquet" in next(r for r in _descriptor(base)["resources"] if r["name"] == spec.name):
            parquet = str(path(spec.name, "parquet", base).resolve())
            pattern = glob_escaped(parquet)
            matched = [row[0] for row in con.execute("SELECT file FROM glob(?)", [pattern]).fetchall()]
            if matched != [parquet]:  # pragma: no cover - a DuckDB whose globbing escapes differently
                raise UntrustedInputError(f"{parquet}: DuckDB reads the path as a pattern matching {matched}; refused")
            con.execute(f"CREATE VIEW {view} AS SELECT * FROM read_parquet({_literal(pattern)})")
        else:  # a CSV export: typed as load() types it, held by the connection
            con.register(f"_{spec.name}_arrow", _arrow_from_csv(spec.name, base))
            con.execute(f"CREATE VIEW {view} AS SELECT * FROM {_ident('_' + spec.name + '_arrow')}")
        con.execute(f"COMMENT ON VIEW {view} IS {_literal(spec.title + ': ' + spec.description)}")
        for f in spec.fields:
            try:
                described = column_description(f)
            except (KeyError, TypeError, AttributeError, ValueError) as exc:
                raise UntrustedInputError(f"{base / 'datapackage.json'}: field {spec.name}.{f.name} has a description "
                                          f"that cannot be read ({type(exc).__name__}: {exc})") from None
            con.execute(f"COMMENT ON COLUMN {view}.{_ident(f.name)} IS {_literal(described)}")
    return con
