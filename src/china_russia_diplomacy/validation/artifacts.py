"""Checks that the built artifacts match what they claim: file bytes and SHA-256 against
``datapackage.json``, Parquet content against its CSV, descriptor against the schemas (staleness),
and safe resource paths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..core.files import not_regular
from ..core.integrity import file_problems
from ..core.locate import safe_relative
from ..core.metadata import Metadata
from .report import Finding

LAYER = "files"
# Rows of a Parquet twin's column read at once when comparing it with its CSV: at 65,536 the reader's
# buffers for one slice of a text column of the million-row package peaked at ~50 MB, at 16,384 at ~14 MB.
_SLICE_ROWS = 16_384


def check_file(package_dir: Path, table: str, entry: dict[str, Any], what: str) -> list[Finding]:
    path = str(entry.get("path", ""))
    return [Finding(LAYER, table, None, None, path, rule, f"{what} {path}: {detail}")
            for rule, detail in file_problems(package_dir, entry)]


def check_descriptor(package_dir: Path, descriptor: dict[str, Any], meta: Metadata) -> list[Finding]:
    """Hashes of every CSV and Parquet file, and (in a source tree) the descriptor against the schemas."""
    out: list[Finding] = []
    resources = {r.get("name"): r for r in descriptor.get("resources", [])}
    for table in meta.tables:
        res = resources.get(table.name)
        if res is None:
            out.append(Finding(LAYER, table.name, None, None, None, "descriptor-stale",
                               "table is missing from datapackage.json; run build"))
            continue
        out += check_file(package_dir, table.name, res, "CSV")
        if "parquet" in res:
            out += check_file(package_dir, table.name, res["parquet"], "Parquet")
        if res.get("schema") != table.schema:
            out.append(Finding(LAYER, table.name, None, None, None, "descriptor-stale",
                               f"the schema in datapackage.json differs from schemas/{table.name}.json; run build"))
    for name in resources:
        if name not in meta.table_names:
            out.append(Finding(LAYER, str(name), None, None, None, "descriptor-stale", "resource has no schema; run build"))
    if descriptor.get("version") != meta.version:
        out.append(Finding(LAYER, "package", None, "version", str(descriptor.get("version")), "descriptor-stale",
                           f"datapackage.json has version {descriptor.get('version')}, schemas/package.json {meta.version}; run build"))
    return out


def check_parquet_matches_csv(package_dir: Path, table: str, res: dict[str, Any], csv_table: pa.Table, spec) -> list[Finding]:
    """The Parquet twin holds exactly the CSV's typed rows, with the storage types of the schema. Read
    one column at a time, so that a large twin is never in memory whole next to its table."""
    import pyarrow.parquet as pq

    from ..core.parquet_io import same_rows_by_column, storage_schema, stored_in_key_order

    entry = res.get("parquet")
    if not entry or not safe_relative(entry.get("path", "")) or not (package_dir / entry["path"]).is_file():
        return []
    path = entry["path"]

    def unreadable(exc: Exception) -> list[Finding]:
        return [Finding(LAYER, table, None, None, path, "parquet-unreadable", f"{type(exc).__name__}: {exc}")]

    def differs(message: str) -> list[Finding]:
        return [Finding(LAYER, table, None, None, path, "parquet-csv", message)]

    try:
        twin = pq.ParquetFile(package_dir / path)
        schema, num_rows = twin.schema_arrow, twin.metadata.num_rows
    except Exception as exc:  # a corrupt file raises ArrowInvalid or OSError
        return unreadable(exc)
    # Compare the stored types before any cast: a cast would turn text "2" back into an integer and hide
    # a Parquet file whose users get other types than the schema promises.
    storage = storage_schema(spec)
    wrong = [f"{f.name} is {f.type}, not {storage.field(f.name).type}" for f in schema
             if f.name in storage.names and f.type != storage.field(f.name).type]
    if wrong:
        return differs("Parquet column types differ from the schema (" + "; ".join(wrong) + "); run build")
    expected = csv_table
    if schema.names != expected.column_names:
        return differs("Parquet columns differ from the CSV; run build")
    if num_rows != expected.num_rows:
        return differs(f"Parquet is out of step with its CSV ({num_rows} rows vs {expected.num_rows} in the CSV); run build")

    class TypesDiffer(Exception):
        pass

    def column(name: str):
        col = twin.read(columns=[name]).column(0)
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        try:
            return col.cast(expected.schema.field(name).type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise TypesDiffer from None

    def parts(name: str):
        """One column in slices of the stored order: never whole (see stored_in_key_order)."""
        for batch in twin.iter_batches(batch_size=_SLICE_ROWS, columns=[name], use_threads=False):
            part = batch.column(0)
            if pa.types.is_dictionary(part.type):
                part = part.cast(part.type.value_type)
            yield part.cast(expected.schema.field(name).type)

    try:
        if stored_in_key_order(parts, expected, spec):
            return []
    except Exception:  # noqa: BLE001 - not shown in stored order: the full comparison below gives the verdict
        pass
    try:
        same = same_rows_by_column(column, expected, spec)
    except TypesDiffer:
        return differs("Parquet types differ from the schema; run build")
    except Exception as exc:  # a column chunk that does not decode
        return unreadable(exc)
    if not same:
        return differs("Parquet is out of step with its CSV (cell values differ); run build")
    return []


def load_descriptor(package_dir: Path) -> tuple[dict[str, Any] | None, list[Finding]]:
    path = package_dir / "datapackage.json"
    problem = not_regular(path, package_dir)
    if problem == "missing":
        return None, [Finding(LAYER, "package", None, None, None, "descriptor-missing", "datapackage.json is missing; run build")]
    if problem:
        return None, [Finding(LAYER, "package", None, None, None, "file-type", f"datapackage.json is {problem}")]
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        return None, [Finding(LAYER, "package", None, None, None, "descriptor-error", f"datapackage.json is not valid JSON: {exc}")]
    shape = descriptor_shape_problem(descriptor)
    if shape:
        return None, [Finding(LAYER, "package", None, None, None, "descriptor-error", f"datapackage.json {shape}")]
    return descriptor, []


def descriptor_shape_problem(descriptor: Any) -> str | None:
    """What keeps a parsed descriptor from being read as a Data Package (the checks index into it)."""
    if not isinstance(descriptor, dict):
        return f"is JSON but not an object (a {type(descriptor).__name__})"
    resources = descriptor.get("resources", [])
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        return "has a 'resources' entry that is not a list of objects"
    for r in resources:
        for entry in (r, r.get("parquet")):
            if entry is not None and (not isinstance(entry, dict) or not isinstance(entry.get("path", ""), str)):
                return f"has a resource {r.get('name')!r} whose path entry is not an object with a text path"
    return None
