"""Loading the version a paper cites: releases.json, load(version=), fetch, the cache and its failure modes.

Every download comes from an ``http.server`` this file starts on 127.0.0.1; the archive it serves is
1.0.0's, rebuilt from the registered commit with that commit's own release code."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from release_history import ArchiveServer

import china_russia_diplomacy as crd
from china_russia_diplomacy import cli
from china_russia_diplomacy.core.registry import VersionError, read_registry, release_from_archive

V1 = "1.0.0"


@pytest.fixture(autouse=True)
def _downloads_only(monkeypatch):
    """These tests exercise downloads, mirrors and the cache; the shipped history (which would serve every
    registered version offline before any download) is tested in test_history.py."""
    from china_russia_diplomacy.read import history

    monkeypatch.setattr(history, "carries", lambda package_dir, version: False)


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


def _git_rows(repo: Path, commit: str, table: str) -> list[dict[str, str]]:
    text = subprocess.run(["git", "-C", str(repo), "show", f"{commit}:data/{table}.csv"], capture_output=True,
                          text=True, check=True).stdout
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture()
def v1_archive(registered_archive) -> Path:
    return registered_archive(V1)


@pytest.fixture()
def served(v1_archive, tmp_path, version_cache, monkeypatch):
    """A local server with the 1.0.0 archive, set as the CRD_RELEASES_URL mirror."""
    root = tmp_path / "www"
    root.mkdir()
    shutil.copy(v1_archive, root / v1_archive.name)
    with ArchiveServer(root) as server:
        monkeypatch.setenv("CRD_RELEASES_URL", server.url)
        yield server


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --- the registry ---------------------------------------------------------------------------------------


def test_registry_1_0_0_entry_matches_the_archive_its_commit_rebuilds(repo, v1_archive):
    """The registered hash is real: 37ca330's own `release`, run on a clean export, gives these bytes."""
    release = read_registry(repo).get(V1)
    assert release is not None and release.commit.startswith("37ca330") and len(release.commit) == 40
    rebuilt = release_from_archive(v1_archive, version=V1, date=release.date, commit=release.commit)
    assert rebuilt == release, "releases.json's 1.0.0 entry does not describe the archive its commit rebuilds"
    assert release.urls == (), "a URL is recorded only once the archive is really published there"


@pytest.mark.parametrize("version", [r.version for r in read_registry(Path(__file__).resolve().parents[2]).releases])
def test_every_registered_archive_is_rebuilt_byte_for_byte_from_its_commit(repo, registered_archive, version):
    """Each entry of releases.json (1.0.0, 1.1.0, ...) is what its recorded commit's own `release` gives:
    the hash a paper's reader checks can always be re-derived from the repository alone."""
    release = read_registry(repo).get(version)
    archive = registered_archive(version)
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == release.sha256
    assert archive.stat().st_size == release.size and archive.name == release.archive


def test_current_release_code_packs_every_file_of_the_1_0_0_archive_byte_for_byte(repo, v1_archive, tmp_path):
    """A change to release.py must not change what an old commit's data packs into. Since issue 23 the
    archive also carries what the README points to (the site, the curation notes, croissant.json, the
    figures, the developer guides), so the current code packs the 1.0.0 tree into more files than 1.0.0's
    own code did (registered archives are rebuilt with their own code, see registered_archive): every
    file 1.0.0's archive has is packed again byte for byte, and only those additions are new."""
    import zipfile

    from release_history import export_commit

    from china_russia_diplomacy.core.registry import release_from_archive
    from china_russia_diplomacy.publish.release import build_release, register_release

    release = read_registry(repo).get(V1)
    tree = export_commit(repo, release.commit, tmp_path / "tree")
    archive = build_release(tree, tmp_path / "dist", check=False)
    with zipfile.ZipFile(v1_archive) as old, zipfile.ZipFile(archive) as new:
        old_files = {i.filename: old.read(i) for i in old.infolist()}
        new_files = {i.filename: new.read(i) for i in new.infolist()}
    prefix = f"{v1_archive.stem}/"
    differ = sorted(n for n in old_files if n != prefix + "SHA256SUMS" and new_files.get(n) != old_files[n])
    assert differ == [], differ
    added = sorted(n[len(prefix):] for n in set(new_files) - set(old_files))
    assert added and all(n.startswith(("site/", "curation/", "docs/")) or n in ("croissant.json", "CONTRIBUTING.md", "RELEASING.md")
                         for n in added), added
    assert register_release(tree, archive, release.commit) == (V1, True)
    entry = read_registry(tree).get(V1)
    assert (entry.version, entry.commit, entry.date, entry.files) == (release.version, release.commit, release.date, release.files)
    assert release_from_archive(v1_archive, version=V1, date=release.date, commit=release.commit) == release


