"""The version store's own checks alone (issue 29): resolving a version, reusing or refusing a cached copy,
rebuilding it from the shipped history, unpacking a verified archive and a zip handed to ``package_dir=``
(``read/version_store.py``), each refusal with its exact words.

No git history, no network: the "installed package" is a folder holding a descriptor of version 1.0.0, the
registry is one release 9.9.9 written from the hashes of a small zip this file builds, and the archive gets
into the cache with ``fetch --from`` (a local file) or by being put there, so each test changes exactly one
thing. The slow end-to-end tests on the real archives are in test_versions.py.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from china_russia_diplomacy.core.registry import Registry, Release, VersionError
from china_russia_diplomacy.read import history, version_store
from china_russia_diplomacy.read.archive_check import ArchiveError
from china_russia_diplomacy.read.version_cache import CacheError

VERSION = "9.9.9"
TABLES = {"data/a.csv": b"x\n1\n", "data/a.parquet": b"PAR1 a PAR1", "data/b.csv": b"y\n2\n", "data/b.parquet": b"PAR1 b PAR1"}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _descriptor(version: str = VERSION) -> bytes:
    resources = []
    for name in ("a", "b"):
        csv, parquet = f"data/{name}.csv", f"data/{name}.parquet"
        resources.append({"name": name, "path": csv, "bytes": len(TABLES[csv]), "hash": f"sha256:{_sha(TABLES[csv])}",
                          "schema": {"fields": [{"name": "x"}]},
                          "parquet": {"path": parquet, "bytes": len(TABLES[parquet]), "hash": f"sha256:{_sha(TABLES[parquet])}"}})
    return json.dumps({"name": "t", "version": version, "resources": resources}).encode()


FILES = {"datapackage.json": _descriptor(), **TABLES}


def _write_zip(path: Path, members: dict[str, bytes] = FILES, prefix: str = f"pkg-{VERSION}/") -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(prefix + name, data)
    return path


def _release(archive: Path, urls: tuple[str, ...] = (), extra: dict[str, str] | None = None) -> Release:
    data = archive.read_bytes()
    files = {rel: _sha(data) for rel, data in FILES.items()} | (extra or {})
    return Release(VERSION, "2026-01-01", "c" * 40, f"pkg-{VERSION}.zip", len(data), _sha(data), files, urls)


class Store:
    """The fixture's world: the installed folder, the cache, the archive and its release."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp, self.mp = tmp_path, monkeypatch
        self.installed = tmp_path / "installed"
        self.installed.mkdir()
        (self.installed / "datapackage.json").write_text(json.dumps({"version": "1.0.0"}), encoding="utf-8")
        self.cache = tmp_path / "cache"
        monkeypatch.setenv("CRD_CACHE_DIR", str(self.cache))
        monkeypatch.delenv("CRD_RELEASES_URL", raising=False)
        monkeypatch.setattr(version_store, "installed_package_dir", lambda: self.installed)
        self.archive = _write_zip(tmp_path / f"pkg-{VERSION}.zip")
        self.set_release(_release(self.archive))
        version_store._unpacked_zip.cache_clear()

    def set_release(self, *releases: Release) -> None:
        self.release = releases[0] if releases else None
        reg = Registry(list(releases))
        self.mp.setattr(version_store, "registry", lambda: reg)

    @property
    def version_dir(self) -> Path:
        return self.cache / "versions" / VERSION

    @property
    def root(self) -> Path:
        return self.version_dir / f"pkg-{VERSION}"

    def cache_archive(self) -> None:
        """Put the verified archive where a download would have left it."""
        (self.cache / "archives").mkdir(parents=True, exist_ok=True)
        (self.cache / "archives" / f"pkg-{VERSION}.zip").write_bytes(self.archive.read_bytes())

    def unpack(self) -> Path:
        """An intact cached copy (fetched from the local archive)."""
        return version_store.fetch(VERSION, self.archive)

    def no_download(self) -> None:
        """Any attempt to get the archive fails the test (the cached copy must be used as it is)."""
        def refuse(*args, **kwargs):
            raise AssertionError("the archive was fetched")
        self.mp.setattr(version_store, "_obtain_archive", refuse)

    def carries_history(self, rebuild) -> None:
        self.mp.setattr(history, "carries", lambda package_dir, version: True)
        self.mp.setattr(history, "rebuild_version", rebuild)


@pytest.fixture()
def store(tmp_path, monkeypatch) -> Store:
    return Store(tmp_path, monkeypatch)


