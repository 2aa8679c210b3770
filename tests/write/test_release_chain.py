"""The chain of versions: ``release`` registers what it built, ships the registry before it and the diff
against the previous version (``changes.json``), and the CHANGELOG, ``diff``, ``load(version=)`` and
``load()`` agree cell for cell on what changed since the previous registered version."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import copy_package

import china_russia_diplomacy as crd
from china_russia_diplomacy import cli
from china_russia_diplomacy.publish.diff import changelog_section, diff
from china_russia_diplomacy.core.registry import read_registry, sha256_file


def _git(repo: Path, *args: str) -> str:
    env_args = ["-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"]
    return subprocess.run(["git", "-C", str(repo), *env_args, *args], capture_output=True, text=True, check=True).stdout.strip()


def _dated_release_candidate(tmp_path: Path, repo: Path, date: str) -> Path:
    """A git checkout of the current package with its top CHANGELOG entry dated (as at release time), rebuilt,
    and the registry as it stood before the current version (once it is released, main registers it: the
    candidate plays the moment just before that)."""
    from china_russia_diplomacy.build.pipeline import build

    pkg = copy_package(tmp_path / "candidate")
    version = crd.__version__
    (pkg / "releases.json").write_bytes(read_registry(repo).before(version).to_bytes())
    changelog = pkg / "CHANGELOG.md"
    text, n = re.subn(rf"^## \[{re.escape(version)}\].*$", f"## [{version}] - {date}", changelog.read_text(encoding="utf-8"),
                      count=1, flags=re.MULTILINE)
    assert n == 1, f"CHANGELOG.md has no entry for {version}"
    changelog.write_text(text, encoding="utf-8")
    build(pkg)
    _git(pkg, "init", "-q")
    _git(pkg, "add", "-A")
    _git(pkg, "commit", "-qm", "candidate")
    return pkg


@pytest.fixture()
def candidate(repo, registered_archive, version_cache, tmp_path):
    """(release candidate of the current version dated 2099-01-02, the registered version before it); the
    previous version is fetched into this test's cache, since the candidate's fresh git history lacks its commit."""
    previous = read_registry(repo).previous(crd.__version__)
    if previous is None:
        pytest.skip("no registered version before the current one")
    crd.fetch(previous.version, registered_archive(previous.version))
    return _dated_release_candidate(tmp_path, repo, "2099-01-02"), previous


@pytest.mark.slow
def test_release_registers_itself_and_ships_the_registry_before_it_and_changes_json(candidate, tmp_path, capsys):
    pkg, previous = candidate
    head = _git(pkg, "rev-parse", "HEAD")

    assert cli.main(["release", str(pkg), "--out", str(tmp_path / "dist")]) == 0, capsys.readouterr().err
    [archive] = (tmp_path / "dist").glob("*.zip")
    registry = read_registry(pkg)
    entry = registry.get(crd.__version__)
    assert entry is not None and entry.commit == head and entry.date == "2099-01-02"
    assert (entry.archive, entry.size, entry.sha256) == (archive.name, archive.stat().st_size, sha256_file(archive))
    assert registry.get(previous.version) == previous, "an earlier entry changed"

    with zipfile.ZipFile(archive) as zf:
        shipped = read_registry_bytes(zf.read(f"{archive.stem}/releases.json"))
        changes = json.loads(zf.read(f"{archive.stem}/changes.json"))
    assert shipped == registry.before(crd.__version__), "the archive must carry the registry of the versions before it"
    assert (changes["old_version"], changes["new_version"]) == (previous.version, crd.__version__)
    capsys.readouterr()
    assert cli.main(["changelog-entry", previous.version, str(pkg), "--repo", str(pkg)]) == 0
    assert capsys.readouterr().out.strip() == changelog_section(changes)

    # Released again from the same commit: the same bytes, so the registry is left alone.
    before = (pkg / "releases.json").read_bytes()
    assert cli.main(["release", str(pkg), "--out", str(tmp_path / "again")]) == 0
    assert "already registered" in capsys.readouterr().out
    assert (tmp_path / "again" / archive.name).read_bytes() == archive.read_bytes()
    assert (pkg / "releases.json").read_bytes() == before


@pytest.mark.slow
def test_release_refuses_to_change_a_registered_version_or_to_register_uncommitted_files(candidate, tmp_path, capsys):
    pkg, _ = candidate
    assert cli.main(["release", str(pkg), "--out", str(tmp_path / "dist")]) == 0
    _git(pkg, "add", "releases.json")
    _git(pkg, "commit", "-qm", "register")
    registered = (pkg / "releases.json").read_bytes()

    readme = pkg / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("China", "Kina", 1), encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["release", str(pkg), "--out", str(tmp_path / "dirty")]) == 1
    assert "uncommitted changes" in capsys.readouterr().err
    assert not (tmp_path / "dirty").exists()

    _git(pkg, "commit", "-qam", "edit after release")
    assert cli.main(["release", str(pkg), "--out", str(tmp_path / "changed")]) == 1
    err = capsys.readouterr().err
    assert "already published" in err and "bump the version" in err, err
    assert not (tmp_path / "changed").exists(), "refused before writing anything (issue 15: no wrong archive under a published name)"
    assert (pkg / "releases.json").read_bytes() == registered


def read_registry_bytes(data: bytes):
    from china_russia_diplomacy.core.registry import parse_registry

    return parse_registry(data.decode("utf-8"))


# --- item 5: diff, load(version=) vs load() and the CHANGELOG agree cell for cell ----------------------------


def _by_key(table, schema: dict) -> dict[str, dict]:
    pk = schema["primaryKey"] if isinstance(schema["primaryKey"], list) else [schema["primaryKey"]]
    return {"|".join(str(row[k]) for k in pk): row for row in table.to_pylist()}


def _top_entry(changelog: str, version: str) -> str:
    start = re.search(rf"^## \[{re.escape(version)}\].*$", changelog, flags=re.MULTILINE)
    assert start, f"CHANGELOG.md has no entry for {version}"
    end = re.search(r"^## \[", changelog[start.end():], flags=re.MULTILINE)
    return changelog[start.end(): start.end() + end.start() if end else len(changelog)]


def test_diff_loaded_versions_and_changelog_agree_cell_for_cell(repo, registered_archive, version_cache):
    """What the current version changed since the previous registered one, three ways: ``diff`` (raw CSV),
    the two versions loaded side by side (typed), and the CHANGELOG's data section."""
    current = crd.__version__
    previous = read_registry(repo).previous(current)
    if previous is None:
        pytest.skip("no registered version before the current one")
    crd.fetch(previous.version, registered_archive(previous.version))
    d = diff(previous.version, repo, repo=repo)
    assert (d.old_version, d.new_version) == (previous.version, current)
    for t in d.tables:
        if t.table not in crd.tables():
            continue
        old_table, new_table = crd.load(t.table, "arrow", version=previous.version), crd.load(t.table, "arrow")
        old, new = _by_key(old_table, crd.schema(t.table)), _by_key(new_table, crd.schema(t.table))
        assert sorted(set(new) - set(old)) == t.added, t.table
        assert sorted(set(old) - set(new)) == t.removed, t.table
        # A retyped column is a schema change (reported as such), not a cell correction: compare the rest.
        common = [f.name for f in new_table.schema
                  if f.name in old_table.schema.names and old_table.schema.field(f.name).type == f.type]
        for key in set(old) & set(new):
            differing = {c for c in common if old[key][c] != new[key][c]}
            listed = {c.column for c in t.changed.get(key, []) if c.column in common}
            assert differing == listed, f"{t.table} {key}: loaded versions differ in {differing}, diff lists {listed}"
    entry = _top_entry((repo / "CHANGELOG.md").read_text(encoding="utf-8"), current)
    missing = [line for line in changelog_section(d).splitlines() if line.strip() and line not in entry.splitlines()]
    assert not missing, ("the CHANGELOG entry of " + current + " disagrees with `changelog-entry " + previous.version
                         + " .`; paste its output. Lines missing:\n" + "\n".join(missing))


