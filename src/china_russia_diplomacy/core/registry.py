"""``releases.json``: the registry of published versions, the one place that says which versions exist.

A git tag is not part of a clone's files and can be missing, moved or never pushed; the registry is
committed with the data, shipped in every wheel (``_package/releases.json``) and in every release
archive, so any copy of the package knows, offline, which versions were published and how to check
them. Each entry records:

- ``version`` and ``date`` (the date of the version's CHANGELOG entry);
- ``commit``: the full git commit the archive was built from; ``release`` run on that commit
  rebuilds the archive byte for byte;
- ``archive``: the file name, size in bytes and SHA-256 of ``<name>-<version>.zip``;
- ``files``: the SHA-256 of every table file inside it (CSV and Parquet) and of ``datapackage.json``,
  so that an unpacked copy in a cache can be checked without the zip;
- ``urls``: where the archive is published. Empty until it really is; a URL is never guessed.

The chicken and egg: an entry holds the archive's hash, so it can only be written after the archive
is built. ``release`` therefore builds the archive from the committed tree first and then adds the
entry; the archive of version X carries the registry of the versions *before* X (entries for X and
later are left out of the copy it ships), so rebuilding X from its commit, or from any later commit
with the same data, gives the same bytes. Commit ``releases.json`` after ``release``.

This module reads and writes the registry with the standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CRDError, UntrustedInputError, UsageError

REGISTRY_FILE = "releases.json"
SEMVER = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")
DESCRIPTION = (
    "Published versions of the china-russia-diplomacy data package (see registry.py). "
    "Written by `china-russia-diplomacy release`; commit it after each release. "
    "urls stay empty until the archive is really published there."
)


class VersionError(CRDError, RuntimeError):
    """A version cannot be resolved, fetched or trusted; the message says which, and the way out."""

    exit_code = 1


def version_key(version: str) -> tuple[int, int, int]:
    """Sort key of a MAJOR.MINOR.PATCH version (a registry holds only plain semantic versions)."""
    if not SEMVER.match(version):
        raise UsageError(f"{version!r} is not a version MAJOR.MINOR.PATCH")
    major, minor, patch = version.split(".")
    return int(major), int(minor), int(patch)


def is_version(text: str) -> bool:
    """True for a bare version number such as ``1.0.0`` (not a tag ``v1.0.0``, a path or a revision)."""
    return bool(SEMVER.match(str(text)))


@dataclass(frozen=True)
class Release:
    """One published version as the registry records it."""

    version: str
    date: str
    commit: str
    archive: str
    size: int
    sha256: str
    files: dict[str, str]
    urls: tuple[str, ...] = ()
    # The version DOI its deposit minted (publish/zenodo.py writes it back after publishing); "" until then.
    doi: str = ""

    @classmethod
    def from_dict(cls, entry: dict[str, Any]) -> Release:
        archive = entry["archive"]
        return cls(entry["version"], entry["date"], entry["commit"], archive["name"], int(archive["size"]),
                   archive["sha256"], dict(entry["files"]), tuple(entry.get("urls", [])), str(entry.get("doi", "")))

    def to_dict(self) -> dict[str, Any]:
        out = {
            "version": self.version,
            "date": self.date,
            "commit": self.commit,
            "archive": {"name": self.archive, "size": self.size, "sha256": self.sha256},
            "files": dict(sorted(self.files.items())),
            "urls": list(self.urls),
        }
        if self.doi:  # written only once minted: registries (and archives) without DOIs keep their bytes
            out["doi"] = self.doi
        return out


@dataclass
class Registry:
    """All registered versions, oldest first."""

    releases: list[Release] = field(default_factory=list)

    @property
    def versions(self) -> list[str]:
        return [r.version for r in self.releases]

    def get(self, version: str) -> Release | None:
        return next((r for r in self.releases if r.version == version), None)

    def previous(self, version: str) -> Release | None:
        """The latest registered version older than ``version`` (what ``version`` is diffed against)."""
        older = [r for r in self.releases if version_key(r.version) < version_key(version)]
        return older[-1] if older else None

    def before(self, version: str) -> Registry:
        """The registry as it stood before ``version`` was released: what the archive of ``version`` ships."""
        return Registry([r for r in self.releases if version_key(r.version) < version_key(version)])

    def with_release(self, release: Release) -> Registry:
        others = [r for r in self.releases if r.version != release.version]
        return Registry(sorted([*others, release], key=lambda r: version_key(r.version)))

    def to_bytes(self) -> bytes:
        data = {"description": DESCRIPTION, "releases": [r.to_dict() for r in self.releases]}
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def registry_path(package_dir: str | Path) -> Path:
    return Path(package_dir) / REGISTRY_FILE


def parse_registry(text: str, where: str = REGISTRY_FILE) -> Registry:
    try:
        data = json.loads(text)
        releases = [Release.from_dict(e) for e in data.get("releases", [])]
        for r in releases:
            version_key(r.version)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise VersionError(f"{where}: not a valid release registry ({exc})") from None
    return Registry(sorted(releases, key=lambda r: version_key(r.version)))


def read_registry(package_dir: str | Path) -> Registry:
    """The registry of a package directory; an empty one when it has no ``releases.json`` (a tree older
    than the registry, such as the 1.0.0 commit)."""
    path = registry_path(package_dir)
    if not path.is_file():
        return Registry()
    return parse_registry(path.read_text(encoding="utf-8"), str(path))


def write_registry(package_dir: str | Path, registry: Registry) -> Path:
    """Write ``releases.json`` atomically (a crash never leaves half a registry)."""
    path = registry_path(package_dir)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(registry.to_bytes())
    os.replace(tmp, path)
    return path


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def checked_files(descriptor: dict[str, Any]) -> list[str]:
    """Package-relative paths the registry hashes: ``datapackage.json`` and every table's CSV and Parquet."""
    out = ["datapackage.json"]
    for res in descriptor.get("resources", []):
        out.append(res["path"])
        if isinstance(res.get("parquet"), dict):
            out.append(res["parquet"]["path"])
    return sorted(out)


def release_from_archive(archive: str | Path, *, version: str, date: str, commit: str,
                         urls: tuple[str, ...] = ()) -> Release:
    """The registry entry of a built release archive: its size and hash, and the hash of each table file
    inside it (read from the zip, so the entry describes exactly what was published)."""
    archive = Path(archive)
    with zipfile.ZipFile(archive) as zf:
        prefix = zf.namelist()[0].split("/", 1)[0]
        descriptor = json.loads(zf.read(f"{prefix}/datapackage.json"))
        if descriptor.get("version") != version:
            raise UntrustedInputError(f"{archive.name} holds version {descriptor.get('version')}, not {version}")
        files = {rel: hashlib.sha256(zf.read(f"{prefix}/{rel}")).hexdigest() for rel in checked_files(descriptor)}
    return Release(version, date, commit, archive.name, archive.stat().st_size, sha256_file(archive), files, tuple(urls))