def _no_leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def _cannot_get(store: Store) -> str:
    r = store.release
    return (f"cannot get {VERSION}: nothing is cached in {store.cache}, releases.json lists no URL for it and "
            f"CRD_RELEASES_URL is not set. Get {r.archive} (SHA-256 {r.sha256}), or rebuild it from commit {r.commit} "
            f"in a checkout of the repository with: python scripts/rebuild_release.py {VERSION} (RELEASING.md), then "
            f"run: china-russia-diplomacy fetch {VERSION} --from PATH_OR_URL")


def _good_rebuild(package_dir, registry, version, dest: Path) -> None:
    for rel, data in FILES.items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_bytes(data)


# --- the installed version and version spelling ------------------------------------------------------------


def test_the_installed_version_is_read_from_the_descriptor(store):
    assert version_store.installed_version() == "1.0.0"


def test_a_checkout_without_a_built_descriptor_takes_the_schema_s_version(store):
    (store.installed / "datapackage.json").unlink()
    (store.installed / "schemas").mkdir()
    (store.installed / "schemas" / "package.json").write_text(json.dumps({"version": "2.0.0"}), encoding="utf-8")
    assert version_store.installed_version() == "2.0.0"


def test_a_folder_without_any_descriptor_has_no_installed_version(store):
    (store.installed / "datapackage.json").unlink()
    assert version_store.installed_version() is None


@pytest.mark.parametrize("given, spelled", [("v1.0.0", "1.0.0"), ("V1.0.0", "1.0.0"), (" 1.0.0 ", "1.0.0"),
                                            ("1.0.0", "1.0.0"), ("v1.0", "v1.0"), ("version", "version"), ("", "")])
def test_a_tag_loses_its_v_only_when_a_version_follows(given, spelled):
    assert version_store.normalise_version(given) == spelled


# --- unknown versions ------------------------------------------------------------------------------------------


def test_an_unknown_version_close_to_a_registered_one_gets_a_hint(store):
    with pytest.raises(VersionError) as info:
        version_store.package_dir_for("9.9.8")
    assert str(info.value) == "unknown version '9.9.8' (did you mean '9.9.9'?): releases.json registers 9.9.9 (installed: 1.0.0)"


def test_an_unknown_version_unlike_any_registered_gets_no_hint(store):
    with pytest.raises(VersionError) as info:
        version_store.fetch("2.0.0")
    assert str(info.value) == "unknown version '2.0.0': releases.json registers 9.9.9 (installed: 1.0.0)"


def test_an_empty_registry_registers_none_and_a_folder_without_version_says_no_installed(store):
    store.set_release()
    (store.installed / "datapackage.json").unlink()
    with pytest.raises(VersionError) as info:
        version_store.package_dir_for("9.9.9")
    assert str(info.value) == "unknown version '9.9.9': releases.json registers none"


# --- versions() and where each can be had from ---------------------------------------------------------------


def test_versions_lists_a_registered_version_not_here_and_the_unregistered_installed_one(store):
    store.set_release(_release(store.archive, urls=("https://example.org/a.zip",)))
    r = store.release
    assert version_store.versions() == [
        {"version": VERSION, "date": r.date, "commit": r.commit, "archive": r.archive, "sha256": r.sha256,
         "urls": ["https://example.org/a.zip"], "registered": True, "installed": False, "cached": False,
         "available_from": ["https://example.org/a.zip"]},
        {"version": "1.0.0", "date": None, "commit": None, "archive": None, "sha256": None, "urls": [],
         "registered": False, "installed": True, "cached": False, "available_from": ["installed"]}]


def test_a_cached_version_is_available_from_the_cache_and_the_history_it_is_shipped_in(store, monkeypatch):
    store.unpack()
    monkeypatch.setattr(history, "carries", lambda package_dir, version: version == VERSION)
    monkeypatch.setenv("CRD_RELEASES_URL", "https://mirror.example/")
    row = version_store.versions()[0]
    assert (row["cached"], row["available_from"]) == (True, ["cache", "shipped history", f"https://mirror.example/pkg-{VERSION}.zip"])


def test_the_installed_registered_version_is_listed_once_and_not_as_shipped_history(store, monkeypatch):
    (store.installed / "datapackage.json").write_text(json.dumps({"version": VERSION}), encoding="utf-8")
    monkeypatch.setattr(history, "carries", lambda package_dir, version: True)
    rows = version_store.versions()
    assert [(r["version"], r["installed"], r["available_from"]) for r in rows] == [(VERSION, True, ["installed"])]


def test_is_cached_is_false_for_an_unregistered_version_and_a_folder_without_descriptor(store):
    store.unpack()
    assert (version_store.is_cached(VERSION), version_store.is_cached("1.0.0")) == (True, False)
    (store.root / "datapackage.json").unlink()
    assert version_store.is_cached(VERSION) is False


# --- package_dir_for: the installed folder, a cached copy, a tampered one ------------------------------------


