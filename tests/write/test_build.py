"""build: validate first, write last; deterministic; nothing stale committed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from china_russia_diplomacy.build import pipeline as build_mod
from china_russia_diplomacy.build.pipeline import build, compute_outputs
from china_russia_diplomacy.validation import ValidationError

from package_edits import edit_cell


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_committed_generated_files_are_not_stale(repo):
    """Regression: someone edited a CSV or schema and committed without running build."""
    outputs, _ = compute_outputs(repo)
    stale = [rel for rel, data in outputs.items() if not (repo / rel).is_file() or (repo / rel).read_bytes() != data]
    assert not stale, f"stale generated files, run `china-russia-diplomacy build`: {stale}"


def test_no_committed_site_file_is_one_build_no_longer_writes(repo):
    """Regression: build never deleted a site file it had stopped generating (a search shard whose terms
    went, the previous version's download), so the committed site/ held files a fresh build lacks."""
    outputs, _ = compute_outputs(repo)
    left = sorted(p.relative_to(repo).as_posix() for p in (repo / "site").rglob("*") if p.is_file()
                  and p.relative_to(repo).as_posix() not in outputs)
    assert not left, f"files in site/ that build no longer writes: {left}"


def test_build_removes_site_files_an_earlier_build_left_and_nothing_else(package_copy):
    """A folder built over an old build equals one built from nothing: a stale file in site/ goes (and an
    emptied folder with it), a file of the user's outside site/ stays."""
    build(package_copy)
    stale = [package_copy / "site" / "download" / "china-russia-diplomacy-0.9.0-data.zip",
             package_copy / "site" / "old" / "page.html"]
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"from an earlier build")
    mine = package_copy / "docs" / "my-notes.txt"
    mine.write_text("keep", encoding="utf-8")
    changed, report = build(package_copy)
    assert report.valid
    assert sorted(changed) == ["site/download/china-russia-diplomacy-0.9.0-data.zip", "site/old/page.html"]
    assert not any(p.exists() for p in stale) and not (package_copy / "site" / "old").exists()
    assert mine.read_text(encoding="utf-8") == "keep"


def test_build_skipping_the_site_leaves_site_alone(package_copy):
    build(package_copy)
    extra = package_copy / "site" / "extra.html"
    extra.write_text("x", encoding="utf-8")
    build(package_copy, skip=("site",))
    assert extra.exists()


def test_build_is_byte_identical_twice(package_copy, tmp_path):
    build(package_copy)
    first = snapshot(package_copy)
    changed, report = build(package_copy)
    assert report.valid
    assert changed == []
    assert snapshot(package_copy) == first


def test_build_from_scratch_reproduces_committed_files(package_copy, repo):
    for p in (package_copy / "data").glob("*.parquet"):
        p.unlink()
    (package_copy / "datapackage.json").unlink()
    build(package_copy)
    for rel in ["datapackage.json", *[f"data/{p.name}" for p in (repo / "data").glob("*.parquet")]]:
        assert (package_copy / rel).read_bytes() == (repo / rel).read_bytes(), rel


def test_invalid_input_leaves_previous_files_untouched(package_copy):
    before = snapshot(package_copy)
    edit_cell(package_copy / "data" / "events.csv", 0, "status", "happened")
    with pytest.raises(ValidationError) as exc:
        build(package_copy)
    assert any(f.table == "events" and f.column == "status" and f.line == 2 for f in exc.value.report.findings)
    after = snapshot(package_copy)
    after.pop("data/events.csv")
    before.pop("data/events.csv")
    assert after == before
    assert not list(package_copy.glob(".staging-*")), "staging directory left behind"


def test_crash_while_installing_restores_every_file(package_copy, monkeypatch):
    # Make a real change so that build has files to replace, then crash after the first replacement.
    schema = package_copy / "schemas" / "events.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace("Short neutral English title", "Short, neutral English title"), encoding="utf-8")
    before = snapshot(package_copy)
    real_replace = build_mod.os.replace
    calls = {"n": 0}

    def flaky_replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full (injected)")
        return real_replace(src, dst)

    monkeypatch.setattr(build_mod.os, "replace", flaky_replace)
    with pytest.raises(OSError, match="injected"):
        build(package_copy)
    assert snapshot(package_copy) == before


@pytest.mark.parametrize("damage", ["truncated JSON", "unsupported type"])
def test_broken_schema_is_refused_with_its_file_named(package_copy, damage):
    """Regression: a broken schema file made build crash with a JSON or Arrow traceback."""
    schema = package_copy / "schemas" / "quotes.json"
    text = schema.read_text(encoding="utf-8")
    schema.write_text(text[:40] if damage == "truncated JSON" else text.replace('"type": "date"', '"type": "datetime"'),
                      encoding="utf-8")
    before = snapshot(package_copy)
    with pytest.raises(ValidationError) as exc:
        build(package_copy)
    finding = exc.value.report.findings[0]
    assert finding.rule == "schema-error" and "schemas/quotes.json" in finding.message
    assert snapshot(package_copy) == before
