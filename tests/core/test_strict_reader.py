"""The strict CSV reader (core/csvfile.py) in memory: one defect per file, the exact finding (issue 29).

The fault suite injects the same defects through ``validate`` (minutes per run); here each is one
small file read by ``read_raw`` with the real events schema, so ``scripts/mutation.py`` can judge the
reader in seconds. Each test names the rule and the CSV line, and the clean file gives no finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from china_russia_diplomacy.core.csvfile import _quotes_could_differ, read_raw
from china_russia_diplomacy.core.metadata import load_metadata

REPO = Path(__file__).resolve().parents[2]
SPEC = load_metadata(REPO).table("events")
LINES = (REPO / "data" / "events.csv").read_bytes().split(b"\n")[:4]  # header and three rows
CLEAN = b"\n".join(LINES) + b"\n"


def found(tmp_path: Path, data: bytes) -> list[tuple[str, int | None]]:
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    _raw, findings = read_raw(path, SPEC)
    return sorted((f.rule, f.line) for f in findings)


def test_the_clean_file_reads_with_no_finding_and_every_row(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(CLEAN)
    raw, findings = read_raw(path, SPEC)
    assert findings == [] and raw is not None and list(raw.lines) == [2, 3, 4]


def test_a_blank_line_between_rows_is_reported_on_its_line(tmp_path):
    assert found(tmp_path, b"\n".join([LINES[0], LINES[1], b"", LINES[2], LINES[3]]) + b"\n") == [("blank-line", 3)]


@pytest.mark.parametrize("row", [1, 2, 3])
def test_a_ragged_row_is_reported_on_its_own_line_and_the_rows_after_it_are_read(tmp_path, row):
    lines = list(LINES)
    lines[row] = lines[row] + b",extra"
    assert found(tmp_path, b"\n".join(lines) + b"\n") == [("row-length", row + 1)]


def test_a_row_one_cell_short_is_ragged_too(tmp_path):
    lines = list(LINES)
    lines[2] = lines[2].split(b",", 1)[1]  # the ID cell dropped
    assert found(tmp_path, b"\n".join(lines) + b"\n") == [("row-length", 3)]


def test_a_header_naming_a_column_twice_is_reported_with_that_column(tmp_path):
    header = LINES[0].split(b",")
    header[2] = header[1]
    rules = found(tmp_path, b"\n".join([b",".join(header), *LINES[1:]]) + b"\n")
    assert ("header-duplicate", 1) in rules


def test_a_missing_final_newline_and_a_crlf_file_are_each_reported(tmp_path):
    assert found(tmp_path, CLEAN[:-1]) == [("final-newline", 4)]
    assert ("line-endings-lf", 1) in found(tmp_path, CLEAN.replace(b"\n", b"\r\n"))


def syntax(tmp_path: Path, data: bytes) -> list[tuple[str, int | None, str | None]]:
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    _raw, findings = read_raw(path, SPEC)
    return [(f.rule, f.line, f.column) for f in findings]


@pytest.mark.parametrize("row", [1, 2, 3])
def test_an_opening_quote_before_the_second_cell_is_a_syntax_finding_naming_line_and_column(tmp_path, row):
    """Arrow read ``evt-0002,"anniversary,"Soviet...`` as shifted cells and no finding (issue 29): the
    quote closes at the title's opening quote, so the strict reader must see it, in column event_type."""
    lines = list(LINES)
    cut = lines[row].index(b",") + 1
    lines[row] = lines[row][:cut] + b'"' + lines[row][cut:]
    assert syntax(tmp_path, b"\n".join(lines) + b"\n") == [("csv-syntax", row + 1, "event_type")]


def test_a_quote_opened_mid_file_and_never_closed_is_reported_on_its_row_and_cell(tmp_path):
    last = b'"' + LINES[3].replace(b'"', b"")  # the rest of the file holds no quote to close it
    findings = syntax(tmp_path, b"\n".join([*LINES[:3], last, LINES[2].replace(b'"', b"")]) + b"\n")
    assert findings == [("csv-syntax", 4, "event_id")]


def test_text_after_a_closing_quote_is_a_syntax_finding_in_that_column(tmp_path):
    lines = list(LINES)
    title = lines[2].index(b',"') + 1
    lines[2] = lines[2][:title] + b'"abc"d' + lines[2][lines[2].index(b'",', title) + 1:]
    assert syntax(tmp_path, b"\n".join(lines) + b"\n") == [("csv-syntax", 3, "title")]


def test_a_literal_quote_inside_an_unquoted_cell_reads_as_the_strict_reader_reads_it(tmp_path):
    lines = list(LINES)
    lines[1] = lines[1].replace(b",anniversary,", b',anni"versary,', 1)
    path = tmp_path / "events.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    raw, findings = read_raw(path, SPEC)
    assert findings == [] and raw.column("event_type")[0] == 'anni"versary'


@pytest.mark.parametrize("table", sorted(p.stem for p in (REPO / "data").glob("*.csv")))
def test_the_committed_tables_keep_arrows_fast_path(table):
    """The canonical-quote check must not send well-formed files to the slow reader."""
    assert _quotes_could_differ((REPO / "data" / f"{table}.csv").read_bytes()) is False


@pytest.mark.parametrize("body,differ", [(b'a,"x""y",b\n', False), (b'a,"",b\n', False), (b'a,"x,y"\n"z",b\n', False),
                                         (b'a,"x"y\n', True), (b'a,x"y\n', True), (b'a,"x\n', True),
                                         (b'a,"x,"y,b"\n', True), (b'"a\n"b,c\n', True), (b'a,"x"""y",b\n', True)])
def test_each_misplaced_quote_leaves_the_fast_path_and_each_canonical_one_keeps_it(body, differ):
    assert _quotes_could_differ(b"h1,h2\n" + body) is differ