def test_changes_json_records_corrections_by_id_with_per_column_counts(package_copy, repo, tmp_path):
    """changes.json is the machine-readable record of a release: here one corrected cell of one event."""
    from package_edits import edit_cell

    from china_russia_diplomacy.publish.release import build_release

    edit_cell(package_copy / "data" / "events.csv", 0, "notes", "corrected after re-reading the source")
    archive = build_release(package_copy, tmp_path / "dist", check=False, previous=repo)
    with zipfile.ZipFile(archive) as zf:
        record = json.loads(zf.read(f"{archive.stem}/changes.json"))
        sums = zf.read(f"{archive.stem}/SHA256SUMS").decode()
    events = record["tables"]["events"]
    [key] = events["changed"]
    assert events["changed_columns"] == {"notes": 1} and events["reasons"][key].startswith("corrected")
    assert record["required_bump"] == "patch" and record["old_version"] == record["new_version"] == crd.__version__
    assert "changes.json" in sums, "SHA256SUMS must cover changes.json"
    assert "Corrections" in changelog_section(record)


def test_release_of_an_undated_version_is_refused_before_anything_is_written(package_copy, tmp_path, capsys):
    """The registry records the CHANGELOG date: an undated entry (the state between releases) cannot be registered."""
    changelog = package_copy / "CHANGELOG.md"
    changelog.write_text(re.sub(r"^(## \[[0-9.]+\]) - \d{4}-\d{2}-\d{2}", r"\1", changelog.read_text(encoding="utf-8"),
                                count=1, flags=re.MULTILINE), encoding="utf-8")
    _git(package_copy, "init", "-q")
    _git(package_copy, "add", "-A")
    _git(package_copy, "commit", "-qm", "undated")
    assert cli.main(["release", str(package_copy), "--out", str(tmp_path / "dist")]) == 1
    assert "no dated entry" in capsys.readouterr().err
    assert not (tmp_path / "dist").exists()