@pytest.mark.parametrize("spelling", ["1.0.0", "v1.0.0"])
def test_the_installed_version_is_the_installed_folder_in_any_spelling(store, spelling):
    store.no_download()
    assert version_store.package_dir_for(spelling) == store.installed


def test_an_intact_cached_copy_is_used_without_fetching(store):
    root = store.unpack()
    store.no_download()
    assert version_store.package_dir_for(VERSION) == root == store.root


def test_a_cached_copy_edited_later_is_replaced_from_the_verified_archive(store):
    store.unpack()
    (store.root / "data" / "a.csv").write_bytes(b"x\n666\n")
    assert version_store.package_dir_for(VERSION) == store.root
    assert (store.root / "data" / "a.csv").read_bytes() == TABLES["data/a.csv"]


def test_a_cached_copy_edited_later_with_no_archive_to_get_again_is_refused_and_removed(store):
    store.unpack()
    (store.cache / "archives" / f"pkg-{VERSION}.zip").unlink()
    (store.root / "data" / "a.csv").write_bytes(b"x\n666\n")
    with pytest.raises(VersionError) as info:
        version_store.package_dir_for(VERSION)
    assert str(info.value) == (
        f"the cached copy of {VERSION} in {store.root} was changed after it was verified (data/a.csv differs from "
        f"the SHA-256 in releases.json); it was removed and a fresh copy could not be fetched: {_cannot_get(store)}")
    assert not store.version_dir.exists()


def test_the_refusal_of_a_tampered_copy_names_at_most_three_problems(store):
    store.unpack()
    (store.cache / "archives" / f"pkg-{VERSION}.zip").unlink()
    for rel in TABLES:
        (store.root / rel).unlink()
    with pytest.raises(VersionError) as info:
        version_store.package_dir_for(VERSION)
    assert ("(data/a.csv is missing; data/a.parquet is missing; data/b.csv is missing); it was removed"
            in str(info.value))


def test_a_tampered_copy_another_process_removed_first_is_fetched_again_not_an_os_error(store, monkeypatch):
    """Two processes find the same edited copy; the other one removes it between this one's check and its
    removal, which must not fail on the folder being gone."""
    store.unpack()
    (store.root / "data" / "a.csv").write_bytes(b"x\n666\n")
    real = version_store.integrity_problems
    calls = []

    def check_then_lose_the_race(root, release):
        problems = real(root, release)
        if not calls:
            shutil.rmtree(store.version_dir)
        calls.append(root)
        return problems
    monkeypatch.setattr(version_store, "integrity_problems", check_then_lose_the_race)
    assert version_store.package_dir_for(VERSION) == store.root
    assert (store.root / "data" / "a.csv").read_bytes() == TABLES["data/a.csv"]


def test_a_version_not_cached_is_fetched_on_first_use(store):
    store.cache_archive()
    assert version_store.package_dir_for(VERSION) == store.root
    assert (store.root / "data" / "b.csv").read_bytes() == TABLES["data/b.csv"]


def test_a_version_not_cached_and_not_obtainable_says_how_to_get_it(store):
    with pytest.raises(VersionError) as info:
        version_store.package_dir_for(VERSION)
    assert str(info.value) == _cannot_get(store)


# --- fetch ---------------------------------------------------------------------------------------------------


def test_fetch_of_the_installed_version_is_the_installed_folder(store):
    store.no_download()
    assert version_store.fetch("v1.0.0") == store.installed


def test_fetch_of_the_installed_version_from_an_archive_looks_it_up_in_the_registry(store):
    with pytest.raises(VersionError, match=r"^unknown version '1.0.0': releases.json registers 9.9.9"):
        version_store.fetch("1.0.0", store.archive)


def test_fetch_reuses_an_intact_cached_copy(store):
    store.unpack()
    store.no_download()
    assert version_store.fetch(VERSION) == store.root


def test_fetch_replaces_a_cached_copy_edited_later(store):
    store.unpack()
    (store.root / "data" / "b.parquet").unlink()
    assert version_store.fetch(VERSION) == store.root
    assert (store.root / "data" / "b.parquet").read_bytes() == TABLES["data/b.parquet"]


def test_fetch_without_source_and_nothing_cached_says_how_to_get_it(store):
    with pytest.raises(VersionError) as info:
        version_store.fetch(VERSION)
    assert str(info.value) == _cannot_get(store)


def test_fetch_from_a_source_checks_it_even_when_an_intact_copy_is_cached(store):
    store.unpack()
    other = _write_zip(store.tmp / "other.zip", {**FILES, "data/a.csv": b"x\n9\n"})
    with pytest.raises(VersionError) as info:
        version_store.fetch(VERSION, other)
    assert str(info.value) == (f"{other} has SHA-256 {_sha(other.read_bytes())}, but releases.json registers "
                               f"{store.release.sha256} for {VERSION}; it is not pkg-{VERSION}.zip as published and was not used")