def test_registry_lists_versions_oldest_first_and_each_has_a_dated_changelog_entry(repo):
    from china_russia_diplomacy.core.citation import changelog_release_date
    from china_russia_diplomacy.core.registry import version_key

    registry = read_registry(repo)
    assert registry.versions == sorted(registry.versions, key=version_key) and V1 in registry.versions
    changelog = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    for r in registry.releases:
        assert changelog_release_date(changelog, r.version) == r.date


# --- bad cases: one clear message, a clean cache -----------------------------------------------------------


def test_unknown_version_says_which_versions_are_known(version_cache, capsys):
    with pytest.raises(VersionError, match=r"unknown version '9\.9\.9'.*1\.0\.0"):
        crd.load("events", version="9.9.9")
    assert cli.main(["fetch", "9.9.9"]) == 1
    assert "1.0.0" in capsys.readouterr().err
    assert _files(version_cache) == []


def test_server_down_and_nothing_cached_names_the_url_and_the_from_way_out(version_cache, monkeypatch, capsys):
    url = _closed_port_url()
    monkeypatch.setenv("CRD_RELEASES_URL", url)
    with pytest.raises(VersionError) as exc:
        crd.load("events", version=V1)
    message = str(exc.value)
    assert f"{url}/china-russia-diplomacy-1.0.0.zip" in message and "--from" in message
    assert cli.main(["fetch", V1]) == 1
    err = capsys.readouterr().err
    assert url in err and "Traceback" not in err
    assert _files(version_cache) == []


def test_no_url_and_no_mirror_says_how_to_get_the_archive(version_cache):
    with pytest.raises(VersionError, match="--from") as exc:
        crd.fetch(V1)
    assert read_registry(crd.read.version_store.installed_package_dir()).get(V1).commit in str(exc.value)
    assert _files(version_cache) == []


def test_download_with_one_byte_changed_is_refused_and_not_cached(served, version_cache):
    archive = served.directory / "china-russia-diplomacy-1.0.0.zip"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    with pytest.raises(VersionError, match="SHA-256 differs"):
        crd.load("events", version=V1)
    assert _files(version_cache) == []


def test_truncated_file_is_refused_and_not_cached(served, version_cache):
    archive = served.directory / "china-russia-diplomacy-1.0.0.zip"
    archive.write_bytes(archive.read_bytes()[:-1000])
    with pytest.raises(VersionError, match="SHA-256 differs"):
        crd.fetch(V1)
    assert _files(version_cache) == []


def test_transfer_cut_short_is_refused_and_not_cached(served, version_cache):
    with pytest.raises(VersionError, match="cut"):
        crd.fetch(V1, f"{served.url}/cut/china-russia-diplomacy-1.0.0.zip")
    assert any(r.startswith("/cut/") for r in served.requests)
    assert _files(version_cache) == []


# --- the good path -------------------------------------------------------------------------------------------


def test_downloaded_once_then_loaded_offline_after_the_server_stops(served, version_cache, repo):
    commit = read_registry(repo).get(V1).commit
    first = crd.load("events", version=V1)
    assert sorted(first["event_id"].astype(str)) == sorted(r["event_id"] for r in _git_rows(repo, commit, "events"))
    assert len(served.requests) == 1
    served.stop()
    again = crd.load_all(version=V1)
    assert again["events"].equals(first)
    assert {t: len(f) for t, f in again.items()} == {t: len(_git_rows(repo, commit, t)) for t in again}
    [entry] = [v for v in crd.versions() if v["version"] == V1]
    assert entry["cached"] and not entry["installed"] and entry["commit"] == commit


def test_installed_version_needs_no_network(version_cache, monkeypatch):
    monkeypatch.setenv("CRD_RELEASES_URL", _closed_port_url())
    installed = crd.__version__
    assert crd.load("events", version=installed).equals(crd.load("events"))
    assert [v for v in crd.versions() if v["installed"]][0]["version"] == installed
    assert _files(version_cache) == []


