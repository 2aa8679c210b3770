"""Strict reading of the curated CSVs.

The CSVs are the master copy and are edited by hand and by spreadsheets, so this reader refuses,
with a line number, everything the data contract forbids at the file level: a BOM, a non-UTF-8
encoding (a Latin-1 or Windows-1252 round trip), CR or CRLF line endings, NUL bytes, a missing final
newline (a truncated download), unterminated quotes, blank lines, a header that is not exactly the
schema's field names in order, and ragged rows. It returns raw strings; typing is :mod:`convert`'s job.

The file-level checks work on the bytes, scanned block by block first (:mod:`.csvbytes`). A file that
passes them and has nothing a strict reader could read differently (see :func:`_arrow_fast_path_of`)
is parsed by Arrow's CSV reader into string columns straight from disk, so that its bytes are never
whole in memory next to its columns; any other file, and any file Arrow has the least doubt about, goes through the
standard ``csv`` module (strict) as a stream, turned into Arrow columns every :data:`CHUNK_ROWS` rows,
which gives the exact findings. Either way a million-row table never exists as a million Python
lists, and only a file that fails a byte-level check (not UTF-8, CR line endings) is decoded whole.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence, TextIO

import pyarrow as pa

from .csvbytes import ByteFacts, bytes_blocks, file_blocks, scan
from .files import disguised, not_regular
from .metadata import TableSpec
from .findings import Finding

LAYER = "files"
CHUNK_ROWS = 50_000


@dataclass
class RawTable:
    """The cells of one CSV as Arrow string columns (empty cells are ""), with the file line on which
    each row starts."""

    table: str
    header: list[str]
    columns: list[pa.ChunkedArray] = field(default_factory=list)
    lines: Sequence[int] = field(default_factory=list)  # a range when no cell spans lines

    @property
    def num_rows(self) -> int:
        return len(self.lines)

    def column(self, name: str) -> list[str]:
        return self.columns[self.header.index(name)].to_pylist()


class _ColumnBuilder:
    """Rows in, Arrow string columns out, one chunk per CHUNK_ROWS rows."""

    def __init__(self, width: int):
        self.width = width
        self.pending: list[list[str]] = []
        self.chunks: list[list[pa.Array]] = [[] for _ in range(width)]

    def add(self, row: list[str]) -> None:
        self.pending.append(row)
        if len(self.pending) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            for i, values in enumerate(zip(*self.pending)):
                self.chunks[i].append(pa.array(values, pa.string()))
            self.pending = []

    def columns(self) -> list[pa.ChunkedArray]:
        self.flush()
        return [pa.chunked_array(c, pa.string()) for c in self.chunks]


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
    facts = scan(file_blocks(path))
    plain = (disguised(facts.head) is None and not facts.head.startswith(b"\xef\xbb\xbf") and not facts.has_cr
             and not facts.has_nul and facts.size and facts.ends_with_newline)
    if plain:  # nothing for the byte-level checks to report: Arrow reads the file from disk, block by block
        with pa.OSFile(str(path)) as source:  # not a path string: Arrow would guess a compression from its name
            fast = _arrow_fast_path_of(source, facts, spec)
        if fast is not None:
            return fast, []
    data = path.read_bytes()  # only a file the checks below or the strict reader must judge is read whole
    findings: list[Finding] = []
    other = disguised(data)
    if other:
        return None, [finding(1, "file-type", f"the file is {other}, not a CSV text file; export the table as CSV (UTF-8)")]
    if data.startswith(b"\xef\xbb\xbf"):
        findings.append(finding(1, "utf8-no-bom", "the file starts with a UTF-8 byte order mark; save as UTF-8 without BOM"))
        data = data[3:]
    if b"\r" in data:  # rare and an error anyway: the exact old path (decode whole, normalise, report)
        return _read_text(data, spec, finding, findings)
    if b"\x00" in data:  # also rare: the old path reports an encoding error first, as before
        return _read_text(data, spec, finding, findings)
    if not data:
        findings.append(finding(1, "header", "the file is empty: no header row"))
        return None, findings
    checked = len(findings)
    if not data.endswith(b"\n"):
        findings.append(finding(data.count(b"\n") + 1, "final-newline",
                                "the last line does not end with a newline: the file may be truncated"))
    if data.endswith(b"\n") and not plain:  # a plain file's fast path was tried above
        fast = _arrow_fast_path(data, spec)
        if fast is not None:
            return fast, findings
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
    try:
        return _parse(stream, spec, finding, findings, data)
    except UnicodeDecodeError:  # found while streaming: decode whole to report the offset
        del findings[checked:]
        return _read_text(data, spec, finding, findings)


def _quotes_could_differ(data: bytes) -> bool:
    """Whether a quote in ``data`` stands where Arrow and the strict reader could read it differently
    (:class:`.csvbytes._QuoteScan`, which :func:`read_raw` runs on the file as it scans it)."""
    return scan(bytes_blocks(data)).quotes_could_differ


def _arrow_fast_path(data: bytes, spec: TableSpec) -> RawTable | None:
    """:func:`_arrow_fast_path_of` for a file already in memory (one the byte-level checks flagged)."""
    return _arrow_fast_path_of(io.BytesIO(data), scan(bytes_blocks(data)), spec)


def _arrow_fast_path_of(source, facts: ByteFacts, spec: TableSpec) -> RawTable | None:
    """Parse a clean file with ``pyarrow.csv`` from ``source`` (a path, read block by block, or a binary
    file object), whose bytes ``facts`` describes; None whenever the strict reader might see it otherwise.

    The result is accepted only if the header is exactly the schema's (and has no quotes), Arrow
    found no ragged row, no row is all empty (a blank line reads as one), no quote stands where the
    two readers could differ, and the rows' line counts add up to the file's: then both readers give
    the same cells, and the lines computed from the newlines inside cells are the strict reader's.
    """
    import pyarrow.compute as pc
    import pyarrow.csv as pv

    expected = spec.field_names
    header_line = facts.header_line
    if header_line is None or b'"' in header_line or len(expected) < 2 or header_line.decode("utf-8", "replace").split(",") != expected:
        return None
    if facts.quotes_could_differ:
        return None
    ragged = []

    def on_invalid(row) -> str:
        ragged.append(row)
        return "skip"

    try:
        table = pv.read_csv(
            source,
            # One thread and small blocks: as fast here (the other core runs frictionless) and half the memory.
            read_options=pv.ReadOptions(skip_rows=1, column_names=expected, block_size=4 << 20, use_threads=False),
            parse_options=pv.ParseOptions(delimiter=",", quote_char='"', double_quote=True, escape_char=False,
                                          newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=on_invalid),
            convert_options=pv.ConvertOptions(column_types={n: pa.string() for n in expected}, strings_can_be_null=False,
                                              quoted_strings_can_be_null=False, check_utf8=True),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    if ragged:
        return None
    n = table.num_rows
    import numpy as np

    all_empty = np.ones(n, dtype=bool)
    for col in table.columns:
        all_empty &= pc.equal(col, "").to_numpy(zero_copy_only=False)
    if n and all_empty.any():
        return None
    total = facts.newlines
    if total == 1 + n:  # no cell spans lines: row i starts on line i + 2
        lines = range(2, n + 2)  # not a list: a million Python ints would cost ~36 MB for nothing
    else:
        spans = np.ones(n, dtype=np.int64)
        for col in table.columns:
            counts = pc.count_substring(col, "\n")
            if pc.max(counts).as_py():
                spans += counts.to_numpy(zero_copy_only=False)
        if 1 + int(spans.sum()) != total:
            return None
        lines = (2 + np.concatenate(([0], np.cumsum(spans)[:-1]))).tolist() if n else []
    return RawTable(spec.name, list(expected), [table.column(i) for i in range(len(expected))], lines)


def _read_text(data: bytes, spec: TableSpec, finding, findings: list[Finding]):
    """The reader for files that fail a byte-level check: decode whole, report, normalise, parse."""
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
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # never empty: it held a CR
    if not text.endswith("\n"):
        findings.append(finding(text.count("\n") + 1, "final-newline",
                                "the last line does not end with a newline: the file may be truncated"))
    return _parse(io.StringIO(text, newline=""), spec, finding, findings, text)


def _parse(stream: TextIO, spec: TableSpec, finding, findings: list[Finding], source: bytes | str):
    name = spec.name
    reader = csv.reader(stream, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        findings.append(finding(1, "header", "the file is empty: no header row"))
        return None, findings
    except csv.Error as exc:
        findings.append(finding(1, "csv-syntax", f"the header row cannot be parsed: {exc}"))
        return None, findings
    expected = spec.field_names
    if header != expected:
        findings.extend(_header_findings(header, expected, finding))
    raw = RawTable(name, header)
    builder = _ColumnBuilder(len(header))
    width = len(header)
    lines = raw.lines
    previous_end = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = previous_end + 1
            cell, what = _quote_fault(source, line)
            column = header[cell] if cell is not None and cell < len(header) else None
            where = f" in column {column!r}" if column else ""
            findings.append(finding(line, "csv-syntax",
                                    f"unparsable CSV from this line on{where}: {what} ({exc})", column=column))
            break
        start = previous_end + 1
        previous_end = reader.line_num
        if len(row) != width:
            if not row:
                findings.append(finding(start, "blank-line", "blank line inside the table"))
            else:
                findings.append(finding(start, "row-length",
                                        f"row has {len(row)} cells, the header has {len(header)} (a ragged row)",
                                        value=",".join(row)))
            continue
        builder.add(row)
        lines.append(start)
    if header != expected:
        return None, findings
    raw.columns = builder.columns()
    return raw, findings


def _quote_fault(source: bytes | str, line: int) -> tuple[int | None, str]:
    """Which cell of the row starting on ``line`` the strict reader stopped in, and why, in words.

    ``csv`` says only "',' expected after '\"'" or "unexpected end of data"; a curator needs the column.
    The row is scanned again with the strict reader's own states (only after it failed, so the cost of
    finding the line's offset in a large file is paid once)."""
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    offset = 0
    for _ in range(line - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return None, "an unterminated quote or a truncated file"
    cell, state = 0, "start"
    for ch in text[offset:]:
        if state == "quoted":
            if ch == '"':
                state = "closed"
        elif ch == "\n":
            return None, "an unterminated quote or a truncated file"
        elif state == "closed" and ch == '"':
            state = "quoted"
        elif ch == ",":
            cell, state = cell + 1, "start"
        elif state == "closed":
            return cell, f"the quote that opened the cell is closed before {ch!r} (an unbalanced quote?)"
        elif state == "start":
            state = "quoted" if ch == '"' else "plain"
    if state == "quoted":
        return cell, "a quote opened in this cell is never closed (the rest of the file is inside it)"
    return None, "an unterminated quote or a truncated file"


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
