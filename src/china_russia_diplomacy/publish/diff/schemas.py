"""Comparing the schemas and package metadata of two versions: each change with the bump it requires."""

from __future__ import annotations

import json
from typing import Any

from ...core.row_compare import primary_key
from .model import Change
from .versions import Version


def _fk_key(fk: dict[str, Any]) -> str:
    return json.dumps(fk, sort_keys=True)


def _constraint_changes(table: str, name: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    out = []
    where = f"{table}.{name}"
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if key in ("required", "unique"):
            tight = bool(b) and not bool(a)
            out.append(Change("major" if tight else "minor", table,
                              f"{where}: constraint {key} {'added' if tight else 'removed'}"))
        elif key == "enum":
            if a is None:
                out.append(Change("major", table, f"{where}: enum constraint added"))
            elif b is None:
                out.append(Change("minor", table, f"{where}: enum constraint removed"))
            else:
                dropped, added = [v for v in a if v not in b], [v for v in b if v not in a]
                if dropped:
                    out.append(Change("major", table, f"{where}: allowed values removed: {', '.join(dropped)}"))
                if added:
                    out.append(Change("minor", table, f"{where}: allowed values added: {', '.join(added)}"))
        elif key in ("minimum", "minLength", "exclusiveMinimum"):
            tight = a is None or (b is not None and b > a)
            out.append(Change("major" if tight else "minor", table, f"{where}: {key} {a} -> {b}"))
        elif key in ("maximum", "maxLength", "exclusiveMaximum"):
            tight = a is None or (b is not None and b < a)
            out.append(Change("major" if tight else "minor", table, f"{where}: {key} {a} -> {b}"))
        elif key == "pattern" and a is not None and b is not None:
            from ..pattern_order import pattern_loosened

            looser = pattern_loosened(a, b)
            level = "minor" if looser else "major"
            how = "widened (every value it allowed still matches)" if looser else (
                "changed: some values it allowed are refused now" if looser is False else "changed (not provably looser)")
            out.append(Change(level, table, f"{where}: pattern {how}: {a!r} -> {b!r}"))
        else:  # anything else: a change cannot be proven looser, so it counts as tightened
            level = "minor" if b is None else "major"
            out.append(Change(level, table, f"{where}: {key} {a!r} -> {b!r}"))
    return out


def compare_schemas(old: Version, new: Version) -> list[Change]:
    out: list[Change] = []
    for table in old.schemas:
        if table not in new.schemas:
            out.append(Change("major", table, f"table {table} removed"))
    for table in new.schemas:
        if table not in old.schemas:
            out.append(Change("minor", table, f"table {table} added"))
    for table, new_schema in new.schemas.items():
        old_schema = old.schemas.get(table)
        if old_schema is None:
            continue
        old_fields = {f["name"]: f for f in old_schema["fields"]}
        new_fields = {f["name"]: f for f in new_schema["fields"]}
        for name in old_fields:
            if name not in new_fields:
                out.append(Change("major", table, f"{table}.{name}: field removed (or renamed)"))
        for name in new_fields:
            if name not in old_fields:
                out.append(Change("minor", table, f"{table}.{name}: field added"))
        common_old = [n for n in old_fields if n in new_fields]
        common_new = [n for n in new_fields if n in old_fields]
        if common_old != common_new:
            out.append(Change("major", table, f"{table}: fields re-ordered"))
        for name in common_new:
            a, b = old_fields[name], new_fields[name]
            for key in ("type", "format"):
                if a.get(key, "string" if key == "type" else "default") != b.get(key, "string" if key == "type" else "default"):
                    out.append(Change("major", table, f"{table}.{name}: {key} {a.get(key)} -> {b.get(key)}"))
            out += _constraint_changes(table, name, a.get("constraints", {}), b.get("constraints", {}))
            for key in sorted((set(a) | set(b)) - {"name", "type", "format", "constraints"}):
                if a.get(key) != b.get(key):
                    out.append(Change("patch", table, f"{table}.{name}: {key} changed"))
        if primary_key(old_schema) != primary_key(new_schema):
            out.append(Change("major", table, f"{table}: primary key {primary_key(old_schema)} -> {primary_key(new_schema)}"))
        old_fks = {_fk_key(fk) for fk in old_schema.get("foreignKeys", [])}
        new_fks = {_fk_key(fk) for fk in new_schema.get("foreignKeys", [])}
        for fk in sorted(new_fks - old_fks):
            out.append(Change("major", table, f"{table}: foreign key added {fk}"))
        for fk in sorted(old_fks - new_fks):
            out.append(Change("minor", table, f"{table}: foreign key removed {fk}"))
        for key in sorted((set(old_schema) | set(new_schema)) - {"fields", "primaryKey", "foreignKeys"}):
            if old_schema.get(key) != new_schema.get(key):
                out.append(Change("patch", table, f"{table}: schema {key} changed"))
    old_res = {r["name"]: r for r in old.package.get("resources", [])}
    for res in new.package.get("resources", []):
        prev = old_res.get(res["name"])
        if prev is not None and prev != res:
            out.append(Change("patch", res["name"], f"{res['name']}: title or description changed"))
    for key in sorted((set(old.package) | set(new.package)) - {"resources", "version"}):
        # A property absent and one given empty ("not stated yet", e.g. "conceptDoi": "") say the same.
        if old.package.get(key) not in (None, "", []) or new.package.get(key) not in (None, "", []):
            if old.package.get(key) != new.package.get(key):
                out.append(Change("patch", "package", f"package {key} changed"))
    return out
