"""Property-based tests (hypothesis): random valid rows survive CSV -> typed -> Parquet -> every loader
backend unchanged in value and type, and every random single-cell corruption of valid rows is reported
at its CSV line and column.

Rows are generated from Table Schemas: a small synthetic table that uses every supported type and
constraint, and the real ``events`` and ``agreements`` schemas (typing only; their cross-table rules
need a whole package and are covered by tests/write/faults). Dates are drawn from 1678-2261 because the
pandas backend stores dates as ``datetime64[ns]``, which cannot hold others.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from china_russia_diplomacy.core.csvfile import read_raw
from china_russia_diplomacy.core.convert import to_arrow
from china_russia_diplomacy.build.descriptor import build_descriptor, dumps
from china_russia_diplomacy.core.metadata import FieldSpec, Metadata, TableSpec, read_metadata
from china_russia_diplomacy.core.parquet_io import parquet_bytes

REPO = Path(__file__).resolve().parents[2]
PANDAS_MIN, PANDAS_MAX = dt.date(1678, 1, 1), dt.date(2261, 12, 31)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SYNTHETIC_SCHEMA = {
    "fields": [
        {"name": "thing_id", "type": "string", "constraints": {"required": True, "unique": True, "pattern": "thg-[0-9]{4}"}},
        {"name": "label", "type": "string", "constraints": {"required": True, "minLength": 2}},
        {"name": "note", "type": "string"},
        {"name": "count", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "score", "type": "number"},
        {"name": "flag", "type": "boolean", "constraints": {"required": True}, "trueValues": ["true"], "falseValues": ["false"]},
        {"name": "day", "type": "date"},
        {"name": "kind", "type": "string", "constraints": {"required": True, "enum": ["alpha", "beta", "gamma"]}},
        {"name": "code", "type": "string", "constraints": {"pattern": "[A-Z]{3}"}},
    ],
    "primaryKey": ["thing_id"],
    "missingValues": [""],
}
SYNTHETIC = TableSpec("things", "Things", "A synthetic table using every type the schemas use.", SYNTHETIC_SCHEMA,
                      tuple(FieldSpec(f) for f in SYNTHETIC_SCHEMA["fields"]))


# --- generating rows from a Table Schema ---------------------------------------------------------

# Text a curator could type: any letter, mark, number, punctuation, symbol or space, and newlines
# (quoted cells may span lines); no control characters, no surrogates.
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")) | st.just("\n"), min_size=1, max_size=40)


def _hygienic(s: str) -> bool:
    """What the rules layer accepts in a text cell (NFC, no stray spaces, no formula prefix, no controls,
    no hidden or line-breaking characters)."""
    from china_russia_diplomacy.validation.rules.hygiene import hidden_pattern

    return (s == s.strip() and unicodedata.normalize("NFC", s) == s and not s.startswith(("=", "+", "-", "@"))
            and "\n" not in s and not hidden_pattern().search(s))


def value_strategy(f: FieldSpec, hygienic: bool) -> st.SearchStrategy:
    c = f.constraints
    if f.enum:
        s = st.sampled_from(f.enum)
    elif "pattern" in c:
        s = st.from_regex(f"(?:{c['pattern']})", fullmatch=True, alphabet=st.characters(max_codepoint=127))
    elif f.type == "string":
        s = _TEXT.filter(lambda v: len(v) >= c.get("minLength", 1))
        if hygienic:
            s = s.map(lambda v: unicodedata.normalize("NFC", v).strip()).filter(_hygienic).filter(lambda v: len(v) >= c.get("minLength", 1))
    elif f.type == "integer":
        s = st.integers(min_value=c.get("minimum", -(2**62)), max_value=c.get("maximum", 2**62))
    elif f.type == "number":
        s = st.floats(allow_nan=False, allow_infinity=False, width=64)
    elif f.type == "boolean":
        s = st.booleans()
    elif f.type == "date":
        s = st.dates(min_value=PANDAS_MIN, max_value=PANDAS_MAX)
    else:
        raise AssertionError(f"no strategy for type {f.type}")
    return s if f.required else st.none() | s


def rows_strategy(spec: TableSpec, hygienic: bool = False, max_size: int = 6) -> st.SearchStrategy:
    row = st.fixed_dictionaries({f.name: value_strategy(f, hygienic) for f in spec.fields})
    pk = spec.primary_key
    return st.lists(row, min_size=1, max_size=max_size, unique_by=lambda r: tuple(r[k] for k in pk))


def cell_text(f: FieldSpec, v) -> str:
    if v is None:
        return ""
    if f.type == "boolean":
        return "true" if v else "false"
    if f.type == "number":
        return repr(float(v))
    if f.type == "date":
        return v.isoformat()
    return str(v)


def csv_bytes(spec: TableSpec, rows: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(spec.field_names)
    for r in rows:
        w.writerow([cell_text(f, r[f.name]) for f in spec.fields])
    return buf.getvalue().encode("utf-8")


def write_package(root: Path, spec: TableSpec, rows: list[dict]) -> Path:
    """A one-table package: schemas, the CSV, its Parquet twin and datapackage.json, as build writes them."""
    (root / "schemas").mkdir(parents=True)
    (root / "data").mkdir()
    package = {"name": "props", "title": "Properties", "version": "1.0.0",
               "resources": [{"name": spec.name, "title": spec.title, "description": spec.description}]}
    (root / "schemas" / "package.json").write_text(json.dumps(package), encoding="utf-8")
    (root / "schemas" / f"{spec.name}.json").write_text(json.dumps(spec.schema), encoding="utf-8")
    data = csv_bytes(spec, rows)
    (root / spec.csv_path).write_bytes(data)
    raw, findings = read_raw(root / spec.csv_path, spec)
    assert raw is not None and not findings, findings
    table, findings = to_arrow(raw, spec)
    assert not findings, findings
    parquet = parquet_bytes(table, spec)
    (root / spec.parquet_path).write_bytes(parquet)
    meta = Metadata(package, (spec,))
    descriptor = build_descriptor(meta, {spec.name: data}, {spec.name: parquet}, {spec.name: table.num_rows})
    (root / "datapackage.json").write_bytes(dumps(descriptor))
    return root


# --- round trip ------------------------------------------------------------------------------------

def _expected(spec: TableSpec, rows: list[dict]) -> list[dict]:
    key = spec.primary_key
    return sorted(rows, key=lambda r: tuple(r[k] for k in key))


def _python(v):
    """A loaded cell as a plain Python value (pd.NA / NaT -> None, Timestamp -> date)."""
    import pandas as pd

    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if hasattr(v, "item"):
        return v.item()
    return v


def assert_round_trip(spec: TableSpec, rows: list[dict]) -> None:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    import china_russia_diplomacy as crd

    expected = _expected(spec, rows)
    with tempfile.TemporaryDirectory() as tmp:
        root = write_package(Path(tmp) / "pkg", spec, rows)

        arrow = crd.load(spec.name, "arrow", package_dir=root)
        arrow_types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "date": pa.date32()}
        for f in spec.fields:
            t = arrow.schema.field(f.name).type
            assert t == (pa.dictionary(pa.int32(), pa.string()) if f.enum else arrow_types[f.type]), (f.name, t)
            assert arrow.schema.field(f.name).nullable == (not f.required)
        got = [{k: v for k, v in r.items()} for r in arrow.to_pylist()]
        assert got == expected

        frame = crd.load(spec.name, "pandas", package_dir=root)
        pandas_types = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean", "date": "datetime64[ns]"}
        for f in spec.fields:
            dtype = frame[f.name].dtype
            if f.enum:
                assert isinstance(dtype, pd.CategoricalDtype) and list(dtype.categories) == f.enum
            else:
                assert str(dtype) == pandas_types[f.type], (f.name, dtype)
        got = [{k: _python(v) for k, v in r.items()} for r in frame.astype(object).to_dict("records")]
        assert got == expected

        polars = crd.load(spec.name, "polars", package_dir=root)
        polars_types = {"string": pl.String, "integer": pl.Int64, "number": pl.Float64, "boolean": pl.Boolean, "date": pl.Date}
        for f in spec.fields:
            dtype = polars.schema[f.name]
            if f.enum:
                assert dtype in (pl.Categorical, pl.Enum) or isinstance(dtype, (pl.Categorical, pl.Enum)), (f.name, dtype)
            else:
                assert dtype == polars_types[f.type], (f.name, dtype)
        assert polars.to_dicts() == expected


@SETTINGS
@given(rows_strategy(SYNTHETIC))
def test_random_rows_of_every_type_survive_csv_parquet_and_each_backend(rows):
    assert_round_trip(SYNTHETIC, rows)


@pytest.mark.parametrize("table", ["events", "agreements"])
def test_random_rows_of_real_schemas_survive_csv_parquet_and_each_backend(table):
    spec = read_metadata(REPO).table(table)

    @SETTINGS
    @given(rows_strategy(spec, max_size=4))
    def run(rows):
        assert_round_trip(spec, rows)

    run()


# --- single-cell corruptions -----------------------------------------------------------------------

def corruptions(f: FieldSpec, current: str) -> list[tuple[str, tuple[str, ...]]]:
    """(bad cell, rules that may report it) for one field; each breaks the schema or a cell rule."""
    c = f.constraints
    out: list[tuple[str, tuple[str, ...]]] = []
    if f.required:
        out.append(("", ("required",)))
    if f.type == "integer":
        out += [("1.5", ("type-integer",)), ("twelve", ("type-integer",))]
        if "minimum" in c:
            out.append((str(c["minimum"] - 1), ("minimum",)))
    elif f.type == "number":
        out += [("1,5", ("type-number",)), ("NaN", ("type-number",))]
    elif f.type == "boolean":
        out += [("yes", ("type-boolean",)), ("True", ("type-boolean",)), ("1", ("type-boolean",))]
    elif f.type == "date":
        out += [("2025-02-30", ("type-date",)), ("2025/01/01", ("type-date",)), ("20250101", ("type-date",))]
    elif f.enum:
        out += [("delta", ("enum",)), (f.enum[0].upper(), ("enum",))]
    elif "pattern" in c:
        out += [("thg-12", ("pattern",)), ("abc", ("pattern",))]
    elif f.type == "string":
        base = current or "Text"
        out += [(" " + base, ("whitespace",)), (base + " ", ("whitespace",)), ("=" + base, ("csv-injection",)),
                ("@" + base, ("csv-injection",)), (base + "\x0b", ("control-character",)),
                (unicodedata.normalize("NFD", base + " é"), ("unicode-nfc",))]
        if "minLength" in c:
            out.append(("x" * (c["minLength"] - 1) or "", ("minLength", "required")))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rows_strategy(SYNTHETIC, hygienic=True), data=st.data())
def test_every_single_cell_corruption_of_valid_rows_is_reported(rows, data):
    from china_russia_diplomacy.validation import validate_package

    spec = SYNTHETIC
    with tempfile.TemporaryDirectory() as tmp:
        root = write_package(Path(tmp) / "pkg", spec, rows)
        assert validate_package(root, with_descriptor=False).valid  # no false alarm on valid rows
        i = data.draw(st.integers(0, len(rows) - 1), label="row")
        f = data.draw(st.sampled_from(spec.fields), label="column")
        cells = [[cell_text(fl, r[fl.name]) for fl in spec.fields] for r in rows]
        bad, rules = data.draw(st.sampled_from(corruptions(f, cells[i][spec.field_names.index(f.name)])), label="corruption")
        assume(bad != cells[i][spec.field_names.index(f.name)])
        cells[i][spec.field_names.index(f.name)] = bad
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([spec.field_names, *cells])
        (root / spec.csv_path).write_text(buf.getvalue(), encoding="utf-8")
        line = 2 + i  # valid hygienic rows are one line each
        report = validate_package(root, with_descriptor=False)
        hits = [x for x in report.findings if x.table == spec.name and x.line == line and x.column == f.name and x.rule in rules]
        assert hits, f"{f.name}={bad!r} on line {line} not reported as {rules}:\n{report.to_text()}"


@settings(max_examples=15, deadline=None)
@given(rows=rows_strategy(SYNTHETIC, hygienic=True).filter(lambda rs: len(rs) >= 2), data=st.data())
def test_a_row_given_another_rows_key_is_reported_as_duplicate(rows, data):
    from china_russia_diplomacy.validation import validate_package

    i, j = data.draw(st.lists(st.integers(0, len(rows) - 1), min_size=2, max_size=2, unique=True), label="rows")
    with tempfile.TemporaryDirectory() as tmp:
        root = write_package(Path(tmp) / "pkg", SYNTHETIC, rows)
        rows = [dict(r) for r in rows]
        rows[j]["thing_id"] = rows[i]["thing_id"]
        (root / SYNTHETIC.csv_path).write_bytes(csv_bytes(SYNTHETIC, rows))
        report = validate_package(root, with_descriptor=False)
        hits = [x for x in report.findings if x.rule in ("primary-key", "unique") and x.line == 2 + j]
        assert hits, report.to_text()


@pytest.mark.parametrize("table", read_metadata(REPO).table_names)
def test_real_table_loads_from_parquet_exactly_as_its_csv_reads(table):
    """The shipped rows, not random ones: no row lost or altered between data/<table>.csv and load()."""
    import china_russia_diplomacy as crd
    from china_russia_diplomacy.core.parquet_io import plain, sort_by_key

    spec = read_metadata(REPO).table(table)
    raw, findings = read_raw(REPO / spec.csv_path, spec)
    assert raw is not None and not findings, findings
    typed, findings = to_arrow(raw, spec)
    assert not findings, findings
    expected = sort_by_key(typed, spec).to_pylist()
    assert plain(crd.load(table, "arrow", package_dir=REPO)).to_pylist() == expected
    assert crd.load(table, "polars", package_dir=REPO).to_dicts() == expected
    frame = crd.load(table, "pandas", package_dir=REPO)
    assert [{k: _python(v) for k, v in r.items()} for r in frame.astype(object).to_dict("records")] == expected
