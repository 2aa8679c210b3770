"""Writers respect the disk and the package (issue 26): ``export`` and ``build`` refuse a target they
must not write, and a full disk, a read-only folder or a file-size limit ends in one line with nothing
half-written and no file outside the target changed.

The full disk and the read-only folder are simulated in-process (the tests run as root in CI, where
chmod stops nothing): the write function raises ``OSError(ENOSPC|EROFS|EACCES)`` at the n-th file. One
test runs the real command under ``prlimit --fsize`` (RLIMIT_FSIZE: the kernel answers EFBIG).
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import china_russia_diplomacy.build.pipeline as build_module
from china_russia_diplomacy.cli import main
from china_russia_diplomacy.exports import sqlite_export, target

from .inject import CsvTable, snapshot

defect = pytest.mark.defect


def tree(path: Path) -> dict[str, bytes]:
    """Every file under ``path`` (hidden ones too: a staging folder left behind must show)."""
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()} if path.exists() else {}


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    """An empty folder for the outputs (``pkg`` lives in tmp_path itself)."""
    path = tmp_path / "out"
    path.mkdir()
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def fail_nth_write(monkeypatch, n: int, code: int, strerror: str) -> list[Path]:
    """``Path.write_bytes`` raises ``OSError(code)`` at its n-th call (the disk filling up half-way)."""
    real = Path.write_bytes
    calls: list[Path] = []

    def write_bytes(self, data):
        calls.append(self)
        if len(calls) == n:
            raise OSError(code, strerror, str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    return calls


# --- targets an export must not write ----------------------------------------------------------------


def test_xlsx_output_naming_a_file_writes_that_file_not_a_folder(pkg, dest, capsys):
    """Regression: ``export --format xlsx -o x.xlsx`` made a folder named x.xlsx."""
    out = dest / "x.xlsx"
    code, printed, err = run(capsys, "export", str(pkg), "--format", "xlsx", "-o", str(out))
    assert (code, err, printed) == (0, "", f"{out}\n")
    assert out.is_file() and out.read_bytes()[:4] == b"PK\x03\x04"
    assert sorted(p.name for p in dest.iterdir()) == ["x.xlsx"]


def test_sqlite_output_naming_a_folder_writes_the_database_into_it(pkg, dest, capsys):
    code, printed, _ = run(capsys, "export", str(pkg), "--format", "sqlite", "-o", str(dest))
    assert code == 0
    assert sorted(p.name for p in dest.iterdir()) == ["china-russia-diplomacy.metadata.json", "china-russia-diplomacy.sqlite"]


@defect("export: a target it must not write")
@pytest.mark.parametrize("fmt", ["csv", "json", "parquet", "xlsx"])
def test_export_into_the_package_itself_is_refused_and_changes_nothing(pkg, capsys, monkeypatch, fmt):
    """Regression: ``export --output .`` in a checkout rewrote the checkout's own datapackage.json."""
    monkeypatch.chdir(pkg)
    before = tree(pkg)
    code, out, err = run(capsys, "export", "--format", fmt, "--output", ".", str(pkg))
    assert (code, out) == (2, "")
    assert err == (f"error: export --format {fmt} refused: {pkg.resolve()} is the package being exported (or inside its "
                   f"data/, schemas/, sources/); pass --output a folder outside it\n")
    assert tree(pkg) == before


@defect("export: a target it must not write")
def test_export_into_another_package_no_export_wrote_is_refused(pkg, dest, capsys):
    other = dest / "other"
    shutil.copytree(pkg, other)
    before = tree(other)
    code, _, err = run(capsys, "export", str(pkg), "--format", "csv", "-o", str(other))
    assert code == 2
    assert err == (f"error: export --format csv refused: {other} holds a data package (datapackage.json) that no export "
                   "wrote, which the export would overwrite; pass --output another folder\n")
    assert tree(other) == before


@defect("export: a target it must not write")
def test_export_may_replace_its_own_earlier_csv_export(pkg, dest, capsys):
    out = dest / "csv"
    assert run(capsys, "export", str(pkg), "--format", "csv", "-o", str(out))[0] == 0
    first = tree(out)
    assert run(capsys, "export", str(pkg), "--format", "csv", "-o", str(out))[0] == 0
    assert tree(out) == first


@defect("export: a target it must not write")
@pytest.mark.parametrize("fmt,name,message", [
    ("csv", "notes.txt", "{p} is a file, and csv writes a folder of files; pass --output a folder path (it is created if missing)"),
    ("sqlite", "datapackage.json", "{p} exists and is not a sqlite file, which the export would overwrite; remove it or pass another --output"),
    ("xlsx", "paper.xlsx", "{p} exists and is not a xlsx file, which the export would overwrite; remove it or pass another --output"),
], ids=["file-as-folder", "descriptor-as-database", "other-file-as-workbook"])
def test_export_over_a_file_it_must_not_replace_is_refused(pkg, dest, capsys, fmt, name, message):
    victim = dest / name
    victim.write_bytes(b"my own words\n")
    code, _, err = run(capsys, "export", str(pkg), "--format", fmt, "-o", str(victim))
    assert (code, err) == (2, f"error: export --format {fmt} refused: {message.format(p=victim)}\n")
    assert tree(dest) == {name: b"my own words\n"}


@defect("export: a target it must not write")
def test_a_wrong_positional_is_one_line_naming_what_dir_means(dest, capsys):
    """Regression: ``export --format csv /tmp`` ended in a raw ``[Errno 2] ... /tmp/datapackage.json``."""
    code, _, err = run(capsys, "export", "--format", "csv", str(dest))
    assert code == 2
    assert err == (f"error: export refused: {dest} holds no data package (no datapackage.json); DIR is the package "
                   f"to export, or none for the installed data (to write the export into {dest}, pass --output {dest})\n")
    assert list(dest.iterdir()) == []


