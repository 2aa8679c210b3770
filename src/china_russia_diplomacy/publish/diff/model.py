"""What a diff is made of: schema and data changes with the bump each requires, and per-table row changes.

The JSON form of :class:`PackageDiff` (:meth:`PackageDiff.to_dict`) is the record a release archive
ships as ``changes.json`` and the CHANGELOG's data section is printed from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ...core.errors import UsageError

LEVELS = ("none", "patch", "minor", "major")


def _rank(level: str) -> int:
    return LEVELS.index(level)


@dataclass
class Change:
    """One schema or metadata change and the bump it requires."""

    level: str
    table: str
    what: str


@dataclass
class CellChange:
    column: str
    old: str
    new: str


@dataclass
class TableDiff:
    table: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[CellChange]] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # the new row's curator note, for changed rows
    old_rows: int = 0
    new_rows: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    @property
    def changed_columns(self) -> dict[str, int]:
        """How many cells of each column were corrected (columns in name order)."""
        counts: dict[str, int] = {}
        for cells in self.changed.values():
            for c in cells:
                counts[c.column] = counts.get(c.column, 0) + 1
        return dict(sorted(counts.items()))


@dataclass
class PackageDiff:
    old_version: str
    new_version: str
    schema_changes: list[Change] = field(default_factory=list)
    data_changes: list[Change] = field(default_factory=list)
    tables: list[TableDiff] = field(default_factory=list)
    unretired_ids: list[str] = field(default_factory=list)
    added_in_errors: list[str] = field(default_factory=list)
    # The folders compared, when a side was given as one (not in to_dict: changes.json stays as it was).
    old_folder: str = ""
    new_folder: str = ""

    @property
    def required_bump(self) -> str:
        levels = [c.level for c in self.schema_changes + self.data_changes]
        return max(levels, key=_rank, default="none")

    @property
    def actual_bump(self) -> str:
        return version_bump(self.old_version, self.new_version)

    def summary(self) -> str:
        """One line in words a reader understands: "no change" rather than "a none bump"."""
        required, actual = self.required_bump, self.actual_bump
        changed = any(not t.empty for t in self.tables) or self.schema_changes or self.data_changes
        if required == "none":
            needs = "the changes need no new version number" if changed else "no change in data or schemas"
        else:
            needs = f"the changes require a {required} version bump"
        if actual == "none":
            is_ = "the version number is the same"
        elif actual == "downgrade":
            is_ = "the version number goes down"
        else:
            is_ = f"the version number is a {actual} bump"
        return f"{self.old_version} -> {self.new_version}: {needs}; {is_}"

    def problems(self) -> list[str]:
        """Why the new version is not acceptable as a successor of the old one (empty: it is)."""
        out = []
        actual = self.actual_bump
        if actual == "downgrade" or _rank(actual) < _rank(self.required_bump):
            out.append(f"version {self.old_version} -> {self.new_version} is a {self.actual_bump} bump, "
                       f"but the changes require a {self.required_bump} bump")
        for rid in self.unretired_ids:
            out.append(f"published ID {rid} disappeared without being listed in schemas/retired_ids.json")
        out += self.added_in_errors
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "required_bump": self.required_bump,
            "actual_bump": self.actual_bump,
            "problems": self.problems(),
            "schema_changes": [asdict(c) for c in self.schema_changes],
            "data_changes": [asdict(c) for c in self.data_changes],
            "unretired_ids": self.unretired_ids,
            "added_in_errors": self.added_in_errors,
            "tables": {
                t.table: {
                    "old_rows": t.old_rows,
                    "new_rows": t.new_rows,
                    "added": t.added,
                    "removed": t.removed,
                    "changed": {k: [asdict(c) for c in v] for k, v in t.changed.items()},
                    "changed_columns": t.changed_columns,
                    "reasons": t.reasons,
                }
                for t in self.tables
            },
        }


def parse_version(version: str) -> tuple[int, int, int]:
    parts = version.split("-")[0].split("+")[0].split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise UsageError(f"{version!r} is not a semantic version MAJOR.MINOR.PATCH")
    return int(parts[0]), int(parts[1]), int(parts[2])


def version_bump(old: str, new: str) -> str:
    """``none``, ``patch``, ``minor``, ``major`` or ``downgrade`` from ``old`` to ``new``."""
    o, n = parse_version(old), parse_version(new)
    if n == o:
        return "none"
    if n < o:
        return "downgrade"
    if n[0] > o[0]:
        return "major"
    if n[1] > o[1]:
        return "minor"
    return "patch"
