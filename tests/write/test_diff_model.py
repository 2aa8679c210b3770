"""The parts of diff/check-version below the comparison, each alone and in memory (issue 29): what a
diff says about itself (``publish/diff/model.py``: the required and actual bump, the summary, the problems,
the JSON record) and how a version to compare is found and read (``publish/diff/versions.py``: folders,
zips, files that are neither, bare names inside and outside git, retired IDs, the registry's versions).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from china_russia_diplomacy.core.errors import NotFoundError, UsageError
from china_russia_diplomacy.core.registry import VersionError
from china_russia_diplomacy.publish.diff import versions as diff_versions
from china_russia_diplomacy.publish.diff.model import (CellChange, Change, PackageDiff, TableDiff, parse_version,
                                                       version_bump)
from china_russia_diplomacy.publish.diff.versions import materialize, read_version

REPO = Path(__file__).resolve().parents[2]


# --- model: one table's changes ------------------------------------------------------------------------------


@pytest.mark.parametrize("part", ["added", "removed", "changed"])
def test_a_table_with_any_one_kind_of_change_is_not_empty(part):
    d = TableDiff("events")
    assert d.empty
    setattr(d, part, {"k": [CellChange("title", "a", "b")]} if part == "changed" else ["k"])
    assert not d.empty


def test_a_table_diff_counts_no_rows_until_told():
    d = TableDiff("events")
    assert (d.old_rows, d.new_rows) == (0, 0)
    assert PackageDiff("1.0.0", "1.0.0", tables=[d]).to_dict()["tables"]["events"]["old_rows"] == 0
    assert PackageDiff("1.0.0", "1.0.0", tables=[d]).to_dict()["tables"]["events"]["new_rows"] == 0


def test_changed_columns_are_counted_per_column_in_name_order():
    d = TableDiff("events", changed={"e1": [CellChange("title", "a", "b"), CellChange("date", "1", "2")],
                                     "e2": [CellChange("title", "c", "d")]})
    assert list(d.changed_columns.items()) == [("date", 1), ("title", 2)]


# --- model: the bumps -------------------------------------------------------------------------------------------


def test_the_required_bump_is_the_highest_of_schema_and_data_changes():
    assert PackageDiff("1.0.0", "1.0.0").required_bump == "none"
    assert PackageDiff("1.0.0", "1.0.0", [Change("patch", "t", "x")]).required_bump == "patch"
    assert PackageDiff("1.0.0", "1.0.0", [Change("patch", "t", "x")], [Change("minor", "t", "y")]).required_bump == "minor"
    assert PackageDiff("1.0.0", "1.0.0", [Change("major", "t", "x"), Change("patch", "t", "z")],
                       [Change("minor", "t", "y")]).required_bump == "major"


@pytest.mark.parametrize("old, new, bump", [
    ("1.2.0", "1.1.5", "downgrade"), ("1.0.5", "1.1.0", "minor"), ("1.5.0", "2.0.0", "major"), ("2.0.0", "1.9.0", "downgrade"),
    ("1.0.0", "1.0.1", "patch"), ("1.1.1", "1.1.1", "none"), ("1.1.0", "2.0.0-rc1", "major"), ("1.1.0", "1.1.0+build", "none"),
])
def test_version_bump_compares_major_minor_patch_in_that_order(old, new, bump):
    assert version_bump(old, new) == bump
    assert PackageDiff(old, new).actual_bump == bump


@pytest.mark.parametrize("text", ["1.0", "1.0.0.0", "1.x.0", "v1.0.0", "", "1..0"])
def test_a_version_that_is_not_major_minor_patch_is_refused_by_name(text):
    with pytest.raises(UsageError, match="^" + re.escape(f"{text!r} is not a semantic version MAJOR.MINOR.PATCH") + "$"):
        parse_version(text)


def test_a_pre_release_or_build_suffix_is_ignored():
    assert parse_version("1.2.3-rc.1") == (1, 2, 3) and parse_version("10.20.30+b7") == (10, 20, 30)


# --- model: summary and problems ------------------------------------------------------------------------------


def test_the_summary_of_no_change_at_all():
    assert PackageDiff("1.0.0", "1.0.0").summary() == "1.0.0 -> 1.0.0: no change in data or schemas; the version number is the same"


def test_the_summary_of_rows_changed_that_need_no_bump():
    d = PackageDiff("1.0.0", "1.0.1", tables=[TableDiff("events", added=["e9"])])
    assert d.summary() == "1.0.0 -> 1.0.1: the changes need no new version number; the version number is a patch bump"
    d = PackageDiff("1.0.0", "1.0.1", tables=[TableDiff("events")], schema_changes=[Change("none", "t", "x")])
    assert d.summary().startswith("1.0.0 -> 1.0.1: the changes need no new version number;")
    d = PackageDiff("1.0.0", "1.0.1", tables=[TableDiff("events")], data_changes=[Change("none", "t", "x")])
    assert d.summary().startswith("1.0.0 -> 1.0.1: the changes need no new version number;")


def test_the_summary_of_a_required_bump_and_a_downgrade():
    d = PackageDiff("1.1.0", "1.0.9", [Change("minor", "t", "x")])
    assert d.summary() == "1.1.0 -> 1.0.9: the changes require a minor version bump; the version number goes down"


def test_a_bump_below_the_required_one_is_one_problem_naming_both():
    d = PackageDiff("1.0.0", "1.0.1", [Change("minor", "t", "x")])
    assert d.problems() == ["version 1.0.0 -> 1.0.1 is a patch bump, but the changes require a minor bump"]
    assert PackageDiff("1.0.0", "1.1.0", [Change("minor", "t", "x")]).problems() == []
    assert PackageDiff("1.0.0", "2.0.0", [Change("minor", "t", "x")]).problems() == []


def test_a_downgrade_is_a_problem_even_when_nothing_changed():
    assert PackageDiff("1.0.1", "1.0.0").problems() == [
        "version 1.0.1 -> 1.0.0 is a downgrade bump, but the changes require a none bump"]


def test_unretired_ids_and_added_in_errors_are_problems_in_that_order():
    d = PackageDiff("1.0.0", "2.0.0", unretired_ids=["evt-0001", "evt-0002"], added_in_errors=["events e9: bad"])
    assert d.problems() == ["published ID evt-0001 disappeared without being listed in schemas/retired_ids.json",
                            "published ID evt-0002 disappeared without being listed in schemas/retired_ids.json",
                            "events e9: bad"]


def test_the_json_record_holds_every_part():
    t = TableDiff("events", added=["e2"], removed=["e3"], changed={"e1": [CellChange("title", "a", "b")]},
                  reasons={"e1": "typo"}, old_rows=2, new_rows=2)
    d = PackageDiff("1.0.0", "1.0.1", [Change("major", "events", "s")], [Change("minor", "events", "r")], [t],
                    ["e3"], ["events e2: x"], old_folder="/a", new_folder="/b")
    assert d.to_dict() == {
        "old_version": "1.0.0", "new_version": "1.0.1", "required_bump": "major", "actual_bump": "patch",
        "problems": ["version 1.0.0 -> 1.0.1 is a patch bump, but the changes require a major bump",
                     "published ID e3 disappeared without being listed in schemas/retired_ids.json", "events e2: x"],
        "schema_changes": [{"level": "major", "table": "events", "what": "s"}],
        "data_changes": [{"level": "minor", "table": "events", "what": "r"}],
        "unretired_ids": ["e3"], "added_in_errors": ["events e2: x"],
        "tables": {"events": {"old_rows": 2, "new_rows": 2, "added": ["e2"], "removed": ["e3"],
                              "changed": {"e1": [{"column": "title", "old": "a", "new": "b"}]},
                              "changed_columns": {"title": 1}, "reasons": {"e1": "typo"}}},
    }


# --- versions: what is a package, and where ----------------------------------------------------------------------


def test_retired_ids_are_strings_or_objects_with_an_id():
    assert diff_versions._retired_ids({"retired": ["evt-1", {"id": "evt-2", "why": "dup"}, {"why": "no id"}, ""]}) == {
        "evt-1", "evt-2"}
    assert diff_versions._retired_ids(None) == set() and diff_versions._retired_ids({}) == set()


@pytest.mark.parametrize("marker", ["schemas/package.json", "datapackage.json"])
def test_either_the_sources_or_the_descriptor_make_a_folder_a_package(marker, tmp_path):
    (tmp_path / marker).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / marker).write_text("{}")
    assert diff_versions._package_root(tmp_path) == tmp_path


def test_an_unpacked_archive_s_one_sub_folder_is_the_package(tmp_path):
    (tmp_path / "pkg-1.0.0").mkdir()
    (tmp_path / "pkg-1.0.0" / "datapackage.json").write_text("{}")
    (tmp_path / "datapackage.json.txt").write_text("{}")  # a file is no sub-folder
    (tmp_path / "other").mkdir()
    assert diff_versions._package_root(tmp_path) == tmp_path / "pkg-1.0.0"


def test_several_packages_in_one_folder_are_refused_naming_them(tmp_path):
    for name in ("b-1.1.0", "a-1.0.0"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "datapackage.json").write_text("{}")
    with pytest.raises(UsageError, match=rf"^{tmp_path} holds several packages \(a-1\.0\.0, b-1\.1\.0\); name the one to compare$"):
        diff_versions._package_root(tmp_path)


def test_a_folder_without_a_package_is_not_found(tmp_path):
    with pytest.raises(NotFoundError, match=rf"^{tmp_path}: no datapackage\.json or schemas/package\.json inside \(nor in a sub-folder\)$"):
        diff_versions._package_root(tmp_path)


@pytest.mark.parametrize("spec, path", [("a/b", True), ("a\\b", True), (".hidden", True), ("~user", True), ("OLD.ZIP", True),
                                        ("v1.0.0", False), ("main", False), ("zip", False)])
def test_what_looks_like_a_path_each_form_alone(spec, path):
    assert diff_versions._looks_like_path(spec) is path


# --- versions: materialize -------------------------------------------------------------------------------------------


def _tiny_package(root: Path) -> Path:
    """A copy of the package's schemas and descriptor (enough for read_version) with its data."""
    for part in ("schemas", "data"):
        shutil.copytree(REPO / part, root / part, ignore=shutil.ignore_patterns("*.parquet"))
    shutil.copy(REPO / "datapackage.json", root / "datapackage.json")
    return root


