"""The history the package carries: every registered version rebuilt offline, byte for byte.

A paper cites 1.0.0; its reader has a later version installed and no network. The wheel and every
release archive carry ``history/<version>.json`` for each version in ``releases.json``: reverse line
patches (:mod:`china_russia_diplomacy.core.line_patch`) that turn the files of the next newer state
into that version's files. The newest registered version's patches apply to the package's current
data; each older version's to the version after it. So the chain runs

    current data --history/1.1.0.json--> 1.1.0 --history/1.0.0.json--> 1.0.0

A patch between two registered versions never changes once both are released; the patch from the
current data to the newest registered version is a generated file of ``build`` (stale-checked like the
others), so it follows every edit of the data. What a release adds is the lines that changed.

Each version's rebuilt files are its CSV tables, ``datapackage.json``, ``CITATION.cff`` (for
``cite(version=)``) and ``schemas/retired_ids.json`` (for ``diff`` and ``check-version``). Every CSV
and ``datapackage.json`` must have the SHA-256 ``releases.json`` records for that version, and every
file the SHA-256 its patch records; ``CITATION.cff``, which no registered hash fixes, must be exactly the
citation derived from the verified descriptor and the registered date (a patch rewritten together with
its own recorded hash cannot re-date a version); anything else is refused (:class:`HistoryError`),
never served.
The Parquet twins are rebuilt from the verified CSVs with that version's own schema, by the same
reader and writer ``build`` uses; when this machine's pyarrow writes other bytes than the registered
ones, the twin is kept as derived rather than refused, because its content is the verified CSV's. A
derived twin is never trusted on its own say-so (a hash written next to it could be edited with it): on
its first use in a process it is derived again from the CSV that ``releases.json`` fixes and must have
exactly those bytes (:func:`derived_parquet_sha256`). The archived articles are copied from the installed package when their
SHA-256 matches the version's ``sources`` table.

Rebuilding is reading: standard library and pyarrow only (no git, frictionless or pandera).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ..core.line_patch import PatchError, apply_patch
from ..core.registry import Registry, Release, VersionError, version_key

HISTORY_DIR = "history"
FORMAT = 1
# The files of a version the history rebuilds, besides its CSV tables.
EXTRA_FILES = ("datapackage.json", "CITATION.cff", "schemas/retired_ids.json")

Files = dict[str, bytes]


class HistoryError(VersionError):
    """A version cannot be rebuilt from the shipped history, or the rebuild differs from the registry."""


def history_path(package_dir: Path, version: str) -> Path:
    """``history/<version>.json`` of ``package_dir``, through the package's one path check (a link that
    leaves the package is refused, never followed)."""
    from ..core.files import package_path

    return package_path(package_dir, f"{HISTORY_DIR}/{version}.json", descriptor=Path(package_dir) / "releases.json",
                        resource=f"history of {version}")


def tracked_paths(descriptor: dict[str, Any], present: set[str]) -> list[str]:
    """The files of a version the history carries: every table's CSV and the extra files it has."""
    paths = {res["path"] for res in descriptor.get("resources", []) if isinstance(res.get("path"), str)}
    paths |= {p for p in EXTRA_FILES if p in present}
    return sorted(paths)


def current_files(package_dir: Path) -> Files:
    """The files of the package's current data the newest patch applies to.

    Any reason they cannot be read (a file missing, a link leaving the package, an unreadable
    descriptor) is a :class:`HistoryError`, like every other failure of the rebuild: the caller then
    tries the download and names both reasons, never blames the version cache for a missing data file."""
    from ..core.descriptor_file import read_descriptor
    from ..core.errors import UntrustedInputError
    from ..core.files import package_path

    package_dir = Path(package_dir)
    where = package_dir / "datapackage.json"
    try:
        descriptor = read_descriptor(package_path(package_dir, "datapackage.json", descriptor=where,
                                                  resource="datapackage.json"))
        present = {p for p in EXTRA_FILES if package_path(package_dir, p, descriptor=where, resource=p).is_file()}
        out: Files = {}
        for rel in tracked_paths(descriptor, present):
            path = package_path(package_dir, rel, descriptor=where, resource=rel)
            if not path.is_file():
                raise HistoryError(f"the installed data the history applies to has no {rel} ({path} is missing)")
            out[rel] = path.read_bytes()
    except UntrustedInputError as exc:
        raise HistoryError(str(exc)) from None
    except OSError as exc:
        raise HistoryError(f"cannot read the installed data the history applies to: {exc}") from None
    return out


