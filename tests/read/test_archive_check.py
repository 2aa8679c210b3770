"""Each check of a release zip alone (issue 29), on small zips this file writes: one refusal per test,
its exact message, and the target directory left as it was.

``read/archive_check.extract_verified`` is what ``package_dir=`` a zip, ``fetch --from`` and ``diff`` with
a zip unpack; the real archives are exercised in test_versions.py (slower: they are rebuilt from git).
Sizes a zip declares are forged in its central directory (what ``zipfile`` reports as ``file_size``),
so the 32 MB and 256 MB limits are tested at their boundaries without writing such files.
"""

from __future__ import annotations

import hashlib
import json
import stat
import struct
import zipfile
from pathlib import Path

import pytest

from china_russia_diplomacy.core.registry import Release
from china_russia_diplomacy.read import archive_check
from china_russia_diplomacy.read.archive_check import (
    DESCRIPTOR_LIMIT,
    OTHER_FILES_LIMIT,
    ArchiveError,
    descriptor_bytes,
    extract_verified,
    verify_unpacked,
)

CSV = b"a\n1\n"
PARQUET = b"PAR1 not really parquet PAR1"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _descriptor(version="9.9.9", csv=CSV, parquet=PARQUET, path="data/t.csv", **entry) -> dict:
    res = {"name": "t", "path": path, "bytes": len(csv), "hash": f"sha256:{_sha(csv)}",
           "schema": {"fields": [{"name": "a"}]},
           "parquet": {"path": path.replace(".csv", ".parquet"), "bytes": len(parquet), "hash": f"sha256:{_sha(parquet)}"}}
    res.update(entry)
    return {"name": "t", "version": version, "resources": [res]}


def _zip(path: Path, members: dict[str, bytes], prefix="pkg-9.9.9/") -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(prefix + name, data)
    return path


def _package(tmp_path: Path, descriptor: dict | None = None, extra: dict[str, bytes] | None = None, prefix="pkg-9.9.9/",
             csv=CSV, parquet=PARQUET) -> Path:
    descriptor = descriptor or _descriptor(csv=csv, parquet=parquet)
    path = descriptor["resources"][0]["path"]
    members = {"datapackage.json": json.dumps(descriptor).encode(), path: csv,
               path.replace(".csv", ".parquet"): parquet, **(extra or {})}
    return _zip(tmp_path / "release.zip", members, prefix)


def _forge_size(archive: Path, name: str, size: int) -> None:
    """Set the uncompressed size the central directory records for ``name`` (what ``file_size`` says)."""
    data = bytearray(archive.read_bytes())
    at = 0
    while True:
        at = data.index(b"PK\x01\x02", at)
        name_len, = struct.unpack_from("<H", data, at + 28)
        if data[at + 46:at + 46 + name_len].decode() == name:
            struct.pack_into("<I", data, at + 24, size)
            archive.write_bytes(bytes(data))
            return
        at += 46


def _release(files: dict[str, str]) -> Release:
    return Release("9.9.9", "2026-01-01", "0" * 40, "pkg-9.9.9.zip", 1, "0" * 64, files)


# --- the good path ---------------------------------------------------------------------------------------


def test_an_intact_zip_unpacks_every_member_byte_for_byte_and_returns_the_package_folder(tmp_path):
    archive = _package(tmp_path, extra={"README.md": b"readme", "sources/a.txt": b"article"})
    root = extract_verified(archive, tmp_path / "out")
    assert root == tmp_path / "out" / "pkg-9.9.9"
    assert (root / "data" / "t.csv").read_bytes() == CSV and (root / "data" / "t.parquet").read_bytes() == PARQUET
    assert (root / "README.md").read_bytes() == b"readme" and (root / "sources" / "a.txt").read_bytes() == b"article"
    assert verify_unpacked(root) == []


def test_a_zip_with_the_package_at_its_top_returns_the_target_itself(tmp_path):
    root = extract_verified(_package(tmp_path, prefix=""), tmp_path / "out")
    assert root == tmp_path / "out" and (root / "data" / "t.csv").read_bytes() == CSV


