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
from .validation.report import Finding

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


def to_arrow(raw: RawTable, spec: TableSpec) -> tuple[pa.Table, list[Finding]]:
    """Type every column; empty cells are nulls (the schemas' only missing value)."""
    findings: list[Finding] = []
    arrays = []
    for i, f in enumerate(spec.fields):
        values = []
        for row, line in zip(raw.rows, raw.lines):
            cell = row[i]
            if cell == "":
                values.append(None)
                continue
            try:
                values.append(parse_cell(f, cell))
            except ValueError as exc:
                rule, _, msg = str(exc).partition(": ")
                findings.append(Finding("pandera", spec.name, line, f.name, cell, rule, f"{msg} (type {f.type})"))
                values.append(None)
        arrays.append(pa.array(values, type=arrow_type(f)))
    return pa.Table.from_arrays(arrays, names=spec.field_names), findings