def test_a_folder_is_compared_where_its_package_is(tmp_path):
    _tiny_package(tmp_path / "outer" / "pkg")
    with materialize(tmp_path / "outer") as root:
        assert root == (tmp_path / "outer" / "pkg").resolve()


def test_a_file_that_is_not_a_zip_is_refused_saying_what_diff_compares(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(UsageError, match=r"^notes\.txt: a file that is not a zip archive; diff compares folders, release "
                                         r"\.zip files, registered versions and git revisions$"):
        with materialize("notes.txt", repo=tmp_path):
            pass


def test_a_zip_is_checked_then_compared_and_its_copy_removed(tmp_path):
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("pkg/README.md", "no descriptor")
    from china_russia_diplomacy.read.archive_check import ArchiveError

    with pytest.raises(ArchiveError, match="holds no datapackage.json"):
        with materialize(archive):
            pass


def test_a_missing_path_is_not_found_as_a_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NotFoundError, match=r"^gone/pkg: no such file or directory$"):
        with materialize("gone/pkg", repo=tmp_path):
            pass


def test_a_bare_name_outside_git_says_it_cannot_be_a_revision(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NotFoundError, match=rf"^'nosuchthing' is neither a folder, a release \.zip, a registered version nor a "
                                            rf"git revision \({tmp_path} is not inside a git repository, so it cannot be a revision\)$"):
        with materialize("nosuchthing", repo=tmp_path):
            pass


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture()
def git_package(tmp_path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "datapackage.json").write_text('{"first": true}')
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    _git(repo, "tag", "first")
    (repo / "datapackage.json").write_text('{"second": true}')
    return repo