def test_mirror_comes_before_the_registry_urls(served, version_cache, tmp_path, monkeypatch, repo):
    """CRD_RELEASES_URL is tried first; the registry's own URLs only when the mirror fails."""
    from china_russia_diplomacy.read.version_store import candidate_urls

    registry_server = ArchiveServer(served.directory)
    try:
        pkg = _package_with_url(tmp_path, repo, f"{registry_server.url}/china-russia-diplomacy-1.0.0.zip")
        monkeypatch.setenv("CHINA_RUSSIA_DIPLOMACY_DIR", str(pkg))
        release = read_registry(pkg).get(V1)
        assert candidate_urls(release) == [f"{served.url}/china-russia-diplomacy-1.0.0.zip", *release.urls]
        crd.fetch(V1)
        assert served.requests and not registry_server.requests
        shutil.rmtree(version_cache)
        monkeypatch.setenv("CRD_RELEASES_URL", _closed_port_url())  # mirror down: the registry's URL takes over
        crd.fetch(V1)
        assert registry_server.requests
    finally:
        registry_server.stop()


def _package_with_url(tmp_path: Path, repo: Path, url: str) -> Path:
    """A copy of the installed package whose releases.json publishes 1.0.0 at ``url``."""
    from conftest import copy_package

    pkg = copy_package(tmp_path / "pkg-with-url")
    data = json.loads((repo / "releases.json").read_text(encoding="utf-8"))
    for entry in data["releases"]:
        if entry["version"] == V1:
            entry["urls"] = [url]
    (pkg / "releases.json").write_text(json.dumps(data), encoding="utf-8")
    return pkg


def test_tampered_cached_copy_is_detected_and_restored_from_the_verified_archive(served, version_cache):
    root = crd.fetch(V1)
    expected = crd.load("quotes", version=V1)
    served.stop()
    parquet = root / "data" / "quotes.parquet"
    other = root / "data" / "events.parquet"
    shutil.copy(other, parquet)  # a valid Parquet file, but not 1.0.0's quotes
    assert crd.load("quotes", version=V1).equals(expected)
    assert hashlib.sha256(parquet.read_bytes()).hexdigest() == read_registry(crd.read.version_store.installed_package_dir()).get(V1).files["data/quotes.parquet"]


def test_tampered_cache_with_no_good_archive_and_no_network_is_refused_and_removed(served, version_cache):
    root = crd.fetch(V1)
    served.stop()
    csv_file = root / "data" / "events.csv"
    csv_file.write_bytes(csv_file.read_bytes().replace(b"evt-", b"evx-", 1))
    zip_copy = version_cache / "archives" / "china-russia-diplomacy-1.0.0.zip"
    zip_copy.write_bytes(zip_copy.read_bytes()[:-10])
    with pytest.raises(VersionError, match="changed after it was verified.*data/events.csv"):
        crd.load("events", version=V1)
    assert _files(version_cache) == []


def test_fetch_from_a_path_and_from_a_url(v1_archive, version_cache, tmp_path, capsys):
    assert cli.main(["fetch", V1, "--from", str(v1_archive)]) == 0
    assert "verified and cached" in capsys.readouterr().out
    assert len(crd.load("events", version=V1)) > 0
    shutil.rmtree(version_cache)
    www = tmp_path / "elsewhere"
    www.mkdir()
    shutil.copy(v1_archive, www / "renamed.zip")
    with ArchiveServer(www) as server:
        assert cli.main(["fetch", V1, "--from", f"{server.url}/renamed.zip"]) == 0
    assert crd.read.version_store.is_cached(V1)
    shutil.rmtree(version_cache)
    assert cli.main(["fetch", V1, "--from", (www / "renamed.zip").as_uri()]) == 0
    assert crd.read.version_store.is_cached(V1)


def test_fetch_from_a_file_that_is_not_the_registered_archive_is_refused(v1_archive, version_cache, tmp_path, capsys):
    other = tmp_path / "china-russia-diplomacy-1.0.0.zip"
    other.write_bytes(v1_archive.read_bytes() + b"\0")
    assert cli.main(["fetch", V1, "--from", str(other)]) == 1
    assert "not used" in capsys.readouterr().err
    assert _files(version_cache) == []


