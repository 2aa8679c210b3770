"""Typing of raw CSV cells by their Table Schema, into an Arrow table.

Only the types the schemas use are supported (string, integer, number, boolean, date); an unknown type
is an error of the schema, not silently a string. Each cell that does not parse becomes a finding with
its line, column and value, and a null in the output so that the other rules still run.
"""

from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa

from .csvfile import RawTable
from .metadata import FieldSpec, TableSpec
from .findings import Finding

_INT = re.compile(r"-?[0-9]+\Z")
_NUM = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
}


def arrow_type(f: FieldSpec) -> pa.DataType:
    try:
        return ARROW_TYPES[f.type]
    except KeyError:
        raise ValueError(f"field {f.name!r}: unsupported Table Schema type {f.type!r}") from None


def parse_cell(f: FieldSpec, cell: str):
    """Parse one non-empty cell; raise ValueError with the rule broken."""
    t = f.type
    if t == "string":
        return cell
    if t == "integer":
        if not _INT.match(cell):
            raise ValueError("type-integer: not a whole number")
        return int(cell)
    if t == "number":
        if not _NUM.match(cell):
            raise ValueError("type-number: not a number")
        return float(cell)
    if t == "boolean":
        true_values = f.descriptor.get("trueValues", ["true"])
        false_values = f.descriptor.get("falseValues", ["false"])
        if cell in true_values:
            return True
        if cell in false_values:
            return False
        raise ValueError(f"type-boolean: not one of {true_values + false_values}")
    if t == "date":
        if not _DATE.match(cell):
            raise ValueError("type-date: not an ISO date YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(cell)
        except ValueError:
            raise ValueError("type-date: no such calendar day") from None
    raise ValueError(f"unsupported type {t}")


# The same shapes as _INT/_NUM/_DATE, for Arrow's RE2 matcher (``$`` is the end of the cell there).
_ARROW_PATTERNS = {
    "integer": r"^-?[0-9]+$",
    "number": r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$",
    "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
}


def _null_where_empty(cells: pa.ChunkedArray) -> pa.ChunkedArray:
    """Empty strings -> nulls without copying the text: each chunk keeps its offsets and data buffers
    and gains a validity bitmap (``if_else`` would copy every string of the column)."""
    import pyarrow.compute as pc

    chunks = []
    for chunk in cells.chunks:
        is_empty = pc.equal(chunk, "")
        valid = pc.invert(is_empty)
        if chunk.offset or valid.offset or chunk.null_count or valid.null_count or chunk.type != pa.string():
            chunks.append(pc.if_else(is_empty, pa.scalar(None, pa.string()), chunk))
            continue
        buffers = chunk.buffers()
        chunks.append(pa.Array.from_buffers(pa.string(), len(chunk), [valid.buffers()[1], buffers[1], buffers[2]],
                                            null_count=int(pc.sum(is_empty).as_py() or 0)))
    return pa.chunked_array(chunks, pa.string())


def _typed_column(f: FieldSpec, cells: pa.ChunkedArray) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    """(typed column with nulls for empty and bad cells, mask of the bad cells), by whole-column
    operations; parse_cell stays the reference for each cell's verdict and message."""
    import pyarrow.compute as pc

    empty = pc.equal(cells, "")
    t = f.type
    target = arrow_type(f)
    if t == "string":
        return _null_where_empty(cells), pc.and_(empty, False)
    if t == "boolean":
        true_values = f.descriptor.get("trueValues", ["true"])
        false_values = f.descriptor.get("falseValues", ["false"])
        is_true = pc.is_in(cells, value_set=pa.array(true_values, pa.string()))
        is_false = pc.is_in(cells, value_set=pa.array(false_values, pa.string()))
        good = pc.or_(is_true, is_false)
        typed = pc.if_else(good, is_true, pa.scalar(None, pa.bool_()))
        return typed, pc.and_(pc.invert(good), pc.invert(empty))
    good = pc.match_substring_regex(cells, _ARROW_PATTERNS[t])
    kept = pc.if_else(good, cells, pa.scalar(None, pa.string()))
    if t == "date":
        stamps = pc.strptime(kept, format="%Y-%m-%d", unit="s", error_is_null=True)
        typed = pc.cast(stamps, pa.date32())
        # strptime rolls 2025-02-30 over to March: a day is real only if it prints back as written.
        real = pc.and_(pc.equal(pc.strftime(stamps, format="%Y-%m-%d"), kept),
                       pc.not_equal(pc.utf8_slice_codeunits(kept, 0, 4), "0000"))
        good = pc.and_(good, pc.fill_null(real, False))
        typed = pc.if_else(good, typed, pa.scalar(None, pa.date32()))
    else:
        typed = pc.cast(kept, target)  # raises on an integer beyond 64 bits: the caller falls back
    return typed, pc.and_(pc.invert(good), pc.invert(empty))


def _typed_by_cell(f: FieldSpec, cells: list[str]) -> tuple[pa.Array, list[int]]:
    """The cell-by-cell reference (used where Arrow refuses, e.g. an integer beyond 64 bits)."""
    values, bad = [], []
    for i, cell in enumerate(cells):
        if cell == "":
            values.append(None)
            continue
        try:
            value = parse_cell(f, cell)
            if f.type == "integer" and not -(2**63) <= value < 2**63:
                raise ValueError("type-integer: beyond the 64-bit integer range")
            values.append(value)
        except ValueError:
            bad.append(i)
            values.append(None)
    return pa.array(values, type=arrow_type(f)), bad


def to_arrow(raw: RawTable, spec: TableSpec) -> tuple[pa.Table, list[Finding]]:
    """Type every column; empty cells are nulls (the schemas' only missing value)."""
    import numpy as np
    import pyarrow.compute as pc

    findings: list[Finding] = []
    arrays = []
    for i, f in enumerate(spec.fields):
        cells = raw.columns[i]
        try:
            typed, bad_mask = _typed_column(f, cells)
            bad = np.flatnonzero(pc.fill_null(bad_mask, False).to_numpy(zero_copy_only=False))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            typed, bad = _typed_by_cell(f, cells.to_pylist())
        for row in bad:
            cell = cells[int(row)].as_py()
            try:
                parse_cell(f, cell)
                rule, msg = "type-integer", "beyond the 64-bit integer range"
            except ValueError as exc:
                rule, _, msg = str(exc).partition(": ")
            findings.append(Finding("pandera", spec.name, raw.lines[int(row)], f.name, cell, rule, f"{msg} (type {f.type})"))
        arrays.append(typed)
    return pa.Table.from_arrays(arrays, names=spec.field_names), findings
