"""``diff OLD NEW`` and ``check-version``: what changed between two versions, and the bump it requires.

A version is a directory (a source tree or an unpacked release), a release ``.zip``, a bare registered
version number (``1.0.0``, resolved through ``releases.json``: to its commit when that commit is in the
git repository, else to the verified cached or downloaded archive; see ``registry.py``) or a git
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

import contextlib
import csv
import io
import json
import subprocess
import tarfile
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

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

    @property
    def required_bump(self) -> str:
        levels = [c.level for c in self.schema_changes + self.data_changes]
        return max(levels, key=_rank, default="none")

    @property
    def actual_bump(self) -> str:
        return version_bump(self.old_version, self.new_version)

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
        raise ValueError(f"{version!r} is not a semantic version MAJOR.MINOR.PATCH")
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


# --- reading a version --------------------------------------------------------------------------------


@dataclass
class Version:
    """One version of the package as read for comparison: package metadata, schemas, raw rows."""

    label: str
    package: dict[str, Any]
    schemas: dict[str, dict[str, Any]]
    rows: dict[str, list[dict[str, str]]]
    retired: set[str]

    @property
    def version(self) -> str:
        return self.package.get("version", "0.0.0")


def _retired_ids(data: Any) -> set[str]:
    """IDs in retired_ids.json: entries are ID strings or objects with an ``id``."""
    out = set()
    for entry in (data or {}).get("retired", []):
        out.add(entry if isinstance(entry, str) else entry.get("id", ""))
    return out - {""}


def read_version(package_dir: Path, label: str | None = None) -> Version:
    from .metadata import load_metadata

    package_dir = Path(package_dir)
    meta = load_metadata(package_dir)
    rows = {}
    for t in meta.tables:
        path = package_dir / t.csv_path
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as fh:
                rows[t.name] = list(csv.DictReader(fh))
        else:
            rows[t.name] = []
    retired_path = package_dir / "schemas" / "retired_ids.json"
    retired = _retired_ids(json.loads(retired_path.read_text(encoding="utf-8"))) if retired_path.is_file() else set()
    package = {k: v for k, v in meta.package.items() if k != "resources"}
    package["resources"] = [{k: v for k, v in r.items()} for r in meta.package.get("resources", [])]
    return Version(label or str(package_dir), package, {t.name: t.schema for t in meta.tables}, rows, retired)


def _package_root(directory: Path) -> Path:
    """The directory holding the package inside an unpacked archive (possibly one level down)."""
    for candidate in (directory, *sorted(p for p in directory.iterdir() if p.is_dir())):
        if (candidate / "schemas" / "package.json").is_file() or (candidate / "datapackage.json").is_file():
            return candidate
    raise FileNotFoundError(f"{directory}: no datapackage.json or schemas/package.json inside")


def _git_toplevel(start: Path) -> Path:
    out = subprocess.run(["git", "-C", str(start), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    if out.returncode != 0:
        raise FileNotFoundError(f"{start} is not inside a git repository: {out.stderr.strip()}")
    return Path(out.stdout.strip())


def _has_commit(top: Path, commit: str) -> bool:
    out = subprocess.run(["git", "-C", str(top), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True)
    return out.returncode == 0


def _resolve_registered(version: str, repo: Path | None) -> tuple[str, Path | None]:
    """A bare version number through the registry: ``(commit, None)`` when the git repository around
    ``repo`` (or the cwd) holds the registered commit, else ``("", cached package dir)``.

    The repository's own ``releases.json`` is used when there is one, else the installed package's.
    """
    from ._locate import installed_package_dir
    from .registry import VersionError, read_registry, registry_path

    try:
        top: Path | None = _git_toplevel(repo or Path.cwd())
    except FileNotFoundError:
        top = None
    base = top if top is not None and registry_path(top).is_file() else installed_package_dir()
    release = read_registry(base).get(version)
    if release is None:
        if top is not None and _has_commit(top, version):  # a tag or branch literally named 1.0.0
            return version, None
        known = ", ".join(read_registry(base).versions) or "none"
        raise VersionError(f"{version} is not a registered version ({registry_path(base)} lists: {known})")
    if top is not None and _has_commit(top, release.commit):
        return release.commit, None
    from .version_store import package_dir_for

    return "", package_dir_for(version)


@contextlib.contextmanager
def materialize(spec: str | Path, repo: Path | None = None) -> Iterator[Path]:
    """Yield a directory holding version ``spec``: a directory, a release zip, or a git revision.

    A git revision is exported with ``git archive`` (tracked files only, as committed) into a temporary
    directory that is removed afterwards.
    """
    path = Path(spec)
    if path.is_dir():
        yield _package_root(path.resolve())
        return
    if path.is_file() and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="crd-diff-") as tmp:
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    if name.startswith("/") or ".." in Path(name).parts:
                        raise ValueError(f"{path}: unsafe member {name!r}")
                zf.extractall(tmp)
            yield _package_root(Path(tmp))
        return
    from .registry import is_version

    if is_version(str(spec)):
        commit, cached = _resolve_registered(str(spec), repo)
        if cached is not None:
            yield cached
            return
        spec = commit
    top = _git_toplevel(repo or Path.cwd())
    rev = subprocess.run(["git", "-C", str(top), "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"],
                         capture_output=True, text=True)
    if rev.returncode != 0:
        raise FileNotFoundError(f"{spec!r} is neither a directory, a zip archive, a registered version nor a git revision of {top}")
    archive = subprocess.run(["git", "-C", str(top), "archive", "--format=tar", rev.stdout.strip()],
                             capture_output=True, check=True)
    with tempfile.TemporaryDirectory(prefix="crd-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tf:
            if hasattr(tarfile, "data_filter"):  # Python >= 3.12 (and recent 3.10/3.11 patch releases)
                tf.extractall(tmp, filter="data")
            else:
                for member in tf.getmembers():
                    if member.name.startswith("/") or ".." in Path(member.name).parts:
                        raise ValueError(f"git archive of {spec}: unsafe member {member.name!r}")
                tf.extractall(tmp)
        yield _package_root(Path(tmp))


# --- comparing ----------------------------------------------------------------------------------------


def _pk(schema: dict[str, Any]) -> list[str]:
    pk = schema.get("primaryKey", [])
    return [pk] if isinstance(pk, str) else list(pk)


def _key(row: dict[str, str], pk: list[str]) -> str:
    return "|".join(row.get(k, "") for k in pk)


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
            from .pattern_order import pattern_loosened

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
        if _pk(old_schema) != _pk(new_schema):
            out.append(Change("major", table, f"{table}: primary key {_pk(old_schema)} -> {_pk(new_schema)}"))
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
        if old.package.get(key) != new.package.get(key):
            out.append(Change("patch", "package", f"package {key} changed"))
    return out


def compare_rows(old: Version, new: Version) -> tuple[list[TableDiff], list[Change], list[str]]:
    diffs, changes, unretired = [], [], []
    for table, new_schema in new.schemas.items():
        new_rows = new.rows.get(table, [])
        old_rows = old.rows.get(table, []) if table in old.schemas else []
        pk = _pk(new_schema)
        if table in old.schemas and _pk(old.schemas[table]) != pk:
            pk = [k for k in pk if k in _pk(old.schemas[table])] or _pk(old.schemas[table])
        old_by = {_key(r, pk): r for r in old_rows}
        new_by = {_key(r, pk): r for r in new_rows}
        d = TableDiff(table, old_rows=len(old_rows), new_rows=len(new_rows))
        d.added = sorted(k for k in new_by if k not in old_by)
        d.removed = sorted(k for k in old_by if k not in new_by)
        for key in sorted(k for k in new_by if k in old_by):
            a, b = old_by[key], new_by[key]
            cells = [CellChange(c, a[c], b[c]) for c in b if c in a and a[c] != b[c]]
            if cells:
                d.changed[key] = cells
                if b.get("notes"):
                    d.reasons[key] = b["notes"]
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
            d.removed = sorted(_key(r, _pk(old.schemas[table])) for r in old_rows)
            diffs.append(d)
    return diffs, changes, unretired


def check_added_in(new: Version, tables: list[TableDiff]) -> list[str]:
    """``added_in`` says which release first carried a row: new rows must carry the new version, and
    an existing row's ``added_in`` never changes."""
    out = []
    for d in tables:
        schema = new.schemas.get(d.table)
        if schema is None or "added_in" not in [f["name"] for f in schema["fields"]]:
            continue
        by_key = {_key(r, _pk(schema)): r for r in new.rows.get(d.table, [])}
        for key in d.added:
            value = by_key.get(key, {}).get("added_in")
            if value != new.version:
                out.append(f"{d.table} {key}: new row has added_in {value!r}, expected {new.version!r}")
        for key, cells in d.changed.items():
            for c in cells:
                if c.column == "added_in":
                    out.append(f"{d.table} {key}: added_in changed from {c.old!r} to {c.new!r}; it never changes")
    return out