def test_a_bare_name_that_is_no_revision_of_the_repository_is_named_with_it(git_package):
    top = Path(_git(git_package, "rev-parse", "--show-toplevel").strip())
    with pytest.raises(NotFoundError, match=rf"^'nosuchthing' is neither a folder, a release \.zip, a registered version "
                                            rf"nor a git revision of {top}$"):
        with materialize("nosuchthing", repo=git_package):
            pass


def test_a_git_revision_is_its_committed_files_and_the_export_is_removed(git_package):
    with materialize("first", repo=git_package) as root:
        assert (root / "datapackage.json").read_text() == '{"first": true}'
        exported = root
    assert not exported.exists()


def test_outside_git_the_top_level_is_refused_by_name(tmp_path):
    with pytest.raises(NotFoundError, match=rf"^{tmp_path} is not inside a git repository: "):
        diff_versions._git_toplevel(tmp_path)


def test_has_commit_tells_a_commit_from_a_name(git_package, capfd):
    head = _git(git_package, "rev-parse", "HEAD").strip()
    assert diff_versions._has_commit(git_package, head) and diff_versions._has_commit(git_package, "first")
    capfd.readouterr()
    assert not diff_versions._has_commit(git_package, "0" * 40)
    assert capfd.readouterr() == ("", "")  # git's "fatal: Not a valid object name" is not shown to the user


# --- versions: read_version -----------------------------------------------------------------------------------


