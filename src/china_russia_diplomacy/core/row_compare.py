"""Rows of two versions of a table compared by primary key, as raw CSV strings.

One comparison for every place that says what changed between versions: ``diff`` (and through it
``changes.json`` and the CHANGELOG) and the site's version pages. Cells are compared as the strings the
CSV holds, so a change the typed frames would hide (``1.0`` → ``1``) is still a change.
"""

from __future__ import annotations

from typing import Any, Mapping

Row = Mapping[str, str]


def primary_key(schema: Mapping[str, Any]) -> list[str]:
    """The primary key columns of a Table Schema (a single name or a list)."""
    pk = schema.get("primaryKey", [])
    return [pk] if isinstance(pk, str) else list(pk)


def row_key(row: Row, pk: list[str]) -> str:
    """A row's key: its primary key cells joined by ``|`` (one cell for the ID tables)."""
    return "|".join(row.get(k, "") for k in pk)


def compare_keyed(old: Mapping[str, Row], new: Mapping[str, Row]
                  ) -> tuple[list[str], list[str], dict[str, list[tuple[str, str, str]]]]:
    """``(added, removed, changed)`` keys of two ``{key: row}`` maps, sorted; ``changed`` maps a key to
    its ``(column, old, new)`` cells, for the columns both rows have (a column added or dropped is a
    schema change, not a corrected cell)."""
    added = sorted(k for k in new if k not in old)
    removed = sorted(k for k in old if k not in new)
    changed = {}
    for key in sorted(k for k in new if k in old):
        a, b = old[key], new[key]
        cells = [(c, a[c], b[c]) for c in b if c in a and a[c] != b[c]]
        if cells:
            changed[key] = cells
    return added, removed, changed
