"""The strict CSV reader (core/csvfile.py), every finding exact and both of its paths (issue 29).

``read_raw`` reads a clean file with Arrow (the fast path) and anything Arrow could read otherwise with
the strict ``csv`` module. Each test here is one small in-memory file with the real events schema: the
whole finding (layer, table, line, column, value, rule, message), which rows were still read and on
which lines, and, for the fast path's guards, that the fast path declines exactly the files it must
(and keeps the clean ones, quoted and multi-line cells included). ``scripts/mutation.py`` runs this
file for the reader, so each test takes milliseconds.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from china_russia_diplomacy.core import csvfile
from china_russia_diplomacy.core.csvfile import _arrow_fast_path, _parse, _quotes_could_differ, read_raw
from china_russia_diplomacy.core.findings import Finding
from china_russia_diplomacy.core.metadata import load_metadata

REPO = Path(__file__).resolve().parents[2]
SPEC = load_metadata(REPO).table("events")
LINES = (REPO / "data" / "events.csv").read_bytes().split(b"\n")[:4]  # header and three rows, quoted cells among them
HEADER = LINES[0]
CLEAN = b"\n".join(LINES) + b"\n"
WIDTH = len(SPEC.field_names)


def _finding(line, rule, message, value=None, column=None) -> Finding:
    return Finding("files", "events", line, column, value, rule, f"data/events.csv: {message}")


def _read(tmp_path: Path, data: bytes):
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    path = folder / "events.csv"
    path.write_bytes(data)
    return read_raw(path, SPEC)


def _rows(raw) -> list[list[str]]:
    return [list(r) for r in zip(*(c.to_pylist() for c in raw.columns))]


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))[1:]


def _join(*lines: bytes) -> bytes:
    return b"\n".join(lines) + b"\n"


def _with_cell(line: bytes, index: int, raw_cell: bytes) -> bytes:
    """The CSV line with its cell ``index`` replaced by ``raw_cell`` as written (quotes and all)."""
    cells = [_quoted(c.encode("utf-8")) for c in next(csv.reader(io.StringIO(line.decode("utf-8"), newline="")))]
    cells[index] = raw_cell
    return b",".join(cells)


def _quoted(cell: bytes) -> bytes:
    if any(ch in cell for ch in (b",", b'"', b"\n")):
        return b'"' + cell.replace(b'"', b'""') + b'"'
    return cell


THREE_LINES = _with_cell(LINES[1], 10, b'"a note\nover\nthree lines"')  # a row on lines 2 to 4
MULTILINE = _join(HEADER, THREE_LINES, LINES[2],
                  _with_cell(_with_cell(LINES[3], 2, b'"two\nlines"'), 24, b'"and\nthese"'))


# --- the fast path: taken for clean files, and the same cells and lines as the strict reader ---------

def test_a_clean_file_with_quoted_cells_is_read_by_arrow_with_every_cell_and_line(tmp_path):
    raw, findings = _read(tmp_path, CLEAN)
    assert findings == []
    assert isinstance(raw.lines, range) and list(raw.lines) == [2, 3, 4]  # the fast path: no list of line numbers
    assert raw.header == SPEC.field_names and _rows(raw) == _csv_rows(CLEAN)
    assert raw.num_rows == 3 and raw.column("event_id") == ["evt-0001", "evt-0002", "evt-0003"]


def test_cells_spanning_lines_keep_the_fast_path_and_each_row_starts_on_its_own_line(tmp_path):
    assert _arrow_fast_path(MULTILINE, SPEC) is not None
    raw, findings = _read(tmp_path, MULTILINE)
    assert findings == [] and list(raw.lines) == [2, 5, 6]
    assert _rows(raw) == _csv_rows(MULTILINE)


def test_a_quoted_empty_cell_and_doubled_quotes_keep_the_fast_path_with_the_strict_readers_cells(tmp_path):
    data = _join(HEADER, _with_cell(LINES[1], 10, b'""'), _with_cell(LINES[2], 10, b'"he said ""yes"", twice"'), LINES[3])
    assert _arrow_fast_path(data, SPEC) is not None
    raw, findings = _read(tmp_path, data)
    assert findings == [] and raw.column("date_note")[:2] == ["", 'he said "yes", twice']
    assert _rows(raw) == _csv_rows(data)


def test_the_strict_reader_gives_the_same_cells_and_lines_as_the_fast_path():
    for data, lines in ((CLEAN, [2, 3, 4]), (MULTILINE, [2, 5, 6])):
        raw, findings = _parse(io.StringIO(data.decode("utf-8"), newline=""), SPEC, _finding, [], data.decode("utf-8"))
        assert findings == [] and list(raw.lines) == lines and _rows(raw) == _csv_rows(data)


def test_the_strict_reader_builds_its_columns_in_chunks_of_chunk_rows(monkeypatch):
    monkeypatch.setattr(csvfile, "CHUNK_ROWS", 2)
    data = _join(HEADER, LINES[1], LINES[2], LINES[3], LINES[1], LINES[2])
    raw, findings = _parse(io.StringIO(data.decode("utf-8"), newline=""), SPEC, _finding, [], data.decode("utf-8"))
    assert findings == [] and _rows(raw) == _csv_rows(data) and list(raw.lines) == [2, 3, 4, 5, 6]
    assert [len(chunk) for chunk in raw.columns[0].chunks] == [2, 2, 1]


def test_a_file_with_only_the_header_reads_as_a_table_with_no_rows(tmp_path):
    raw, findings = _read(tmp_path, HEADER + b"\n")
    assert findings == [] and raw.num_rows == 0 and [len(c) for c in raw.columns] == [0] * WIDTH


def test_a_header_in_quotes_is_legal_and_read_by_the_strict_reader(tmp_path):
    quoted = b",".join(b'"' + h + b'"' for h in HEADER.split(b","))
    data = _join(quoted, *LINES[1:])
    assert _arrow_fast_path(data, SPEC) is None
    raw, findings = _read(tmp_path, data)
    assert findings == [] and list(raw.lines) == [2, 3, 4] and _rows(raw) == _csv_rows(CLEAN)


def test_a_row_of_empty_cells_is_a_row_for_both_readers_but_the_fast_path_declines_it(tmp_path):
    data = _join(HEADER, LINES[1], b"," * (WIDTH - 1), LINES[3])
    assert _arrow_fast_path(data, SPEC) is None
    raw, findings = _read(tmp_path, data)
    assert findings == [] and list(raw.lines) == [2, 3, 4] and _rows(raw)[1] == [""] * WIDTH


@pytest.mark.parametrize("data", [
    _join(HEADER, LINES[1], b"", LINES[2]),                       # a blank line
    _join(HEADER, LINES[1] + b",extra", LINES[2]),                # a ragged row
    _join(b",".join(reversed(HEADER.split(b","))), LINES[1]),     # a header out of order
    _join(HEADER, _with_cell(LINES[1], 0, b'"evt-0001"x')),       # a quote inside an unquoted cell
], ids=["blank-line", "ragged", "header-order", "stray-quote"])
def test_the_fast_path_declines_every_file_the_strict_reader_must_judge(data):
    assert _arrow_fast_path(data, SPEC) is None


# --- the stray-quote test that sends a file to the strict reader -------------------------------------

def test_quotes_where_a_csv_writer_puts_them_take_the_fast_path():
    assert _quotes_could_differ(CLEAN) is False and _quotes_could_differ(MULTILINE) is False
    assert _quotes_could_differ(_join(HEADER, b'a,"",b,""""')) is False


