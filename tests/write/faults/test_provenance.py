"""Provenance defects: evidence no longer verbatim at its offsets, quotes outside evidence, archive tampering."""

from __future__ import annotations

import pytest

from .inject import CsvTable, assert_caught

defect = pytest.mark.defect
PROVENANCE_TABLES = ["events", "event_mentions", "participants", "event_participants", "agreements", "quotes", "discrepancies"]


def _one_char_edit(text: str) -> str:
    """Change the middle letter of ``text`` (a letter to another letter, so no other rule fires)."""
    k = next(k for k in range(len(text) // 2, len(text)) if text[k].isalpha()) if any(c.isalpha() for c in text) else 0
    repl = "x" if text[k] != "x" else "y"
    return text[:k] + repl + text[k + 1:]


@defect("provenance: evidence edited")
@pytest.mark.parametrize("table", PROVENANCE_TABLES)
def test_evidence_edited_by_one_character_is_reported(pkg, table):
    t = CsvTable.open(pkg, table)
    t.set(0, "evidence", _one_char_edit(t.get(0, "evidence")))
    t.save()
    f = assert_caught(pkg, table, "evidence-verbatim", t.line(0), "evidence")
    assert t.get(0, "source_id") in f.message


@defect("provenance: offsets shifted")
@pytest.mark.parametrize("table", ["events", "quotes"])
def test_offsets_shifted_by_one_are_reported(pkg, table):
    t = CsvTable.open(pkg, table)
    for col in ("evidence_start", "evidence_end"):
        t.set(0, col, str(int(t.get(0, col)) + 1))
    t.save()
    f = assert_caught(pkg, table, "evidence-verbatim", t.line(0), "evidence")
    assert "occurs at" in f.message  # the message tells where the span really is


@defect("provenance: evidence from another source")
def test_evidence_pointing_at_another_source_is_reported(pkg):
    sources = [r[0] for r in CsvTable.open(pkg, "sources").rows]
    t = CsvTable.open(pkg, "participants")
    current = t.get(0, "source_id")
    t.set(0, "source_id", next(s for s in sources if s != current))
    t.save()
    assert_caught(pkg, "participants", "evidence-verbatim", t.line(0), "evidence")


@defect("provenance: other evidence shifted")
def test_discrepancy_other_evidence_shifted_is_reported(pkg):
    t = CsvTable.open(pkg, "discrepancies")
    for col in ("other_evidence_start", "other_evidence_end"):
        t.set(0, col, str(int(t.get(0, col)) + 1))
    t.save()
    assert_caught(pkg, "discrepancies", "evidence-verbatim", t.line(0), "other_evidence")


@defect("provenance: quote outside its evidence")
def test_quote_text_outside_its_evidence_is_reported(pkg):
    t = CsvTable.open(pkg, "quotes")
    t.set(0, "text", t.get(0, "text") + " and words nobody said")
    t.save()
    assert_caught(pkg, "quotes", "quote-in-evidence", t.line(0), "text")


def _article(pkg, i: int = 0):
    t = CsvTable.open(pkg, "sources")
    return t, pkg / "sources" / t.get(i, "file_name")


@defect("provenance: archived article altered")
def test_article_altered_by_one_byte_is_reported(pkg):
    t, path = _article(pkg)
    data = bytearray(path.read_bytes())
    k = next(k for k in range(len(data) // 2, len(data)) if chr(data[k]).isalpha())
    data[k] = ord("x") if data[k] != ord("x") else ord("y")
    path.write_bytes(bytes(data))
    f = assert_caught(pkg, "sources", "source-sha256", t.line(0), "sha256")
    assert path.name in f.message


@defect("provenance: archived article missing")
def test_missing_article_is_reported(pkg):
    t, path = _article(pkg)
    path.unlink()
    assert_caught(pkg, "sources", "source-missing", t.line(0), "file_name")
