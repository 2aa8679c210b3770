"""A diff as text: the terminal report of ``diff`` and the CHANGELOG's data section."""

from __future__ import annotations

from typing import Any

from .model import PackageDiff


def render_text(d: PackageDiff, max_cells: int = 200) -> str:
    lines = [d.summary()]
    if d.old_folder or d.new_folder:  # first: which folder was compared (a sub-folder may have been picked)
        lines.insert(0, f"compared {d.old_folder or d.old_version} -> {d.new_folder or d.new_version}")
    if d.schema_changes:
        lines.append("")
        lines.append("schema changes:")
        lines += [f"  [{c.level}] {c.what}" for c in d.schema_changes]
    lines.append("")
    lines.append("rows (old -> new: added, removed, changed):")
    for t in d.tables:
        lines.append(f"  {t.table}: {t.old_rows} -> {t.new_rows}: +{len(t.added)} -{len(t.removed)} ~{len(t.changed)}")
    shown = 0
    for t in d.tables:
        if t.empty:
            continue
        lines.append("")
        lines.append(f"{t.table}:")
        lines += [f"  + {k}" for k in t.added]
        lines += [f"  - {k}" for k in t.removed]
        for key, cells in t.changed.items():
            lines.append(f"  ~ {key}")
            for c in cells:
                if shown >= max_cells:
                    break
                lines.append(f"      {c.column}: {c.old!r} -> {c.new!r}")
                shown += 1
    problems = d.problems()
    if problems:
        lines.append("")
        lines += [f"error: {p}" for p in problems]
    return "\n".join(lines)


def changelog_section(d: PackageDiff | dict[str, Any]) -> str:
    """The data section of a CHANGELOG entry: row counts per table and what changed.

    Printed from the JSON record of the diff (``PackageDiff.to_dict()``, the ``changes.json`` a release
    archive ships), so the CHANGELOG and the machine-readable record cannot disagree.
    """
    record = d.to_dict() if isinstance(d, PackageDiff) else d
    tables = record["tables"]
    lines = ["### Data", "", "| table | rows | added | removed | corrected |", "|---|---:|---:|---:|---:|"]
    for name, t in tables.items():
        lines.append(f"| `{name}` | {t['new_rows']} | {len(t['added'])} | {len(t['removed'])} | {len(t['changed'])} |")
    corrections = [(name, k, cells) for name, t in tables.items() for k, cells in t["changed"].items()]
    if corrections:
        lines += ["", "Corrections, each with its reason: the row's curator note, or, for a row without one, the "
                  "confidence codes it now carries:", ""]
        for name, key, cells in corrections:
            cols = ", ".join(f"`{c['column']}` {c['old']!r} → {c['new']!r}" for c in cells if c["column"] != "notes")
            reasons = tables[name]["reasons"]
            reason = f" ({reasons[key]})" if key in reasons else ""
            lines.append(f"- `{name}` `{key}`: {cols or 'notes only'}{reason}")
    if record["schema_changes"]:
        lines += ["", "### Schema", ""]
        lines += [f"- {c['what']} ({c['level']})" for c in record["schema_changes"]]
    return "\n".join(lines)
