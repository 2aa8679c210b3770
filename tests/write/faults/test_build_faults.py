"""Faults during build: nothing lost when it fails half-way or refuses its input; byte-identical rebuilds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import china_russia_diplomacy.build.pipeline as build_module
from china_russia_diplomacy.build.outputs import StagedOutputs
from china_russia_diplomacy.build.pipeline import build, compute_outputs

from .inject import CsvTable, assert_build_refuses, snapshot

defect = pytest.mark.defect


def _valid_edit(pkg: Path) -> None:
    """A valid CSV edit, so that a rebuild must replace several generated files."""
    t = CsvTable.open(pkg, "events")
    t.set(0, "notes", (t.get(0, "notes") + " Re-read by a curator.").strip())
    t.save()


class Boom(Exception):
    pass


@pytest.mark.slow
@defect("fault: build fails half-way")
@pytest.mark.parametrize("fail_at,error", [(1, Boom), (2, KeyboardInterrupt), (-1, Boom)], ids=["first", "second-interrupt", "last"])
def test_failure_while_installing_outputs_leaves_every_file_byte_identical(pkg, monkeypatch, fail_at, error):
    """An exception (or Ctrl-C) in the n-th os.replace of ``build._install``: the files already replaced are restored."""
    _valid_edit(pkg)
    before = snapshot(pkg)
    outputs, _ = compute_outputs(pkg)
    changing = [rel for rel, data in outputs.items() if not (pkg / rel).is_file() or (pkg / rel).read_bytes() != data]
    assert len(changing) >= 3, f"the edit must change several outputs to fail between them: {changing}"
    if fail_at < 0:
        fail_at = len(changing)
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == fail_at:
            raise error("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(build_module.os, "replace", failing_replace)
    with pytest.raises(error):
        build(pkg)
    monkeypatch.undo()
    assert len(calls) >= fail_at
    after = snapshot(pkg)
    assert after == before, f"files changed by a failed build: {sorted(k for k in set(after) | set(before) if after.get(k) != before.get(k))}"
    build(pkg)  # and the next build goes through
    assert all((pkg / rel).read_bytes() == data for rel, data in outputs.items())


@defect("fault: build fails half-way")
def test_failing_generator_writes_nothing(pkg, monkeypatch):
    _valid_edit(pkg)
    before = snapshot(pkg)
    real = build_module.generators()

    def broken(ctx):
        raise Boom("generator bug")

    monkeypatch.setattr(build_module, "generators", lambda: real[:1] + [broken] + real[1:])
    with pytest.raises(Boom):
        build(pkg)
    assert snapshot(pkg) == before


@defect("fault: build fails while staging")
def test_failure_while_staging_leaves_files_and_no_staging_directory(pkg, monkeypatch):
    """A full disk while the staged copy is written: the package is untouched and no .staging-* is left."""
    _valid_edit(pkg)
    before = snapshot(pkg)
    real_target = StagedOutputs._target
    calls = []

    def failing_target(self, relpath):
        calls.append(relpath)
        if len(calls) == 2:  # the second file generated: the first is already in the staging directory
            raise OSError(28, "No space left on device")
        return real_target(self, relpath)

    monkeypatch.setattr(StagedOutputs, "_target", failing_target)
    with pytest.raises(OSError, match="No space left"):
        build(pkg)
    monkeypatch.undo()
    assert not list(pkg.glob(".staging-*")), "a failed build left its staging directory behind"
    assert snapshot(pkg) == before


def _rule_defect(pkg):
    t = CsvTable.open(pkg, "events")
    t.set(0, "num_sources", str(int(t.get(0, "num_sources")) + 1))
    t.save()
    return ("events", "num-sources", t.line(0), "num_sources")


def _provenance_defect(pkg):
    t = CsvTable.open(pkg, "quotes")
    t.set(0, "evidence_start", str(int(t.get(0, "evidence_start")) + 1))
    t.save()
    return ("quotes", "evidence-verbatim", t.line(0), "evidence")


def _foreign_key_defect(pkg):
    t = CsvTable.open(pkg, "event_participants")
    t.set(0, "participant_id", "par-9999")
    t.save()
    return ("event_participants", "foreign-key", t.line(0), "participant_id")


def _date_defect(pkg):
    t = CsvTable.open(pkg, "events")
    i = t.filled("date_edtf")
    t.set(i, "date_edtf", "1999-01-01")
    t.save()
    return ("events", "edtf", t.line(i), "date_edtf")


def _hygiene_defect(pkg):
    t = CsvTable.open(pkg, "quotes")
    t.set(0, "notes", "=1+1")
    t.save()
    return ("quotes", "csv-injection", t.line(0), "notes")


def _archive_defect(pkg):
    path = next(p for p in sorted((pkg / "sources").iterdir()) if p.suffix == ".txt")
    path.write_bytes(path.read_bytes() + b" ")
    return ("sources", "source-sha256", None, "sha256")


@defect("fault: invalid input refused by build")
@pytest.mark.parametrize("inject", [_rule_defect, _provenance_defect, _foreign_key_defect, _date_defect, _hygiene_defect, _archive_defect],
                         ids=lambda f: f.__name__.strip("_"))
def test_build_refuses_rule_level_defects_and_keeps_last_good_files(pkg, inject):
    """Cell- and file-level defects are refused before any output is computed (tested with each fault);
    these reach the validation of the staged package, after every output was rendered."""
    table, rule, line, column = inject(pkg)
    assert_build_refuses(pkg, table, rule, line, column)


def _inputs_only(pristine: Path, dest: Path) -> Path:
    """A copy of the package with every generated file removed except README.md (also an input)."""
    shutil.copytree(pristine, dest)
    outputs, _ = compute_outputs(pristine)
    for rel in outputs:
        if rel != "README.md":
            (dest / rel).unlink(missing_ok=True)
    return dest


@defect("fault: non-reproducible build")
def test_two_builds_give_byte_identical_files(pristine, tmp_path):
    fresh = _inputs_only(pristine, tmp_path / "fresh")
    build(fresh)
    assert snapshot(fresh) == snapshot(pristine)
    changed, _ = build(fresh)
    assert changed == []


@pytest.mark.slow
@defect("fault: non-reproducible build")
@pytest.mark.parametrize("env", [
    {"TZ": "Asia/Tokyo", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PYTHONHASHSEED": "1"},
    {"TZ": "America/St_Johns", "LC_ALL": "C", "LANG": "C", "PYTHONHASHSEED": "4242", "PYTHONUTF8": "0"},
], ids=["tokyo-c.utf8", "st-johns-c"])
def test_build_under_another_time_zone_and_locale_is_byte_identical(pristine, tmp_path, env):
    fresh = _inputs_only(pristine, tmp_path / "fresh")
    run_env = {**os.environ, **env}
    proc = subprocess.run([sys.executable, "-c", "import sys; from china_russia_diplomacy.build.pipeline import build; build(sys.argv[1])",
                           str(fresh)], env=run_env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    before, after = snapshot(pristine), snapshot(fresh)
    assert after == before, f"differs: {sorted(k for k in set(after) | set(before) if after.get(k) != before.get(k))}"
