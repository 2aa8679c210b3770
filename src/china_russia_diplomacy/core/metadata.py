"""The one source of truth: ``schemas/package.json`` and one Table Schema per table.

Everything else (datapackage.json, Arrow/Parquet types, pandera schemas, the codebook) is derived
from what this module reads. A :class:`Metadata` can also be rebuilt from a built
``datapackage.json`` (which inlines every schema), so that an installed wheel or a downloaded
release, which carry no ``schemas/`` directory, are described by the same objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CRDError, UnknownNameError

PROVENANCE_FIELDS = ("source_id", "evidence", "evidence_start", "evidence_end", "confidence", "added_in")


@dataclass(frozen=True)
class FieldSpec:
    """One column: its Table Schema descriptor plus convenient accessors."""

    descriptor: dict[str, Any]

    @property
    def name(self) -> str:
        return self.descriptor["name"]

    @property
    def type(self) -> str:
        return self.descriptor.get("type", "string")

    @property
    def description(self) -> str:
        return self.descriptor.get("description", "")

    @property
    def constraints(self) -> dict[str, Any]:
        return self.descriptor.get("constraints", {})

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required", False))

    @property
    def enum(self) -> list[str] | None:
        return self.constraints.get("enum")

    @property
    def enum_descriptions(self) -> dict[str, str]:
        return self.descriptor.get("enumDescriptions", {})


@dataclass(frozen=True)
class TableSpec:
    """One table: name, title, description and its Table Schema."""

    name: str
    title: str
    description: str
    schema: dict[str, Any]
    fields: tuple[FieldSpec, ...] = field(default=())

    @property
    def primary_key(self) -> list[str]:
        pk = self.schema.get("primaryKey", [])
        return [pk] if isinstance(pk, str) else list(pk)

    @property
    def foreign_keys(self) -> list[dict[str, Any]]:
        return list(self.schema.get("foreignKeys", []))

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise UnknownNameError(f"{self.name} has no field {name!r}")

    @property
    def csv_path(self) -> str:
        return f"data/{self.name}.csv"

    @property
    def parquet_path(self) -> str:
        return f"data/{self.name}.parquet"

    @property
    def has_provenance(self) -> bool:
        return all(n in self.field_names for n in PROVENANCE_FIELDS)


@dataclass(frozen=True)
class Metadata:
    """Package-level metadata and the ordered tables."""

    package: dict[str, Any]
    tables: tuple[TableSpec, ...]

    @property
    def version(self) -> str:
        return self.package["version"]

    @property
    def name(self) -> str:
        return self.package["name"]

    def table(self, name: str) -> TableSpec:
        for t in self.tables:
            if t.name == name:
                return t
        raise UnknownNameError(f"unknown table {name!r}; tables are: {', '.join(self.table_names)}")

    @property
    def table_names(self) -> list[str]:
        return [t.name for t in self.tables]


def _table(name: str, title: str, description: str, schema: dict[str, Any]) -> TableSpec:
    return TableSpec(name, title, description, schema, tuple(FieldSpec(f) for f in schema["fields"]))


SUPPORTED_TYPES = ("string", "integer", "number", "boolean", "date")


class SchemaError(CRDError, ValueError):
    """A hand-written schema file is unreadable or uses something the build cannot type."""

    exit_code = 1


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError(f"{path.parent.name}/{path.name} is missing") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SchemaError(f"{path.parent.name}/{path.name} is not valid UTF-8 JSON: {exc}") from None


def read_metadata(package_dir: Path) -> Metadata:
    """Read the hand-written schemas of a source tree (``schemas/``); raise SchemaError naming the
    file and the problem when one cannot be read or uses an unsupported field type."""
    schemas = Path(package_dir) / "schemas"
    package = _read_json(schemas / "package.json")
    tables = []
    for res in package.get("resources", []):
        schema = _read_json(schemas / f"{res['name']}.json")
        for f in schema.get("fields", []):
            if f.get("type", "string") not in SUPPORTED_TYPES:
                raise SchemaError(f"schemas/{res['name']}.json: field {f.get('name')!r} has type {f.get('type')!r}; "
                                  f"supported: {', '.join(SUPPORTED_TYPES)}")
            if "name" not in f:
                raise SchemaError(f"schemas/{res['name']}.json: a field has no name")
        tables.append(_table(res["name"], res.get("title", res["name"]), res.get("description", ""), schema))
    if not tables:
        raise SchemaError("schemas/package.json lists no resources")
    return Metadata(package, tuple(tables))


def metadata_from_descriptor(descriptor: dict[str, Any]) -> Metadata:
    """Rebuild :class:`Metadata` from a built ``datapackage.json``.

    The descriptor is handed-over input (an unpacked download, a CSV export someone edited): one
    without a name, a version or tables with schemas is a :class:`SchemaError` saying what is
    missing, not a ``KeyError`` later, wherever ``meta.version`` is first read.
    """
    problem = _descriptor_problem(descriptor)
    if problem:
        raise SchemaError(f"datapackage.json {problem}")
    package = {k: v for k, v in descriptor.items() if k != "resources"}
    package["resources"] = [
        {"name": r["name"], "title": r.get("title", ""), "description": r.get("description", "")}
        for r in descriptor.get("resources", [])
    ]
    tables = tuple(
        _table(r["name"], r.get("title", r["name"]), r.get("description", ""), r["schema"])
        for r in descriptor.get("resources", [])
    )
    return Metadata(package, tables)


def _descriptor_problem(descriptor: Any) -> str | None:
    if not isinstance(descriptor, dict):
        return "is not a JSON object"
    for key in ("name", "version"):
        if not isinstance(descriptor.get(key), str) or not descriptor[key]:
            return f"has no {key!r} (a non-empty string)"
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return "lists no resources"
    for i, r in enumerate(resources):
        if not isinstance(r, dict) or not isinstance(r.get("name"), str) or not isinstance(r.get("schema"), dict):
            return f"resource {i} has no name and inline schema"
        if not isinstance(r["schema"].get("fields", []), list) or not all(isinstance(f, dict) and isinstance(f.get("name"), str)
                                                                         for f in r["schema"].get("fields", [])):
            return f"resource {r['name']!r}: schema.fields is not a list of fields with names"
    return None


def load_metadata(package_dir: Path) -> Metadata:
    """Schemas of a source tree when present, else those inlined in its ``datapackage.json``."""
    package_dir = Path(package_dir)
    if (package_dir / "schemas" / "package.json").is_file():
        return read_metadata(package_dir)
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    return metadata_from_descriptor(descriptor)


def column_description(f, meanings: bool = True) -> str:
    """The field's description, followed by the allowed values and, with ``meanings``, what each one means.

    Shared by the SQL views' comments (``connect()``) and the SQLite/Datasette export. Datasette lists every column description above the rows, so its metadata gets only the values
    (the meanings of all 15 event types would push the rows off the first screen); SQL comments, read
    one column at a time, get the meanings too.
    """
    text = f.description
    if f.enum_descriptions and meanings:
        meanings = "; ".join(f"`{k}`: {v.rstrip('.')}" for k, v in f.enum_descriptions.items()) + "."
        text = f"{text} Values: {meanings}" if text else f"Values: {meanings}"
    elif f.enum:
        text = f"{text} Values: {', '.join(f'`{v}`' for v in f.enum)}."
    return text
