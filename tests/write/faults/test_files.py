"""File-level defects: what editors, spreadsheets and broken downloads do to a CSV or the descriptor."""

from __future__ import annotations

import json
import unicodedata

import pytest

from china_russia_diplomacy.validation import validate_package

from .inject import CsvTable, assert_caught, matching

defect = pytest.mark.defect
TABLES = ["sources", "events", "event_mentions", "participants", "event_participants", "agreements", "quotes", "discrepancies"]


def _csv(pkg, table: str):
    return pkg / "data" / f"{table}.csv"


def _first_encodable_non_ascii(pkg, encoding: str) -> tuple[str, str, int]:
    """(table, text, index) of the first character that ``encoding`` writes as a byte >= 0x80."""
    for table in TABLES:
        text = _csv(pkg, table).read_text(encoding="utf-8")
        for k, ch in enumerate(text):
            if ord(ch) > 127:
                try:
                    if ch.encode(encoding)[0] >= 0x80:
                        return table, text, k
                except UnicodeEncodeError:
                    continue
    pytest.fail(f"no CSV has a character that {encoding} would re-encode")


@defect("file: UTF-8 BOM")
def test_byte_order_mark_is_reported(pkg):
    path = _csv(pkg, "events")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert_caught(pkg, "events", "utf8-no-bom", 1, build=True)


@defect("file: Latin-1 re-encoding")
def test_latin1_resave_is_reported(pkg):
    table, text, k = _first_encodable_non_ascii(pkg, "latin-1")
    # a spreadsheet saving as Latin-1 writes '?' for what Latin-1 lacks (curly quotes) and one byte for the rest
    _csv(pkg, table).write_bytes(text.encode("latin-1", errors="replace"))
    f = assert_caught(pkg, table, "encoding-utf8", text.count("\n", 0, k) + 1, build=True)
    assert "Latin-1" in f.message


@defect("file: Windows-1252 re-encoding")
def test_windows1252_resave_is_reported(pkg):
    table, text, k = _first_encodable_non_ascii(pkg, "cp1252")
    _csv(pkg, table).write_bytes(text.encode("cp1252", errors="replace"))
    assert_caught(pkg, table, "encoding-utf8", text.count("\n", 0, k) + 1, build=True)


@defect("file: CRLF line endings")
def test_crlf_line_endings_are_reported(pkg):
    path = _csv(pkg, "participants")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert_caught(pkg, "participants", "line-endings-lf", 1, build=True)


@defect("file: ragged row")
def test_row_with_an_extra_cell_is_reported(pkg):
    t = CsvTable.open(pkg, "events")
    t.rows[1].append("stray")
    t.save()
    f = assert_caught(pkg, "events", "row-length", t.line(1), build=True)
    assert "ragged" in f.message


@defect("file: ragged row")
def test_row_with_a_missing_cell_is_reported(pkg):
    t = CsvTable.open(pkg, "quotes")
    t.rows[0].pop()
    t.save()
    assert_caught(pkg, "quotes", "row-length", t.line(0), build=True)


@defect("file: duplicated header")
def test_duplicated_header_column_is_reported(pkg):
    t = CsvTable.open(pkg, "agreements")
    t.header[-1] = t.header[0]
    t.save()
    assert_caught(pkg, "agreements", "header-duplicate", 1, t.header[0], build=True)


@defect("file: renamed header")
def test_renamed_header_column_is_reported(pkg):
    t = CsvTable.open(pkg, "events")
    old = t.header[2]
    t.header[2] = old + "_renamed"
    t.save()
    assert_caught(pkg, "events", "header-unknown", 1, old + "_renamed", build=True)
    assert_caught(pkg, "events", "header-missing", 1, old, build=False)


@defect("file: reordered column")
def test_swapped_columns_are_reported(pkg):
    t = CsvTable.open(pkg, "participants")
    for row in [t.header, *t.rows]:
        row[1], row[2] = row[2], row[1]
    t.save()
    assert_caught(pkg, "participants", "header-order", 1, build=True)


@defect("file: NUL byte")
def test_nul_byte_is_reported(pkg):
    t = CsvTable.open(pkg, "events")
    t.set(1, "title", t.get(1, "title") + "\x00")
    t.save()
    assert_caught(pkg, "events", "no-nul-bytes", t.line(1), build=True)


@defect("file: truncated file")
def test_file_cut_in_a_plain_cell_of_its_last_row_is_reported_as_truncated_and_ragged(pkg):
    """Cut after the last row's ID and three characters: no quote is open, so exactly two findings on
    that line (issue 29: the old test cut wherever half the row fell and accepted either finding)."""
    path = _csv(pkg, "event_mentions")
    data = path.read_bytes()
    last_start = data.rstrip(b"\n").rfind(b"\n") + 1
    cut = data[: data.index(b",", last_start) + 4]
    path.write_bytes(cut)
    line = cut.count(b"\n") + 1
    f = assert_caught(pkg, "event_mentions", "final-newline", line, build=True)
    assert "truncated" in f.message
    assert_caught(pkg, "event_mentions", "row-length", line)
    assert not matching(validate_package(pkg).findings, "event_mentions", "csv-syntax")


