"""Keys across tables: foreign keys (pandera cannot express them), retired IDs never reused, acyclic parent events."""

from __future__ import annotations

from typing import Iterator

from ..report import Finding
from .base import Tables, f

def foreign_keys(t: Tables) -> Iterator[Finding]:
    for spec in t.meta.tables:
        for fk in spec.foreign_keys:
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            ref = fk["reference"]
            ref_table = ref.get("resource") or spec.name
            ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
            target = t.frames.get(ref_table)
            if target is None:
                continue
            keys = set(map(tuple, target[ref_fields].astype(object).where(target[ref_fields].notna(), None).values.tolist()))
            for line, row in t.rows(spec.name):
                value = tuple(row[c] for c in fields)
                if any(v is None for v in value):
                    continue
                if value not in keys:
                    yield f(spec.name, line, ",".join(fields), ",".join(map(str, value)), "foreign-key",
                            f"no row of {ref_table} has {','.join(ref_fields)} = {','.join(map(str, value))}")
    participants = set(t.frames["participants"]["participant_id"].dropna()) if "participants" in t.frames else set()
    for line, row in t.rows("agreements"):
        for pid in (row.get("parties") or "").split(";"):
            if pid and pid not in participants:
                yield f("agreements", line, "parties", pid, "foreign-key", f"party {pid} is not in participants")
    for line, row in t.rows("discrepancies"):
        table, rid = row.get("record_table"), row.get("record_id")
        if table in t.frames and rid is not None:
            spec = t.meta.table(table)
            if rid not in set(t.frames[table][spec.primary_key[0]].dropna()):
                yield f("discrepancies", line, "record_id", rid, "foreign-key", f"no row of {table} has ID {rid}")



def parent_cycles(t: Tables) -> Iterator[Finding]:
    parent = {}
    lines = {}
    for line, row in t.rows("events"):
        parent[row["event_id"]] = row.get("parent_event_id")
        lines[row["event_id"]] = line
        if row.get("about_event_id") == row["event_id"]:
            yield f("events", line, "about_event_id", row["event_id"], "self-reference", "an event cannot be about itself")
    reported = set()
    for start in parent:
        seen = []
        node = start
        while node is not None and node in parent:
            if node in seen:
                cycle = seen[seen.index(node):]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    first = min(cycle)
                    yield f("events", lines[first], "parent_event_id", parent[first], "parent-cycle",
                            "parent events form a cycle: " + " -> ".join(cycle + [node]))
                break
            seen.append(node)
            node = parent[node]



def retired_ids(t: Tables) -> Iterator[Finding]:
    """A published ID that was retired (``schemas/retired_ids.json``) must never be used again."""
    import json

    path = t.package_dir / "schemas" / "retired_ids.json"
    if not path.is_file():  # an installed copy or a release carries the schemas inline, without this list
        return
    try:
        entries = json.loads(path.read_text(encoding="utf-8")).get("retired", [])
    except (ValueError, AttributeError) as exc:
        yield f("package", None, None, None, "retired-ids", f"schemas/retired_ids.json is not a valid list: {exc}")
        return
    retired = {e if isinstance(e, str) else e.get("id") for e in entries if isinstance(e, (str, dict))}
    for spec in t.meta.tables:
        if len(spec.primary_key) != 1:
            continue
        key = spec.primary_key[0]
        for line, row in t.rows(spec.name):
            if row.get(key) in retired:
                yield f(spec.name, line, key, row[key], "retired-id",
                        f"{row[key]} is listed in schemas/retired_ids.json: a retired ID is never reused")

