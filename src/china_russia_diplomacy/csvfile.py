"""Strict reading of the curated CSVs.

The CSVs are the master copy and are edited by hand and by spreadsheets, so this reader refuses,
with a line number, everything the data contract forbids at the file level: a BOM, a non-UTF-8
encoding (a Latin-1 or Windows-1252 round trip), CR or CRLF line endings, NUL bytes, a missing final
newline (a truncated download), unterminated quotes, blank lines, a header that is not exactly the
schema's field names in order, and ragged rows. It returns raw strings; typing is :mod:`convert`'s job.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ._files import disguised, not_regular
from .metadata import TableSpec
from .validation.report import Finding

LAYER = "files"


@dataclass
class RawTable:
    """The cells of one CSV as strings, with the file line on which each row starts."""

    table: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def column(self, name: str) -> list[str]:
        i = self.header.index(name)
        return [r[i] for r in self.rows]


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_raw(path: Path, spec: TableSpec) -> tuple[RawTable | None, list[Finding]]:
    """Read ``path`` strictly; return the raw table (None if unreadable) and the findings."""
    name = spec.name
    rel = spec.csv_path

    def finding(line: int | None, rule: str, message: str, value: str | None = None, column: str | None = None) -> Finding:
        return Finding(LAYER, name, line, column, value, rule, f"{rel}: {message}")

    problem = not_regular(path, path.parent.parent)
    if problem == "missing":
        return None, [finding(None, "file-missing", "the CSV file is missing")]
    if problem:
        return None, [finding(None, "file-type", f"the CSV is {problem}")]
    data = path.read_bytes()
    findings: list[Finding] = []
    other = disguised(data)
    if other:
        return None, [finding(1, "file-type", f"the file is {other}, not a CSV text file; export the table as CSV (UTF-8)")]
    if data.startswith(b"\xef\xbb\xbf"):
        findings.append(finding(1, "utf8-no-bom", "the file starts with a UTF-8 byte order mark; save as UTF-8 without BOM"))
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_of_offset(data, exc.start)
        bad = data[exc.start : exc.start + 4]
        findings.append(
            finding(line, "encoding-utf8", f"byte {bad[:1]!r} at byte offset {exc.start} is not UTF-8 "
                    "(a Latin-1 or Windows-1252 re-save?); re-encode the file as UTF-8", value=repr(bad))
        )
        return None, findings
    if "\x00" in text:
        findings.append(finding(text.count("\n", 0, text.index("\x00")) + 1, "no-nul-bytes", "the file contains a NUL byte"))
        return None, findings
    if "\r" in text:
        findings.append(finding(text.count("\n", 0, text.index("\r")) + 1, "line-endings-lf",
                                "the file has CR or CRLF line endings; the contract is LF only"))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        findings.append(finding(1, "header", "the file is empty: no header row"))
        return None, findings
    if not text.endswith("\n"):
        findings.append(finding(text.count("\n") + 1, "final-newline",
                                "the last line does not end with a newline: the file may be truncated"))

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        findings.append(finding(1, "csv-syntax", f"the header row cannot be parsed: {exc}"))
        return None, findings
    expected = spec.field_names
    if header != expected:
        findings.extend(_header_findings(header, expected, finding))
    raw = RawTable(name, header)
    previous_end = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            findings.append(finding(previous_end + 1, "csv-syntax",
                                    f"unparsable CSV from this line on ({exc}); an unterminated quote or a truncated file"))
            break
        start = previous_end + 1
        previous_end = reader.line_num
        if not row:
            findings.append(finding(start, "blank-line", "blank line inside the table"))
            continue
        if len(row) != len(header):
            findings.append(finding(start, "row-length",
                                    f"row has {len(row)} cells, the header has {len(header)} (a ragged row)",
                                    value=",".join(row)))
            continue
        raw.rows.append(row)
        raw.lines.append(start)
    if header != expected:
        return None, findings
    return raw, findings


def _header_findings(header: list[str], expected: list[str], finding) -> list[Finding]:
    out = []
    seen = set()
    for h in header:
        if h in seen:
            out.append(finding(1, "header-duplicate", f"column {h!r} appears twice in the header", value=h, column=h))
        seen.add(h)
    for h in header:
        if h not in expected:
            out.append(finding(1, "header-unknown", f"column {h!r} is not in the schema (renamed?)", value=h, column=h))
    for e in expected:
        if e not in header:
            out.append(finding(1, "header-missing", f"schema column {e!r} is missing from the header", column=e))
    if not out:
        out.append(finding(1, "header-order", f"columns are not in schema order; expected {', '.join(expected)}",
                           value=",".join(header)))
    return out
