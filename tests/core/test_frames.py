"""``frames.to_pandas``: the vectorised conversion gives exactly the frames the cell-by-cell one gave.

The cell-by-cell implementation (every cell through a Python object) was correct but spent 87 % of
``load_all`` at a million rows. It is kept here, verbatim, as the reference: the fast one must give
the same dtypes (including each category list and its dtype) and the same values on every shipped
table and on generated tables with every column type, nulls, empty tables, several chunks and
dictionaries in another order than the schema's.
"""

from __future__ import annotations

import datetime as dt
import json
import warnings

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import china_russia_diplomacy as crd
from china_russia_diplomacy.core import frames


def reference_to_pandas(table: pa.Table) -> pd.DataFrame:
    """The 1.0.0 implementation of ``frames.to_pandas``, cell by cell (the behaviour to keep)."""
    data = {}
    for field, col in zip(table.schema, table.columns):
        t = field.type
        if pa.types.is_dictionary(t):
            values = col.cast(t.value_type).to_pylist()
            cats = frames._enum_of(field) or sorted({v for v in values if v is not None})
            with warnings.catch_warnings():  # pandas 3 deprecates values outside the categories (-> NaN)
                warnings.simplefilter("ignore")
                data[field.name] = pd.Categorical(values, categories=cats)
        elif pa.types.is_date32(t):
            data[field.name] = pd.to_datetime(pd.Series(col.to_pylist(), dtype="object")).astype("datetime64[ns]")
        elif pa.types.is_integer(t):
            data[field.name] = pd.array(col.to_pylist(), dtype="Int64")
        elif pa.types.is_boolean(t):
            data[field.name] = pd.array(col.to_pylist(), dtype="boolean")
        elif pa.types.is_floating(t):
            data[field.name] = pd.array(col.to_pylist(), dtype="Float64")
        else:
            data[field.name] = pd.array(col.to_pylist(), dtype="string")
    return pd.DataFrame(data, columns=table.column_names)


def assert_same_frame(table: pa.Table) -> None:
    expected, actual = reference_to_pandas(table), frames.to_pandas(table)
    assert list(actual.dtypes) == list(expected.dtypes)
    for name in expected.columns:
        if isinstance(expected[name].dtype, pd.CategoricalDtype):
            assert list(actual[name].cat.categories) == list(expected[name].cat.categories)
            assert actual[name].cat.categories.dtype == expected[name].cat.categories.dtype
    pd.testing.assert_frame_equal(actual, expected, check_exact=True)


@pytest.mark.parametrize("table", crd.tables())
def test_every_shipped_table_converts_exactly_as_the_cell_by_cell_reference(repo, table):
    arrow = pq.ParquetFile(crd.path(table, "parquet", repo)).read()
    assert_same_frame(arrow)
    assert_same_frame(arrow.slice(0, 0))
    assert_same_frame(arrow.slice(1, 3))


ENUM = ["occurred", "planned", "expected", "cancelled"]
DAY = st.dates(min_value=dt.date(1678, 1, 1), max_value=dt.date(2261, 12, 31))


def _dictionary_chunks(values: list[str | None], enum: list[str] | None, split: int, shuffle_seed: int) -> pa.ChunkedArray:
    """Two chunks, each with its own dictionary holding only its values, in a scrambled order (as a
    Parquet reader may return them), so the conversion must remap codes onto the schema's list."""
    chunks = []
    for part in (values[:split], values[split:]):
        distinct = sorted({v for v in part if v is not None}, key=lambda v: (hash((v, shuffle_seed)), v))
        index = {v: i for i, v in enumerate(distinct)}
        indices = pa.array([None if v is None else index[v] for v in part], pa.int32())
        chunks.append(pa.DictionaryArray.from_arrays(indices, pa.array(distinct, pa.string())))
    return pa.chunked_array(chunks, pa.dictionary(pa.int32(), pa.string()))


