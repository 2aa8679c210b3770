"""The schemas are the single source of truth: complete, self-consistent, and mirrored exactly by
the pandera layer and the Parquet types (so the two validation layers cannot drift apart)."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from china_russia_diplomacy.core.metadata import PROVENANCE_FIELDS, read_metadata
from china_russia_diplomacy.core.parquet_io import storage_schema
from china_russia_diplomacy.validation.pandera_schema import PANDAS_DTYPES, dataframe_schema

META = None


@pytest.fixture(scope="module")
def meta(repo):
    return read_metadata(repo)


def test_every_field_has_a_description(meta):
    missing = [f"{t.name}.{f.name}" for t in meta.tables for f in t.fields if len(f.description) < 15]
    assert not missing


def test_every_enum_value_has_a_meaning(meta):
    for t in meta.tables:
        for f in t.fields:
            if f.enum:
                assert list(f.enum_descriptions) == f.enum, f"{t.name}.{f.name}"


def test_every_table_but_sources_carries_the_provenance_block(meta):
    for t in meta.tables:
        if t.name != "sources":
            assert t.has_provenance, t.name
            fk = [k for k in t.foreign_keys if k["fields"] == "source_id"]
            assert fk and fk[0]["reference"]["resource"] == "sources", t.name


def test_confidence_rules_are_written_in_the_schema(meta):
    for t in meta.tables[1:]:
        conf = t.field("confidence")
        assert set(conf.enum_descriptions) == {"high", "medium", "low"}
        assert all(len(v) > 40 for v in conf.enum_descriptions.values())


def test_contract_columns_present(meta):
    """Columns promised by the v1 data contract: none may be dropped or renamed."""
    contract = {
        "sources": "source_id file_name sha256 char_count headline publisher agency author dateline published_date published_date_basis language url",
        "events": "event_id event_type title status date_start date_end date_precision date_edtf date_basis date_text location_name location_country parent_event_id num_sources",
        "event_mentions": "mention_id event_id reported_date_text",
        "event_participants": "event_id participant_id role",
        "participants": "participant_id name participant_type country title aliases",
        "agreements": "agreement_id title agreement_type status event_id signed_date parties is_aggregate count_text count_low",
        "quotes": "quote_id text speaker_id quote_type via_id event_id spoken_date is_translation original_language",
        "discrepancies": "discrepancy_id record_table record_id attribute",
    }
    for table, cols in contract.items():
        names = meta.table(table).field_names
        for col in cols.split() + (list(PROVENANCE_FIELDS) if table != "sources" else []):
            assert col in names, f"{table}.{col}"


def test_pandera_schema_mirrors_each_table_schema(meta):
    """Regression guard against drift between the frictionless and pandera layers."""
    for t in meta.tables:
        schema = dataframe_schema(t)
        assert list(schema.columns) == t.field_names
        assert schema.unique == (t.primary_key or None) or list(schema.unique) == t.primary_key
        for f in t.fields:
            col = schema.columns[f.name]
            assert str(col.dtype) == str(pa_dtype(f.type)), f"{t.name}.{f.name}"
            assert col.nullable == (not f.required), f"{t.name}.{f.name}"
            assert col.unique == bool(f.constraints.get("unique")), f"{t.name}.{f.name}"
            names = [c.name for c in col.checks]
            for key, check in (("enum", "enum"), ("pattern", "pattern"), ("minimum", "minimum"),
                               ("maximum", "maximum"), ("minLength", "minLength")):
                assert (key in f.constraints) == (check in names), f"{t.name}.{f.name}: {key}"


def pa_dtype(t: str):
    import pandera.pandas as pa_

    return pa_.Column(PANDAS_DTYPES[t]).dtype


def test_parquet_types_follow_the_schema(meta):
    for t in meta.tables:
        schema = storage_schema(t)
        for f, field in zip(t.fields, schema):
            assert field.nullable == (not f.required)
            assert field.metadata[b"description"].decode() == f.description
            if f.enum:
                assert pa.types.is_dictionary(field.type)
            elif f.type == "date":
                assert field.type == pa.date32()
            elif f.type == "integer":
                assert field.type == pa.int64()


def test_retired_ids_file_is_well_formed(repo):
    retired = json.loads((repo / "schemas" / "retired_ids.json").read_text())
    assert isinstance(retired["retired"], list)


def test_fast_edtf_reader_agrees_with_the_edtf_parser(repo):
    """Regression guard for the validation shortcut: every EDTF string in the data, and tricky
    ones, must get the same bounds from the fast path as from the reference `edtf` parser."""
    import csv

    from china_russia_diplomacy.validation.rules import _edtf_bounds, _edtf_fast, edtf_bounds_by_parser

    with open(repo / "data" / "events.csv", newline="", encoding="utf-8") as fh:
        values = {r["date_edtf"] for r in csv.DictReader(fh) if r["date_edtf"]}
    values |= {"2024-02", "2025-12", "2023-02", "1945", "2025-05-07/2025-05-10", "[2025-01-07..2025-02-18]"}
    for v in sorted(values):
        assert _edtf_fast(v) == edtf_bounds_by_parser(v), v
    for bad in ("2025-02-30", "2025-13", "May 2025", "2025-05-09T10"):
        with pytest.raises(Exception):
            _edtf_bounds(bad)
