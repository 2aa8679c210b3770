"""Release zips checked before they are trusted: what ``package_dir=`` a zip, ``fetch --from`` and ``diff``
with a zip unpack.

A zip handed to the package is refused, with :class:`ArchiveError` naming the file (and the member), when

- it is not a zip or is cut short;
- a member would land outside the target: an absolute path, ``..``, a drive or backslash, a symlink;
- it holds no ``datapackage.json`` (at its top or one folder down), or one that is not a descriptor;
- its members declare more bytes than the descriptor accounts for (a zip bomb): each table file must
  declare exactly the bytes the descriptor gives it, and everything else together at most
  :data:`OTHER_FILES_LIMIT`;
- a member's content differs from the SHA-256 the zip's own ``datapackage.json`` gives it, or, for a
  registered version, from ``releases.json`` (a changed cell with the descriptor left as published).

Members are unpacked and hashed by streaming, a chunk at a time, never read whole, so memory stays
bounded whatever the zip holds; nothing is written outside the target directory, which is removed
again when the zip is refused. Standard library only.
"""

from __future__ import annotations

import hashlib
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from ..core.registry import Release, VersionError

CHUNK = 1 << 20
DESCRIPTOR_LIMIT = 32 << 20  # a datapackage.json is kilobytes; a larger one is not read
OTHER_FILES_LIMIT = 256 << 20  # README, articles, schemas, docs, history: megabytes in a real release


class ArchiveError(VersionError):
    """A release zip is damaged, unsafe or not what its descriptor and the registry say."""