def test_read_version_reads_rows_retired_ids_and_the_registry(tmp_path):
    pkg = _tiny_package(tmp_path / "pkg")
    shutil.copy(REPO / "releases.json", pkg / "releases.json")
    v = read_version(pkg, label="mine")
    assert v.label == "mine" and v.version == json.loads((REPO / "datapackage.json").read_bytes())["version"]
    with (REPO / "data" / "events.csv").open(encoding="utf-8", newline="") as fh:
        assert v.rows["events"] == list(csv.DictReader(fh))
    assert v.rows["events"][0]["event_id"] == "evt-0001"
    retired = json.loads((REPO / "schemas" / "retired_ids.json").read_text(encoding="utf-8"))
    assert v.retired == diff_versions._retired_ids(retired)
    assert v.registered == {r["version"] for r in json.loads((REPO / "releases.json").read_bytes())["releases"]}
    assert "resources" in v.package and set(v.schemas) == set(v.rows)


def test_read_version_without_a_registry_retired_list_or_a_csv(tmp_path):
    pkg = _tiny_package(tmp_path / "pkg")
    (pkg / "schemas" / "retired_ids.json").unlink()
    (pkg / "data" / "quotes.csv").unlink()
    v = read_version(pkg)
    assert v.label == str(pkg) and v.registered is None and v.retired == set() and v.rows["quotes"] == []
    assert v.rows["events"]


# --- versions: a bare version number through the registry ----------------------------------------------------------


def _registered_repo(repo: Path, commit: str) -> None:
    from china_russia_diplomacy.core.registry import Registry, Release

    release = Release("1.0.0", "2026-01-01", commit, "p-1.0.0.zip", 1, "0" * 64, {})
    (repo / "releases.json").write_bytes(Registry([release]).to_bytes())


def test_a_registered_version_whose_commit_the_repository_holds_is_that_commit(git_package, capfd):
    head = _git(git_package, "rev-parse", "HEAD").strip()
    _registered_repo(git_package, head)
    assert diff_versions._resolve_registered("1.0.0", git_package) == (head, None)
    assert capfd.readouterr() == ("", "")  # git's own output is not shown


def test_the_cwd_is_the_repository_when_none_is_given(git_package, monkeypatch):
    head = _git(git_package, "rev-parse", "HEAD").strip()
    _registered_repo(git_package, head)
    monkeypatch.chdir(git_package)
    assert diff_versions._resolve_registered("1.0.0", None) == (head, None)


def test_a_registered_version_whose_commit_is_absent_is_the_cached_copy(git_package, monkeypatch, tmp_path):
    from china_russia_diplomacy.read import version_store

    _registered_repo(git_package, "0" * 40)
    monkeypatch.setattr(version_store, "package_dir_for", lambda v: tmp_path / f"cached-{v}")
    assert diff_versions._resolve_registered("1.0.0", git_package) == ("", tmp_path / "cached-1.0.0")
    _tiny = tmp_path / "cached-1.0.0"
    _tiny.mkdir()
    (_tiny / "datapackage.json").write_text("{}")
    with materialize("1.0.0", repo=git_package) as root:
        assert root == _tiny


def test_an_unregistered_version_is_refused_listing_the_registry_s_versions(git_package):
    _registered_repo(git_package, "0" * 40)
    with pytest.raises(VersionError) as exc:
        diff_versions._resolve_registered("2.0.0", git_package)
    assert str(exc.value) == f"2.0.0 is not a registered version ({git_package.resolve() / 'releases.json'} lists: 1.0.0)"


def test_an_empty_registry_lists_none(git_package):
    from china_russia_diplomacy.core.registry import Registry

    (git_package / "releases.json").write_bytes(Registry([]).to_bytes())
    with pytest.raises(VersionError, match=r"2\.0\.0 is not a registered version \(.*releases\.json lists: none\)$"):
        diff_versions._resolve_registered("2.0.0", git_package)


def test_a_tag_literally_named_like_an_unregistered_version_is_that_revision(git_package):
    _registered_repo(git_package, "0" * 40)
    _git(git_package, "tag", "2.0.0")
    assert diff_versions._resolve_registered("2.0.0", git_package) == ("2.0.0", None)


def test_outside_git_the_installed_registry_is_used(tmp_path, monkeypatch):
    from china_russia_diplomacy.core.registry import read_registry

    monkeypatch.setattr(diff_versions, "_git_toplevel", lambda start: (_ for _ in ()).throw(FileNotFoundError("git")))
    known = ", ".join(read_registry(REPO).versions)
    with pytest.raises(VersionError, match=rf"^0\.0\.1 is not a registered version \({REPO / 'releases.json'} lists: {known}\)$"):
        diff_versions._resolve_registered("0.0.1", tmp_path)