def read_link(package_dir: Path, version: str) -> dict[str, Any]:
    """``version``'s history file, refused (:class:`HistoryError`, so that the download is tried) when it is
    missing, leaves the package, is no JSON or is no history file of that version."""
    from ..core.errors import UntrustedInputError

    try:
        path = history_path(package_dir, version)
    except UntrustedInputError as exc:
        raise HistoryError(str(exc)) from None
    try:
        link = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HistoryError(f"the package carries no history for {version} ({path} is missing)") from None
    except (OSError, ValueError) as exc:
        raise HistoryError(f"{path} is unreadable: {exc}") from None
    if link.get("format") != FORMAT or link.get("version") != version or not isinstance(link.get("files"), dict):
        raise HistoryError(f"{path} is not a history file of version {version} (format {FORMAT})")
    return link


def apply_link(base: Files, link: dict[str, Any]) -> Files:
    """The files of ``link``'s version from the files of the state after it."""
    version = link["version"]
    out: Files = {}
    for rel, patch in sorted(link["files"].items()):
        try:
            out[rel] = apply_patch(base.get(rel), patch, f"{version}: {rel}")
        except PatchError as exc:
            raise HistoryError(str(exc)) from None
    return out


def check_release(files: Files, release: Release) -> None:
    """Every CSV and ``datapackage.json`` the registry hashes for ``release`` is there, byte for byte."""
    from ..core.line_patch import sha256

    for rel, expected in sorted(release.files.items()):
        if rel.endswith(".parquet"):
            continue  # rebuilt from the CSV afterwards, see rebuild_version
        if rel not in files:
            raise HistoryError(f"the history of {release.version} does not rebuild {rel}")
        if sha256(files[rel]) != expected:
            raise HistoryError(f"the history of {release.version} rebuilds {rel} with SHA-256 {sha256(files[rel])}, "
                               f"releases.json records {expected}; refused")


def citation_problem(cff: bytes, descriptor: bytes, release: Release) -> str | None:
    """Why a ``CITATION.cff`` is not ``release``'s citation, or None. No registered hash fixes the file, so
    it must be exactly the citation derived from what the registry does fix (the verified descriptor and
    the registered date): an edited history or cache cannot re-date or re-title a version."""
    from ..core.citation import cff_text, registered_record

    expected = cff_text(registered_record(json.loads(descriptor), release.date)).encode("utf-8")
    if cff != expected:
        return (f"CITATION.cff of {release.version} differs from the citation its registered datapackage.json "
                f"and date in releases.json give")
    return None


def check_citation(files: Files, release: Release) -> None:
    """Refuse a rebuilt ``CITATION.cff`` that is not ``release``'s citation (see :func:`citation_problem`)."""
    if "CITATION.cff" in files:
        problem = citation_problem(files["CITATION.cff"], files["datapackage.json"], release)
        if problem:
            raise HistoryError(f"the history of {release.version} rebuilds a {problem}; refused")


def older_releases(registry: Registry, current_version: str) -> list[Release]:
    """The registered versions the history covers: those older than the current data's version (the
    current data is its own version; a link to itself would change with every registration)."""
    return [r for r in registry.releases if version_key(r.version) < version_key(current_version)]


def chain(package_dir: Path, registry: Registry, down_to: str, start: Files | None = None) -> dict[str, Files]:
    """Every registered version older than the current data, from the newest down to ``down_to``,
    rebuilt from the current data (or ``start``) and checked against the registry; ``{version: files}``."""
    package_dir = Path(package_dir)
    state = current_files(package_dir) if start is None else start
    current_version = json.loads(state["datapackage.json"]).get("version", "0.0.0")
    out: dict[str, Files] = {}
    for release in sorted(older_releases(registry, current_version), key=lambda r: version_key(r.version), reverse=True):
        if version_key(release.version) < version_key(down_to):
            break
        state = apply_link(state, read_link(package_dir, release.version))
        check_release(state, release)
        out[release.version] = state
    if down_to not in out:
        raise HistoryError(f"{down_to} is not a registered version")
    return out


def _csv_sha256s(sources_csv: bytes) -> dict[str, str]:
    rows = csv.DictReader(io.StringIO(sources_csv.decode("utf-8"), newline=""))
    return {r["file_name"]: r.get("sha256", "") for r in rows if r.get("file_name")}


