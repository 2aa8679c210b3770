"""What changed from one registered version to the next, for the site's version pages.

The versions' files come from the shipped history (every one checked against ``releases.json``, see
:mod:`china_russia_diplomacy.build.generate.history`); rows are compared by primary key as raw CSV
strings, as ``diff`` compares them (a test checks these counts against ``diff``).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field


@dataclass
class TableChanges:
    table: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # id -> (column, old, new)


def _rows(files: dict[str, bytes]) -> dict[str, tuple[list[str], dict[str, dict[str, str]]]]:
    """``{table: (primary key columns, {row id: row})}`` of one version's files."""
    descriptor = json.loads(files["datapackage.json"])
    out = {}
    for res in descriptor.get("resources", []):
        pk = res["schema"].get("primaryKey", [])
        pk = [pk] if isinstance(pk, str) else list(pk)
        data = files.get(res["path"], b"")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
        out[res["name"]] = (pk, {"/".join(r.get(k, "") for k in pk): r for r in rows})
    return out


def compare(old_files: dict[str, bytes], new_files: dict[str, bytes]) -> list[TableChanges]:
    old, new = _rows(old_files), _rows(new_files)
    out = []
    for table in [*new, *(t for t in old if t not in new)]:
        before = old.get(table, ([], {}))[1]
        after = new.get(table, ([], {}))[1]
        tc = TableChanges(table, sorted(set(after) - set(before)), sorted(set(before) - set(after)))
        for key in sorted(set(after) & set(before)):
            # columns both versions have (a column added or dropped is a schema change, not a corrected cell)
            cells = [(c, before[key][c], after[key][c]) for c in after[key]
                     if c in before[key] and before[key][c] != after[key][c]]
            if cells:
                tc.changed[key] = cells
        out.append(tc)
    return out
