"""The Parquet twins read unchanged by a distributed engine (Dask), as the README shows.

The README's Dask line is run verbatim (between the ``engine-examples`` markers). Every table must
come back with its row count and with types that follow its schema: dates as dates, controlled
vocabularies as categories within the schema's list, integers and booleans as nullable integers and
booleans, text as strings; and the values must be those ``load`` gives.
"""

from __future__ import annotations


import pandas as pd
import pytest
from readme_blocks import readme_block

import china_russia_diplomacy as crd

dd = pytest.importorskip("dask.dataframe")


def readme_engine_example() -> str:
    return readme_block("engine-examples", "python")


@pytest.fixture(scope="module")
def dask_tables() -> dict:
    namespace: dict = {}
    exec(compile(readme_engine_example(), "README.md:engine-examples", "exec"), namespace)
    tables = namespace["tables"]
    assert list(tables) == crd.tables()
    return {name: frame.compute() for name, frame in tables.items()}


def _is_date(dtype) -> bool:
    if isinstance(dtype, pd.ArrowDtype):
        import pyarrow as pa

        return pa.types.is_date(dtype.pyarrow_dtype)
    return pd.api.types.is_datetime64_dtype(dtype)


def _expected_kind(field: dict) -> str:
    if field.get("constraints", {}).get("enum"):
        return "enum"
    return field.get("type", "string")


CHECKS = {
    "date": _is_date,
    "enum": lambda d: isinstance(d, pd.CategoricalDtype),
    "integer": lambda d: d == "Int64",
    "boolean": lambda d: d == "boolean",
    "number": lambda d: d == "Float64",
    "string": lambda d: isinstance(d, pd.StringDtype),
}


@pytest.mark.parametrize("table", crd.tables())
def test_dask_reads_every_table_with_its_rows_and_schema_types(dask_tables, table):
    frame = dask_tables[table]
    fields = crd.schema(table)["fields"]
    assert list(frame.columns) == [f["name"] for f in fields]
    assert len(frame) == crd.package()["resources"][crd.tables().index(table)]["rowCount"]
    wrong = {f["name"]: str(frame[f["name"]].dtype) for f in fields if not CHECKS[_expected_kind(f)](frame[f["name"]].dtype)}
    assert not wrong, f"{table}: columns whose Dask type does not follow the schema: {wrong}"
    for f in fields:
        if _expected_kind(f) == "enum":
            assert set(frame[f["name"]].dropna()) <= set(f["constraints"]["enum"])


def _cells(series: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in series.astype(object)]


@pytest.mark.parametrize("table", crd.tables())
def test_dask_values_are_those_load_gives(dask_tables, table):
    got = dask_tables[table].reset_index(drop=True)
    expected = crd.load(table)
    for name in expected.columns:
        column = got[name]
        if _is_date(column.dtype):
            column = pd.to_datetime(column.astype(object)).astype("datetime64[ns]")
        assert _cells(column) == _cells(expected[name]), f"{table}.{name}"
