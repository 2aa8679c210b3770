"""The loader: typed tables in three backends, from the shipped files, without heavy imports."""

from __future__ import annotations

import csv

import pandas as pd
import pyarrow as pa
import pytest
from read_side import write_side_imports

import china_russia_diplomacy as crd

TABLES = ["sources", "events", "event_mentions", "participants", "event_participants", "agreements", "quotes", "discrepancies"]


def csv_rows(path) -> int:
    with open(path, newline="", encoding="utf-8") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def test_tables_in_package_order():
    assert crd.tables() == TABLES


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("backend", ["pandas", "polars", "arrow"])
def test_every_backend_loads_every_row(table, backend):
    frame = crd.load(table, backend=backend)
    n = frame.num_rows if backend == "arrow" else len(frame)
    assert n == csv_rows(crd.path(table, "csv"))
    assert n > 0 or table == "discrepancies"


def test_pandas_types_are_research_ready():
    events = crd.load("events")
    assert str(events["date_start"].dtype) == "datetime64[ns]"
    assert isinstance(events["event_type"].dtype, pd.CategoricalDtype)
    assert list(events["event_type"].cat.categories) == crd.schema("events")["fields"][1]["constraints"]["enum"]
    assert str(events["num_sources"].dtype) == "Int64"
    assert str(events["title"].dtype) == "string"
    assert str(crd.load("event_mentions")["is_primary"].dtype) == "boolean"


def test_arrow_types_and_descriptions():
    t = crd.load("events", backend="arrow")
    assert t.schema.field("date_start").type == pa.date32()
    assert pa.types.is_dictionary(t.schema.field("status").type)
    assert t.schema.field("evidence").metadata[b"description"].startswith(b"A verbatim span")


def test_polars_types():
    pl = pytest.importorskip("polars")
    q = crd.load("events", backend="polars")
    assert q.schema["date_start"] == pl.Date
    assert q.schema["num_sources"] == pl.Int64


def test_unknown_table_and_backend_are_clear_errors():
    with pytest.raises(KeyError, match="unknown table 'event'.*events"):
        crd.load("event")
    with pytest.raises(ValueError, match="backend must be one of"):
        crd.load("events", backend="excel")


def test_verify_passes_on_shipped_files():
    assert crd.verify() == []


def test_version_is_the_descriptor_version():
    assert crd.__version__ == crd.package()["version"]


def test_loading_does_not_import_validation_libraries():
    """Regression: an eager import of frictionless/pandera made `load` several times slower."""
    assert write_side_imports("c.load_all(); c.load('quotes', backend='arrow'); c.verify()") == []


def test_describe_is_a_codebook_from_the_schema():
    text = crd.describe("events")
    assert "primary key: event_id" in text
    assert "- weekday_resolved:" in text
    assert "parent_event_id -> events.event_id" in text


def test_load_refuses_a_path_that_leaves_the_package(package_copy):
    """Regression: an edited datapackage.json could point load() at ../../etc/passwd."""
    import json

    descriptor = package_copy / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    data["resources"][1]["parquet"]["path"] = "../../outside.parquet"
    descriptor.write_text(json.dumps(data), encoding="utf-8")
    from china_russia_diplomacy.core.errors import UntrustedInputError

    with pytest.raises(UntrustedInputError, match=r"datapackage\.json: resource 'events' names the path '\.\./\.\./outside\.parquet'"):
        crd.load("events", package_dir=package_copy)