@defect("file: truncated file")
def test_file_cut_inside_a_quoted_cell_of_its_last_row_is_reported_as_truncated_and_unterminated(pkg):
    """Cut five characters into the last row's quoted evidence: the final newline is missing and the
    quote is never closed, each its own finding on that line, the second naming the column."""
    path = _csv(pkg, "event_mentions")
    data = path.read_bytes()
    last_start = data.rstrip(b"\n").rfind(b"\n") + 1
    cut = data[: data.index(b',"', last_start) + 7]
    path.write_bytes(cut)
    line = cut.count(b"\n") + 1
    f = assert_caught(pkg, "event_mentions", "final-newline", line, build=True)
    assert "truncated" in f.message
    g = assert_caught(pkg, "event_mentions", "csv-syntax", line, "evidence", build=True)
    assert "never closed" in g.message


@defect("file: unterminated quote")
def test_unterminated_quote_is_reported(pkg):
    path = _csv(pkg, "participants")
    text = path.read_text(encoding="utf-8")
    line = text.count("\n") + 1
    path.write_text(text + '"par-9999,never closed\n', encoding="utf-8")
    assert_caught(pkg, "participants", "csv-syntax", line, build=True)


@defect("file: blank line")
def test_blank_line_between_rows_is_reported(pkg):
    path = _csv(pkg, "events")
    header, rest = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(header + "\n\n" + rest, encoding="utf-8")
    assert_caught(pkg, "events", "blank-line", 2, build=True)


@defect("file: empty file")
def test_empty_csv_is_reported(pkg):
    _csv(pkg, "quotes").write_bytes(b"")
    assert_caught(pkg, "quotes", "header", 1, build=True)


@defect("file: missing CSV")
def test_missing_csv_is_reported(pkg):
    _csv(pkg, "agreements").unlink()
    assert_caught(pkg, "agreements", "file-missing", build=True)


@defect("file: non-NFC Unicode")
def test_decomposed_name_is_reported(pkg):
    t = CsvTable.open(pkg, "participants")
    i = t.filled("name")
    name = t.get(i, "name")
    nfd = unicodedata.normalize("NFD", name)
    t.set(i, "name", nfd if nfd != name else unicodedata.normalize("NFD", name + " Martínez"))
    t.save()
    assert_caught(pkg, "participants", "unicode-nfc", t.line(i), "name")


@defect("file: leading or trailing spaces")
@pytest.mark.parametrize("where", ["leading", "trailing"])
def test_space_around_a_cell_is_reported(pkg, where):
    t = CsvTable.open(pkg, "events")
    title = t.get(0, "title")
    t.set(0, "title", " " + title if where == "leading" else title + " ")
    t.save()
    assert_caught(pkg, "events", "whitespace", t.line(0), "title")


@defect("file: control character")
def test_vertical_tab_in_a_cell_is_reported(pkg):
    t = CsvTable.open(pkg, "participants")
    i = t.filled("name")
    name = t.get(i, "name")
    t.set(i, "name", name[:1] + "\x0b" + name[1:])
    t.save()
    assert_caught(pkg, "participants", "control-character", t.line(i), "name")


@defect("file: CSV injection")
@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_formula_prefix_in_a_text_cell_is_reported(pkg, prefix):
    t = CsvTable.open(pkg, "events")
    t.set(0, "title", prefix + "HYPERLINK(\"http://example.invalid\",\"x\")")
    t.save()
    assert_caught(pkg, "events", "csv-injection", t.line(0), "title")


@defect("file: unsafe resource path")
@pytest.mark.parametrize("bad", ["../outside/events.csv", "/etc/passwd", "data/../../events.csv"])
@pytest.mark.parametrize("which", ["csv", "parquet"])
def test_unsafe_resource_path_is_reported_and_never_followed(pkg, bad, which):
    from china_russia_diplomacy.read.loader import verify

    outside = pkg.parent / "outside"
    outside.mkdir()
    (outside / "events.csv").write_bytes((pkg / "data" / "events.csv").read_bytes())
    descriptor = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in descriptor["resources"] if r["name"] == "events")
    (res if which == "csv" else res["parquet"])["path"] = bad
    (pkg / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    f = assert_caught(pkg, "events", "unsafe-path", build=False)
    assert f.value == bad
    problems = verify(pkg)
    assert any(bad in p and "unsafe" in p for p in problems), problems
