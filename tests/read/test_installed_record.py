"""pip's copy against the wheel's RECORD (``read/installed_files.record_problems``), each finding alone
(issue 29), on a folder this test writes and a RECORD it states (no wheel is built: see
test_installed_copy.py for the real one)."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from record_entries import Entry as _Entry, Hash as _Hash

from china_russia_diplomacy.read import installed_files
from china_russia_diplomacy.read.installed_files import record_problems


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


FILES = {"datapackage.json": b"{}", "data/events.csv": b"a\n1\n", "CITATION.cff": b"cff"}


@pytest.fixture()
def shipped(tmp_path, monkeypatch):
    """``(base, entries)``: the shipped folder with FILES, and the RECORD entries describing them."""
    base = tmp_path / "site" / "china_russia_diplomacy" / "_package"
    for rel, data in FILES.items():
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / rel).write_bytes(data)
    entries = [_Entry(f"china_russia_diplomacy/_package/{rel}", _Hash("sha256", _digest(data)), len(data))
               for rel, data in FILES.items()]
    entries.append(_Entry("china_russia_diplomacy/__init__.py", _Hash("sha256", "x"), 1))  # not under _package
    entries.append(_Entry("china_russia_diplomacy-1.0.dist-info/RECORD", None, None))
    monkeypatch.setattr(installed_files, "shipped_dir", lambda: base.resolve())

    class _Dist:
        files = entries

    monkeypatch.setattr(installed_files.metadata, "distribution", lambda name: _Dist())
    return base, entries


def test_an_intact_installed_copy_has_no_problem(shipped):
    base, _ = shipped
    assert record_problems(base) == []


def test_a_folder_that_is_not_the_installed_data_is_not_compared(shipped, tmp_path):
    base, _ = shipped
    (base / "data" / "events.csv").write_bytes(b"changed")
    assert record_problems(tmp_path) == []
    assert record_problems(base / ".." / "_package") == [  # resolved before comparing
        "data/events.csv: 7 bytes, the installed wheel shipped 4: the file changed after installation"]


def test_a_missing_file_is_named(shipped):
    base, _ = shipped
    (base / "CITATION.cff").unlink()
    assert record_problems(base) == ["CITATION.cff: missing (the installed wheel shipped it)"]


def test_a_file_of_another_size_is_named_with_both_sizes(shipped):
    base, _ = shipped
    (base / "data" / "events.csv").write_bytes(b"a\n12\n")
    assert record_problems(base) == [
        "data/events.csv: 5 bytes, the installed wheel shipped 4: the file changed after installation"]


def test_a_file_of_the_same_size_and_other_bytes_differs_from_the_record(shipped):
    base, _ = shipped
    (base / "data" / "events.csv").write_bytes(b"a\n2\n")
    assert record_problems(base) == [
        "data/events.csv: sha256 differs from the installed wheel's RECORD: the file changed after installation"]


def test_a_record_without_a_size_still_compares_the_hash(shipped):
    base, entries = shipped
    for e in entries:
        e.size = None
    (base / "data" / "events.csv").write_bytes(b"a\n22\n")
    assert record_problems(base) == [
        "data/events.csv: sha256 differs from the installed wheel's RECORD: the file changed after installation"]


def test_a_hash_of_another_algorithm_is_not_compared_but_the_file_must_exist(shipped):
    base, entries = shipped
    entries[1].hash = _Hash("md5", "x")
    (base / "data" / "events.csv").write_bytes(b"a\n22\n")
    assert record_problems(base) == []
    (base / "data" / "events.csv").unlink()
    assert record_problems(base) == ["data/events.csv: missing (the installed wheel shipped it)"]


def test_a_file_added_after_installation_is_named_and_bytecode_caches_are_not(shipped):
    base, _ = shipped
    (base / "data" / "extra.csv").write_bytes(b"x")
    (base / "__pycache__").mkdir()
    (base / "__pycache__" / "x.pyc").write_bytes(b"x")
    (base / "link").symlink_to(base / "missing-target")
    assert record_problems(base) == ["data/extra.csv: not shipped by the wheel; written after installation",
                                     "link: not shipped by the wheel; written after installation"]


def test_every_problem_is_listed_recorded_files_first_in_order(shipped):
    base, _ = shipped
    (base / "datapackage.json").unlink()
    (base / "CITATION.cff").write_bytes(b"CFF")
    (base / "new.txt").write_bytes(b"x")
    assert record_problems(base) == [
        "CITATION.cff: sha256 differs from the installed wheel's RECORD: the file changed after installation",
        "datapackage.json: missing (the installed wheel shipped it)",
        "new.txt: not shipped by the wheel; written after installation"]


def test_windows_separators_in_the_record_are_read_as_paths(shipped):
    base, entries = shipped
    entries[1].path = "china_russia_diplomacy\\_package\\data\\events.csv"
    (base / "data" / "events.csv").write_bytes(b"a\n2\n")
    assert record_problems(base) == [
        "data/events.csv: sha256 differs from the installed wheel's RECORD: the file changed after installation"]


def test_no_distribution_or_no_hashes_in_the_record_means_nothing_to_compare(shipped, monkeypatch):
    base, entries = shipped
    (base / "data" / "events.csv").write_bytes(b"changed")
    for e in entries:
        e.hash = None
    assert record_problems(base) == []

    def missing(name):
        raise installed_files.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(installed_files.metadata, "distribution", missing)
    assert record_problems(base) == []


def test_the_record_digest_is_urlsafe_base64_without_padding(tmp_path):
    data = bytes(range(256)) * 5000  # several chunks
    (tmp_path / "f").write_bytes(data)
    assert installed_files._record_digest(tmp_path / "f") == _digest(data)
    assert "=" not in _digest(data) and len(_digest(data)) == 43


def test_a_missing_file_does_not_stop_the_check_of_the_files_after_it(shipped):
    base, _ = shipped
    (base / "CITATION.cff").unlink()
    (base / "data" / "events.csv").write_bytes(b"a\n2\n")
    assert record_problems(base) == [
        "CITATION.cff: missing (the installed wheel shipped it)",
        "data/events.csv: sha256 differs from the installed wheel's RECORD: the file changed after installation"]


def test_a_file_hashed_with_another_algorithm_does_not_stop_the_check_of_the_files_after_it(shipped):
    base, entries = shipped
    entries[0].hash = _Hash("md5", "x")  # datapackage.json
    entries[2].hash = _Hash("md5", "x")  # CITATION.cff
    (base / "data" / "events.csv").write_bytes(b"a\n2\n")
    assert record_problems(base) == [
        "data/events.csv: sha256 differs from the installed wheel's RECORD: the file changed after installation"]


def test_the_shipped_data_is_the_package_s_own_underscore_package_folder():
    import china_russia_diplomacy

    assert installed_files.shipped_dir() == Path(china_russia_diplomacy.__file__).resolve().parent / "_package"