def diff_versions(old: Version, new: Version) -> PackageDiff:
    result = PackageDiff(old.version, new.version)
    result.schema_changes = compare_schemas(old, new)
    result.tables, result.data_changes, result.unretired_ids = compare_rows(old, new)
    result.added_in_errors = check_added_in(new, result.tables)
    return result


def diff(old: str | Path, new: str | Path, repo: Path | None = None) -> PackageDiff:
    """Compare two versions given as directories, release zips or git revisions."""
    with materialize(old, repo) as a, materialize(new, repo) as b:
        return diff_versions(read_version(a, str(old)), read_version(b, str(new)))


# --- text output ----------------------------------------------------------------------------------------


def render_text(d: PackageDiff, max_cells: int = 200) -> str:
    lines = [f"{d.old_version} -> {d.new_version}: requires a {d.required_bump} bump (this is a {d.actual_bump} bump)"]
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
        lines += ["", "Corrections (the row's curator note gives the reason):", ""]
        for name, key, cells in corrections:
            cols = ", ".join(f"`{c['column']}` {c['old']!r} → {c['new']!r}" for c in cells if c["column"] != "notes")
            reasons = tables[name]["reasons"]
            reason = f" ({reasons[key]})" if key in reasons else ""
            lines.append(f"- `{name}` `{key}`: {cols or 'notes only'}{reason}")
    if record["schema_changes"]:
        lines += ["", "### Schema", ""]
        lines += [f"- {c['what']} ({c['level']})" for c in record["schema_changes"]]
    return "\n".join(lines)


