"""A handed-over folder against its own descriptor (``read/folder_check.py``), each finding alone (issue 29):
missing, size, SHA-256, the version label and its one warning line, on folders this test writes."""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path

import pytest

from china_russia_diplomacy.read import folder_check
from china_russia_diplomacy.read.folder_check import ModifiedPackageWarning, file_sha256, modified_files, version_label

CSV, PARQUET = b"a\n1\n", b"PAR1xPAR1"


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _descriptor(n: int = 1, **csv_entry) -> dict:
    resources = []
    for i in range(n):
        res = {"name": f"t{i}", "path": f"data/t{i}.csv", "bytes": len(CSV), "hash": _sha(CSV),
               "parquet": {"path": f"data/t{i}.parquet", "bytes": len(PARQUET), "hash": _sha(PARQUET)}}
        res.update(csv_entry)
        resources.append(res)
    return {"name": "p", "version": "1.2.1", "resources": resources}


@pytest.fixture()
def folder(tmp_path) -> Path:
    (tmp_path / "data").mkdir()
    for i in range(5):
        (tmp_path / "data" / f"t{i}.csv").write_bytes(CSV)
        (tmp_path / "data" / f"t{i}.parquet").write_bytes(PARQUET)
    return tmp_path


def test_an_intact_folder_has_no_problem_and_keeps_its_version(folder):
    assert modified_files(folder, _descriptor(5)) == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert version_label(folder, _descriptor(5)) == "1.2.1"


def test_a_missing_twin_is_named(folder):
    (folder / "data" / "t0.parquet").unlink()
    assert modified_files(folder, _descriptor()) == ["data/t0.parquet is missing"]


def test_a_file_of_another_size_is_named_with_both_sizes(folder):
    (folder / "data" / "t0.csv").write_bytes(b"a\n12\n")
    assert modified_files(folder, _descriptor()) == [f"data/t0.csv has 5 bytes, not {len(CSV)}"]


def test_a_file_of_the_same_size_and_other_bytes_has_another_sha256(folder):
    (folder / "data" / "t0.csv").write_bytes(b"a\n2\n")
    assert modified_files(folder, _descriptor()) == ["data/t0.csv has another SHA-256"]


def test_without_a_size_the_hash_is_still_compared_and_without_either_nothing_is(folder):
    (folder / "data" / "t0.csv").write_bytes(b"a\n22\n")
    assert modified_files(folder, _descriptor(bytes=None)) == ["data/t0.csv has another SHA-256"]
    assert modified_files(folder, _descriptor(bytes="5", hash=None)) == []


def test_a_resource_without_a_twin_or_a_path_is_skipped(folder):
    d = _descriptor()
    d["resources"][0]["parquet"] = "data/t0.parquet"  # not an entry object
    d["resources"].append({"name": "nopath"})
    (folder / "data" / "t0.parquet").unlink()
    assert modified_files(folder, d) == []


def test_every_file_is_checked_not_only_the_first(folder):
    (folder / "data" / "t4.parquet").write_bytes(b"PAR1yPAR1")
    assert modified_files(folder, _descriptor(5)) == ["data/t4.parquet has another SHA-256"]


def test_a_modified_folder_is_labelled_so_after_one_warning_line(folder, monkeypatch):
    monkeypatch.setattr(folder_check, "_WARNED", set())
    (folder / "data" / "t0.csv").write_bytes(b"a\n2\n")
    with pytest.warns(ModifiedPackageWarning) as caught:
        assert version_label(folder, _descriptor()) == "1.2.1+modified"
    assert [str(w.message) for w in caught] == [
        f"{folder}: its files differ from its own datapackage.json (data/t0.csv has another SHA-256); read as version "
        f"1.2.1+modified, not as the published 1.2.1 (rebuild it, or use version='1.2.1' for the published files)"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the same problems again: no second line
        assert version_label(folder, _descriptor()) == "1.2.1+modified"


def test_the_warning_shows_three_problems_and_counts_the_rest(folder, monkeypatch):
    monkeypatch.setattr(folder_check, "_WARNED", set())
    for i in range(5):
        (folder / "data" / f"t{i}.parquet").unlink()
    with pytest.warns(ModifiedPackageWarning, match=r"\(data/t0\.parquet is missing; data/t1\.parquet is missing; "
                                                    r"data/t2\.parquet is missing; and 2 more\)"):
        version_label(folder, _descriptor(5))
    monkeypatch.setattr(folder_check, "_WARNED", set())
    with pytest.warns(ModifiedPackageWarning, match=r"\(data/t0\.parquet is missing; data/t1\.parquet is missing; "
                                                    r"data/t2\.parquet is missing\); read"):
        version_label(folder, _descriptor(3))


def test_a_descriptor_without_a_version_is_labelled_empty(folder):
    d = _descriptor()
    del d["version"]
    assert version_label(folder, d) == ""


def test_a_file_hash_is_memoised_per_path_size_and_mtime(folder, monkeypatch):
    path = folder / "data" / "t0.csv"
    monkeypatch.setattr(folder_check, "_HASHES", {})
    first = file_sha256(path)
    assert "sha256:" + first == _sha(CSV)
    calls = []
    monkeypatch.setattr(folder_check, "sha256_file", lambda p: calls.append(p) or "x")
    assert file_sha256(path) == first and calls == []
    path.write_bytes(b"a\n2\n")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert file_sha256(path) == "x" and calls == [path]


def test_a_missing_csv_does_not_hide_its_twin_s_problem(folder):
    (folder / "data" / "t0.csv").unlink()
    (folder / "data" / "t0.parquet").write_bytes(b"PAR1yPAR1")
    assert modified_files(folder, _descriptor()) == ["data/t0.csv is missing", "data/t0.parquet has another SHA-256"]


def test_a_resource_without_a_path_still_has_its_twin_checked(folder):
    d = _descriptor()
    del d["resources"][0]["path"]
    (folder / "data" / "t0.parquet").unlink()
    assert modified_files(folder, d) == ["data/t0.parquet is missing"]


def test_four_problems_show_three_and_count_one_more(folder, monkeypatch):
    monkeypatch.setattr(folder_check, "_WARNED", set())
    for i in range(4):
        (folder / "data" / f"t{i}.parquet").unlink()
    with pytest.warns(ModifiedPackageWarning, match=r"data/t2\.parquet is missing; and 1 more\); read"):
        version_label(folder, _descriptor(4))


def test_the_warning_points_at_the_user_s_call_to_load(package_copy, monkeypatch):
    """stacklevel: the line shown is the caller's ``load(...)``, not the package's internals."""
    import china_russia_diplomacy as crd

    monkeypatch.setattr(folder_check, "_WARNED", set())
    events = package_copy / "data" / "events.csv"
    events.write_bytes(events.read_bytes().replace(b"occurred", b"expected", 1))
    with pytest.warns(ModifiedPackageWarning) as caught:
        frame = crd.load("events", package_dir=package_copy)
    assert [Path(w.filename).name for w in caught] == [Path(__file__).name]
    assert frame.attrs["version"].endswith("+modified")
