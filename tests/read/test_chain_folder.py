"""The handed-over folder chain, one step failing at a time, from every entry point (issue 29).

A folder someone hands over passes, in order: its ``datapackage.json`` is bounded UTF-8 JSON -> every
resource path it names is a plain relative path (no ``..`` in any place or form, not absolute, no drive,
no backslash, no URL, no NUL) -> and resolves inside the folder (a link leaving it is refused) -> each
table file has the bytes and then the SHA-256 the descriptor records, or the folder is read as
``<version>+modified``, never as the published version. Each test breaks one step, everything else
valid, and asserts what ``load``, ``load_all``, ``cite``, ``validate`` (the finding's rule and table) and
the CLI (``cite DIR``, ``validate DIR``: exit code, one ``error:`` line) do. ``build`` writes the
descriptor afresh from the schemas, so the descriptor and path steps do not concern it (it is checked
to write a sound one); a link leaving the folder it refuses with the finding.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import china_russia_diplomacy as crd
from china_russia_diplomacy import cli
from china_russia_diplomacy.core.errors import UntrustedInputError
from china_russia_diplomacy.read.folder_check import ModifiedPackageWarning

VERSION = crd.__version__
PYTHON = ["load", "load_all", "cite"]


def python_entry(entry: str, folder: Path):
    return {"load": lambda: crd.load("events", package_dir=folder),
            "load_all": lambda: crd.load_all(package_dir=folder),
            "cite": lambda: crd.cite("apa", folder)}[entry]()


def refused_line(argv: list[str], capsys) -> str:
    capsys.readouterr()
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1, (code, err)
    return err


def findings(folder: Path) -> list[tuple[str, str | None, str]]:
    from china_russia_diplomacy.validation import validate_package

    report = validate_package(folder)
    assert not report.valid
    return [(f.layer, f.table, f.rule) for f in report.findings]


def validate_exit(folder: Path, capsys) -> int:
    capsys.readouterr()
    code = cli.main(["validate", str(folder)])
    capsys.readouterr()
    return code


def set_events_path(folder: Path, which: str, value: str) -> None:
    descriptor = folder / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    res = next(r for r in data["resources"] if r["name"] == "events")
    if which == "csv":
        res["path"] = value
        res.pop("parquet")  # so that load reads the CSV path
    else:
        res["parquet"]["path"] = value
    descriptor.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --- control --------------------------------------------------------------------------------------------------


def test_the_intact_folder_is_read_as_its_version_by_every_entry_point(package_copy, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModifiedPackageWarning)
        assert crd.load("events", package_dir=package_copy).attrs["version"] == VERSION
        assert all(f.attrs["version"] == VERSION for f in crd.load_all(package_dir=package_copy).values())
        assert f"Version {VERSION})" in crd.cite("apa", package_copy)
    assert cli.main(["cite", str(package_copy)]) == 0 and "+modified" not in capsys.readouterr().out
    assert validate_exit(package_copy, capsys) == 0


# --- step 1: the descriptor ------------------------------------------------------------------------------------


@pytest.fixture()
def latin1_descriptor(package_copy) -> Path:
    descriptor = package_copy / "datapackage.json"
    descriptor.write_bytes(descriptor.read_bytes().replace("China–Russia".encode(), "China\x96Russia".encode("latin-1"), 1))
    return package_copy


@pytest.mark.parametrize("entry", PYTHON)
def test_step_descriptor_not_utf8_is_refused_by_the_python_entry_points(latin1_descriptor, entry):
    with pytest.raises(UntrustedInputError, match=r"datapackage\.json: is not UTF-8 \(byte 0x96"):
        python_entry(entry, latin1_descriptor)


def test_step_descriptor_not_utf8_is_one_line_from_cite_and_a_finding_from_validate(latin1_descriptor, capsys):
    assert "is not UTF-8" in refused_line(["cite", str(latin1_descriptor)], capsys)
    assert ("files", "package", "descriptor-error") in findings(latin1_descriptor)
    assert validate_exit(latin1_descriptor, capsys) == 1


def test_step_descriptor_build_does_not_read_it_but_writes_a_sound_one(latin1_descriptor):
    from china_russia_diplomacy.build.pipeline import build
    from china_russia_diplomacy.core.descriptor_file import read_descriptor

    build(latin1_descriptor)
    assert read_descriptor(latin1_descriptor / "datapackage.json")["version"] == VERSION


# --- step 2: each resource path is a plain relative path ------------------------------------------------------

LEAVING = {
    "data/../../outside.parquet": "'..', which leaves the package folder",
    "./../outside.parquet": "'..', which leaves the package folder",
    "data/sub/../../../outside.parquet": "'..', which leaves the package folder",
    "/etc/hostname": "an absolute path",
    "//server/share/events.parquet": "an absolute path",
    "C:/data/events.parquet": "an absolute path",
    "C:events.parquet": "an absolute path",
    "data\\..\\..\\outside.parquet": "backslashes",
    "..\\outside.parquet": "backslashes",
    "file:///etc/hostname": "a URL",
    "https://example.org/events.parquet": "a URL",
    "data/events.parquet\x00.csv": "a NUL byte",
}


@pytest.mark.parametrize("which", ["csv", "parquet"])
@pytest.mark.parametrize("bad", list(LEAVING))
def test_step_paths_every_form_of_a_path_leaving_the_folder_is_refused_from_every_entry_point(
        package_copy, capsys, which, bad):
    (package_copy.parent / "outside.parquet").write_bytes((package_copy / "data" / "events.parquet").read_bytes())
    set_events_path(package_copy, which, bad)
    for entry in PYTHON:
        with pytest.raises(UntrustedInputError) as exc:
            python_entry(entry, package_copy)
        assert f"resource 'events' names the path {bad!r}, which is" in str(exc.value), entry
        assert LEAVING[bad] in str(exc.value), entry
    assert LEAVING[bad] in refused_line(["cite", str(package_copy)], capsys).replace("\\\\", "\\")
    assert validate_exit(package_copy, capsys) == 1


@pytest.mark.parametrize("bad", ["data/../../outside.parquet", "/etc/hostname", "C:/x.parquet", "data\\..\\x.parquet",
                                 "file:///etc/hostname"])
def test_step_paths_validate_names_the_unsafe_path_on_its_table(package_copy, bad):
    set_events_path(package_copy, "parquet", bad)
    assert ("files", "events", "unsafe-path") in findings(package_copy)


def test_step_paths_a_url_encoded_dot_dot_is_an_ordinary_name_inside_the_folder(package_copy):
    """``%2e%2e`` is not decoded: it names a folder ``%2e%2e`` inside the package, never the parent."""
    (package_copy.parent / "outside.parquet").write_bytes(b"PAR1 not this")
    (package_copy / "%2e%2e").mkdir()
    (package_copy / "data" / "events.parquet").rename(package_copy / "%2e%2e" / "events.parquet")
    set_events_path(package_copy, "parquet", "%2e%2e/events.parquet")
    frame = crd.load("events", package_dir=package_copy)
    assert len(frame) > 0 and frame.attrs["version"] == VERSION


# --- step 3: the path resolves inside the folder -----------------------------------------------------------------


@pytest.fixture()
def linked_out(package_copy, tmp_path) -> Path:
    outside = tmp_path / "elsewhere" / "events.csv"
    outside.parent.mkdir()
    outside.write_bytes((package_copy / "data" / "events.csv").read_bytes())  # the same bytes: only the link is wrong
    (package_copy / "data" / "events.csv").unlink()
    (package_copy / "data" / "events.csv").symlink_to(outside)
    set_events_path(package_copy, "csv", "data/events.csv")
    return package_copy


@pytest.mark.parametrize("entry", PYTHON)
def test_step_links_a_table_linked_outside_the_folder_is_refused_by_the_python_entry_points(linked_out, entry):
    with pytest.raises(UntrustedInputError, match=r"'data/events\.csv', which is a link .* outside the package"):
        python_entry(entry, linked_out)


def test_step_links_cite_validate_and_build_refuse_a_table_linked_outside(linked_out, capsys):
    from china_russia_diplomacy.build.pipeline import build
    from china_russia_diplomacy.validation import ValidationError

    assert "outside the package" in refused_line(["cite", str(linked_out)], capsys)
    assert ("files", "events", "file-type") in findings(linked_out)
    assert validate_exit(linked_out, capsys) == 1
    with pytest.raises(ValidationError) as exc:
        build(linked_out)
    assert [(f.table, f.rule) for f in exc.value.report.findings if f.layer == "files"][:1] == [("events", "file-type")]


# --- step 4: sizes, then hashes -> +modified ---------------------------------------------------------------------


def edit_notes(folder: Path, keep_size: bool) -> None:
    """One letter of the last events row's notes changed (same size) or one appended (size differs);
    every rule still holds."""
    path = folder / "data" / "events.csv"
    data = path.read_bytes()
    i = data.rstrip(b"\n").rfind(b".")  # the full stop ending the last row's notes
    assert i > 0
    path.write_bytes(data[:i] + (b"!" if keep_size else b".!") + data[i + 1:])


@pytest.mark.parametrize("keep_size, says", [(False, r"data/events\.csv has \d+ bytes, not \d+"),
                                             (True, r"data/events\.csv has another SHA-256")])
def test_step_hashes_an_edited_table_is_read_as_modified_by_every_entry_point(package_copy, capsys, keep_size, says):
    edit_notes(package_copy, keep_size)
    with pytest.warns(ModifiedPackageWarning, match=says):
        assert crd.load("events", package_dir=package_copy).attrs["version"] == f"{VERSION}+modified"
    from china_russia_diplomacy.read import folder_check

    folder_check._WARNED.clear()
    with pytest.warns(ModifiedPackageWarning, match=says):
        assert {f.attrs["version"] for f in crd.load_all(package_dir=package_copy).values()} == {f"{VERSION}+modified"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModifiedPackageWarning)
        assert f"Version {VERSION}+modified)" in crd.cite("apa", package_copy)
        capsys.readouterr()
        assert cli.main(["cite", str(package_copy)]) == 0
        assert f"{VERSION}+modified" in capsys.readouterr().out
        assert ("files", "events", "hash") in findings(package_copy)
        assert validate_exit(package_copy, capsys) == 1