def test_fetch_from_a_source_unpacks_every_file_and_leaves_no_temporary_folder(store):
    assert store.unpack() == store.root
    assert {rel: (store.root / rel).read_bytes() for rel in FILES} == FILES
    assert _no_leftovers(store.cache / "versions") == []


# --- the shipped history ------------------------------------------------------------------------------------


def test_a_version_the_history_carries_is_rebuilt_offline(store):
    store.carries_history(_good_rebuild)
    store.no_download()
    assert version_store.package_dir_for(VERSION) == store.root
    assert {rel: (store.root / rel).read_bytes() for rel in FILES} == FILES
    assert _no_leftovers(store.cache / "versions") == []


def test_a_rebuild_replaces_a_stale_entry_folder(store):
    store.carries_history(_good_rebuild)
    store.no_download()
    (store.version_dir / "stale").mkdir(parents=True)
    assert version_store._install_from_history(store.release) == store.root
    assert sorted(p.name for p in store.version_dir.iterdir()) == [f"pkg-{VERSION}"]


def test_a_rebuild_that_differs_from_the_registry_is_refused_and_leaves_nothing(store):
    def bad(package_dir, registry, version, dest):
        _good_rebuild(package_dir, registry, version, dest)
        (dest / "data" / "b.csv").write_bytes(b"y\n3\n")
    store.carries_history(bad)
    with pytest.raises(history.HistoryError) as info:
        version_store._install_from_history(store.release)
    assert str(info.value) == (f"the copy of {VERSION} rebuilt from the history fails its check: "
                               f"data/b.csv differs from the SHA-256 in releases.json")
    assert sorted(store.version_dir.parent.iterdir()) == []


def test_a_rebuild_refusal_names_at_most_three_problems(store):
    store.carries_history(lambda package_dir, registry, version, dest: dest.mkdir())
    with pytest.raises(history.HistoryError) as info:
        version_store._install_from_history(store.release)
    assert str(info.value).endswith("fails its check: data/a.csv is missing; data/a.parquet is missing; data/b.csv is missing")


def test_a_wrong_rebuild_falls_back_to_the_download(store):
    def bad(package_dir, registry, version, dest):
        raise history.HistoryError("no such commit")
    store.carries_history(bad)
    store.cache_archive()
    assert version_store.package_dir_for(VERSION) == store.root


def test_a_wrong_rebuild_and_a_failed_download_give_both_reasons(store):
    def bad(package_dir, registry, version, dest):
        raise history.HistoryError("no such commit")
    store.carries_history(bad)
    with pytest.raises(VersionError) as info:
        version_store.fetch(VERSION)
    assert str(info.value) == f"cannot rebuild {VERSION} from the shipped history (no such commit), and {_cannot_get(store)}"


def test_an_os_error_while_rebuilding_is_a_cache_error(store):
    def full(package_dir, registry, version, dest):
        raise OSError(errno.ENOSPC, "No space left on device")
    store.carries_history(full)
    with pytest.raises(CacheError, match=r"\): the disk is full; set CRD_CACHE_DIR"):
        version_store._install_from_history(store.release)
    assert _no_leftovers(store.version_dir.parent) == []


def test_a_rebuild_another_process_put_in_place_first_is_used(store, monkeypatch):
    store.carries_history(_good_rebuild)
    real = os.replace

    def lose_the_race(src, dst):
        os.makedirs(store.root)
        for rel, data in FILES.items():
            (store.root / rel).parent.mkdir(parents=True, exist_ok=True)
            (store.root / rel).write_bytes(data)
        monkeypatch.setattr(os, "replace", real)
        raise OSError(errno.ENOTEMPTY, "Directory not empty")
    monkeypatch.setattr(os, "replace", lose_the_race)
    assert version_store._install_from_history(store.release) == store.root
    assert _no_leftovers(store.version_dir.parent) == []