@pytest.mark.parametrize("cell", [b'"abc"d', b'ab"c', b'"\nabc"d', b'"a"d'])
def test_a_quote_out_of_its_canonical_place_leaves_the_fast_path(cell):
    # '"\nabc"d' has no opening quote followed by text; '"a"d' after an empty cell has a delimiter two
    # bytes before its closing quote: each side of the test is needed alone.
    assert _quotes_could_differ(b"h1,h2\n,," + cell + b",z\n") is True


def test_a_misplaced_quote_beyond_the_first_window_of_the_scan_is_found():
    filler = b"abc,def\n" * ((9 << 20) // 8)
    assert _quotes_could_differ(filler + b'ab"c,d\n') is True
    assert _quotes_could_differ(filler + b'"ab",d\n') is False


# --- findings, exact, and what is still read -------------------------------------------------------

def test_a_quote_closed_before_the_cell_ends_is_unparsable_from_its_line_on(tmp_path):
    data = _join(HEADER, LINES[1], _with_cell(LINES[2], 0, b'"evt-0002"x'), LINES[3])
    raw, findings = _read(tmp_path, data)
    assert findings == [_finding(3, "csv-syntax", "unparsable CSV from this line on in column 'event_id': the quote "
                                                   "that opened the cell is closed before 'x' (an unbalanced quote?) "
                                                   "(',' expected after '\"')", column="event_id")]
    assert list(raw.lines) == [2]  # nothing after the unparsable line is read as rows


def test_an_unterminated_quote_is_reported_on_the_line_where_its_row_starts(tmp_path):
    data = _join(HEADER, THREE_LINES, LINES[2], LINES[3] + b',"never closed')
    raw, findings = _read(tmp_path, data)
    assert findings == [_finding(6, "csv-syntax", "unparsable CSV from this line on: a quote opened in this cell is "
                                                   "never closed (the rest of the file is inside it) (unexpected end of data)")]
    assert list(raw.lines) == [2, 5]


def test_an_unparsable_header_is_reported_on_line_one_and_nothing_is_read(tmp_path):
    raw, findings = _read(tmp_path, _join(b'"event_id"x,' + HEADER.split(b",", 1)[1], LINES[1]))
    assert raw is None and findings == [
        _finding(1, "csv-syntax", "the header row cannot be parsed: ',' expected after '\"'")]


def test_a_ragged_row_is_reported_with_its_cells_and_the_rows_after_it_are_still_read(tmp_path):
    long_row = LINES[2] + b",extra"
    raw, findings = _read(tmp_path, _join(HEADER, LINES[1], long_row, LINES[3]))
    cells = ",".join(next(csv.reader(io.StringIO(long_row.decode("utf-8")))))
    assert findings == [_finding(3, "row-length", f"row has {WIDTH + 1} cells, the header has {WIDTH} (a ragged row)",
                                 value=cells)]
    assert list(raw.lines) == [2, 4] and _rows(raw) == [_csv_rows(CLEAN)[0], _csv_rows(CLEAN)[2]]


def test_a_ragged_row_after_a_cell_spanning_lines_is_reported_on_its_own_line(tmp_path):
    data = _join(HEADER, THREE_LINES, LINES[2], LINES[3] + b",extra", LINES[1])
    raw, findings = _read(tmp_path, data)
    assert [(f.rule, f.line) for f in findings] == [("row-length", 6)] and list(raw.lines) == [2, 5, 7]


def test_a_blank_line_is_reported_and_the_rows_after_it_are_read(tmp_path):
    raw, findings = _read(tmp_path, _join(HEADER, LINES[1], b"", LINES[2], LINES[3]))
    assert findings == [_finding(3, "blank-line", "blank line inside the table")]
    assert list(raw.lines) == [2, 4, 5] and _rows(raw) == _csv_rows(CLEAN)


def test_a_missing_final_newline_is_reported_on_the_last_line_and_every_row_is_read(tmp_path):
    raw, findings = _read(tmp_path, CLEAN[:-1])
    assert findings == [_finding(4, "final-newline", "the last line does not end with a newline: the file may be truncated")]
    assert list(raw.lines) == [2, 3, 4] and _rows(raw) == _csv_rows(CLEAN)


def test_a_byte_order_mark_is_reported_on_line_one_and_the_file_is_still_read(tmp_path):
    raw, findings = _read(tmp_path, b"\xef\xbb\xbf" + CLEAN)
    assert findings == [_finding(1, "utf8-no-bom", "the file starts with a UTF-8 byte order mark; save as UTF-8 without BOM")]
    assert list(raw.lines) == [2, 3, 4] and _rows(raw) == _csv_rows(CLEAN)


@pytest.mark.parametrize("data, expected", [
    (b"", [_finding(1, "header", "the file is empty: no header row")]),
    (b"\xef\xbb\xbf", [_finding(1, "utf8-no-bom", "the file starts with a UTF-8 byte order mark; save as UTF-8 without BOM"),
                       _finding(1, "header", "the file is empty: no header row")]),
], ids=["empty", "bom-only"])
def test_an_empty_file_is_reported_as_having_no_header(tmp_path, data, expected):
    raw, findings = _read(tmp_path, data)
    assert raw is None and findings == expected


def test_a_missing_file_and_a_directory_are_refused_by_name(tmp_path):
    (tmp_path / "data").mkdir()
    raw, findings = read_raw(tmp_path / "data" / "events.csv", SPEC)
    assert raw is None and findings == [_finding(None, "file-missing", "the CSV file is missing")]
    (tmp_path / "data" / "events.csv").mkdir()
    raw, findings = read_raw(tmp_path / "data" / "events.csv", SPEC)
    assert raw is None and findings == [_finding(None, "file-type", "the CSV is a directory, not a file")]


def test_a_workbook_saved_as_the_csv_is_refused_as_what_it_is(tmp_path):
    raw, findings = _read(tmp_path, b"PK\x03\x04" + CLEAN)
    assert raw is None and findings == [_finding(
        1, "file-type", "the file is a zip archive (an .xlsx workbook?), not a CSV text file; export the table as CSV (UTF-8)")]


def _encoding(line: int, offset: int, bad: bytes) -> Finding:
    return _finding(line, "encoding-utf8", f"byte {bad[:1]!r} at byte offset {offset} is not UTF-8 (a Latin-1 or "
                    "Windows-1252 re-save?); re-encode the file as UTF-8", value=repr(bad))


def test_a_latin1_byte_is_reported_on_its_line_with_its_offset(tmp_path):
    row = LINES[2].replace(b"Soviet", b"Sovi\xe9t", 1)
    data = _join(HEADER, LINES[1], row, LINES[3])
    offset = data.index(b"\xe9")
    raw, findings = _read(tmp_path, data)
    assert raw is None and findings == [_encoding(3, offset, data[offset:offset + 4])]


def test_a_latin1_file_without_final_newline_reports_only_the_encoding(tmp_path):
    data = CLEAN[:-1] + b"\xe9"
    raw, findings = _read(tmp_path, data)
    assert raw is None and findings == [_encoding(4, len(data) - 1, b"\xe9")]


def test_a_bom_then_a_latin1_byte_reports_both(tmp_path):
    data = _join(HEADER, LINES[1].replace(b"Japan", b"J\xe4pan", 1), *LINES[2:])
    raw, findings = _read(tmp_path, b"\xef\xbb\xbf" + data)
    offset = data.index(b"\xe4")
    assert raw is None and findings == [
        _finding(1, "utf8-no-bom", "the file starts with a UTF-8 byte order mark; save as UTF-8 without BOM"),
        _encoding(2, offset, data[offset:offset + 4])]


def test_a_byte_ff_beside_a_quote_is_an_encoding_finding(tmp_path):
    data = _join(HEADER, _with_cell(LINES[1], 24, b'"\xff"'))
    offset = data.index(b"\xff")
    raw, findings = _read(tmp_path, data)
    assert raw is None and findings == [_encoding(2, offset, data[offset:offset + 4])]


def test_a_latin1_byte_in_a_crlf_file_is_reported_as_an_encoding_finding(tmp_path):
    data = CLEAN.replace(b"\n", b"\r\n").replace(b"Moscow", b"Mosc\xf6w", 1)
    offset = data.index(b"\xf6")
    raw, findings = _read(tmp_path, data)
    assert raw is None and findings == [_encoding(4, offset, data[offset:offset + 4])]


def test_crlf_from_the_third_line_on_is_reported_there_and_the_rows_are_read_normalised(tmp_path):
    data = _join(HEADER, LINES[1], LINES[2] + b"\r", LINES[3] + b"\r")
    raw, findings = _read(tmp_path, data)
    assert findings == [_finding(3, "line-endings-lf", "the file has CR or CRLF line endings; the contract is LF only")]
    assert list(raw.lines) == [2, 3, 4] and _rows(raw) == _csv_rows(CLEAN)


def test_a_crlf_file_without_final_newline_reports_both(tmp_path):
    raw, findings = _read(tmp_path, CLEAN.replace(b"\n", b"\r\n")[:-2])
    assert findings == [_finding(1, "line-endings-lf", "the file has CR or CRLF line endings; the contract is LF only"),
                        _finding(4, "final-newline", "the last line does not end with a newline: the file may be truncated")]
    assert _rows(raw) == _csv_rows(CLEAN)


def test_a_nul_byte_is_reported_on_its_line_and_nothing_is_read(tmp_path):
    raw, findings = _read(tmp_path, _join(HEADER, LINES[1], LINES[2] + b"\x00", LINES[3]))
    assert raw is None and findings == [_finding(3, "no-nul-bytes", "the file contains a NUL byte")]


def _renamed(header: bytes, index: int, name: bytes) -> bytes:
    cells = header.split(b",")
    cells[index] = name
    return b",".join(cells)


@pytest.mark.parametrize("header, expected", [
    (_renamed(HEADER, 2, b"event_type"), [
        _finding(1, "header-duplicate", "column 'event_type' appears twice in the header", value="event_type", column="event_type"),
        _finding(1, "header-missing", "schema column 'title' is missing from the header", column="title")]),
    (_renamed(HEADER, 2, b"headline"), [
        _finding(1, "header-unknown", "column 'headline' is not in the schema (renamed?)", value="headline", column="headline"),
        _finding(1, "header-missing", "schema column 'title' is missing from the header", column="title")]),
    (_renamed(_renamed(HEADER, 1, b"title"), 2, b"event_type"), [
        _finding(1, "header-order", "columns are not in schema order; expected " + ", ".join(SPEC.field_names),
                 value=_renamed(_renamed(HEADER, 1, b"title"), 2, b"event_type").decode())]),
], ids=["duplicate", "unknown", "order"])
def test_a_wrong_header_gives_its_exact_findings_and_no_table(tmp_path, header, expected):
    raw, findings = _read(tmp_path, _join(header, *LINES[1:]))
    assert raw is None and findings == expected


def test_cells_spanning_lines_across_arrows_read_blocks_keep_the_fast_path(tmp_path):
    """Arrow reads in 4 MiB blocks; a block must not end at a newline inside a quoted cell
    (newlines_in_values), else the fast path loses its rows and a large curated table falls back."""
    row = THREE_LINES
    count = (5 << 20) // len(row) + 1
    data = _join(HEADER, *([row] * count))
    fast = _arrow_fast_path(data, SPEC)
    assert fast is not None and fast.num_rows == count and list(fast.lines[:3]) == [2, 5, 8]
    assert fast.lines[-1] == 2 + 3 * (count - 1) and fast.column("date_note")[-1] == "a note\nover\nthree lines"


# --- which files Arrow may read from disk (read_raw's `plain`): each byte-level fact alone sends a file
# --- whose header is clean to the whole-file checks, so its finding is never lost (mutation run, seed 32)


@pytest.mark.parametrize("case,data,expected", [
    ("CRLF on the last line only", HEADER + b"\n" + LINES[1] + b"\n" + LINES[2] + b"\r\n",
     [_finding(3, "line-endings-lf", "the file has CR or CRLF line endings; the contract is LF only")]),
    ("a NUL byte after the header", HEADER + b"\n" + LINES[1] + b"\n" + LINES[2][:5] + b"\x00" + LINES[2][5:] + b"\n",
     [_finding(3, "no-nul-bytes", "the file contains a NUL byte")]),
    ("no final newline", HEADER + b"\n" + LINES[1],
     [_finding(2, "final-newline", "the last line does not end with a newline: the file may be truncated")]),
    ("an empty file", b"", [_finding(1, "header", "the file is empty: no header row")]),
])
def test_a_byte_level_fault_after_a_clean_header_is_found_on_its_line(tmp_path, case, data, expected):
    raw, findings = _read(tmp_path, data)
    assert findings == expected, case