def rebuild_version(package_dir: Path, registry: Registry, version: str, dest: Path) -> None:
    """Write ``version``'s package into ``dest`` (an empty directory): files from the history, Parquet
    twins typed from the verified CSVs, the articles from the installed package. Raises HistoryError."""
    import hashlib

    from ..core.convert import to_arrow
    from ..core.csvfile import read_raw
    from ..core.locate import safe_relative
    from ..core.metadata import metadata_from_descriptor
    from ..core.parquet_io import parquet_bytes

    release = registry.get(version)
    if release is None:
        raise HistoryError(f"{version} is not a registered version")
    files = chain(package_dir, registry, version)[version]
    dest = Path(dest)
    for rel, data in files.items():
        if not safe_relative(rel):
            raise HistoryError(f"the history of {version} names an unsafe path {rel!r}")
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_bytes(data)
    check_citation(files, release)
    meta = metadata_from_descriptor(json.loads(files["datapackage.json"]))
    descriptor_sha = hashlib.sha256(files["datapackage.json"]).hexdigest()
    for spec in meta.tables:
        raw, findings = read_raw(dest / spec.csv_path, spec)
        if raw is None or findings:
            raise HistoryError(f"{version}: {spec.csv_path} does not read as its schema says ({(findings or ['?'])[0]})")
        table, findings = to_arrow(raw, spec)
        if findings:
            raise HistoryError(f"{version}: {spec.csv_path} does not type as its schema says ({findings[0]})")
        data = parquet_bytes(table, spec)
        (dest / spec.parquet_path).write_bytes(data)
        # Derived in this process from the CSV the registry fixes: what a later check re-derives.
        csv_sha = hashlib.sha256(files[spec.csv_path]).hexdigest()
        _DERIVED[(descriptor_sha, spec.parquet_path, csv_sha)] = hashlib.sha256(data).hexdigest()
    # The articles the evidence offsets point into (shared by every version; checked by their SHA-256).
    sources_csv = files.get("data/sources.csv")
    if sources_csv is not None:
        from ..core.errors import UntrustedInputError
        from ..core.files import package_path

        for name, digest in _csv_sha256s(sources_csv).items():
            rel = f"sources/{name}"
            try:
                src = package_path(package_dir, rel, descriptor=Path(package_dir) / "data" / "sources.csv", resource=name)
            except UntrustedInputError:
                continue  # not copied: article() then says the article is missing
            if safe_relative(rel) and src.is_file():
                data = src.read_bytes()
                if hashlib.sha256(data).hexdigest() == digest:
                    (dest / "sources").mkdir(exist_ok=True)
                    (dest / rel).write_bytes(data)


_DERIVED: dict[tuple[str, str, str], str] = {}


def derived_parquet_sha256(root: Path, rel: str, registered: dict[str, str]) -> str | None:
    """SHA-256 of the Parquet twin ``rel`` as this machine derives it from ``root``'s CSV with ``root``'s own
    schema, or None when ``rel`` is not a twin of the descriptor or its CSV does not read. The caller has
    checked ``root``'s descriptor and CSVs against ``registered`` (the release's hashes in ``releases.json``),
    so the result is fixed by the registry; derived once per process for each registered pair."""
    import hashlib

    from ..core.convert import to_arrow
    from ..core.csvfile import read_raw
    from ..core.metadata import metadata_from_descriptor
    from ..core.parquet_io import parquet_bytes

    meta = metadata_from_descriptor(json.loads((Path(root) / "datapackage.json").read_bytes()))
    spec = next((t for t in meta.tables if t.parquet_path == rel), None)
    if spec is None or spec.csv_path not in registered or "datapackage.json" not in registered:
        return None
    key = (registered["datapackage.json"], rel, registered[spec.csv_path])
    if key not in _DERIVED:
        raw, findings = read_raw(Path(root) / spec.csv_path, spec)
        table, more = to_arrow(raw, spec) if raw is not None and not findings else (None, findings)
        if table is None or more:
            return None
        _DERIVED[key] = hashlib.sha256(parquet_bytes(table, spec)).hexdigest()
    return _DERIVED[key]


def carries(package_dir: Path, version: str) -> bool:
    """Whether the package ships history for ``version`` (it may still fail to rebuild it); a history
    file that is a link out of the package counts as none."""
    from ..core.errors import UntrustedInputError

    try:
        return history_path(package_dir, version).is_file()
    except UntrustedInputError:
        return False
