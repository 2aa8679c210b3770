"""Getting an archive into the cache (``read/version_download.py``), each way and each refusal alone
(issue 29): the mirror and the registry's URLs in order, a local file or file:// URL, a cached copy kept
or replaced, and every failure named. The "archive" is a few bytes with a registry entry stating their
SHA-256; downloads come from an ``http.server`` this file starts on 127.0.0.1."""

from __future__ import annotations

import errno
import hashlib
from pathlib import Path

import pytest
from release_history import ArchiveServer

from china_russia_diplomacy.core.registry import Release, VersionError
from china_russia_diplomacy.read import version_download
from china_russia_diplomacy.read.version_cache import CacheError
from china_russia_diplomacy.read.version_download import MIRROR_ENV, _copy_local, _obtain_archive, candidate_urls

DATA = b"PK pretend archive bytes"
NAME = "pkg-9.9.9.zip"


def _release(urls=(), data=DATA) -> Release:
    return Release("9.9.9", "2026-01-01", "c" * 40, NAME, len(data), hashlib.sha256(data).hexdigest(), {}, tuple(urls))


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("CRD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(MIRROR_ENV, raising=False)
    return tmp_path / "cache"


@pytest.fixture()
def www(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    (root / NAME).write_bytes(DATA)
    (root / "bad.zip").write_bytes(DATA + b"!")
    with ArchiveServer(root) as server:
        yield server


def test_the_mirror_comes_first_then_the_registry_s_urls_once_each(monkeypatch):
    release = _release(["https://a/x.zip", "http://m/pkg-9.9.9.zip"])
    monkeypatch.delenv(MIRROR_ENV, raising=False)
    assert candidate_urls(release) == ["https://a/x.zip", "http://m/pkg-9.9.9.zip"]
    monkeypatch.setenv(MIRROR_ENV, "http://m/")
    assert candidate_urls(release) == ["http://m/pkg-9.9.9.zip", "https://a/x.zip"]
    monkeypatch.setenv(MIRROR_ENV, "")
    assert candidate_urls(_release()) == []


def test_a_local_file_is_copied_when_its_hash_is_the_registered_one(cache, tmp_path):
    (tmp_path / "a.zip").write_bytes(DATA)
    target = _obtain_archive(_release(), str(tmp_path / "a.zip"))
    assert target == cache / "archives" / NAME and target.read_bytes() == DATA
    assert [p.name for p in target.parent.iterdir()] == [NAME]  # no partial file left


def test_a_file_url_is_a_local_file(cache, tmp_path):
    (tmp_path / "a.zip").write_bytes(DATA)
    assert _obtain_archive(_release(), (tmp_path / "a.zip").as_uri()).read_bytes() == DATA


def test_a_local_file_that_is_missing_or_another_file_is_refused_and_not_kept(cache, tmp_path):
    with pytest.raises(VersionError, match=rf"^--from {tmp_path / 'none.zip'}: no such file$"):
        _obtain_archive(_release(), str(tmp_path / "none.zip"))
    (tmp_path / "b.zip").write_bytes(DATA + b"!")
    digest = hashlib.sha256(DATA + b"!").hexdigest()
    with pytest.raises(VersionError) as exc:
        _copy_local(tmp_path / "b.zip", _release(), cache / "t.zip")
    assert str(exc.value) == (f"{tmp_path / 'b.zip'} has SHA-256 {digest}, but releases.json registers "
                              f"{_release().sha256} for 9.9.9; it is not {NAME} as published and was not used")
    assert not (cache / "t.zip").exists()


def test_a_copy_that_fails_on_the_disk_is_a_cache_error_and_leaves_no_partial_file(cache, tmp_path, monkeypatch):
    (tmp_path / "a.zip").write_bytes(DATA)
    (cache / "archives").mkdir(parents=True)

    def full(src, dst):
        Path(dst).write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(version_download.shutil, "copyfile", full)
    with pytest.raises(CacheError, match=r": the disk is full; set CRD_CACHE_DIR"):
        _copy_local(tmp_path / "a.zip", _release(), cache / "archives" / NAME)
    assert list((cache / "archives").iterdir()) == []


def test_a_verified_cached_archive_is_used_without_a_download(cache, monkeypatch):
    (cache / "archives").mkdir(parents=True)
    (cache / "archives" / NAME).write_bytes(DATA)
    monkeypatch.setattr(version_download, "_download", lambda *a: pytest.fail("downloaded although cached"))
    assert _obtain_archive(_release(), None) == cache / "archives" / NAME


def test_a_tampered_cached_archive_is_replaced_by_a_download(cache, www, monkeypatch):
    (cache / "archives").mkdir(parents=True)
    (cache / "archives" / NAME).write_bytes(b"tampered")
    monkeypatch.setenv(MIRROR_ENV, www.url)
    assert _obtain_archive(_release(), None).read_bytes() == DATA and www.requests == [f"/{NAME}"]


def test_a_named_source_replaces_even_a_good_cached_copy(cache, tmp_path):
    (cache / "archives").mkdir(parents=True)
    (cache / "archives" / NAME).write_bytes(DATA)
    (tmp_path / "b.zip").write_bytes(DATA + b"!")
    with pytest.raises(VersionError, match="was not used"):
        _obtain_archive(_release(), str(tmp_path / "b.zip"))
    assert not (cache / "archives" / NAME).exists()


def test_a_download_from_the_mirror(cache, www, monkeypatch):
    monkeypatch.setenv(MIRROR_ENV, www.url)
    assert _obtain_archive(_release(), None).read_bytes() == DATA


def test_a_failed_mirror_is_followed_by_the_registry_s_url(cache, www, monkeypatch):
    monkeypatch.setenv(MIRROR_ENV, f"{www.url}/missing")
    assert _obtain_archive(_release([f"{www.url}/{NAME}"]), None).read_bytes() == DATA
    assert www.requests == [f"/missing/{NAME}", f"/{NAME}"]


def test_no_url_anywhere_says_how_to_get_the_archive(cache):
    with pytest.raises(VersionError) as exc:
        _obtain_archive(_release(), None)
    assert str(exc.value) == (
        f"cannot get 9.9.9: nothing is cached in {cache}, releases.json lists no URL for it and {MIRROR_ENV} is not set. "
        f"Get {NAME} (SHA-256 {_release().sha256}), or rebuild it from commit {'c' * 40} in a checkout of the repository "
        f"with: python scripts/rebuild_release.py 9.9.9 (RELEASING.md), then run: china-russia-diplomacy fetch 9.9.9 "
        f"--from PATH_OR_URL")


def test_every_failed_url_is_named_and_nothing_is_kept(cache, www, monkeypatch):
    monkeypatch.setenv(MIRROR_ENV, f"{www.url}/missing")
    with pytest.raises(VersionError) as exc:
        _obtain_archive(_release([f"{www.url}/bad.zip"]), None)
    lines = str(exc.value).splitlines()
    assert lines[0] == f"cannot get 9.9.9: nothing is cached in {cache} and the download failed:"
    assert lines[1].startswith(f"  {www.url}/missing/{NAME}: HTTPError: 404")
    assert lines[2] == f"  {www.url}/bad.zip: the download's SHA-256 differs from releases.json (truncated or altered); discarded"
    assert lines[3] == (f"Download {NAME} yourself and run `china-russia-diplomacy fetch 9.9.9 --from PATH_OR_URL`, "
                        f"or set {MIRROR_ENV} to a mirror")
    assert not (cache / "archives" / NAME).exists()


def test_a_named_url_that_fails_does_not_suggest_a_mirror(cache, www):
    with pytest.raises(VersionError) as exc:
        _obtain_archive(_release(), f"{www.url}/bad.zip")
    assert str(exc.value).endswith("fetch 9.9.9 --from PATH_OR_URL`")


def test_a_url_of_a_protocol_pooch_cannot_download_is_named_with_pooch_s_reason(cache, monkeypatch):
    def refuse(url, release, target):
        raise ValueError("Unrecognized URL protocol 'gopher'")

    monkeypatch.setattr(version_download, "_download", refuse)
    with pytest.raises(VersionError, match=r"\n  gopher://x/a\.zip: Unrecognized URL protocol 'gopher'\n"):
        _obtain_archive(_release(), "gopher://x/a.zip")


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EROFS])
def test_a_full_or_read_only_cache_stops_at_once_as_a_cache_error(code, cache, monkeypatch):
    tried = []

    def full(url, release, target):
        tried.append(url)
        raise OSError(code, "x")

    monkeypatch.setattr(version_download, "_download", full)
    with pytest.raises(CacheError, match=r"^cannot use the version cache "):
        _obtain_archive(_release(["http://127.0.0.1:9/a.zip", "http://127.0.0.1:9/b.zip"]), None)
    assert tried == ["http://127.0.0.1:9/a.zip"]


