"""The version cache's own checks alone (issue 29): where it is, why it cannot be used, and whether an entry
is still what ``releases.json`` registers (``read/version_cache.py``), each refusal with its exact words.

No download, no archive: the "cached entry" is a copy of the installed package's tables and the "release"
a registry entry written from their hashes, so each test changes exactly one thing and sees one finding.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from china_russia_diplomacy.core.registry import Release
from china_russia_diplomacy.read import version_cache
from china_russia_diplomacy.read.version_cache import CACHE_ENV, CacheError, cache_dir, integrity_problems

REPO = Path(__file__).resolve().parents[2]
DATE = "2026-01-01"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def entry(tmp_path) -> tuple[Path, Release]:
    """An unpacked copy of the installed tables (CSV, Parquet, descriptor, its citation) and a release
    whose registered hashes are exactly theirs."""
    from china_russia_diplomacy.core.citation import cff_text, registered_record

    root = tmp_path / "versions" / "9.9.9" / "pkg-9.9.9"
    (root / "data").mkdir(parents=True)
    shutil.copy(REPO / "datapackage.json", root / "datapackage.json")
    descriptor = json.loads((root / "datapackage.json").read_bytes())
    files = {"datapackage.json": _sha(root / "datapackage.json")}
    for res in descriptor["resources"]:
        for rel in (res["path"], res["parquet"]["path"]):
            shutil.copy(REPO / rel, root / rel)
            files[rel] = _sha(root / rel)
    (root / "CITATION.cff").write_text(cff_text(registered_record(descriptor, DATE)), encoding="utf-8")
    return root, Release("9.9.9", DATE, "0" * 40, "pkg-9.9.9.zip", 1, "0" * 64, files)


def _touch(path: Path, data: bytes) -> None:
    """Write ``data`` with a new mtime (the per-process hash memo keys on size and mtime)."""
    path.write_bytes(data)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


# --- integrity_problems ---------------------------------------------------------------------------------


def test_an_intact_entry_has_no_problem(entry):
    root, release = entry
    assert integrity_problems(root, release) == []


def test_a_missing_table_file_is_named(entry):
    root, release = entry
    (root / "data" / "events.csv").unlink()
    assert integrity_problems(root, release) == ["data/events.csv is missing"]


def test_a_symbolic_link_is_refused_even_to_the_right_bytes(entry, tmp_path):
    root, release = entry
    target = tmp_path / "elsewhere.csv"
    shutil.copy(root / "data" / "events.csv", target)
    (root / "data" / "events.csv").unlink()
    (root / "data" / "events.csv").symlink_to(target)
    assert integrity_problems(root, release) == ["data/events.csv is a symbolic link"]


def test_a_changed_csv_differs_from_the_registry(entry):
    root, release = entry
    path = root / "data" / "events.csv"
    _touch(path, path.read_bytes().replace(b"evt-", b"evx-", 1))
    assert integrity_problems(root, release) == ["data/events.csv differs from the SHA-256 in releases.json"]


def test_every_problem_of_the_tables_is_listed_in_order(entry):
    root, release = entry
    (root / "datapackage.json").unlink()
    (root / "data" / "quotes.csv").unlink()
    assert integrity_problems(root, release) == ["data/quotes.csv is missing", "datapackage.json is missing"]


def test_a_parquet_twin_another_pyarrow_wrote_is_accepted_when_its_verified_csv_derives_it(entry):
    """The registry records other Parquet bytes (another machine's writer); this machine's twin, derived again
    from the verified CSV and descriptor, is accepted."""
    root, release = entry
    release.files["data/events.parquet"] = "0" * 64
    assert integrity_problems(root, release) == []


def test_a_parquet_twin_that_neither_the_registry_nor_its_csv_gives_is_refused(entry):
    root, release = entry
    release.files["data/events.parquet"] = "0" * 64
    shutil.copy(root / "data" / "quotes.parquet", root / "data" / "events.parquet")
    assert integrity_problems(root, release) == [
        "data/events.parquet differs from the SHA-256 in releases.json and from the twin its verified CSV derives"]


def test_a_changed_twin_is_not_re_derived_while_a_table_is_wrong(entry):
    """Only a verified CSV and descriptor may vouch for a twin: with a CSV wrong, the twin is not judged."""
    root, release = entry
    release.files["data/events.parquet"] = "0" * 64
    shutil.copy(root / "data" / "quotes.parquet", root / "data" / "events.parquet")
    (root / "data" / "quotes.csv").unlink()
    assert integrity_problems(root, release) == ["data/quotes.csv is missing"]


def test_a_twin_that_is_not_one_of_the_descriptor_s_is_refused(entry):
    root, release = entry
    shutil.copy(root / "data" / "events.parquet", root / "data" / "extra.parquet")
    release.files["data/extra.parquet"] = "0" * 64
    assert integrity_problems(root, release) == [
        "data/extra.parquet differs from the SHA-256 in releases.json and from the twin its verified CSV derives"]


def test_a_citation_that_is_not_the_registered_one_is_refused(entry):
    root, release = entry
    path = root / "CITATION.cff"
    path.write_bytes(path.read_bytes().replace(DATE.encode(), b"1999-01-01"))
    assert integrity_problems(root, release) == [
        "CITATION.cff of 9.9.9 differs from the citation its registered datapackage.json and date in releases.json give"]


def test_a_citation_that_is_a_symbolic_link_is_refused(entry, tmp_path):
    root, release = entry
    shutil.copy(root / "CITATION.cff", tmp_path / "c.cff")
    (root / "CITATION.cff").unlink()
    (root / "CITATION.cff").symlink_to(tmp_path / "c.cff")
    assert integrity_problems(root, release) == ["CITATION.cff is a symbolic link"]
    (root / "CITATION.cff").unlink()
    (root / "CITATION.cff").symlink_to(tmp_path / "missing.cff")  # a dangling link is one too
    assert integrity_problems(root, release) == ["CITATION.cff is a symbolic link"]


def test_an_entry_without_a_citation_is_judged_on_its_tables(entry):
    root, release = entry
    (root / "CITATION.cff").unlink()
    assert integrity_problems(root, release) == []


# --- where the cache is, and why it cannot be used ---------------------------------------------------------------


def test_the_cache_is_the_env_setting_else_the_platform_s_user_cache(monkeypatch, tmp_path):
    import platformdirs

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    monkeypatch.setenv(CACHE_ENV, "")
    assert cache_dir() == Path(platformdirs.user_cache_dir("china-russia-diplomacy", appauthor=False))
    monkeypatch.delenv(CACHE_ENV)
    assert cache_dir() == Path(platformdirs.user_cache_dir("china-russia-diplomacy", appauthor=False))


def test_the_layout_of_an_entry(monkeypatch, tmp_path, entry):
    _, release = entry
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "c"))
    assert version_cache._archive_path(release) == tmp_path / "c" / "archives" / "pkg-9.9.9.zip"
    assert version_cache._version_dir(release) == tmp_path / "c" / "versions" / "9.9.9"
    assert version_cache._root(release) == tmp_path / "c" / "versions" / "9.9.9" / "pkg-9.9.9"


def test_a_cache_that_is_a_file_is_refused_naming_it_and_the_setting(monkeypatch, tmp_path):
    cache = tmp_path / "c"
    cache.write_text("x")
    monkeypatch.setenv(CACHE_ENV, str(cache))
    with pytest.raises(CacheError) as exc:
        version_cache._prepare_cache(cache)
    assert str(exc.value) == (f"cannot use the version cache {cache} ({CACHE_ENV}={cache}): it is a file, not a directory; "
                              f"set {CACHE_ENV} to a writable directory with free space, or free space there")


def test_a_cache_under_a_file_is_refused_as_a_path_through_a_file(monkeypatch, tmp_path):
    (tmp_path / "f").write_text("x")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "f" / "c"))
    with pytest.raises(CacheError, match=r": a part of its path is a file, not a directory; set CRD_CACHE_DIR"):
        version_cache._prepare_cache(tmp_path / "f" / "c" / "versions")


def test_a_cache_that_is_not_writable_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(version_cache.os, "access", lambda path, mode: False)  # as root every directory is writable
    with pytest.raises(CacheError, match=r": it is not writable; set CRD_CACHE_DIR to a writable directory"):
        version_cache._prepare_cache(tmp_path / "versions")
    assert (tmp_path / "versions").is_dir()


def test_a_usable_cache_folder_is_created(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    version_cache._prepare_cache(tmp_path / "a" / "b")
    assert (tmp_path / "a" / "b").is_dir()


@pytest.mark.parametrize("code, reason", [(errno.ENOSPC, "the disk is full"), (errno.EDQUOT, "the disk quota is exhausted"),
                                          (errno.EACCES, "it is not writable"), (errno.EPERM, "it is not writable"),
                                          (errno.EROFS, "it is on a read-only file system")])
def test_each_os_error_of_the_cache_gets_its_reason(code, reason, monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    assert str(version_cache._cache_error(OSError(code, "x"))) == (
        f"cannot use the version cache {tmp_path} ({CACHE_ENV}={tmp_path}): {reason}; set {CACHE_ENV} to a writable "
        f"directory with free space, or free space there")


def test_an_unlisted_os_error_gives_its_own_words_and_the_default_cache_is_named(monkeypatch):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    message = str(version_cache._cache_error(OSError(errno.EIO, "Input/output error")))
    assert message.startswith(f"cannot use the version cache {cache_dir()} (the default cache ({CACHE_ENV} is not set)): "
                              f"Input/output error; ")
    assert ": OSError; " in str(version_cache._cache_error(OSError()))


def test_a_cache_folder_that_exists_already_is_used(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    version_cache._prepare_cache(tmp_path / "versions")
    version_cache._prepare_cache(tmp_path / "versions")  # the second use of the cache
    assert (tmp_path / "versions").is_dir()
