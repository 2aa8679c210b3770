"""The local store of registered versions: where it is, what a usable one is, and whether an entry in it
is still what ``releases.json`` registers.

Cache layout: ``archives/<name>-<version>.zip`` (the verified download), ``versions/<version>/<name>-<version>/``
(the unpacked or rebuilt package) and ``zips/<sha256>/`` (zips handed to ``package_dir=``). An entry is
never trusted on what it says about itself: every table file is re-hashed against the registry (once
per file and process), and a Parquet twin that a rebuild derived is derived again from the verified CSV.
Standard library only at import time.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ..core.registry import Release, VersionError

CACHE_ENV = "CRD_CACHE_DIR"
APP_NAME = "china-russia-diplomacy"


def cache_dir() -> Path:
    """Where fetched versions are kept: ``$CRD_CACHE_DIR``, else the platform's user cache directory."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


class CacheError(VersionError):
    """The version cache cannot be used: not a directory, not writable, or the disk is full."""


_CACHE_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EACCES: "it is not writable",
    errno.EPERM: "it is not writable",
    errno.EROFS: "it is on a read-only file system",
    errno.ENOTDIR: "a part of its path is a file, not a directory",
    errno.EEXIST: "it is a file, not a directory",
}


def _cache_error(exc: OSError) -> CacheError:
    """One message naming the cache, the reason and the way out (never a bare errno)."""
    reason = _CACHE_REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    where = cache_dir()
    setting = f"{CACHE_ENV}={os.environ[CACHE_ENV]}" if os.environ.get(CACHE_ENV) else f"the default cache ({CACHE_ENV} is not set)"
    return CacheError(f"cannot use the version cache {where} ({setting}): {reason}; set {CACHE_ENV} to a writable "
                      f"directory with free space, or free space there")


def _prepare_cache(directory: Path) -> None:
    """Create ``directory`` in the cache, or raise :class:`CacheError` saying why it cannot be used."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cache_error(exc) from None
    if not directory.is_dir():
        raise _cache_error(FileExistsError(errno.EEXIST, "not a directory", str(directory)))
    if not os.access(directory, os.W_OK):
        raise _cache_error(PermissionError(errno.EACCES, "not writable", str(directory)))


def _archive_path(release: Release) -> Path:
    return cache_dir() / "archives" / release.archive


def _version_dir(release: Release) -> Path:
    return cache_dir() / "versions" / release.version


def _root(release: Release) -> Path:
    return _version_dir(release) / release.archive.removesuffix(".zip")


def integrity_problems(root: Path, release: Release) -> list[str]:
    """Files of an unpacked copy that are missing or differ from the registry's SHA-256 (empty: intact).

    A copy rebuilt from the shipped history may hold Parquet twins this machine's pyarrow wrote with other
    bytes than the registered ones. Such a twin is accepted only when it has exactly the bytes derived
    again, in this process, from the CSV and the descriptor the registry fixes: never on a hash the cache
    keeps about itself, which could be edited together with the file."""
    from .folder_check import file_sha256
    from .history import derived_parquet_sha256

    out, twins = [], []
    for rel, expected in sorted(release.files.items()):
        path = root / rel
        if not path.is_file() or path.is_symlink():
            out.append(f"{rel} is missing" if not path.is_symlink() else f"{rel} is a symbolic link")
        elif file_sha256(path) != expected:
            if rel.endswith(".parquet"):
                twins.append(rel)
            else:
                out.append(f"{rel} differs from the SHA-256 in releases.json")
    if out:
        return out  # a twin is only re-derived from a verified CSV and descriptor
    citation = root / "CITATION.cff"
    if citation.is_file() or citation.is_symlink():
        from .history import citation_problem

        problem = ("CITATION.cff is a symbolic link" if citation.is_symlink() else
                   citation_problem(citation.read_bytes(), (root / "datapackage.json").read_bytes(), release))
        if problem:
            out.append(problem)
    for rel in twins:
        derived = derived_parquet_sha256(root, rel, release.files)
        if derived is None or file_sha256(root / rel) != derived:
            out.append(f"{rel} differs from the SHA-256 in releases.json and from the twin its verified CSV derives")
    return out
