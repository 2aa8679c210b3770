"""One descriptor entry against its file (``core/integrity.file_problems``), each finding alone (issue 29):
the shared check of validation's artifact layer and the loader's ``verify()``, on files this test writes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from china_russia_diplomacy.core.integrity import file_problems

DATA = b"a,b\n1,2\n"
DIGEST = "sha256:" + hashlib.sha256(DATA).hexdigest()


@pytest.fixture()
def pkg(tmp_path) -> Path:
    (tmp_path / "pkg" / "data").mkdir(parents=True)
    (tmp_path / "pkg" / "data" / "t.csv").write_bytes(DATA)
    return tmp_path / "pkg"


def test_a_file_with_the_entry_s_bytes_and_hash_has_no_problem(pkg):
    assert file_problems(pkg, {"path": "data/t.csv", "bytes": len(DATA), "hash": DIGEST}) == []


def test_an_entry_without_bytes_or_hash_checks_only_that_the_file_is_there(pkg):
    assert file_problems(pkg, {"path": "data/t.csv"}) == []
    assert file_problems(pkg, {"path": "data/t.csv", "bytes": None, "hash": None}) == []


def test_a_changed_hash_alone_is_one_hash_finding(pkg):
    wrong = "sha256:" + "0" * 64
    assert file_problems(pkg, {"path": "data/t.csv", "bytes": len(DATA), "hash": wrong}) == [
        ("hash", f"sha256 is {DIGEST}, datapackage.json says {wrong}: the file changed after the build")]


def test_a_changed_size_alone_is_one_bytes_finding(pkg):
    assert file_problems(pkg, {"path": "data/t.csv", "bytes": len(DATA) + 1, "hash": DIGEST}) == [
        ("bytes", f"{len(DATA)} bytes, datapackage.json says {len(DATA) + 1}")]
    assert file_problems(pkg, {"path": "data/t.csv", "bytes": 0}) == [("bytes", f"{len(DATA)} bytes, datapackage.json says 0")]


def test_both_wrong_give_both_findings_hash_first(pkg):
    assert [rule for rule, _ in file_problems(pkg, {"path": "data/t.csv", "bytes": 1, "hash": "sha256:x"})] == ["hash", "bytes"]


@pytest.mark.parametrize("path", ["../t.csv", "/etc/passwd", "data\\t.csv", "C:t.csv", "", 7, None])
def test_an_unsafe_or_non_text_path_is_refused_unread(path, pkg):
    assert file_problems(pkg, {"path": path}) == [
        ("unsafe-path", "unsafe path; it must be relative and stay inside the package")]


def test_an_entry_without_a_path_is_an_unsafe_path(pkg):
    assert file_problems(pkg, {}) == [("unsafe-path", "unsafe path; it must be relative and stay inside the package")]


def test_a_missing_file_is_missing(pkg):
    assert file_problems(pkg, {"path": "data/none.csv", "hash": DIGEST}) == [("file-missing", "missing")]


def test_a_link_or_a_folder_is_a_file_type_finding_and_not_hashed(pkg):
    (pkg / "data" / "link.csv").symlink_to(pkg / "data" / "t.csv")
    (pkg / "data" / "dir.csv").mkdir()
    assert file_problems(pkg, {"path": "data/link.csv", "hash": DIGEST}) == [
        ("file-type", "a symbolic link (only regular files inside the package are read)")]
    assert file_problems(pkg, {"path": "data/dir.csv", "hash": DIGEST}) == [("file-type", "a directory, not a file")]
