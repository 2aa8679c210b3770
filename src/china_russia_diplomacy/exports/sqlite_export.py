"""``export --format sqlite``: one SQLite file for Datasette, sqlite3, DB Browser and friends.

Why SQLite: it is the format a journalist's tools already open, and Datasette turns it into a
searchable, linkable web page with no code. Everything is derived from the Table Schemas:

- column types (``TEXT``, ``INTEGER``, ``REAL``; booleans as ``INTEGER`` 0/1 and dates as ISO
  ``TEXT``, SQLite's conventions), ``NOT NULL`` for required fields, ``CHECK`` constraints for
  controlled vocabularies and booleans;
- ``PRIMARY KEY`` and real ``FOREIGN KEY`` constraints, so that ``PRAGMA foreign_key_list`` sees them
  and Datasette turns a foreign-key cell into a link to the row it names;
- FTS5 full-text indexes (external content, so the text is stored once) on quote text and evidence,
  and on event titles and evidence, named ``<table>_fts`` with ``content="<table>"`` so that Datasette
  finds them and shows a search box;
- a Datasette metadata file (``<output stem>.metadata.json``): title, license, source, description, and
  every table's and column's description (with the meaning of each allowed value), facets and label
  columns.

The database is written to a temporary file next to the output and moved into place, so an
interrupted export never leaves a half-written file behind; an existing file that is not a SQLite
database is never overwritten, and ``-o`` naming a folder writes :data:`DEFAULT_OUTPUT` into it. Rows go in the package's order and nothing
depends on the clock, so re-running the export gives the same content.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from ..core.errors import UntrustedInputError
from ..core.metadata import column_description

DEFAULT_OUTPUT = "china-russia-diplomacy.sqlite"

# string -> TEXT: with TEXT affinity a code such as cameo_code "042" is stored as the text '042', never 42.
SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT"}

# Full-text indexes: table -> the columns a reader searches. Quotes and events are what people look for.
FTS_COLUMNS: dict[str, tuple[str, ...]] = {
    "quotes": ("text", "evidence"),
    "events": ("title", "evidence"),
}

# Facets Datasette shows above each table: the controlled vocabularies a reader filters by first.
FACETS: dict[str, tuple[str, ...]] = {
    "events": ("event_type", "status"),
    "event_mentions": ("reported_status",),
    "participants": ("participant_type", "country"),
    "event_participants": ("role",),
    "agreements": ("agreement_type", "status"),
    "quotes": ("quote_type", "speaker_id"),
    "discrepancies": ("record_table", "attribute"),
}

# What a foreign-key link to a row displays (Datasette's ``label_column``).
LABEL_COLUMNS: dict[str, str] = {
    "sources": "headline",
    "events": "title",
    "participants": "name",
    "agreements": "title",
    "quotes": "text",
    "event_mentions": "evidence",
}


def quote_ident(name: str) -> str:
    """An SQL identifier in double quotes (schema names are plain, but never trust that)."""
    return '"' + name.replace('"', '""') + '"'


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def create_table_sql(spec) -> str:
    """``CREATE TABLE`` for one TableSpec: typed columns, NOT NULL, CHECKs, primary and foreign keys."""
    lines = []
    for f in spec.fields:
        col = f"{quote_ident(f.name)} {SQL_TYPES[f.type]}"
        if f.required:
            col += " NOT NULL"
        if f.type == "boolean":
            col += f" CHECK ({quote_ident(f.name)} IN (0, 1))"
        if f.enum:
            col += f" CHECK ({quote_ident(f.name)} IN ({', '.join(_sql_literal(v) for v in f.enum)}))"
        lines.append(col)
    if spec.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(quote_ident(c) for c in spec.primary_key)})")
    for fk in spec.foreign_keys:
        ref = fk["reference"]
        lines.append(
            f"FOREIGN KEY ({', '.join(quote_ident(c) for c in _as_list(fk['fields']))}) "
            f"REFERENCES {quote_ident(ref['resource'])} ({', '.join(quote_ident(c) for c in _as_list(ref['fields']))})"
        )
    return f"CREATE TABLE {quote_ident(spec.name)} (\n  " + ",\n  ".join(lines) + "\n)"


def _sql_value(value: Any) -> Any:
    """Python value from Arrow -> what sqlite3 stores (dates as ISO text, booleans as 0/1)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def datasette_metadata(meta, database: str) -> dict[str, Any]:
    """Datasette's metadata document for the database named ``database`` (the file stem)."""
    pkg = meta.package
    licenses = pkg.get("licenses") or [{}]
    sources = pkg.get("sources") or [{}]
    tables: dict[str, Any] = {}
    for spec in meta.tables:
        entry: dict[str, Any] = {
            "title": spec.title,
            "description": spec.description,
            "columns": {f.name: column_description(f, meanings=False) for f in spec.fields},
        }
        for name, option in ((FACETS, "facets"), (LABEL_COLUMNS, "label_column")):
            value = name.get(spec.name)
            if value is None:
                continue
            for col in _as_list(value):
                spec.field(col)  # a renamed column must fail here, not silently in the browser
            entry[option] = list(value) if option == "facets" else value
        if spec.name in FTS_COLUMNS:
            entry["fts_table"] = f"{spec.name}_fts"
            entry["fts_pk"] = "rowid"
        tables[spec.name] = entry
    return {
        "title": pkg.get("title", meta.name),
        "description": pkg.get("description", ""),
        "license": licenses[0].get("name", ""),
        "license_url": licenses[0].get("path", ""),
        "source": sources[0].get("title", ""),
        **({"source_url": pkg["homepage"]} if pkg.get("homepage") else {}),
        "databases": {database: {"description": f"version {meta.version}", "tables": tables}},
    }


