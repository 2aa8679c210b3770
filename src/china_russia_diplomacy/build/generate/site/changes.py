"""What changed from one registered version to the next, for the site's version pages.

The versions' files come from the shipped history (every one checked against ``releases.json``, see
:mod:`china_russia_diplomacy.build.generate.history`); rows are compared by primary key as raw CSV
strings with the comparison ``diff`` uses (:mod:`china_russia_diplomacy.core.row_compare`).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from ....core.row_compare import compare_keyed, primary_key, row_key


@dataclass
class TableChanges:
    table: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # id -> (column, old, new)
    notes: dict[str, str] = field(default_factory=dict)  # id -> the curator's note of the row in the newer version


def _rows(files: dict[str, bytes]) -> dict[str, dict[str, dict[str, str]]]:
    """``{table: {row key: row}}`` of one version's files."""
    descriptor = json.loads(files["datapackage.json"])
    out = {}
    for res in descriptor.get("resources", []):
        pk = primary_key(res["schema"])
        data = files.get(res["path"], b"")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
        out[res["name"]] = {row_key(r, pk): r for r in rows}
    return out


def compare(old_files: dict[str, bytes], new_files: dict[str, bytes]) -> list[TableChanges]:
    old, new = _rows(old_files), _rows(new_files)
    out = []
    for table in [*new, *(t for t in old if t not in new)]:
        added, removed, changed = compare_keyed(old.get(table, {}), new.get(table, {}))
        rows = new.get(table, {})
        notes = {k: rows[k]["notes"] for k in [*added, *changed] if k in rows and rows[k].get("notes")}
        out.append(TableChanges(table, added, removed, changed, notes))
    return out
