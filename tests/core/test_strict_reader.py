"""The strict CSV reader (core/csvfile.py) in memory: one defect per file, the exact finding (issue 29).

The fault suite injects the same defects through ``validate`` (minutes per run); here each is one
small file read by ``read_raw`` with the real events schema, so ``scripts/mutation.py`` can judge the
reader in seconds. Each test names the rule and the CSV line, and the clean file gives no finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from china_russia_diplomacy.core.csvfile import read_raw
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
