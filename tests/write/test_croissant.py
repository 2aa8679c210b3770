"""croissant.json: generated from the schemas, checked by MLCommons' own loader (mlcroissant)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from china_russia_diplomacy.build.generate import croissant
from china_russia_diplomacy.core.metadata import read_metadata


@pytest.fixture(scope="module")
def meta(repo):
    return read_metadata(repo)


@pytest.fixture(scope="module")
def doc(meta):
    files = {}
    for spec in meta.tables:
        files[spec.csv_path] = f"{spec.name} csv bytes".encode()
        files[spec.parquet_path] = f"{spec.name} parquet bytes".encode()
    return croissant.croissant(meta, files, "@misc{x}", "2025-06-01")


def test_one_record_set_per_table_with_every_schema_field_in_order(doc, meta):
    assert [rs["name"] for rs in doc["recordSet"]] == meta.table_names
    for rs, spec in zip(doc["recordSet"], meta.tables):
        assert [f["name"] for f in rs["field"]] == spec.field_names
        assert all(f["description"] for f in rs["field"]), spec.name


def test_data_types_follow_the_table_schema_types(doc, meta):
    expected = {"string": "sc:Text", "integer": "sc:Integer", "number": "sc:Float", "boolean": "sc:Boolean", "date": "sc:Date"}
    for rs, spec in zip(doc["recordSet"], meta.tables):
        for field, f in zip(rs["field"], spec.fields):
            assert field["dataType"] == expected[f.type], f"{spec.name}.{f.name}"


def test_an_unmapped_table_schema_type_is_an_error_not_text():
    with pytest.raises(ValueError, match="events.when.*datetime"):
        croissant.data_type("events", "when", "datetime")


def test_enum_meanings_reach_the_field_description(doc):
    events = next(rs for rs in doc["recordSet"] if rs["name"] == "events")
    status = next(f for f in events["field"] if f["name"] == "status")
    assert "`planned`: Announced or scheduled for the future" in status["description"]


def test_file_objects_carry_relative_urls_and_the_sha256_of_their_bytes(doc, meta):
    by_url = {d["contentUrl"]: d for d in doc["distribution"]}
    for spec in meta.tables:
        for path in (spec.csv_path, spec.parquet_path):
            entry = by_url[path]
            assert not Path(path).is_absolute() and "://" not in path
            assert entry["sha256"] == hashlib.sha256(f"{spec.name} {path.rsplit('.', 1)[1]} bytes".encode()).hexdigest()


def test_every_foreign_key_to_another_table_is_a_reference_to_an_existing_key_column(doc, meta):
    files = {d["@id"]: d["contentUrl"] for d in doc["distribution"]}
    expected = 0
    for rs, spec in zip(doc["recordSet"], meta.tables):
        fields = {f["name"]: f for f in rs["field"]}
        for fk in spec.foreign_keys:
            if fk["reference"]["resource"] in ("", spec.name):
                continue
            expected += 1
            ref = fields[fk["fields"]]["references"]
            target = meta.table(fk["reference"]["resource"])
            assert files[ref["fileObject"]["@id"]] == target.csv_path
            assert ref["extract"]["column"] == fk["reference"]["fields"]
    assert expected > 5
    n_refs = sum("references" in f for rs in doc["recordSet"] for f in rs["field"])
    assert n_refs == expected


def test_primary_keys_license_version_and_citation(doc, meta):
    events = next(rs for rs in doc["recordSet"] if rs["name"] == "events")
    assert events["key"] == {"@id": "events/event_id"}
    ep = next(rs for rs in doc["recordSet"] if rs["name"] == "event_participants")
    assert ep["key"] == [{"@id": f"event_participants/{k}"} for k in ("event_id", "participant_id", "role")]
    assert doc["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert doc["version"] == meta.version and doc["citeAs"] == "@misc{x}"
    assert doc["conformsTo"] == "http://mlcommons.org/croissant/1.0"


def test_committed_croissant_json_loads_in_mlcroissant_and_yields_every_row(repo):
    """The real validator: mlcroissant parses the metadata (raising on errors) and reads every record."""
    import mlcroissant as mlc
    import china_russia_diplomacy as crd

    path = repo / "croissant.json"
    assert path.is_file(), "croissant.json is missing: run china-russia-diplomacy build"
    ds = mlc.Dataset(jsonld=str(path))
    assert not ds.metadata.ctx.issues.errors
    for name in crd.tables(package_dir=repo):
        frame = crd.load(name, package_dir=repo)
        records = list(ds.records(record_set=name))
        assert len(records) == len(frame), name
        key = crd.schema(name, package_dir=repo)["primaryKey"][0]
        got = sorted(r[f"{name}/{key}"].decode() for r in records)
        assert got == sorted(frame[key].astype(str)), name
    doc = json.loads(path.read_text(encoding="utf-8"))
    for entry in doc["distribution"]:
        assert hashlib.sha256((repo / entry["contentUrl"]).read_bytes()).hexdigest() == entry["sha256"], entry["contentUrl"]