@st.composite
def tables(draw) -> pa.Table:
    n = draw(st.integers(0, 30))
    split = draw(st.integers(0, n))

    def column(elements):
        return draw(st.lists(st.one_of(st.none(), elements), min_size=n, max_size=n))

    enum_values = column(st.sampled_from(ENUM + ["not-in-the-enum"]))
    free_values = column(st.sampled_from(["b", "a", "é", "Z"]))
    floats = column(st.floats(allow_infinity=False, width=64))
    def chunks(values, arrow_type):  # two chunks, as a Parquet file with two row groups reads
        return pa.chunked_array([pa.array(values[:split], arrow_type), pa.array(values[split:], arrow_type)], arrow_type)

    columns = {
        "text": chunks(column(st.text(max_size=8)), pa.string()),
        "count": chunks(column(st.integers(-2**62, 2**62)), pa.int64()),
        "small": chunks(column(st.integers(-100, 100)), pa.int32()),
        "flag": chunks(column(st.booleans()), pa.bool_()),
        "share": chunks(floats, pa.float64()),
        "day": chunks(column(DAY), pa.date32()),
        "status": _dictionary_chunks(enum_values, ENUM, split, draw(st.integers(0, 9))),
        "free": _dictionary_chunks(free_values, None, split, draw(st.integers(0, 9))),
    }
    fields = [pa.field(name, col.type, metadata={"enum": json.dumps(ENUM)} if name == "status" else None)
              for name, col in columns.items()]
    return pa.Table.from_arrays(list(columns.values()), schema=pa.schema(fields))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_generated_tables_of_every_type_convert_exactly_as_the_reference(table):
    assert_same_frame(table)


def test_enum_categories_are_the_schemas_full_list_in_schema_order_even_when_absent(repo):
    events = crd.load("events", package_dir=repo)
    enum = next(f for f in crd.schema("events", repo)["fields"] if f["name"] == "status")["constraints"]["enum"]
    assert list(events["status"].cat.categories) == enum
    assert set(events["status"].dropna()) <= set(enum)


def _dates(*days: dt.date | None) -> pa.Table:
    return pa.table({"event_id": ["a", "b", "c"][: len(days)], "date_start": pa.array(list(days), pa.date32())})


def test_a_date_pandas_cannot_hold_raises_an_error_naming_column_and_date_not_a_wrapped_value():
    table = _dates(dt.date(2025, 5, 9), dt.date(1500, 1, 1), None)
    with pytest.raises(frames.DateOutOfRangeError, match=r"'date_start'.*1500-01-01"):
        frames.to_pandas(table)


def test_out_of_range_dates_become_nat_only_when_asked_and_other_dates_survive():
    table = _dates(dt.date(2025, 5, 9), dt.date(9999, 12, 31), dt.date(1677, 9, 22))
    frame = frames.to_pandas(table, out_of_range_dates="null")
    assert frame["date_start"].dtype == "datetime64[ns]"
    assert frame["date_start"].tolist()[0] == pd.Timestamp("2025-05-09")
    assert frame["date_start"].isna().tolist() == [False, True, False]
    assert frame["date_start"].iloc[2] == pd.Timestamp("1677-09-22")


def test_the_edges_of_the_nanosecond_range_are_accepted_exactly():
    frame = frames.to_pandas(_dates(dt.date(1677, 9, 22), dt.date(2262, 4, 11)))
    assert frame["date_start"].tolist() == [pd.Timestamp("1677-09-22"), pd.Timestamp("2262-04-11")]
    with pytest.raises(frames.DateOutOfRangeError):
        frames.to_pandas(_dates(dt.date(2262, 4, 12)))
    with pytest.raises(frames.DateOutOfRangeError):
        frames.to_pandas(_dates(dt.date(1677, 9, 21)))


def test_an_unknown_out_of_range_policy_is_refused():
    with pytest.raises(ValueError, match="out_of_range_dates"):
        frames.to_pandas(_dates(dt.date(2025, 5, 9)), out_of_range_dates="wrap")
