"""Maintainer commands handed the wrong thing (issue 26): ``changelog-entry --from-json`` given another
file, ``diff`` given a folder of several packages or a path that does not exist: one line naming the
file or folder and what was expected, never a KeyError or git's complaint about the cwd."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from china_russia_diplomacy.cli import main

defect = pytest.mark.defect
EXPECTED = "--from-json expects a changes record: a release's changes.json or the output of `diff --json`"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def record(pkg, tmp_path, capsys) -> Path:
    """A real ``diff --json`` record (the package against itself)."""
    assert main(["diff", str(pkg), str(pkg), "--json"]) == 0
    path = tmp_path / "changes.json"
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    return path


def test_changelog_entry_prints_from_a_real_diff_record(record, capsys):
    code, out, err = run(capsys, "changelog-entry", "--from-json", str(record))
    assert (code, err) == (0, "") and out.startswith("### Data\n")


@defect("input: another file as a changes record")
@pytest.mark.parametrize("content,what", [
    (None, "descriptor"),
    ('{"ok": true, "required_bump": "patch", "actual_bump": "patch", "problems": []}', "check-version"),
    ("[1, 2]", "array"),
    ("not json at all", "not-json"),
    (b"\xff\xfe{", "not-utf8"),
    ('{"tables": {"events": {"new_rows": "many", "added": [], "removed": []}}, "schema_changes": []}', "bad-rows"),
    ('{"tables": {"events": {"new_rows": 3, "added": [], "removed": [], "changed": {"evt-1": [{"column": "x"}]}}}, '
     '"schema_changes": []}', "bad-cells"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 14 else None)
def test_changelog_entry_from_another_file_is_one_line_naming_it(pkg, tmp_path, capsys, content, what):
    path = tmp_path / "given.json"
    if content is None:
        shutil.copy(pkg / "datapackage.json", path)
    else:
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    code, out, err = run(capsys, "changelog-entry", "--from-json", str(path))
    assert (code, out) == (2, "")
    reason = {
        "descriptor": "is not a changes record: it is a datapackage.json descriptor, with no 'tables' object and 'schema_changes' list",
        "check-version": "is not a changes record: it is check-version --json output, with no 'tables' object and 'schema_changes' list",
        "array": "is not a changes record: it is a JSON array, with no 'tables' object and 'schema_changes' list",
        "not-json": "is not JSON (line 1, column 1: Expecting value)",
        "not-utf8": "is not UTF-8 text",
        "bad-rows": "is not a changes record: tables.events.new_rows is not a whole number",
        "bad-cells": "is not a changes record: tables.events.changed.evt-1 is not a list of {column, old, new} cells",
    }[what]
    assert err == f"error: {path} {reason}; {EXPECTED}\n"


@defect("input: another file as a changes record")
def test_changelog_entry_from_a_missing_file_or_a_folder(tmp_path, capsys):
    missing = tmp_path / "nope.json"
    assert run(capsys, "changelog-entry", "--from-json", str(missing)) == (2, "", f"error: {missing}: no such file; {EXPECTED}\n")
    assert run(capsys, "changelog-entry", "--from-json", str(tmp_path)) == (2, "", f"error: {tmp_path} is a folder; {EXPECTED}\n")


@defect("input: a folder diff cannot compare")
def test_diff_names_the_folder_it_compared_first(pkg, tmp_path, capsys):
    holder = tmp_path / "downloads"
    shutil.copytree(pkg, holder / "china-russia-diplomacy-x")
    code, out, _ = run(capsys, "diff", str(pkg), str(holder))
    assert code == 0
    assert out.splitlines()[0] == f"compared {pkg.resolve()} -> {(holder / 'china-russia-diplomacy-x').resolve()}"


@defect("input: a folder diff cannot compare")
def test_diff_of_a_folder_holding_several_packages_names_them_instead_of_picking_one(pkg, tmp_path, capsys):
    holder = tmp_path / "downloads"
    for name in ("release-b", "release-a"):
        shutil.copytree(pkg, holder / name)
    code, out, err = run(capsys, "diff", str(pkg), str(holder))
    assert (code, out) == (2, "")
    assert err == f"error: {holder.resolve()} holds several packages (release-a, release-b); name the one to compare\n"


@defect("input: a folder diff cannot compare")
def test_diff_with_a_missing_path_says_so_not_git_and_the_cwd(pkg, tmp_path, capsys, monkeypatch):
    """Regression: ``diff 1.0.0 /tmp/nope`` said '<cwd> is not inside a git repository'."""
    monkeypatch.chdir(tmp_path)
    nope = tmp_path / "nope"
    assert run(capsys, "diff", str(pkg), str(nope)) == (2, "", f"error: {nope}: no such file or directory\n")
    assert run(capsys, "diff", str(pkg), "not-a-rev") == (
        2, "", f"error: 'not-a-rev' is neither a folder, a release .zip, a registered version nor a git revision "
               f"({tmp_path} is not inside a git repository, so it cannot be a revision)\n")
    (tmp_path / "notes.json").write_text(json.dumps({}))
    code, _, err = run(capsys, "diff", str(pkg), "notes.json")
    assert (code, err) == (2, "error: notes.json: a file that is not a zip archive; diff compares folders, release .zip "
                              "files, registered versions and git revisions\n")
