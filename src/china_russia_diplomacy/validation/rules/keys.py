"""Keys across tables: foreign keys (pandera cannot express them), retired IDs never reused, acyclic parent events.

Every check is linear in the rows: one hash set per referenced key (built once, not per row), a
vectorised ``isin`` over the referencing column, and one pass over the parent pointers.
"""

from __future__ import annotations

from typing import Iterator

import pandas as pd

from ..report import Finding
from .base import Tables, f, failing, isin


def _as_list(value) -> list[str]:
    return value if isinstance(value, list) else [value]


def _missing(source: pd.DataFrame, fields: list[str], target: pd.DataFrame, ref_fields: list[str]):
    """Positions of rows whose (non-empty) key is not among the target's keys."""
    present = source[fields].notna().all(axis=1)
    if len(fields) == 1:
        found = isin(source[fields[0]], target[ref_fields[0]])
    else:
        keys = pd.MultiIndex.from_frame(target[ref_fields].dropna().astype(object))
        found = pd.MultiIndex.from_frame(source[fields].astype(object)).isin(keys)
    return failing(present & ~pd.Series(found, index=source.index))


def foreign_keys(t: Tables) -> Iterator[Finding]:
    for spec in t.meta.tables:
        source = t.frames.get(spec.name)
        if source is None:
            continue
        for fk in spec.foreign_keys:
            fields = _as_list(fk["fields"])
            ref = fk["reference"]
            ref_table = ref.get("resource") or spec.name
            ref_fields = _as_list(ref["fields"])
            target = t.frames.get(ref_table)
            if target is None:
                continue
            for i in _missing(source, fields, target, ref_fields):
                value = ",".join(str(source[c].iat[i]) for c in fields)
                yield f(spec.name, t.line(spec.name, i), ",".join(fields), value, "foreign-key",
                        f"no row of {ref_table} has {','.join(ref_fields)} = {value}")
    yield from _parties(t)
    yield from _discrepancy_records(t)


def _parties(t: Tables) -> Iterator[Finding]:
    agreements = t.frames.get("agreements")
    if agreements is None or "participants" not in t.frames:
        return
    participants = t.frames["participants"]["participant_id"].dropna()
    parties = agreements["parties"].dropna().astype(object).str.split(";").explode()
    parties = parties[parties.astype(bool)]  # an empty piece is the pattern's business, not a key
    unknown = parties[~isin(parties.astype("string"), participants)]
    positions = agreements.index.get_indexer(unknown.index)
    for i, pid in zip(positions, unknown.tolist()):
        yield f("agreements", t.line("agreements", i), "parties", pid, "foreign-key", f"party {pid} is not in participants")


def _discrepancy_records(t: Tables) -> Iterator[Finding]:
    """record_id must exist in record_table: one key set per referenced table, built once."""
    d = t.frames.get("discrepancies")
    if d is None:
        return
    for table in d["record_table"].dropna().unique().tolist():
        if table not in t.frames:
            continue
        keys = t.meta.table(table).primary_key
        if len(keys) != 1:  # a record_table outside the enum (its tables have a one-column key): pandera's finding
            continue
        key = keys[0]
        rows = (d["record_table"] == table).fillna(False) & d["record_id"].notna()
        bad = rows & ~isin(d["record_id"], t.frames[table][key])
        for i in failing(bad):
            rid = d["record_id"].iat[i]
            yield f("discrepancies", t.line("discrepancies", i), "record_id", rid, "foreign-key", f"no row of {table} has ID {rid}")


def parent_cycles(t: Tables) -> Iterator[Finding]:
    """Events whose parent chain loops, each cycle reported once; linear in the events (every event is
    walked once: a walk stops at the first event an earlier walk finished)."""
    if "events" not in t.frames:
        return
    ids = t.column("events", "event_id")
    parents = t.column("events", "parent_event_id")
    abouts = t.column("events", "about_event_id")
    lines = {}
    parent = {}
    for i, (eid, par, about) in enumerate(zip(ids, parents, abouts)):
        if eid is None:
            continue
        parent[eid] = par
        lines[eid] = t.line("events", i)
        if about == eid:
            yield f("events", lines[eid], "about_event_id", eid, "self-reference", "an event cannot be about itself")
    done: set[str] = set()
    for start in parent:
        if start in done:
            continue
        path: list[str] = []
        on_path: dict[str, int] = {}
        node = start
        while node is not None and node in parent and node not in done:
            if node in on_path:
                cycle = path[on_path[node]:]
                first = min(cycle)
                yield f("events", lines[first], "parent_event_id", parent[first], "parent-cycle",
                        "parent events form a cycle: " + " -> ".join(cycle + [node]))
                break
            on_path[node] = len(path)
            path.append(node)
            node = parent[node]
        done.update(path)


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
    retired.discard(None)
    if not retired:
        return
    for spec in t.meta.tables:
        if len(spec.primary_key) != 1 or spec.name not in t.frames:
            continue
        key = spec.primary_key[0]
        column = t.frames[spec.name][key]
        for i in failing(isin(column, pd.Series(sorted(retired), dtype="string"))):
            value = column.iat[i]
            yield f(spec.name, t.line(spec.name, i), key, value, "retired-id",
                    f"{value} is listed in schemas/retired_ids.json: a retired ID is never reused")