# --- command line -----------------------------------------------------------------------------------------


def register(subparsers) -> None:
    p = subparsers.add_parser("diff", help="rows and schema changes between two versions, and the bump they require")
    p.add_argument("old", help="registered version (e.g. 1.0.0), directory, release .zip or git revision (e.g. HEAD~3)")
    p.add_argument("new", help="registered version, directory, release .zip or git revision (e.g. .)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--check", action="store_true", help="exit 1 when the version bump is too small or an ID vanished")
    p.add_argument("--repo", type=Path, help="git repository for revisions (default: the one around the cwd)")
    p.set_defaults(func=_cmd_diff)

    c = subparsers.add_parser("check-version", help="fail when the version was bumped less than the changes since OLD require")
    c.add_argument("old", help="the previous release: a registered version (e.g. 1.0.0), git revision, directory or .zip")
    c.add_argument("new", nargs="?", default=".", help="the candidate (default: the working tree, .)")
    c.add_argument("--json", action="store_true", help="machine-readable output")
    c.add_argument("--repo", type=Path, help="git repository for revisions (default: the one around the cwd)")
    c.set_defaults(func=_cmd_check, check=True)

    e = subparsers.add_parser("changelog-entry", help="print the CHANGELOG data section for the changes OLD -> NEW")
    e.add_argument("old", nargs="?", help="the previous release: a registered version (e.g. 1.0.0), git revision, directory or .zip")
    e.add_argument("new", nargs="?", default=".")
    e.add_argument("--repo", type=Path)
    e.add_argument("--from-json", type=Path, metavar="CHANGES_JSON",
                   help="print from a saved record (a release's changes.json, or `diff --json` output) instead of OLD NEW")
    e.set_defaults(func=_cmd_changelog)


def _cmd_diff(args) -> int:
    d = diff(args.old, args.new, args.repo)
    print(json.dumps(d.to_dict(), indent=2, ensure_ascii=False) if args.json else render_text(d))
    return 1 if args.check and d.problems() else 0


def _cmd_check(args) -> int:
    import sys

    d = diff(args.old, args.new, args.repo)
    problems = d.problems()
    if args.json:
        print(json.dumps({"ok": not problems, "required_bump": d.required_bump, "actual_bump": d.actual_bump,
                          "problems": problems}, indent=2))
    elif problems:
        for p in problems:
            print(f"error: {p}", file=sys.stderr)
    else:
        print(f"ok: {d.old_version} -> {d.new_version} is a {d.actual_bump} bump; the changes require {d.required_bump}")
    return 1 if problems else 0


def _cmd_changelog(args) -> int:
    if args.from_json is not None:
        print(changelog_section(json.loads(args.from_json.read_text(encoding="utf-8"))))
        return 0
    if args.old is None:
        import sys

        print("error: changelog-entry needs OLD (e.g. 1.0.0) or --from-json FILE", file=sys.stderr)
        return 2
    print(changelog_section(diff(args.old, args.new, args.repo)))
    return 0
