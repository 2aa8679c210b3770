"""Typing of raw CSV cells (core/convert.py), in memory: every type's verdicts, exact (issue 29).

``to_arrow`` types whole columns with Arrow and keeps ``parse_cell`` as the reference for each cell's
verdict and message; where Arrow refuses (an integer beyond 64 bits) it types the column cell by
cell. Each test builds a small ``RawTable`` by hand and asserts the typed values and the exact
findings (layer, table, line, column, value, rule, message), both sides of every boundary: the 64-bit
range, the calendar (29 February, month 13, year 0000), the boolean values a schema names.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from china_russia_diplomacy.core.convert import _null_where_empty, _typed_column, arrow_type, parse_cell, to_arrow
from china_russia_diplomacy.core.csvfile import RawTable
from china_russia_diplomacy.core.findings import Finding
from china_russia_diplomacy.core.metadata import FieldSpec, TableSpec

BIG = 2**63


def _spec(*fields: dict) -> TableSpec:
    return TableSpec("things", "Things", "", {"fields": list(fields)}, tuple(FieldSpec(f) for f in fields))


def _raw(spec: TableSpec, columns: dict[str, list[str]], lines: list[int], chunks: int = 1) -> RawTable:
    """A raw table whose columns come in ``chunks`` chunks (as the strict reader builds them)."""
    def chunked(values):
        size = -(-len(values) // chunks) if values else 0
        parts = [values[i:i + size] for i in range(0, len(values), size)] if size else [[]]
        return pa.chunked_array([pa.array(p, pa.string()) for p in parts], pa.string())

    return RawTable(spec.name, spec.field_names, [chunked(columns[n]) for n in spec.field_names], lines)


def _bad(line, column, value, rule, message, type_) -> Finding:
    return Finding("pandera", "things", line, column, value, rule, f"{message} (type {type_})")


@pytest.mark.parametrize("chunks", [1, 2])
def test_every_type_is_typed_with_nulls_for_empty_cells_and_no_finding_for_good_ones(chunks):
    spec = _spec({"name": "s"}, {"name": "i", "type": "integer"}, {"name": "n", "type": "number"},
                 {"name": "b", "type": "boolean"}, {"name": "d", "type": "date"})
    raw = _raw(spec, {"s": ["a", "", "042", "c"], "i": ["-7", "", "0", "42"], "n": ["1.5", "-2", "", "3e2"],
                      "b": ["true", "false", "", "true"], "d": ["2024-02-29", "", "9999-12-31", "0001-01-01"]},
               [2, 3, 4, 5], chunks)
    table, findings = to_arrow(raw, spec)
    assert findings == []
    assert table.schema.types == [pa.string(), pa.int64(), pa.float64(), pa.bool_(), pa.date32()]
    assert table.to_pydict() == {
        "s": ["a", None, "042", "c"], "i": [-7, None, 0, 42], "n": [1.5, -2.0, None, 300.0],
        "b": [True, False, None, True], "d": [dt.date(2024, 2, 29), None, dt.date(9999, 12, 31), dt.date(1, 1, 1)]}


def test_bad_cells_give_one_finding_each_on_their_own_line_and_a_null():
    spec = _spec({"name": "i", "type": "integer"}, {"name": "n", "type": "number"}, {"name": "b", "type": "boolean"},
                 {"name": "d", "type": "date"})
    raw = _raw(spec, {"i": ["1.5", "", "x", "7"], "n": ["1.", "2", ".5", "1e"], "b": ["True", "", "false", "yes"],
                      "d": ["2025-02-29", "2025-13-01", "0000-01-01", "2025-1-01"]}, [2, 5, 6, 9])
    table, findings = to_arrow(raw, spec)
    assert table.to_pydict() == {"i": [None, None, None, 7], "n": [None, 2.0, None, None],
                                 "b": [None, None, False, None], "d": [None, None, None, None]}
    boolean = "not one of ['true', 'false']"
    assert findings == [
        _bad(2, "i", "1.5", "type-integer", "not a whole number", "integer"),
        _bad(6, "i", "x", "type-integer", "not a whole number", "integer"),
        _bad(2, "n", "1.", "type-number", "not a number", "number"),
        _bad(6, "n", ".5", "type-number", "not a number", "number"),
        _bad(9, "n", "1e", "type-number", "not a number", "number"),
        _bad(2, "b", "True", "type-boolean", boolean, "boolean"),
        _bad(9, "b", "yes", "type-boolean", boolean, "boolean"),
        _bad(2, "d", "2025-02-29", "type-date", "no such calendar day", "date"),
        _bad(5, "d", "2025-13-01", "type-date", "no such calendar day", "date"),
        _bad(6, "d", "0000-01-01", "type-date", "no such calendar day", "date"),
        _bad(9, "d", "2025-1-01", "type-date", "not an ISO date YYYY-MM-DD", "date"),
    ]


def test_a_schemas_own_true_and_false_values_are_the_only_booleans():
    spec = _spec({"name": "b", "type": "boolean", "trueValues": ["yes", "Y"], "falseValues": ["no"]})
    table, findings = to_arrow(_raw(spec, {"b": ["yes", "Y", "no", "true", "", "false"]}, [2, 3, 4, 5, 6, 7]), spec)
    assert table.column("b").to_pylist() == [True, True, False, None, None, None]
    message = "not one of ['yes', 'Y', 'no']"
    assert findings == [_bad(5, "b", "true", "type-boolean", message, "boolean"),
                        _bad(7, "b", "false", "type-boolean", message, "boolean")]


def test_integers_at_the_64_bit_bounds_are_kept_and_one_beyond_either_is_a_finding():
    spec = _spec({"name": "i", "type": "integer"})
    cells = [str(-BIG), str(BIG - 1), str(BIG), str(-BIG - 1), "", "x", "12"]
    table, findings = to_arrow(_raw(spec, {"i": cells}, [2, 3, 4, 5, 6, 7, 8]), spec)
    assert table.column("i").type == pa.int64()
    assert table.column("i").to_pylist() == [-BIG, BIG - 1, None, None, None, None, 12]
    assert findings == [_bad(4, "i", str(BIG), "type-integer", "beyond the 64-bit integer range", "integer"),
                        _bad(5, "i", str(-BIG - 1), "type-integer", "beyond the 64-bit integer range", "integer"),
                        _bad(7, "i", "x", "type-integer", "not a whole number", "integer")]


@pytest.mark.parametrize("field, cell, value", [
    ({"name": "s"}, "text", "text"),
    ({"name": "i", "type": "integer"}, "-12", -12),
    ({"name": "n", "type": "number"}, "-1.25e-1", -0.125),
    ({"name": "n", "type": "number"}, "7", 7.0),
    ({"name": "b", "type": "boolean"}, "false", False),
    ({"name": "d", "type": "date"}, "2000-02-29", dt.date(2000, 2, 29)),
])
def test_parse_cell_gives_the_typed_value(field, cell, value):
    parsed = parse_cell(FieldSpec(field), cell)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize("field, cell, message", [
    ({"name": "i", "type": "integer"}, "12\n", "type-integer: not a whole number"),
    ({"name": "i", "type": "integer"}, "+12", "type-integer: not a whole number"),
    ({"name": "n", "type": "number"}, "1,5", "type-number: not a number"),
    ({"name": "b", "type": "boolean"}, "1", "type-boolean: not one of ['true', 'false']"),
    ({"name": "d", "type": "date"}, "1900-02-29", "type-date: no such calendar day"),
    ({"name": "d", "type": "date"}, "2025-01-01\n", "type-date: not an ISO date YYYY-MM-DD"),
    ({"name": "x", "type": "datetime"}, "2025-01-01T00:00", "unsupported type datetime"),
])
def test_parse_cell_refuses_with_the_rule_broken(field, cell, message):
    with pytest.raises(ValueError) as exc:
        parse_cell(FieldSpec(field), cell)
    assert str(exc.value) == message


def test_a_type_the_package_does_not_support_is_an_error_of_the_schema():
    with pytest.raises(ValueError, match=r"^field 'when': unsupported Table Schema type 'datetime'$"):
        arrow_type(FieldSpec({"name": "when", "type": "datetime"}))


@pytest.mark.parametrize("cells", [
    pa.chunked_array([pa.array(["", "a", "b", "", "c"], pa.string()).slice(1, 3)]),     # a chunk with an offset
    pa.chunked_array([pa.array(["a", None, ""], pa.string())]),                         # a chunk with a null
    pa.chunked_array([pa.array([], pa.string()), pa.array(["", "x"], pa.string())]),    # an empty chunk
    pa.chunked_array([pa.array(["x", "y"], pa.string())]),                              # no empty cell
    pa.chunked_array([pa.array(["", ""], pa.string()), pa.array(["z", ""], pa.string())]),
    pa.chunked_array([pa.array(["a", "", "b"], pa.string()).slice(1), pa.array(["", "c"], pa.string())]),
], ids=["offset", "null", "empty-chunk", "none-empty", "two-chunks", "offset-then-another"])
def test_empty_strings_become_nulls_and_every_other_cell_stays(cells):
    out = _null_where_empty(cells)
    expected = [None if v == "" else v for v in cells.to_pylist()]
    assert out.to_pylist() == expected and out.null_count == expected.count(None)
    for chunk in out.chunks:
        chunk.validate(full=True)


def test_empty_to_null_shares_the_text_of_a_plain_chunk_instead_of_copying_it():
    chunk = pa.array(["a", "", "bc"] * 1000, pa.string())
    out = _null_where_empty(pa.chunked_array([chunk])).chunks[0]
    assert out.buffers()[2].address == chunk.buffers()[2].address  # the same bytes, a new validity bitmap only
    assert out.buffers()[1].address == chunk.buffers()[1].address and out.null_count == 1000


def test_an_impossible_date_is_judged_by_the_column_operation_without_the_cell_by_cell_fallback():
    cells = pa.chunked_array([pa.array(["2025-13-01", "2025-02-29", "2024-02-29", ""], pa.string())])
    typed, bad = _typed_column(FieldSpec({"name": "d", "type": "date"}), cells)  # raises if strptime refused the column
    assert typed.to_pylist() == [None, None, dt.date(2024, 2, 29), None] and bad.to_pylist() == [True, True, False, False]
