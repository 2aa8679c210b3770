"""``diff OLD NEW`` and ``check-version``: what changed between two versions, and the bump it requires.

A version is a directory (a source tree or an unpacked release), a release ``.zip``, a bare registered
version number (``1.0.0``, resolved through ``releases.json``: to its commit when that commit is in the
git repository, else to the verified cached or downloaded archive; see :mod:`china_russia_diplomacy.core.registry`) or a git
revision (``HEAD~3``, a tag), exported with ``git archive`` into a temporary directory. Rows are compared
by primary key on the raw CSV strings (the CSV is the master copy, and comparing strings does not
depend on either version's types being valid), schemas field by field.

The required bump follows the Data Package v2 versioning recipe, with this project's policy on the
points the recipe leaves to the publisher (see RELEASING.md):

- **major**: a table removed; a field removed, renamed (seen as removed + added), retyped or moved; a
  constraint tightened (``required``/``unique`` switched on, an allowed value dropped, a bound raised,
  a pattern changed other than by adding alternatives, a constraint or foreign key added); the primary key changed; a published ID
  (the single-column primary key of an ID table) gone without being listed in
  ``schemas/retired_ids.json``.
- **minor**: rows, tables or fields added; a constraint loosened (a pattern loosens only when the old
  pattern is kept whole as one alternative of the new, e.g. ``[A-Z]{3}`` -> ``(?:[A-Z]{3}|[A-Z]{4})``);
  a published ID retired properly.
- **patch**: a cell corrected; descriptions, titles and other metadata changed; a row of a table
  without its own ID (``event_participants``) removed as a correction.
"""

from __future__ import annotations

from pathlib import Path

from .model import CellChange, Change, PackageDiff, TableDiff, version_bump
from .render import changelog_section, render_text
from .rows import check_added_in, compare_rows
from .schemas import compare_schemas
from .versions import Version, materialize, read_version

__all__ = ["CellChange", "Change", "PackageDiff", "TableDiff", "Version", "changelog_section", "diff", "diff_versions",
           "materialize", "read_version", "render_text", "version_bump"]


def diff_versions(old: Version, new: Version) -> PackageDiff:
    result = PackageDiff(old.version, new.version)
    result.schema_changes = compare_schemas(old, new)
    result.tables, result.data_changes, result.unretired_ids = compare_rows(old, new)
    result.added_in_errors = check_added_in(old, new, result.tables)
    return result


def diff(old: str | Path, new: str | Path, repo: Path | None = None) -> PackageDiff:
    """Compare two versions given as directories, release zips or git revisions."""
    with materialize(old, repo) as a, materialize(new, repo) as b:
        result = diff_versions(read_version(a, str(old)), read_version(b, str(new)))
        result.old_folder = str(a) if _is_folder(old) else ""
        result.new_folder = str(b) if _is_folder(new) else ""
        return result


def _is_folder(spec: str | Path) -> bool:
    """The spec named a folder (".", a checkout, an unpacked release), not a zip, version or revision."""
    return str(spec) == "." or Path(spec).is_dir()