def test_a_partial_download_left_with_other_bytes_is_removed(cache, monkeypatch):
    def partial(url, release, target):
        target.write_bytes(b"half")
        raise OSError(errno.ECONNRESET, "reset")

    monkeypatch.setattr(version_download, "_download", partial)
    with pytest.raises(VersionError, match=r"\n  http://127\.0\.0\.1:9/a\.zip: ConnectionResetError: \[Errno 104\] reset\n"):
        _obtain_archive(_release(["http://127.0.0.1:9/a.zip"]), None)
    assert not (cache / "archives" / NAME).exists()


def test_the_timeouts_are_those_the_module_states():
    assert (version_download.CONNECT_TIMEOUT, version_download.READ_TIMEOUT) == (10, 30)


def test_a_download_prints_no_progress_bar(cache, www, monkeypatch, capfd):
    monkeypatch.setenv(MIRROR_ENV, www.url)
    _obtain_archive(_release(), None)
    err = capfd.readouterr().err  # pooch logs the one line "Downloading data from ..."; a bar redraws with \r and %
    assert "\r" not in err and "%" not in err


def test_a_mirror_that_accepts_and_never_answers_ends_after_the_read_timeout_naming_it(cache, monkeypatch):
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    accepted, stop = [], threading.Event()

    def silent():
        conn, _ = listener.accept()
        accepted.append(conn)
        stop.wait(20)  # never answers; bounded so the thread always ends

    thread = threading.Thread(target=silent, daemon=True)
    thread.start()
    monkeypatch.setattr(version_download, "READ_TIMEOUT", 0.5)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/{NAME}"
    try:
        with pytest.raises(VersionError, match=rf"\n  {url}: ReadTimeout: "):
            _obtain_archive(_release([url]), None)
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()