def _put_intact_copy(store: Store) -> int:
    """Another process's verified copy put in place; the inode of its descriptor (to tell it from ours)."""
    for rel, data in FILES.items():
        (store.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (store.root / rel).write_bytes(data)
    return (store.root / "datapackage.json").stat().st_ino


def test_a_rebuild_finishing_after_another_process_s_keeps_its_copy_for_its_reader(store):
    """Regression: the rebuild removed the entry another process had just put in place and renamed its own
    over it, so that process's first load (reading the entry it had returned) failed with a missing file
    (test_history.py's four concurrent first loads, now and then)."""
    theirs = []

    def rebuild_while_another_process_finishes(package_dir, registry, version, dest):
        _good_rebuild(package_dir, registry, version, dest)
        theirs.append(_put_intact_copy(store))
    store.carries_history(rebuild_while_another_process_finishes)
    assert version_store._install_from_history(store.release) == store.root
    assert (store.root / "datapackage.json").stat().st_ino == theirs[0]
    assert _no_leftovers(store.version_dir.parent) == []


def test_an_unpack_finishing_after_another_process_s_keeps_its_copy_for_its_reader(store, monkeypatch):
    from china_russia_diplomacy.read import archive_check

    real, theirs = archive_check.extract_verified, []

    def unpack_while_another_process_finishes(archive, dest, release=None):
        root = real(archive, dest, release)
        theirs.append(_put_intact_copy(store))
        return root
    monkeypatch.setattr(archive_check, "extract_verified", unpack_while_another_process_finishes)
    assert store.unpack() == store.root
    assert (store.root / "datapackage.json").stat().st_ino == theirs[0]
    assert _no_leftovers(store.version_dir.parent) == []


def test_a_leftover_that_cannot_be_removed_does_not_fail_a_rebuild_another_process_s_copy_serves(store, monkeypatch):
    """Removing this process's own unrenamed rebuild is best effort: the intact copy in place is used, never
    a cache error for a leftover."""
    def rebuild_while_another_process_finishes(package_dir, registry, version, dest):
        _good_rebuild(package_dir, registry, version, dest)
        _put_intact_copy(store)

    def rmtree(path, ignore_errors=False, **kwargs):
        if not ignore_errors:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
    store.carries_history(rebuild_while_another_process_finishes)
    monkeypatch.setattr(shutil, "rmtree", rmtree)
    assert version_store._install_from_history(store.release) == store.root


def test_an_unpack_failing_for_a_disk_reason_uses_the_copy_another_process_put_in_place(store, monkeypatch):
    """An OSError while unpacking (the disk filled up) with another process's verified copy already in
    place: that copy is used, not a cache error."""
    from china_russia_diplomacy.read import archive_check

    def fill_the_disk_after_another_process_finished(archive, dest, release=None):
        _put_intact_copy(store)
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(archive_check, "extract_verified", fill_the_disk_after_another_process_finished)
    assert store.unpack() == store.root
    assert _no_leftovers(store.version_dir.parent) == []


def test_an_unpack_failing_for_a_disk_reason_with_a_tampered_copy_in_place_is_a_cache_error(store, monkeypatch):
    from china_russia_diplomacy.read import archive_check

    def fill_the_disk(archive, dest, release=None):
        _put_intact_copy(store)
        (store.root / "data" / "a.csv").write_bytes(b"tampered")
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(archive_check, "extract_verified", fill_the_disk)
    with pytest.raises(CacheError, match=r"\): the disk is full; set CRD_CACHE_DIR"):
        store.unpack()


def test_a_failed_rename_of_a_rebuild_with_no_copy_in_place_is_a_cache_error(store, monkeypatch):
    store.carries_history(_good_rebuild)

    def fail(src, dst):
        raise OSError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(CacheError, match=r"\): it is not writable; set CRD_CACHE_DIR"):
        version_store._install_from_history(store.release)


def test_a_failed_rename_of_a_rebuild_with_a_tampered_copy_in_place_is_a_cache_error(store, monkeypatch):
    store.carries_history(_good_rebuild)

    def fail(src, dst):
        store.root.mkdir(parents=True)
        (store.root / "datapackage.json").write_bytes(FILES["datapackage.json"])
        raise OSError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(CacheError, match=r"\): it is not writable; set CRD_CACHE_DIR"):
        version_store._install_from_history(store.release)


# --- unpacking a registered archive -------------------------------------------------------------------------


def test_an_archive_without_a_registered_file_is_refused_and_leaves_no_entry(store):
    store.set_release(_release(store.archive, extra={"extra.txt": "0" * 64}))
    with pytest.raises(VersionError) as info:
        store.unpack()
    assert str(info.value) == (f"{store.cache / 'archives' / f'pkg-{VERSION}.zip'} does not hold the files releases.json "
                               f"registers for {VERSION}: extra.txt is missing")
    assert sorted(store.version_dir.parent.iterdir()) == []


def test_the_refusal_of_an_archive_names_at_most_three_missing_files(store):
    store.set_release(_release(store.archive, extra={f"extra{i}.txt": "0" * 64 for i in range(4)}))
    with pytest.raises(VersionError) as info:
        store.unpack()
    assert str(info.value).endswith(": extra0.txt is missing; extra1.txt is missing; extra2.txt is missing")


def test_an_archive_that_fails_its_own_checks_is_refused_with_their_words(store):
    bad = _write_zip(store.tmp / "bad.zip", {**FILES, "data/a.csv": b"x\n9\n"})
    store.set_release(_release(bad))
    with pytest.raises(ArchiveError, match=r"data/a.csv differs from the SHA-256 its own datapackage.json gives"):
        version_store.fetch(VERSION, bad)
    assert sorted(store.version_dir.parent.iterdir()) == []


def test_a_package_folder_is_the_archive_s_top_or_its_first_subfolder_with_a_descriptor(tmp_path):
    (tmp_path / "top").mkdir()
    (tmp_path / "top" / "datapackage.json").write_text("{}")
    assert version_store._package_root(tmp_path / "top") == tmp_path / "top"
    for name in ("b", "a", "c"):
        (tmp_path / "sub" / name).mkdir(parents=True)
    (tmp_path / "sub" / "0.txt").write_text("")
    for name in ("b", "c"):
        (tmp_path / "sub" / name / "datapackage.json").write_text("{}")
    assert version_store._package_root(tmp_path / "sub") == tmp_path / "sub" / "b"


def test_a_folder_without_a_descriptor_is_not_a_package(tmp_path):
    (tmp_path / "d" / "e").mkdir(parents=True)
    with pytest.raises(VersionError) as info:
        version_store._package_root(tmp_path / "d")
    assert str(info.value) == f"{tmp_path / 'd'}: the archive holds no datapackage.json"


def test_a_cache_that_cannot_make_a_temporary_folder_is_a_cache_error(store, monkeypatch):
    store.cache_archive()

    def fail(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")
    monkeypatch.setattr(version_store.tempfile, "mkdtemp", fail)
    with pytest.raises(CacheError, match=r"\): it is on a read-only file system; set"):
        version_store.fetch(VERSION)


def test_an_archive_another_process_unpacked_first_is_used(store, monkeypatch):
    store.unpack()
    (store.root / "data" / "a.csv").write_bytes(b"tampered")
    real = os.replace

    def lose_the_race(src, dst):
        monkeypatch.setattr(os, "replace", real)
        real(src, dst)  # the other process's verified copy
        raise OSError(errno.EEXIST, "File exists")
    monkeypatch.setattr(os, "replace", lose_the_race)
    assert version_store.fetch(VERSION) == store.root
    assert _no_leftovers(store.version_dir.parent) == []


def test_a_failed_rename_of_an_archive_for_a_cache_reason_is_a_cache_error(store, monkeypatch):
    store.cache_archive()

    def fail(src, dst):
        raise OSError(errno.EDQUOT, "Disk quota exceeded")
    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(CacheError, match=r"\): the disk quota is exhausted; set"):
        version_store.fetch(VERSION)
    assert _no_leftovers(store.version_dir.parent) == []


def test_a_failed_rename_of_an_archive_for_another_reason_says_it_cannot_unpack(store, monkeypatch):
    store.cache_archive()

    def fail(src, dst):
        raise OSError(errno.EBUSY, "Device or resource busy")
    monkeypatch.setattr(os, "replace", fail)
    archive = store.cache / "archives" / f"pkg-{VERSION}.zip"
    with pytest.raises(VersionError) as info:
        version_store.fetch(VERSION)
    assert type(info.value) is VersionError
    assert str(info.value) == f"cannot unpack {archive}: [Errno {errno.EBUSY}] Device or resource busy"


def test_a_damaged_zip_the_registry_matches_is_refused_as_unpackable(store, monkeypatch):
    def bad_zip(*args, **kwargs):
        raise zipfile.BadZipFile("Bad CRC-32")
    monkeypatch.setattr("china_russia_diplomacy.read.archive_check.extract_verified", bad_zip)
    store.cache_archive()
    with pytest.raises(VersionError) as info:
        version_store.fetch(VERSION)
    assert str(info.value) == f"cannot unpack {store.cache / 'archives' / f'pkg-{VERSION}.zip'}: Bad CRC-32"
    assert sorted(store.version_dir.parent.iterdir()) == []


def test_an_archive_that_cannot_be_unpacked_is_refused_even_with_an_intact_copy_cached(store, monkeypatch):
    """Only an OSError (a concurrent rename) may fall back to a copy already in place: an archive that
    fails to unpack is refused, never answered with whatever the cache holds."""
    store.unpack()

    def bad_zip(*args, **kwargs):
        raise zipfile.BadZipFile("Bad CRC-32")
    monkeypatch.setattr("china_russia_diplomacy.read.archive_check.extract_verified", bad_zip)
    with pytest.raises(VersionError) as info:
        version_store.fetch(VERSION, store.archive)
    assert str(info.value) == f"cannot unpack {store.cache / 'archives' / f'pkg-{VERSION}.zip'}: Bad CRC-32"


# --- a zip handed to package_dir= ---------------------------------------------------------------------------


def test_a_zip_is_unpacked_once_under_its_sha256(store):
    root = version_store.unpacked_archive(store.archive)
    digest = _sha(store.archive.read_bytes())
    assert root == store.cache / "zips" / digest[:32] / f"pkg-{VERSION}"
    assert {rel: (root / rel).read_bytes() for rel in FILES} == FILES
    assert _no_leftovers(store.cache / "zips") == []


def test_a_file_that_is_not_a_zip_is_refused_before_anything_is_written(store):
    fake = store.tmp / "fake.zip"
    fake.write_bytes(b"not a zip")
    with pytest.raises(ArchiveError) as info:
        version_store.unpacked_archive(fake)
    assert str(info.value) == f"{fake}: not a zip file, or cut short; get the archive again"
    assert not store.cache.exists()


def test_an_intact_unpacked_zip_is_reused_in_a_new_process(store, monkeypatch):
    root = version_store.unpacked_archive(store.archive)
    version_store._unpacked_zip.cache_clear()

    def refuse(*args, **kwargs):
        raise AssertionError("unpacked again")
    monkeypatch.setattr("china_russia_diplomacy.read.archive_check.extract_verified", refuse)
    assert version_store.unpacked_archive(store.archive) == root


@pytest.mark.parametrize("edit", ["table", "descriptor", "no descriptor"])
def test_an_unpacked_zip_edited_later_is_unpacked_again(store, edit):
    root = version_store.unpacked_archive(store.archive)
    version_store._unpacked_zip.cache_clear()
    if edit == "table":
        (root / "data" / "a.csv").write_bytes(b"x\n666\n")
    elif edit == "descriptor":
        (root / "datapackage.json").write_bytes(FILES["datapackage.json"] + b" ")
    else:
        (root / "datapackage.json").unlink()
    assert version_store.unpacked_archive(store.archive) == root
    assert {rel: (root / rel).read_bytes() for rel in FILES} == FILES


def test_a_process_remembers_the_last_16_zips_it_unpacked_and_re_hashes_an_older_one(store, monkeypatch):
    """The memo of zips handed to ``package_dir=`` is bounded (a process opening many zips does not keep
    them all) and is used: a zip among the last 16 is not hashed again, the 17th-last is (and re-checked)."""
    zips = [_write_zip(store.tmp / f"z{i}.zip", {**FILES, "README.md": f"{i}".encode()}) for i in range(17)]
    roots = [version_store.unpacked_archive(z) for z in zips]
    hashed = []
    real = version_store.sha256_file
    monkeypatch.setattr(version_store, "sha256_file", lambda path: hashed.append(Path(path).name) or real(path))
    assert [version_store.unpacked_archive(z) for z in zips[1:]] == roots[1:]
    assert hashed == []
    assert version_store.unpacked_archive(zips[0]) == roots[0]
    assert hashed == ["z0.zip"]


def test_a_zip_cache_that_cannot_make_a_temporary_folder_is_a_cache_error(store, monkeypatch):
    def fail(*args, **kwargs):
        raise OSError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(version_store.tempfile, "mkdtemp", fail)
    with pytest.raises(CacheError, match=r"\): it is not writable; set"):
        version_store.unpacked_archive(store.archive)


def test_a_zip_another_process_unpacked_first_is_used(store, monkeypatch):
    real = os.replace

    def lose_the_race(src, dst):
        monkeypatch.setattr(os, "replace", real)
        real(src, dst)
        raise OSError(errno.EEXIST, "File exists")
    monkeypatch.setattr(os, "replace", lose_the_race)
    root = version_store.unpacked_archive(store.archive)
    assert root == store.cache / "zips" / _sha(store.archive.read_bytes())[:32] / f"pkg-{VERSION}"
    assert _no_leftovers(store.cache / "zips") == []


def test_a_zip_whose_rename_fails_with_a_tampered_copy_in_place_is_refused(store, monkeypatch):
    def fail(src, dst):
        (Path(dst) / f"pkg-{VERSION}").mkdir(parents=True)
        (Path(dst) / f"pkg-{VERSION}" / "datapackage.json").write_bytes(b"{}")
        raise OSError(errno.EBUSY, "Device or resource busy")
    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(VersionError) as info:
        version_store.unpacked_archive(store.archive)
    assert type(info.value) is VersionError
    assert str(info.value) == f"cannot unpack {store.archive}: [Errno {errno.EBUSY}] Device or resource busy"


def test_a_zip_whose_rename_fails_for_a_cache_reason_is_a_cache_error(store, monkeypatch):
    def fail(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(CacheError, match=r"\): the disk is full; set"):
        version_store.unpacked_archive(store.archive)


# --- the command line ---------------------------------------------------------------------------------------


def _cli(*argv: str) -> int:
    import argparse

    parser = argparse.ArgumentParser()
    version_store.register(parser.add_subparsers())
    args = parser.parse_args(list(argv))
    return args.func(args)


def test_the_versions_table_names_each_version_s_commit_and_sources(store, capsys):
    store.set_release(_release(store.archive, urls=("https://example.org/a.zip",)))
    assert _cli("versions") == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{'version':<10} {'date':<11} {'commit':<15} available from",
        f"{VERSION:<10} {'2026-01-01':<11} {'c' * 12:<15} https://example.org/a.zip",
        f"{'1.0.0':<10} {'-':<11} {'not registered':<15} installed",
        f"cache: {store.cache}"]


def test_a_version_available_from_nowhere_is_named_with_the_ways_to_get_it(store, capsys):
    assert _cli("versions") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == f"{VERSION:<10} {'2026-01-01':<11} {'c' * 12:<15} nowhere (no copy here, no URL)"
    assert out[-1] == (f"{VERSION}: not downloadable from anywhere yet; get the archive from someone who has it "
                       f"(fetch VERSION --from FILE), set CRD_RELEASES_URL, or rebuild it in a checkout with: "
                       f"python scripts/rebuild_release.py VERSION")


def test_the_versions_json_is_the_rows_indented_by_two(store, capsys):
    assert _cli("versions", "--json") == 0
    out = capsys.readouterr().out
    assert json.loads(out) == version_store.versions()
    assert out == json.dumps(version_store.versions(), indent=2) + "\n"
    assert out.splitlines()[1:3] == ["  {", f'    "version": "{VERSION}",']


def test_fetch_on_the_command_line_refuses_what_is_not_a_version_number(store):
    with pytest.raises(VersionError) as info:
        _cli("fetch", "latest")
    assert str(info.value) == "'latest' is not a version number MAJOR.MINOR.PATCH (e.g. 1.0.0)"


def test_fetch_on_the_command_line_of_the_installed_version_says_nothing_to_fetch(store, capsys):
    assert _cli("fetch", "v1.0.0") == 0
    assert capsys.readouterr().out == f"1.0.0: the installed version, read from {store.installed} (nothing to fetch)\n"


def test_fetch_on_the_command_line_from_a_file_says_where_it_is_cached(store, capsys):
    assert _cli("fetch", f"v{VERSION}", "--from", str(store.archive)) == 0
    assert capsys.readouterr().out == f"{VERSION}: verified and cached in {store.root}\n"


def test_fetch_on_the_command_line_without_source_of_a_registered_version_says_where_it_is_cached(store, capsys):
    store.cache_archive()
    assert _cli("fetch", VERSION) == 0
    assert capsys.readouterr().out == f"{VERSION}: verified and cached in {store.root}\n"


def test_fetch_of_a_cached_copy_edited_later_with_no_archive_names_the_change_and_removes_the_copy(store):
    """The regression: fetch() without a source said "nothing is cached" and left the edited copy in place."""
    store.unpack()
    (store.cache / "archives" / f"pkg-{VERSION}.zip").unlink()
    (store.root / "data" / "b.csv").write_bytes(b"y\n666\n")
    with pytest.raises(VersionError) as info:
        version_store.fetch(VERSION)
    assert str(info.value) == (
        f"the cached copy of {VERSION} in {store.root} was changed after it was verified (data/b.csv differs from "
        f"the SHA-256 in releases.json); it was removed and a fresh copy could not be fetched: {_cannot_get(store)}")
    assert not store.version_dir.exists()


def test_a_tampered_copy_that_cannot_be_removed_whole_is_refused_not_an_uncaught_os_error(store, monkeypatch):
    """A file in the entry that removal cannot delete (locked by another process, a read-only mount) must
    not escape as a raw OSError from the removal: the replacement is tried and its refusal reported."""
    store.unpack()
    (store.root / "data" / "a.csv").write_bytes(b"x\n666\n")
    locked = store.version_dir / "locked.txt"
    locked.write_text("held open elsewhere")
    real = shutil.rmtree

    def rmtree(path, ignore_errors=False, onerror=None, **kwargs):
        """Remove everything but ``locked``: silently with ignore_errors, else raising as rmtree does."""
        path = Path(path)
        if path != store.version_dir:
            return real(path, ignore_errors=ignore_errors)
        for child in path.iterdir():
            if child != locked:
                real(child)
        if not ignore_errors:
            raise PermissionError(errno.EPERM, "Operation not permitted", str(locked))
    monkeypatch.setattr(shutil, "rmtree", rmtree)
    with pytest.raises(VersionError) as info:
        version_store.package_dir_for(VERSION)
    assert str(info.value).startswith(
        f"the cached copy of {VERSION} in {store.root} was changed after it was verified (data/a.csv differs from the "
        f"SHA-256 in releases.json); it was removed and a fresh copy could not be fetched: cannot unpack ")
