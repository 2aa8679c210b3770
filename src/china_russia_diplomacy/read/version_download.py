"""Getting a registered version's archive into the cache: from the ``CRD_RELEASES_URL`` mirror, the
registry's URLs (pooch, hash-checked, with connect and read timeouts) or a file the user names, and
nothing that differs from the registered SHA-256 is kept. Standard library at import time, pooch when
a download starts.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from pathlib import Path

from ..core.registry import Release, VersionError, sha256_file
from .version_cache import _archive_path, _cache_error, _prepare_cache, cache_dir

MIRROR_ENV = "CRD_RELEASES_URL"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")



def candidate_urls(release: Release) -> list[str]:
    """Where ``release`` is downloaded from, in order: the ``CRD_RELEASES_URL`` mirror, then the registry."""
    urls = []
    mirror = os.environ.get(MIRROR_ENV)
    if mirror:
        urls.append(f"{mirror.rstrip('/')}/{release.archive}")
    return urls + [u for u in release.urls if u not in urls]


# Seconds to wait for a mirror to accept the connection, and then for each read (between any two bytes):
# a mirror that accepts and never answers ends the download after READ_TIMEOUT, naming the URL.
CONNECT_TIMEOUT = 10
READ_TIMEOUT = 30


def _download(url: str, release: Release, target: Path) -> None:
    import pooch

    downloader = (pooch.HTTPDownloader(progressbar=False, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
                  if url.startswith(("http://", "https://")) else None)
    # pooch streams into a temporary file next to target and moves it into place only if the hash matches.
    pooch.retrieve(url, known_hash=f"sha256:{release.sha256}", fname=target.name, path=target.parent,
                   downloader=downloader, progressbar=False)


def _copy_local(source: Path, release: Release, target: Path) -> None:
    if not source.is_file():
        raise VersionError(f"--from {source}: no such file")
    digest = sha256_file(source)
    if digest != release.sha256:
        raise VersionError(f"{source} has SHA-256 {digest}, but releases.json registers {release.sha256} for "
                           f"{release.version}; it is not {release.archive} as published and was not used")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        os.close(fd)
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise _cache_error(exc) from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


def _obtain_archive(release: Release, source: str | None) -> Path:
    """The verified archive in the cache, downloaded or copied when not already there."""
    target = _archive_path(release)
    _prepare_cache(target.parent)
    if target.is_file():
        if source is None and sha256_file(target) == release.sha256:
            return target
        target.unlink()  # a tampered or superseded copy never stays in the cache
    if source is not None and source.startswith("file://"):
        from urllib.parse import urlparse
        from urllib.request import url2pathname

        source = url2pathname(urlparse(source).path)
    if source is not None and not _URL.match(source):
        _copy_local(Path(source), release, target)
        return target
    urls = [source] if source is not None else candidate_urls(release)
    if not urls:
        raise VersionError(
            f"cannot get {release.version}: nothing is cached in {cache_dir()}, releases.json lists no URL for it "
            f"and {MIRROR_ENV} is not set. Get {release.archive} (SHA-256 {release.sha256}), or rebuild it from "
            f"commit {release.commit} in a checkout of the repository with: python scripts/rebuild_release.py "
            f"{release.version} (RELEASING.md), then run: china-russia-diplomacy fetch {release.version} --from PATH_OR_URL")
    failures = []
    for url in urls:
        try:
            _download(url, release, target)
            return target
        except ValueError as exc:  # pooch: a hash mismatch, or a URL protocol it cannot download
            if "hash" in str(exc).lower():
                failures.append(f"{url}: the download's SHA-256 differs from releases.json (truncated or altered); discarded")
            else:
                failures.append(f"{url}: {exc}")
        except OSError as exc:  # requests' errors (connection refused, HTTP 404, a cut transfer) are OSErrors
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
                raise _cache_error(exc) from None  # the cache, not the mirror: trying other URLs will not help
            failures.append(f"{url}: {type(exc).__name__}: {exc}")
    if target.exists() and sha256_file(target) != release.sha256:
        target.unlink()
    raise VersionError(
        f"cannot get {release.version}: nothing is cached in {cache_dir()} and the download failed:\n  "
        + "\n  ".join(failures)
        + f"\nDownload {release.archive} yourself and run `china-russia-diplomacy fetch {release.version} --from PATH_OR_URL`"
        + ("" if source is not None else f", or set {MIRROR_ENV} to a mirror"))
