"""Loading the version a paper cites: ``versions()``, ``fetch()`` and the local store of registered versions.

A researcher who cited 1.0.0 and has 1.1.0 installed loads both side by side:
``crd.load("events", version="1.0.0")``. The installed version is read where it is installed (no
network). Any other version listed in ``releases.json`` (see :mod:`china_russia_diplomacy.core.registry`) is downloaded once with
pooch, from ``$CRD_RELEASES_URL/<name>-<version>.zip`` when that variable names a mirror and then from
the registry's URLs, checked against the registry's SHA-256 (a download that differs or is truncated is
discarded before it reaches the cache), unpacked into the cache (``CRD_CACHE_DIR``, else the platform's
user cache directory) and used offline from then on. Each use re-hashes the cached table files against
the registry, so a cached copy edited later is never read as that version: it is removed and unpacked
again from the verified archive, or fetched again, or refused.

This module resolves a version and puts it in place (rebuilt from the shipped history, or unpacked
from a verified archive); :mod:`.version_cache` knows the cache and checks its entries against the
registry, :mod:`.version_download` gets archives. Everything is written to a temporary name in the same
directory and renamed into place, so a failure never leaves a half-written entry.

Imports only the standard library at load time (pooch and platformdirs when first needed): never
frictionless or pandera.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.locate import installed_package_dir
from ..core.registry import Registry, Release, VersionError, is_version, read_registry, sha256_file
# The cache and the downloads live in their own modules; their public names stay importable from here.
from .version_cache import (CACHE_ENV, _CACHE_REASONS, CacheError, _cache_error, _prepare_cache, _root, _version_dir,
                            cache_dir, integrity_problems)
from .version_download import MIRROR_ENV, _obtain_archive, candidate_urls

__all__ = ["CACHE_ENV", "MIRROR_ENV", "CacheError", "cache_dir", "candidate_urls", "fetch", "integrity_problems",
           "package_dir_for", "register", "registry", "unpacked_archive", "versions"]


def installed_version() -> str | None:
    """The version of the installed (or checked-out) package."""
    base = installed_package_dir()
    for rel in ("datapackage.json", "schemas/package.json"):
        if (base / rel).is_file():
            return json.loads((base / rel).read_text(encoding="utf-8")).get("version")
    return None


def registry() -> Registry:
    """The registry the installed package carries (``releases.json`` in the wheel or the checkout)."""
    return read_registry(installed_package_dir())


def normalise_version(version: object) -> str:
    """``version`` as the registry spells it: ``"v1.0.0"`` and ``" 1.0.0 "`` are ``"1.0.0"`` (a git tag is
    what people copy from a release page)."""
    text = str(version).strip()
    return text[1:] if text[:1] in ("v", "V") and is_version(text[1:]) else text


def _release(version: str) -> Release:
    reg = registry()
    found = reg.get(normalise_version(version))
    if found is None:
        from difflib import get_close_matches

        known = ", ".join(reg.versions) or "none"
        installed = installed_version()
        close = get_close_matches(normalise_version(version), reg.versions, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise VersionError(f"unknown version {version!r}{hint}: releases.json registers {known}"
                           + (f" (installed: {installed})" if installed else ""))
    return found


def is_cached(version: str) -> bool:
    release = registry().get(version)
    return release is not None and (_root(release) / "datapackage.json").is_file()


def available_from(release: Release, installed: bool, cached: bool) -> list[str]:
    """Where ``release`` can be had from on this machine, in the order loading tries them; ``[]`` when
    nowhere (the ``versions`` command then says how to rebuild it)."""
    from .history import carries

    where = ["installed"] if installed else []
    if cached:
        where.append("cache")
    if not installed and carries(installed_package_dir(), release.version):
        where.append("shipped history")
    where += candidate_urls(release)
    return where


def versions() -> list[dict[str, Any]]:
    """Every registered version, oldest first: its date, commit, archive name and SHA-256, the URLs it is
    published at, whether it is the ``installed`` one and whether it is ``cached`` locally. An installed
    version that is not registered yet (a checkout preparing the next release) is listed last with
    ``registered: False``."""
    installed = installed_version()
    out = []
    for r in registry().releases:
        cached = is_cached(r.version)
        out.append({"version": r.version, "date": r.date, "commit": r.commit, "archive": r.archive,
                    "sha256": r.sha256, "urls": list(r.urls), "registered": True,
                    "installed": r.version == installed, "cached": cached,
                    "available_from": available_from(r, r.version == installed, cached)})
    if installed and installed not in [v["version"] for v in out]:
        out.append({"version": installed, "date": None, "commit": None, "archive": None, "sha256": None, "urls": [],
                    "registered": False, "installed": True, "cached": False, "available_from": ["installed"]})
    return out


def package_dir_for(version: str) -> Path:
    """The directory holding ``version``: the installed package, else the verified cached copy (fetched
    on first use). Raises :class:`VersionError` with one message saying what went wrong."""
    version = normalise_version(version)
    if version == installed_version():
        return installed_package_dir()
    release = _release(version)
    root = _root(release)
    if (root / "datapackage.json").is_file():
        problems = integrity_problems(root, release)
        if not problems:
            return root
        shutil.rmtree(_version_dir(release), ignore_errors=True)
        try:
            return _obtain(release)
        except VersionError as exc:
            raise VersionError(f"the cached copy of {version} in {root} was changed after it was verified "
                               f"({'; '.join(problems[:3])}); it was removed and a fresh copy could not be "
                               f"fetched: {exc}") from None
    return _obtain(release)


def _obtain(release: Release) -> Path:
    """A verified copy of ``release`` in the cache: rebuilt from the history the installed package
    carries (offline, no download), else downloaded. A history that does not rebuild the registered
    bytes is refused and the download tried; when both fail the error gives both reasons."""
    from .history import HistoryError, carries

    if not carries(installed_package_dir(), release.version):
        return _install(release, None)
    try:
        return _install_from_history(release)
    except HistoryError as exc:
        try:
            return _install(release, None)
        except VersionError as download:
            raise VersionError(f"cannot rebuild {release.version} from the shipped history ({exc}), and {download}") from None


def _install_from_history(release: Release) -> Path:
    """Rebuild ``release`` from the shipped history into a temporary directory next to its cache entry,
    check it, then rename it into place (a concurrent process doing the same is harmless)."""
    from .history import rebuild_version

    final = _version_dir(release)
    _prepare_cache(final.parent)
    tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".history-{release.version}-"))
    try:
        rebuild_version(installed_package_dir(), registry(), release.version, tmp / _root(release).name)
        problems = integrity_problems(tmp / _root(release).name, release)
        if problems:
            from .history import HistoryError

            raise HistoryError(f"the copy of {release.version} rebuilt from the history fails its check: {'; '.join(problems[:3])}")
        done = _put_in_place(tmp, final, release)
        if done is not None:
            return done  # another process rebuilt the same version first
    except OSError as exc:
        raise _cache_error(exc) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return _root(release)


def _put_in_place(tmp: Path, final: Path, release: Release) -> Path | None:
    """Rename the verified copy in ``tmp`` to the cache entry ``final``; None when done, else the root of
    the intact copy another process put there first, which is kept (and ``tmp`` removed, as far as it
    can be: a leftover is no reason to fail). An intact copy is never removed to rename ours over it: a
    concurrent first load may be reading it (four processes loading one version at once failed with a
    file gone). The rename fails while ``final`` is a directory with files in it; only a copy that fails
    its check is removed first."""
    try:
        os.replace(tmp, final)
    except OSError:
        root = _root(release)
        if (root / "datapackage.json").is_file() and not integrity_problems(root, release):
            shutil.rmtree(tmp, ignore_errors=True)
            return root
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
    return None


def fetch(version: str, source: str | os.PathLike[str] | None = None) -> Path:
    """Download (or take from ``source``, a path or URL of the archive), verify and cache ``version``;
    return the unpacked package directory. Without ``source`` an intact cached copy is reused, and the
    installed version is the installed folder (nothing to fetch).

    Without ``source`` this is :func:`package_dir_for`: a cached copy changed after it was verified is
    removed and replaced, or refused naming what changed, as for ``load(version=...)`` (it is never left
    in place behind a "nothing is cached" message)."""
    if source is None:
        return package_dir_for(version)
    return _install(_release(normalise_version(version)), str(source))


# --- unpacking --------------------------------------------------------------------------------------------


def _package_root(directory: Path) -> Path:
    for candidate in (directory, *sorted(p for p in directory.iterdir() if p.is_dir())):
        if (candidate / "datapackage.json").is_file():
            return candidate
    raise VersionError(f"{directory}: the archive holds no datapackage.json")


def _install(release: Release, source: str | None) -> Path:
    archive = _obtain_archive(release, source)
    final = _version_dir(release)
    _prepare_cache(final.parent)
    try:
        tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".unpack-{release.version}-"))
    except OSError as exc:
        raise _cache_error(exc) from None
    try:
        from .archive_check import extract_verified

        extract_verified(archive, tmp, release)
        problems = integrity_problems(tmp / _root(release).name, release)
        if problems:
            raise VersionError(f"{archive} does not hold the files releases.json registers for {release.version}: "
                               + "; ".join(problems[:3]))
        done = _put_in_place(tmp, final, release)
        if done is not None:
            return done  # another process unpacked the same verified archive first
    except (VersionError, OSError, zipfile.BadZipFile) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        root = _root(release)
        if isinstance(exc, OSError) and (root / "datapackage.json").is_file() and not integrity_problems(root, release):
            return root  # another process unpacked the same verified archive first
        if isinstance(exc, OSError) and exc.errno in _CACHE_REASONS:
            raise _cache_error(exc) from None
        if not isinstance(exc, VersionError):
            raise VersionError(f"cannot unpack {archive}: {exc}") from None
        raise
    return _root(release)


@lru_cache(maxsize=16)
def _unpacked_zip(path: str, mtime_ns: int, size: int, cache: str) -> Path:
    """Unpack a zip handed to ``package_dir=`` once into the cache, keyed by its SHA-256, after every check
    of :mod:`.archive_check`; a copy already there is re-hashed against its descriptor (streamed)."""
    from .archive_check import ArchiveError, descriptor_bytes, extract_verified, verify_unpacked

    if not zipfile.is_zipfile(path):
        raise ArchiveError(f"{path}: not a zip file, or cut short; get the archive again")
    digest = sha256_file(path)
    dest = Path(cache) / "zips" / digest[:32]
    if dest.is_dir():
        # The cached copy is checked against the zip's own descriptor, never against the copy's (which
        # could be edited together with the files it hashes).
        try:
            root = _package_root(dest)
            if not verify_unpacked(root, expected=descriptor_bytes(path)):
                return root
        except VersionError:
            pass
    _prepare_cache(dest.parent)
    try:
        tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=".unpack-"))
    except OSError as exc:
        raise _cache_error(exc) from None
    try:
        root = extract_verified(Path(path), tmp)
        rel = root.relative_to(tmp)
        shutil.rmtree(dest, ignore_errors=True)
        try:
            os.replace(tmp, dest)
        except OSError:
            if dest.is_dir() and not verify_unpacked(dest / rel, expected=descriptor_bytes(path)):
                return dest / rel  # another process unpacked the same zip first
            raise
    except OSError as exc:
        raise _cache_error(exc) if exc.errno in _CACHE_REASONS else VersionError(f"cannot unpack {path}: {exc}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest / rel


def unpacked_archive(path: str | os.PathLike[str]) -> Path:
    """The package inside a release zip (``package_dir=`` a zip): unpacked once into the cache, keyed by
    the zip's SHA-256, and checked against the zip's own members each time a process first uses it."""
    p = Path(path).resolve()
    st = p.stat()
    return _unpacked_zip(str(p), st.st_mtime_ns, st.st_size, str(cache_dir()))


# --- command line ------------------------------------------------------------------------------------------


def register(subparsers) -> None:
    v = subparsers.add_parser("versions", help="list the registered versions and where each can be had from (installed, cache, URLs)",
                              description="List every registered version with its date and where it can be had from: "
                                          "installed, in the local cache, or the URLs its archive is downloaded from.")
    v.add_argument("--json", action="store_true", help="machine-readable output")
    v.set_defaults(func=_cmd_versions)

    f = subparsers.add_parser("fetch", help="download, verify and cache a registered version for offline use",
                              description="Download a registered version's archive (or take it from --from), check it "
                                          "against the SHA-256 in releases.json and cache it, so load(version=...) works offline.")
    f.add_argument("version", help="a registered version, e.g. 1.0.0")
    f.add_argument("--from", dest="source", metavar="PATH_OR_URL",
                   help="take the archive from this file or URL instead of the mirror/registry URLs")
    f.set_defaults(func=_cmd_fetch)


def _cmd_versions(args) -> int:
    rows = versions()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'version':<10} {'date':<11} {'commit':<15} available from")
    nowhere = []
    for r in rows:
        where = ", ".join(r["available_from"]) or "nowhere (no copy here, no URL)"
        if not r["available_from"]:
            nowhere.append(r["version"])
        print(f"{r['version']:<10} {r['date'] or '-':<11} {r['commit'][:12] if r['commit'] else 'not registered':<15} {where}")
    print(f"cache: {cache_dir()}")
    if nowhere:
        print(f"{', '.join(nowhere)}: not downloadable from anywhere yet; get the archive from someone who has it "
              f"(fetch VERSION --from FILE), set {MIRROR_ENV}, or rebuild it in a checkout with: "
              f"python scripts/rebuild_release.py VERSION")
    return 0


def _cmd_fetch(args) -> int:
    version = normalise_version(args.version)
    if not is_version(version):
        raise VersionError(f"{args.version!r} is not a version number MAJOR.MINOR.PATCH (e.g. 1.0.0)")
    root = fetch(version, args.source)
    if args.source is None and version == installed_version():
        print(f"{version}: the installed version, read from {root} (nothing to fetch)")
    else:
        print(f"{version}: verified and cached in {root}")
    return 0