# --- the disk refuses the write ----------------------------------------------------------------------


@defect("export: the disk refuses the write")
@pytest.mark.parametrize("code,strerror,line", [
    (errno.ENOSPC, "No space left on device",
     "cannot write {p}: no space left on device (errno 28); free space on that disk or write somewhere else"),
    (errno.EROFS, "Read-only file system",
     "cannot write {p}: read-only file system (errno 30); that file system is mounted read-only; write somewhere else"),
    (errno.EACCES, "Permission denied",
     "cannot use {p}: permission denied (errno 13); you lack permission there; pick a folder you can write to, or fix its permissions"),
], ids=["full-disk", "read-only", "no-permission"])
@pytest.mark.parametrize("fresh", [True, False], ids=["new-folder", "over-an-earlier-export"])
def test_folder_export_failing_half_way_leaves_the_target_as_it_was(pkg, dest, capsys, monkeypatch, code, strerror, line, fresh):
    out = dest / "csv"
    if not fresh:
        assert run(capsys, "export", str(pkg), "--format", "csv", "-o", str(out))[0] == 0
    before = tree(dest)
    calls = fail_nth_write(monkeypatch, 3, code, strerror)
    got, out_text, err = run(capsys, "export", str(pkg), "--format", "csv", "-o", str(out))
    monkeypatch.undo()
    staging = next(p for p in calls[2].parents if p.name.startswith(".csv.export-"))
    failed = out / calls[2].relative_to(staging)
    assert (got, out_text) == (1, "")
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert err == "error: " + line.format(p=failed) + "\n"
    assert tree(dest) == before, "a failed export changed or left files"


@defect("export: the disk refuses the write")
def test_failure_while_replacing_an_earlier_export_restores_it(pkg, dest, capsys, monkeypatch):
    out = dest / "json"
    assert run(capsys, "export", str(pkg), "--format", "json", "-o", str(out))[0] == 0
    (out / "events.json").write_bytes(b"[]\n")  # so that the old and the new export differ
    before = tree(dest)
    real, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 4:
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real(src, dst)

    monkeypatch.setattr(target.os, "replace", replace)
    code, _, err = run(capsys, "export", str(pkg), "--format", "json", "-o", str(out))
    monkeypatch.undo()
    assert code == 1 and err.startswith("error: cannot write ") and "no space left on device (errno 28)" in err
    assert tree(dest) == before


@defect("export: the disk refuses the write")
def test_sqlite_export_on_a_full_disk_is_one_line_and_leaves_no_temporary_file(pkg, dest, capsys, monkeypatch):
    def full(package_dir, path):
        sqlite3.connect(path).close()
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite_export, "write_database", full)
    out = dest / "crd.sqlite"
    code, _, err = run(capsys, "export", str(pkg), "--format", "sqlite", "-o", str(out))
    assert (code, err) == (1, f"error: cannot write {out}: no space left on device (errno 28); free space on that disk "
                              "or write somewhere else\n")
    assert list(dest.iterdir()) == []


@defect("export: the disk refuses the write")
def test_export_under_a_file_size_limit_ends_in_one_line(pkg, dest):
    """A real limit, not a monkeypatch: RLIMIT_FSIZE makes the kernel refuse the write with EFBIG."""
    if not shutil.which("prlimit"):
        pytest.skip("prlimit (util-linux) is not installed")
    out = dest / "csv"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(["prlimit", "--fsize=20000", sys.executable, "-m", "china_russia_diplomacy", "export", str(pkg),
                           "--format", "csv", "-o", str(out)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith(f"error: cannot write {out}/"), proc.stderr
    assert "file too large (errno 27)" in proc.stderr
    assert list(dest.iterdir()) == []


# --- build -------------------------------------------------------------------------------------------


@defect("fault: build fails while staging")
def test_build_on_a_full_disk_is_one_line_naming_the_file_and_changes_nothing(pkg, capsys, monkeypatch):
    t = CsvTable.open(pkg, "events")
    t.set(0, "notes", (t.get(0, "notes") + " Re-read.").strip())
    t.save()
    before = snapshot(pkg)
    from china_russia_diplomacy.build import outputs as outputs_module

    real, calls = outputs_module._open_for_writing, []

    def open_for_writing(path):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path)

    monkeypatch.setattr(outputs_module, "_open_for_writing", open_for_writing)
    code, out, err = run(capsys, "build", str(pkg))
    rel = calls[1].relative_to(next(p for p in calls[1].parents if p.name.startswith(".staging-")))
    assert code == 1
    assert err == (f"error: cannot write {pkg / rel}: no space left on device (errno 28); free space on that disk or "
                   "write somewhere else\n")
    assert snapshot(pkg) == before and not list(pkg.glob(".staging-*"))


@defect("fault: build fails while staging")
def test_a_killed_builds_staging_folder_is_removed_by_the_next_build(pkg, dest):
    left = pkg / ".staging-k1ll3d"
    (left / "data").mkdir(parents=True)
    (left / "data" / "events.parquet").write_bytes(b"half")
    outside = dest / "keep"
    outside.mkdir()
    (outside / "x").write_text("mine")
    (pkg / ".staging-link").symlink_to(outside, target_is_directory=True)
    build_module.build(pkg)
    assert not left.exists()
    assert (outside / "x").read_text() == "mine", "a symbolic link's target must never be removed"