def test_a_member_larger_than_one_chunk_is_unpacked_whole(tmp_path):
    big = b"a\n" + b"1\n" * (archive_check.CHUNK // 2 + 10)
    root = extract_verified(_package(tmp_path, csv=big), tmp_path / "out")
    assert (root / "data" / "t.csv").read_bytes() == big


def test_a_zip_that_registers_its_version_is_checked_against_the_registry_and_passes(tmp_path):
    release = _release({"data/t.csv": _sha(CSV), "data/t.parquet": _sha(PARQUET)})
    root = extract_verified(_package(tmp_path), tmp_path / "out", release)
    assert (root / "data" / "t.csv").read_bytes() == CSV


def test_directory_entries_are_created_not_written_as_files(tmp_path):
    archive = _package(tmp_path)
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("pkg-9.9.9/empty/", b"")
    root = extract_verified(archive, tmp_path / "out")
    assert (root / "empty").is_dir()


# --- not a zip --------------------------------------------------------------------------------------------


def test_a_missing_zip_is_refused_by_name(tmp_path):
    with pytest.raises(ArchiveError, match=r"nothere\.zip: no such release zip$"):
        extract_verified(tmp_path / "nothere.zip", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_file_that_is_not_a_zip_is_refused_and_nothing_is_written(tmp_path):
    (tmp_path / "bad.zip").write_bytes(b"not a zip at all" * 10)
    with pytest.raises(ArchiveError, match=r"bad\.zip: not a zip file, or cut short \(.*\); get the archive again"):
        extract_verified(tmp_path / "bad.zip", tmp_path / "out")
    with pytest.raises(ArchiveError, match="not a zip file, or cut short"):
        descriptor_bytes(tmp_path / "bad.zip")
    assert not (tmp_path / "out").exists()


def test_a_folder_in_place_of_the_zip_is_refused(tmp_path):
    (tmp_path / "dir.zip").mkdir()
    with pytest.raises(ArchiveError, match=r"dir\.zip: no such release zip"):
        extract_verified(tmp_path / "dir.zip", tmp_path / "out")


# --- members that would leave the target ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["/abs/x.txt", "pkg/../../x.txt", "pkg\\x.txt", "C:x.txt", "pkg/C:/x.txt"])
def test_a_member_path_that_leaves_the_target_is_refused_each_form_alone(name, tmp_path):
    """Absolute, ``..``, a backslash, a drive: each alone is refused (a check of only the obvious form misses one)."""
    archive = _package(tmp_path)
    with zipfile.ZipFile(archive, "a") as zf:
        info = zipfile.ZipInfo("placeholder")
        info.filename = name  # ZipInfo would normalise it; a hostile zip carries it as is
        zf.writestr(info, b"x")
    with pytest.raises(ArchiveError, match=rf"member {name!r} would be written outside the package; refused".replace(
            "\\", "\\\\").replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        extract_verified(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_name_with_two_dots_inside_a_part_is_not_a_path_out(tmp_path):
    archive = _package(tmp_path, extra={"notes..txt": b"x"})
    assert (extract_verified(archive, tmp_path / "out") / "notes..txt").read_bytes() == b"x"


def _add_link(archive: Path, name: str, create_system: int = 3, mode: int = stat.S_IFLNK | 0o777) -> None:
    with zipfile.ZipFile(archive, "a") as zf:
        info = zipfile.ZipInfo(name)
        info.create_system = create_system
        info.external_attr = mode << 16
        zf.writestr(info, "/etc/passwd")


def test_a_symbolic_link_member_is_refused(tmp_path):
    archive = _package(tmp_path)
    _add_link(archive, "pkg-9.9.9/link")
    with pytest.raises(ArchiveError, match=r"member 'pkg-9\.9\.9/link' is a symbolic link; refused"):
        extract_verified(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("create_system, mode", [(0, stat.S_IFLNK | 0o777), (3, stat.S_IFREG | 0o644)])
def test_link_bits_from_another_system_or_a_regular_file_mode_are_a_plain_file(create_system, mode, tmp_path):
    """Only a Unix-made member (create_system 3) with the link type is a link: each half of that test alone."""
    archive = _package(tmp_path)
    _add_link(archive, "pkg-9.9.9/plain", create_system, mode)
    assert (extract_verified(archive, tmp_path / "out") / "plain").read_bytes() == b"/etc/passwd"


# --- the descriptor --------------------------------------------------------------------------------------


def test_a_zip_without_a_descriptor_is_refused_by_both_readers(tmp_path):
    archive = _zip(tmp_path / "r.zip", {"data/t.csv": CSV})
    with pytest.raises(ArchiveError, match=r"r\.zip: holds no datapackage\.json; not a release of this package"):
        extract_verified(archive, tmp_path / "out")
    with pytest.raises(ArchiveError, match=r"r\.zip: holds no datapackage\.json; not a release of this package"):
        descriptor_bytes(archive)


def test_a_descriptor_two_folders_down_is_not_the_package_s(tmp_path):
    archive = _zip(tmp_path / "r.zip", {"datapackage.json": json.dumps(_descriptor()).encode()}, prefix="a/b/")
    with pytest.raises(ArchiveError, match="holds no datapackage.json"):
        extract_verified(archive, tmp_path / "out")
    with pytest.raises(ArchiveError, match="holds no datapackage.json"):
        descriptor_bytes(archive)


def test_the_shallowest_descriptor_is_the_package_s(tmp_path):
    """A top-level datapackage.json and one in a folder: the top one is read (and its tables checked)."""
    top = json.dumps(_descriptor()).encode()
    nested = json.dumps(_descriptor(path="data/other.csv")).encode()
    archive = _zip(tmp_path / "r.zip", {"x/datapackage.json": nested, "datapackage.json": top, "data/t.csv": CSV,
                                         "data/t.parquet": PARQUET}, prefix="")
    assert descriptor_bytes(archive) == top
    assert extract_verified(archive, tmp_path / "out") == tmp_path / "out"


def test_a_descriptor_that_is_not_one_is_refused_with_the_reader_s_reason(tmp_path):
    archive = _zip(tmp_path / "r.zip", {"datapackage.json": b"[1, 2]"})
    with pytest.raises(ArchiveError, match=r"r\.zip: pkg-9\.9\.9/datapackage\.json: is a JSON list, not an object"):
        extract_verified(archive, tmp_path / "out")


def test_a_descriptor_at_the_size_limit_is_read_one_byte_over_is_refused(tmp_path):
    archive = _package(tmp_path)
    _forge_size(archive, "pkg-9.9.9/datapackage.json", DESCRIPTOR_LIMIT + 1)
    with pytest.raises(ArchiveError, match=rf"its datapackage\.json declares {DESCRIPTOR_LIMIT + 1} bytes; refused"):
        extract_verified(archive, tmp_path / "out")
    archive = _package(tmp_path)
    _forge_size(archive, "pkg-9.9.9/datapackage.json", DESCRIPTOR_LIMIT)
    root = extract_verified(archive, tmp_path / "out")  # zipfile reads the member's real bytes
    assert json.loads((root / "datapackage.json").read_bytes()) == _descriptor()


def test_the_limits_are_those_the_docstring_states():
    assert (DESCRIPTOR_LIMIT, OTHER_FILES_LIMIT, archive_check.CHUNK) == (32 * 2**20, 256 * 2**20, 2**20)


# --- sizes: a zip bomb ------------------------------------------------------------------------------------


def test_a_table_member_declaring_other_bytes_than_its_descriptor_is_refused(tmp_path):
    archive = _package(tmp_path)
    _forge_size(archive, "pkg-9.9.9/data/t.csv", len(CSV) + 1)
    with pytest.raises(ArchiveError, match=rf"member 'pkg-9\.9\.9/data/t\.csv' declares {len(CSV) + 1} bytes, "
                                           rf"datapackage\.json {len(CSV)}; refused"):
        extract_verified(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_table_whose_descriptor_gives_no_size_counts_with_the_other_files(tmp_path):
    descriptor = _descriptor()
    del descriptor["resources"][0]["bytes"]
    archive = _package(tmp_path, descriptor)
    _forge_size(archive, "pkg-9.9.9/data/t.csv", OTHER_FILES_LIMIT)
    with pytest.raises(ArchiveError, match="a zip bomb"):
        extract_verified(archive, tmp_path / "out")


def test_other_files_up_to_the_limit_pass_one_byte_more_is_a_zip_bomb(tmp_path):
    archive = _package(tmp_path, extra={"big.bin": b"x"})
    descriptor_size = len(json.dumps(_descriptor()).encode())
    _forge_size(archive, "pkg-9.9.9/big.bin", OTHER_FILES_LIMIT - descriptor_size + 1)
    with pytest.raises(ArchiveError, match=rf"its members would inflate to {OTHER_FILES_LIMIT + 1} bytes beyond the "
                                           rf"tables the descriptor declares \(limit {OTHER_FILES_LIMIT}\); a zip bomb\? refused"):
        extract_verified(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    archive = _package(tmp_path, extra={"big.bin": b"x"})
    _forge_size(archive, "pkg-9.9.9/big.bin", OTHER_FILES_LIMIT - descriptor_size)
    root = extract_verified(archive, tmp_path / "out")  # at the limit: accepted (zipfile reads the real byte)
    assert (root / "big.bin").read_bytes() == b"x"


def test_a_table_the_descriptor_lists_but_the_zip_lacks_is_refused(tmp_path):
    descriptor = _descriptor()
    archive = _zip(tmp_path / "r.zip", {"datapackage.json": json.dumps(descriptor).encode(), "data/t.csv": CSV})
    with pytest.raises(ArchiveError, match=r"r\.zip: lacks data/t\.parquet, which its datapackage\.json lists$"):
        extract_verified(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_member_outside_the_package_folder_is_counted_not_taken_for_a_table(tmp_path):
    """``other/data/t.csv`` is not the package's ``data/t.csv``: the package's own is still missing."""
    archive = _zip(tmp_path / "r.zip", {"pkg-9.9.9/datapackage.json": json.dumps(_descriptor()).encode(),
                                         "other/data/t.csv": CSV, "other/data/t.parquet": PARQUET}, prefix="")
    with pytest.raises(ArchiveError, match=r"lacks data/t\.csv, data/t\.parquet, which"):
        extract_verified(archive, tmp_path / "out")


# --- content against the descriptor and the registry -----------------------------------------------------------


def test_a_table_changed_after_the_descriptor_was_written_is_refused_and_the_target_removed(tmp_path):
    descriptor = _descriptor()
    changed = b"a\n2\n"  # same size: only the hash can tell
    archive = _zip(tmp_path / "r.zip", {"datapackage.json": json.dumps(descriptor).encode(), "data/t.csv": changed,
                                         "data/t.parquet": PARQUET})
    with pytest.raises(ArchiveError, match=r"r\.zip: data/t\.csv differs from the SHA-256 its own datapackage\.json "
                                           r"gives; the zip was altered after it was built; refused"):
        extract_verified(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_parquet_twin_changed_after_the_descriptor_was_written_is_refused(tmp_path):
    archive = _zip(tmp_path / "r.zip", {"datapackage.json": json.dumps(_descriptor()).encode(), "data/t.csv": CSV,
                                         "data/t.parquet": PARQUET.replace(b"not", b"NOT")})
    with pytest.raises(ArchiveError, match=r"data/t\.parquet differs from the SHA-256 its own datapackage\.json gives"):
        extract_verified(archive, tmp_path / "out")


def test_a_hash_of_another_algorithm_is_not_compared(tmp_path):
    descriptor = _descriptor(hash="md5:" + "0" * 32)
    assert extract_verified(_package(tmp_path, descriptor), tmp_path / "out").is_dir()


def test_a_zip_consistent_with_its_own_descriptor_but_not_the_registry_is_refused(tmp_path):
    release = _release({"data/t.csv": "0" * 64})
    with pytest.raises(ArchiveError, match=r"data/t\.csv differs from the SHA-256 releases\.json records for this "
                                           r"version; it is not the published archive; refused"):
        extract_verified(_package(tmp_path), tmp_path / "out", release)
    assert not (tmp_path / "out").exists()


def test_a_registered_version_is_looked_up_by_the_descriptor_s_version(tmp_path):
    """No release given: a zip claiming 1.0.0 is held to 1.0.0's hashes in the installed releases.json."""
    descriptor = _descriptor(version="1.0.0", path="data/events.csv")
    archive = _package(tmp_path, descriptor)
    with pytest.raises(ArchiveError, match=r"release\.zip: datapackage\.json differs from the SHA-256 releases\.json "
                                           r"records for this version"):  # the first member unpacked
        extract_verified(archive, tmp_path / "out")


@pytest.mark.parametrize("version", ["0.0.1", 1])
def test_an_unregistered_or_non_text_version_has_no_registry_check(version, tmp_path):
    descriptor = _descriptor(version=version, path="data/events.csv")
    assert extract_verified(_package(tmp_path, descriptor), tmp_path / "out").is_dir()


# --- an unpacked copy -----------------------------------------------------------------------------------------


def test_verify_unpacked_names_each_missing_or_changed_table(tmp_path):
    root = extract_verified(_package(tmp_path), tmp_path / "out")
    assert verify_unpacked(root) == []
    (root / "data" / "t.csv").write_bytes(b"a\n2\n")
    (root / "data" / "t.parquet").unlink()
    assert verify_unpacked(root) == ["data/t.csv differs", "data/t.parquet is missing"]


def test_verify_unpacked_holds_the_descriptor_to_the_archive_s_bytes(tmp_path):
    archive = _package(tmp_path)
    root = extract_verified(archive, tmp_path / "out")
    expected = descriptor_bytes(archive)
    assert verify_unpacked(root, expected=expected) == []
    (root / "datapackage.json").write_bytes(expected + b" ")
    assert verify_unpacked(root, expected=expected) == ["datapackage.json differs from the archive's"]
    (root / "datapackage.json").unlink()
    assert verify_unpacked(root, expected=expected) == ["datapackage.json is missing or unreadable"]
    assert verify_unpacked(root) == ["datapackage.json is missing or unreadable"]


# --- survivors of the first mutation run (issue 29) -------------------------------------------------------------


def test_a_hash_with_a_second_colon_is_not_the_file_s_hash(tmp_path):
    descriptor = _descriptor(hash=f"sha256:{_sha(CSV)}:x")
    with pytest.raises(ArchiveError, match=r"data/t\.csv differs from the SHA-256 its own datapackage\.json gives"):
        extract_verified(_package(tmp_path, descriptor), tmp_path / "out")


def test_a_target_whose_parent_folders_do_not_exist_yet_is_created_with_them(tmp_path):
    root = extract_verified(_package(tmp_path, extra={"deep/er/x.txt": b"x"}), tmp_path / "a" / "b" / "out")
    assert root == tmp_path / "a" / "b" / "out" / "pkg-9.9.9" and (root / "deep" / "er" / "x.txt").read_bytes() == b"x"


def test_a_directory_entry_after_a_file_inside_it_is_accepted(tmp_path):
    archive = _package(tmp_path, extra={"sub/a.txt": b"a"})
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("pkg-9.9.9/sub/", b"")
    assert (extract_verified(archive, tmp_path / "out") / "sub" / "a.txt").read_bytes() == b"a"


def test_a_refusal_is_not_hidden_when_the_target_cannot_be_removed(tmp_path, monkeypatch):
    """The cleanup after a refusal ignores its own errors: the user sees why the zip was refused."""
    real = archive_check.shutil.rmtree

    def stubborn(path, ignore_errors=False):
        if not ignore_errors:
            raise OSError("device busy")
        real(path, ignore_errors=True)

    monkeypatch.setattr(archive_check.shutil, "rmtree", stubborn)
    archive = _zip(tmp_path / "r.zip", {"datapackage.json": json.dumps(_descriptor()).encode(), "data/t.csv": b"a\n2\n",
                                         "data/t.parquet": PARQUET})
    with pytest.raises(ArchiveError, match=r"data/t\.csv differs from the SHA-256 its own datapackage\.json gives"):
        extract_verified(archive, tmp_path / "out")