def _unsafe(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return name.startswith("/") or ".." in parts or "\\" in name or ":" in name


def _is_link(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _open(archive: Path) -> zipfile.ZipFile:
    if not archive.is_file():
        raise ArchiveError(f"{archive}: no such release zip")
    try:
        return zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise ArchiveError(f"{archive}: not a zip file, or cut short ({exc}); get the archive again") from None
    except OSError as exc:
        raise ArchiveError(f"{archive}: cannot be read ({exc})") from None


def _descriptor(zf: zipfile.ZipFile, archive: Path) -> tuple[str, dict[str, Any]]:
    """The folder prefix the package sits in (``""`` or ``"name/"``) and its parsed descriptor."""
    candidates = [i for i in zf.infolist()
                  if i.filename.endswith("datapackage.json") and len(PurePosixPath(i.filename).parts) <= 2]
    if not candidates:
        raise ArchiveError(f"{archive}: holds no datapackage.json; not a release of this package")
    info = min(candidates, key=lambda i: len(i.filename))
    if info.file_size > DESCRIPTOR_LIMIT:
        raise ArchiveError(f"{archive}: its datapackage.json declares {info.file_size} bytes; refused")
    from ..core.descriptor_file import parse_descriptor
    from ..core.errors import UntrustedInputError

    try:
        with zf.open(info) as fh:
            data = fh.read(DESCRIPTOR_LIMIT + 1)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ArchiveError(f"{archive}: its datapackage.json cannot be read ({exc})") from None
    try:  # bounded, UTF-8 JSON, an object with resources: as a folder's descriptor
        descriptor = parse_descriptor(data, f"{archive}: {info.filename}")
    except UntrustedInputError as exc:
        raise ArchiveError(str(exc)) from None
    return info.filename[: -len("datapackage.json")], descriptor


def _declared(descriptor: dict[str, Any]) -> dict[str, tuple[int | None, str | None]]:
    """Package-relative path -> (bytes, sha256 hex) of every table file the descriptor lists."""
    out: dict[str, tuple[int | None, str | None]] = {}
    for res in descriptor["resources"]:
        for entry in (res, res.get("parquet")):
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                digest = entry.get("hash")
                digest = digest.split(":", 1)[1] if isinstance(digest, str) and digest.startswith("sha256:") else None
                size = entry.get("bytes") if isinstance(entry.get("bytes"), int) else None
                out[entry["path"]] = (size, digest)
    return out


def extract_verified(archive: str | Path, dest: str | Path, release: Release | None = None) -> Path:
    """Unpack ``archive`` into ``dest`` (created; removed again on refusal) after the checks of the module
    docstring; return the package root inside ``dest``. ``release``: the registered version the zip must
    be (its files' SHA-256 are checked too); by default looked up by the descriptor's version."""
    archive, dest = Path(archive), Path(dest)
    with _open(archive) as zf:
        infos = zf.infolist()
        for info in infos:
            if _unsafe(info.filename):
                raise ArchiveError(f"{archive}: member {info.filename!r} would be written outside the package; refused")
            if _is_link(info):
                raise ArchiveError(f"{archive}: member {info.filename!r} is a symbolic link; refused")
        prefix, descriptor = _descriptor(zf, archive)
        declared = _declared(descriptor)
        if release is None:
            release = _registered(descriptor.get("version"))
        registered = dict(release.files) if release is not None else {}
        other = 0
        for info in infos:
            rel = info.filename[len(prefix):] if info.filename.startswith(prefix) else None
            if rel in declared and declared[rel][0] is not None:
                if info.file_size != declared[rel][0]:
                    raise ArchiveError(f"{archive}: member {info.filename!r} declares {info.file_size} bytes, "
                                       f"datapackage.json {declared[rel][0]}; refused")
            else:
                other += info.file_size
        if other > OTHER_FILES_LIMIT:
            raise ArchiveError(f"{archive}: its members would inflate to {other} bytes beyond the tables the descriptor "
                               f"declares (limit {OTHER_FILES_LIMIT}); a zip bomb? refused")
        missing = sorted(set(declared) - {i.filename[len(prefix):] for i in infos})
        if missing:
            raise ArchiveError(f"{archive}: lacks {', '.join(missing[:3])}, which its datapackage.json lists")
        dest.mkdir(parents=True, exist_ok=True)
        try:
            for info in infos:
                _extract_member(zf, info, dest, archive, prefix, declared, registered)
        except BaseException:
            shutil.rmtree(dest, ignore_errors=True)
            raise
    return dest / prefix.rstrip("/") if prefix else dest


def _extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, archive: Path, prefix: str,
                    declared: dict[str, tuple[int | None, str | None]], registered: dict[str, str]) -> None:
    target = dest / info.filename
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    written = 0
    try:
        with zf.open(info) as src, open(target, "wb") as out:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                written += len(chunk)
                if written > info.file_size:
                    raise ArchiveError(f"{archive}: member {info.filename!r} inflates beyond its declared size; refused")
                digest.update(chunk)
                out.write(chunk)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
        raise ArchiveError(f"{archive}: member {info.filename!r} is damaged ({exc}); get the archive again") from None
    rel = info.filename[len(prefix):]
    hexdigest = digest.hexdigest()
    expected = declared.get(rel, (None, None))[1]
    if expected is not None and hexdigest != expected:
        raise ArchiveError(f"{archive}: {rel} differs from the SHA-256 its own datapackage.json gives; the zip was "
                           f"altered after it was built; refused")
    if rel in registered and hexdigest != registered[rel]:
        raise ArchiveError(f"{archive}: {rel} differs from the SHA-256 releases.json records for this version; "
                           f"it is not the published archive; refused")


def _registered(version: Any) -> Release | None:
    """The registry entry of ``version`` in the installed package's ``releases.json``, if any."""
    if not isinstance(version, str):
        return None
    from ..core.locate import installed_package_dir
    from ..core.registry import read_registry

    try:
        return read_registry(installed_package_dir()).get(version)
    except (OSError, VersionError):
        return None


def descriptor_bytes(archive: str | Path) -> bytes:
    """The bytes of the zip's own ``datapackage.json`` (at most :data:`DESCRIPTOR_LIMIT` + 1 of them)."""
    archive = Path(archive)
    with _open(archive) as zf:
        candidates = [i for i in zf.infolist()
                      if i.filename.endswith("datapackage.json") and len(PurePosixPath(i.filename).parts) <= 2]
        if not candidates:
            raise ArchiveError(f"{archive}: holds no datapackage.json; not a release of this package")
        try:
            with zf.open(min(candidates, key=lambda i: len(i.filename))) as fh:
                return fh.read(DESCRIPTOR_LIMIT + 1)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ArchiveError(f"{archive}: its datapackage.json cannot be read ({exc})") from None


def verify_unpacked(root: Path, descriptor_path: str = "datapackage.json", expected: bytes | None = None) -> list[str]:
    """Table files of an unpacked copy that differ from its descriptor (streamed hashes); [] when intact.
    ``expected``: the bytes the descriptor must have (the zip's own), so that a cached copy edited
    together with its descriptor is not vouched for by that edited descriptor."""
    from ..core.registry import sha256_file

    if expected is not None:
        try:
            if (root / descriptor_path).read_bytes() != expected:
                return [f"{descriptor_path} differs from the archive's"]
        except OSError:
            return [f"{descriptor_path} is missing or unreadable"]

    from ..core.descriptor_file import read_descriptor

    try:
        descriptor = read_descriptor(root / descriptor_path)
    except (OSError, ValueError):
        return [f"{descriptor_path} is missing or unreadable"]
    problems = []
    for rel, (_, digest) in _declared(descriptor).items():
        path = root / rel
        if not path.is_file():
            problems.append(f"{rel} is missing")
        elif digest is not None and sha256_file(path) != digest:
            problems.append(f"{rel} differs")
    return problems
