"""Sentence-coverage tests: every article sentence is used by a row or explained."""
from __future__ import annotations

import csv
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("pysbd")

ROOT = Path(__file__).resolve().parents[2]


def _load_coverage():
    spec = importlib.util.spec_from_file_location("coverage_script", ROOT / "scripts" / "coverage.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses need the module registered
    spec.loader.exec_module(mod)
    return mod


coverage = _load_coverage()


def _copy_package(tmp_path: Path) -> Path:
    pkg = tmp_path / "pkg"
    for d in ("data", "sources", "curation"):
        shutil.copytree(ROOT / d, pkg / d)
    return pkg


def test_every_sentence_used_or_explained():
    rep = coverage.run(ROOT)
    assert rep.sentences, "no sentences segmented"
    assert not rep.broken, rep.broken
    assert not rep.unexplained, [(s.source_id, s.start, s.text) for s in rep.unexplained]
    assert coverage.main(["--package-dir", str(ROOT)]) == 0


def test_every_source_is_segmented():
    rep = coverage.run(ROOT)
    with open(ROOT / "data" / "sources.csv", encoding="utf-8", newline="") as f:
        ids = {r["source_id"] for r in csv.DictReader(f)}
    assert {s.source_id for s in rep.sentences} == ids


def test_shifted_explanation_is_reported(tmp_path, capsys):
    pkg = _copy_package(tmp_path)
    path = pkg / "curation" / "unused_sentences.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
        fields = list(rows[0].keys())
    rows[0]["sentence_start"] = str(int(rows[0]["sentence_start"]) + 1)
    rows[0]["sentence_end"] = str(int(rows[0]["sentence_end"]) + 1)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    rep = coverage.run(pkg)
    assert rep.broken and "not verbatim" in rep.broken[0]
    assert not rep.ok
    assert coverage.main(["--package-dir", str(pkg)]) == 1
    assert "BROKEN EXPLANATION" in capsys.readouterr().out


def test_missing_explanation_is_listed(tmp_path, capsys):
    pkg = _copy_package(tmp_path)
    path = pkg / "curation" / "unused_sentences.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")  # drop the last explanation
    rep = coverage.run(pkg)
    assert len(rep.unexplained) == 1
    assert coverage.main(["--package-dir", str(pkg)]) == 1
    assert "UNEXPLAINED" in capsys.readouterr().out