def test_package_dir_accepts_a_release_zip(v1_archive, version_cache, repo):
    commit = read_registry(repo).get(V1).commit
    frames = crd.load_all(package_dir=v1_archive)
    assert {t: len(f) for t, f in frames.items()} == {t: len(_git_rows(repo, commit, t)) for t in frames}
    assert frames["events"].attrs["version"] == V1
    assert crd.tables(v1_archive) == list(frames)


def test_scan_reads_a_registered_version_lazily(v1_archive, version_cache, repo):
    """scan(version=) reads the cited version's Parquet twin, not the installed one's."""
    crd.fetch(V1, v1_archive)
    commit = read_registry(repo).get(V1).commit
    scanned = crd.scan("events", version=V1).select("event_id").collect()
    assert sorted(scanned["event_id"].to_list()) == sorted(r["event_id"] for r in _git_rows(repo, commit, "events"))


# --- every frame says what it is; cite any version -----------------------------------------------------------


@pytest.mark.parametrize("backend", ["pandas", "arrow", "polars"])
def test_frames_carry_dataset_version_and_table_on_every_backend(backend, v1_archive, version_cache):
    crd.fetch(V1, v1_archive)
    for version in (None, V1):
        frame = crd.load("agreements", backend, version=version)
        want = {"dataset": "china-russia-diplomacy", "version": version or crd.__version__, "table": "agreements"}
        if backend == "arrow":
            meta = frame.schema.metadata
            assert {k: meta[k.encode()].decode() for k in want} == want
        else:
            assert {k: frame.attrs[k] for k in want} == want


def test_cite_a_registered_version(v1_archive, version_cache, capsys):
    crd.fetch(V1, v1_archive)
    assert "Version 1.0.0" in crd.cite(version=V1) and "(2026)" in crd.cite(version=V1)
    assert f"Version {crd.__version__}" in crd.cite()
    assert cli.main(["cite", "--format", "bibtex", "--version", V1]) == 0
    assert "version = {1.0.0}" in capsys.readouterr().out


def test_versions_command_lists_the_registry(version_cache, capsys):
    assert cli.main(["versions", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert V1 in [r["version"] for r in rows] and any(r["installed"] for r in rows)


# --- bare version numbers in diff, check-version and changelog-entry ------------------------------------------


def test_bare_version_resolves_to_the_registered_commit_in_a_checkout(repo, version_cache, capsys):
    """No tag needed: 1.0.0 is found through releases.json (the failure of issue #9)."""
    assert cli.main(["diff", V1, str(repo), "--repo", str(repo), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["old_version"] == V1
    assert cli.main(["check-version", V1, str(repo), "--repo", str(repo)]) in (0, 1)
    assert "is neither" not in capsys.readouterr().err
    assert cli.main(["changelog-entry", V1, str(repo), "--repo", str(repo)]) == 0
    assert capsys.readouterr().out.startswith("### Data")
    assert _files(version_cache) == [], "a checkout with the commit must not download anything"


def test_bare_version_outside_git_uses_the_verified_cache(served, version_cache, tmp_path, repo, monkeypatch):
    from china_russia_diplomacy.publish.diff import diff

    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    monkeypatch.chdir(outside)
    d = diff(V1, repo, repo=outside)
    assert d.old_version == V1 and served.requests


def test_unregistered_bare_version_gives_one_message(repo, capsys):
    assert cli.main(["diff", "0.0.1", str(repo), "--repo", str(repo)]) == 1
    err = capsys.readouterr().err
    assert "not a registered version" in err and V1 in err and "Traceback" not in err


def test_loading_another_version_does_not_import_validation_libraries(v1_archive, version_cache):
    """The read side (version_store, registry) stays as light as load(): no frictionless, no pandera."""
    from read_side import write_side_imports

    crd.fetch(V1, v1_archive)
    assert write_side_imports(f"c.load_all(version={V1!r}); c.load('quotes', package_dir={str(v1_archive)!r}); "
                              f"c.versions(); c.cite(version={V1!r})") == []


def test_a_malformed_registry_gives_one_message(package_copy, monkeypatch, capsys):
    (package_copy / "releases.json").write_text('{"releases": [{"version": "1.0"}]}', encoding="utf-8")
    monkeypatch.setenv("CHINA_RUSSIA_DIPLOMACY_DIR", str(package_copy))
    assert cli.main(["versions"]) == 1
    err = capsys.readouterr().err
    assert "not a valid release registry" in err and "Traceback" not in err
