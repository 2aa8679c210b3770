"""Reading a version for comparison: a directory, a release zip, a registered version or a git revision.

A bare registered version (``1.0.0``) is resolved through ``releases.json``: to its commit when that
commit is in the git repository, else to the verified copy the read side's version store keeps (see
:mod:`china_russia_diplomacy.read.version_store`). A git revision is exported with ``git archive``.
Rows are read as raw CSV strings (the CSV is the master copy, and comparing strings does not depend
on either version's types being valid).
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ...core.errors import NotFoundError, UntrustedInputError, UsageError


@dataclass
class Version:
    """One version of the package as read for comparison: package metadata, schemas, raw rows."""

    label: str
    package: dict[str, Any]
    schemas: dict[str, dict[str, Any]]
    rows: dict[str, list[dict[str, str]]]
    retired: set[str]
    # The versions the copy's own releases.json lists (None: it has none, e.g. a tree older than the
    # registry): a new row's added_in must name one of them or the copy's own version.
    registered: set[str] | None = None

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
    from ...core.metadata import load_metadata

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
    from ...core.registry import read_registry, registry_path

    registered = set(read_registry(package_dir).versions) if registry_path(package_dir).is_file() else None
    return Version(label or str(package_dir), package, {t.name: t.schema for t in meta.tables}, rows, retired,
                   registered)


def _is_package(path: Path) -> bool:
    return (path / "schemas" / "package.json").is_file() or (path / "datapackage.json").is_file()


def _package_root(directory: Path) -> Path:
    """The directory holding the package: ``directory`` itself or its one sub-folder holding one (an
    unpacked archive). Several such sub-folders are ambiguous and refused, naming them, rather than
    the first being picked silently (``diff 1.0.0 ~/Downloads`` with two unpacked releases in it)."""
    if _is_package(directory):
        return directory
    found = sorted(p for p in directory.iterdir() if p.is_dir() and _is_package(p))
    if len(found) == 1:
        return found[0]
    if found:
        raise UsageError(f"{directory} holds several packages ({', '.join(p.name for p in found)}); "
                         "name the one to compare")
    raise NotFoundError(f"{directory}: no datapackage.json or schemas/package.json inside (nor in a sub-folder)")


def _looks_like_path(spec: str) -> bool:
    """A spec the user meant as a path (so "not found" is the message, not git's): a separator, a
    leading . or ~, or a .zip name."""
    return "/" in spec or "\\" in spec or spec.startswith((".", "~")) or spec.lower().endswith(".zip")


def _git_toplevel(start: Path) -> Path:
    out = subprocess.run(["git", "-C", str(start), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    if out.returncode != 0:
        raise NotFoundError(f"{start} is not inside a git repository: {out.stderr.strip()}")
    return Path(out.stdout.strip())


def _has_commit(top: Path, commit: str) -> bool:
    out = subprocess.run(["git", "-C", str(top), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True)
    return out.returncode == 0


def _resolve_registered(version: str, repo: Path | None) -> tuple[str, Path | None]:
    """A bare version number through the registry: ``(commit, None)`` when the git repository around
    ``repo`` (or the cwd) holds the registered commit, else ``("", cached package dir)``.

    The repository's own ``releases.json`` is used when there is one, else the installed package's.
    """
    from ...core.locate import installed_package_dir
    from ...core.registry import VersionError, read_registry, registry_path

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
    from ...read.version_store import package_dir_for

    return "", package_dir_for(version)


@contextlib.contextmanager
def materialize(spec: str | Path, repo: Path | None = None) -> Iterator[Path]:
    """Yield a directory holding version ``spec``: a directory, a release zip, or a git revision.

    A git revision is exported with ``git archive`` (tracked files only, as committed) into a temporary
    directory that is removed afterwards.
    """
    path = Path(spec)
    if str(spec) == ".":
        # "." is the package around the cwd (a checkout or a folder in it), else the installed package,
        # as for validate: `diff 1.0.0 .` from an empty folder compares with what pip installed.
        from ...core.locate import find_package_dir

        yield find_package_dir(None)
        return
    if path.is_dir():
        yield _package_root(path.resolve())
        return
    if path.is_file() and zipfile.is_zipfile(path):
        from ...read.archive_check import extract_verified

        with tempfile.TemporaryDirectory(prefix="crd-diff-") as tmp:
            extract_verified(path, Path(tmp) / "zip")  # checked before trusted: hashes, links, size (issue 15)
            yield _package_root(Path(tmp) / "zip")
        return
    from ...core.registry import is_version

    if is_version(str(spec)):
        commit, cached = _resolve_registered(str(spec), repo)
        if cached is not None:
            yield cached
            return
        spec = commit
    if path.is_file():
        raise UsageError(f"{spec}: a file that is not a zip archive; diff compares folders, release .zip files, "
                         "registered versions and git revisions")
    where = repo or Path.cwd()
    try:
        top: Path | None = _git_toplevel(where)
    except FileNotFoundError:
        top = None
    rev = subprocess.run(["git", "-C", str(top), "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"],
                         capture_output=True, text=True) if top is not None else None
    if rev is None or rev.returncode != 0:
        if _looks_like_path(str(spec)):
            raise NotFoundError(f"{spec}: no such file or directory")
        if top is None:
            raise NotFoundError(f"{spec!r} is neither a folder, a release .zip, a registered version nor a git revision "
                                f"({where} is not inside a git repository, so it cannot be a revision)")
        raise NotFoundError(f"{spec!r} is neither a folder, a release .zip, a registered version nor a git revision of {top}")
    archive = subprocess.run(["git", "-C", str(top), "archive", "--format=tar", rev.stdout.strip()],
                             capture_output=True, check=True)
    with tempfile.TemporaryDirectory(prefix="crd-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tf:
            if hasattr(tarfile, "data_filter"):  # Python >= 3.12 (and recent 3.10/3.11 patch releases)
                tf.extractall(tmp, filter="data")
            else:
                for member in tf.getmembers():
                    if member.name.startswith("/") or ".." in Path(member.name).parts:
                        raise UntrustedInputError(f"git archive of {spec}: unsafe member {member.name!r}")
                tf.extractall(tmp)
        yield _package_root(Path(tmp))