def write_database(package_dir: Path, target: Path) -> None:
    """Write the SQLite database for the built package at ``package_dir`` to ``target`` (must not exist)."""
    import pyarrow.parquet as pq

    from ..read.loader import path as table_path
    from ..core.metadata import load_metadata

    meta = load_metadata(package_dir)
    con = sqlite3.connect(target)
    try:
        con.execute("PRAGMA foreign_keys = OFF")  # tables reference each other (and themselves); check at the end
        for spec in meta.tables:
            con.execute(create_table_sql(spec))
        for spec in meta.tables:
            arrow = pq.read_table(table_path(spec.name, "parquet", package_dir), columns=spec.field_names)
            rows = zip(*(arrow.column(n).to_pylist() for n in spec.field_names))
            placeholders = ", ".join("?" for _ in spec.field_names)
            con.executemany(
                f"INSERT INTO {quote_ident(spec.name)} VALUES ({placeholders})",
                ([_sql_value(v) for v in row] for row in rows),
            )
        for table, columns in FTS_COLUMNS.items():
            fts = quote_ident(f"{table}_fts")
            con.execute(
                f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(quote_ident(c) for c in columns)}, "
                f'content="{table}", content_rowid="rowid")'
            )
            con.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
        con.commit()
        problems = con.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise UntrustedInputError(f"foreign keys do not resolve in the exported database: {problems[:10]}")
        con.execute("VACUUM")
    finally:
        con.close()


def metadata_path(output: Path) -> Path:
    """Where the Datasette metadata for database ``output`` goes: ``<stem>.metadata.json`` beside it."""
    return output.with_name(output.stem + ".metadata.json")


def write(package_dir: Path, output: Path) -> list[Path]:
    """Export writer: the database at ``output`` (or ``output/`` :data:`DEFAULT_OUTPUT` when it is a
    folder) and its Datasette metadata beside it, each written beside its target and moved into place."""
    from ..core.metadata import load_metadata
    from .target import check_file, single_file_target, temp_beside, write_file

    output = single_file_target(Path(output), DEFAULT_OUTPUT)
    check_file(output, "sqlite")
    tmp = temp_beside(output)
    try:
        try:
            write_database(Path(package_dir), tmp)
        except sqlite3.Error as exc:  # "database or disk is full", "attempt to write a readonly database"
            code = errno.ENOSPC if "full" in str(exc) else errno.EROFS if "readonly" in str(exc) else errno.EIO
            raise OSError(code, os.strerror(code), str(output)) from None
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    document = datasette_metadata(load_metadata(Path(package_dir)), output.stem)
    meta_file = write_file(metadata_path(output), (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), None)
    return [output, meta_file]
