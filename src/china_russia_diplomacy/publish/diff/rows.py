"""Comparing the rows of two versions by primary key: added, removed and corrected rows, cell by cell,
and ``added_in`` kept honest (a new row carries a version after the old one and no later than the new one;
an existing row's never changes)."""

from __future__ import annotations

from ...core.row_compare import compare_keyed, primary_key, row_key
from .model import CellChange, Change, TableDiff
from .versions import Version


def compare_rows(old: Version, new: Version) -> tuple[list[TableDiff], list[Change], list[str]]:
    diffs, changes, unretired = [], [], []
    for table, new_schema in new.schemas.items():
        new_rows = new.rows.get(table, [])
        old_rows = old.rows.get(table, []) if table in old.schemas else []
        pk = primary_key(new_schema)
        if table in old.schemas and primary_key(old.schemas[table]) != pk:
            pk = [k for k in pk if k in primary_key(old.schemas[table])] or primary_key(old.schemas[table])
        old_by = {row_key(r, pk): r for r in old_rows}
        new_by = {row_key(r, pk): r for r in new_rows}
        d = TableDiff(table, old_rows=len(old_rows), new_rows=len(new_rows))
        d.added, d.removed, changed = compare_keyed(old_by, new_by)
        for key, cells in changed.items():
            d.changed[key] = [CellChange(*cell) for cell in cells]
            reason = new_by[key].get("notes") or coded_reason(new_by[key])
            if reason:
                d.reasons[key] = reason
        diffs.append(d)
        if d.added:
            changes.append(Change("minor", table, f"{table}: {len(d.added)} row(s) added"))
        if d.changed:
            changes.append(Change("patch", table, f"{table}: {len(d.changed)} row(s) corrected"))
        if d.removed:
            has_id = len(pk) == 1 and bool(new_schema["fields"]) and new_schema["fields"][0]["name"] == pk[0]
            if has_id:
                gone = [k for k in d.removed if k not in new.retired]
                unretired += gone
                retired = len(d.removed) - len(gone)
                if gone:
                    changes.append(Change("major", table, f"{table}: {len(gone)} published ID(s) removed without retirement: {', '.join(gone)}"))
                if retired:
                    changes.append(Change("minor", table, f"{table}: {retired} ID(s) retired"))
            else:
                changes.append(Change("patch", table, f"{table}: {len(d.removed)} row(s) removed"))
    for table in old.schemas:
        if table not in new.schemas:
            old_rows = old.rows.get(table, [])
            d = TableDiff(table, old_rows=len(old_rows), new_rows=0)
            d.removed = sorted(row_key(r, primary_key(old.schemas[table])) for r in old_rows)
            diffs.append(d)
    return diffs, changes, unretired


def coded_reason(row: dict) -> str | None:
    """The reason a row without a curator note carries in its own cells: the confidence codes of the
    tables that have them (``span_states``, ``tie``, ``confidence_override``; ``event_mentions`` and
    ``event_participants``), from which rule ``tie-confidence`` gives ``confidence``. Worded from the new
    row only, so a CHANGELOG line says what the row now records, never a judgement the data does not hold."""
    tie = row.get("tie")
    if not tie:
        return None
    states = row.get("span_states")
    said = ", ".join(str(states).split("+")) if states else "nothing of the event"
    override = row.get("confidence_override")
    primary = row.get("is_primary") in (True, "true")
    return (f"coded tie `{tie}`, the span stating {said}" + (f", override `{override}`" if override else "")
            + ("; a primary mention, no higher than its event" if primary else "")
            + "; confidence follows by rule `tie-confidence`")


def check_added_in(old: Version, new: Version, tables: list[TableDiff]) -> list[str]:
    """``added_in`` says which release first carried a row. Compared with any earlier version OLD (not only
    the previous release), a row new since OLD was added in some release in (OLD, NEW]: it may carry any
    version in that interval that the new side's registry knows (or NEW itself), never OLD or earlier
    (a rewritten row passed off as new) and never one after NEW (a future version). An existing row's
    ``added_in`` never changes."""
    from ...core.registry import is_version, version_key

    low = version_key(old.version) if is_version(old.version) else None
    high = version_key(new.version) if is_version(new.version) else None
    out = []
    for d in tables:
        schema = new.schemas.get(d.table)
        if schema is None or "added_in" not in [f["name"] for f in schema["fields"]]:
            continue
        by_key = {row_key(r, primary_key(schema)): r for r in new.rows.get(d.table, [])}
        for key in d.added:
            value = by_key.get(key, {}).get("added_in")
            problem = _added_in_problem(value, old.version, new, low, high)
            if problem:
                out.append(f"{d.table} {key}: new row has added_in {value!r}, {problem}")
        for key, cells in d.changed.items():
            for c in cells:
                if c.column == "added_in":
                    out.append(f"{d.table} {key}: added_in changed from {c.old!r} to {c.new!r}; it never changes")
    return out


def _added_in_problem(value, old_version: str, new: Version, low, high) -> str | None:
    """Why a new row's ``added_in`` is wrong, or None when it names a release in (OLD, NEW]."""
    from ...core.registry import is_version, version_key

    if value == new.version:
        return None
    expected = (f"expected {new.version!r}" if low is None or high is None or low >= high else
                f"expected a version after {old_version} and no later than {new.version}")
    if low is None or high is None or not isinstance(value, str) or not is_version(value):
        return expected
    key = version_key(value)
    if key > high:
        return f"a version after {new.version} (the future); {expected}"
    if key <= low:
        return f"not after {old_version}, which did not have the row; {expected}"
    if new.registered is not None and value not in new.registered:
        return f"which is not a registered release; {expected}"
    return None
