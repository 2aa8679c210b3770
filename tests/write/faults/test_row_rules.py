"""Defects found while building the suite, beyond the issue's list: row rules between columns,
retired IDs, evidence offsets outside the article, spreadsheet delimiters, broken descriptors."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from .inject import CsvTable, assert_caught
from .test_artifacts import _rehash

defect = pytest.mark.defect


@defect("row: quote date without its basis")
def test_spoken_date_without_basis_is_reported(pkg):
    t = CsvTable.open(pkg, "quotes")
    i = t.filled("spoken_date_basis")
    t.set(i, "spoken_date_basis", "")
    t.save()
    assert_caught(pkg, "quotes", "date-basis-pair", t.line(i), "spoken_date_basis")


@defect("row: signing date without its basis")
def test_signed_date_without_basis_is_reported(pkg):
    t = CsvTable.open(pkg, "agreements")
    i = t.filled("signed_date_basis")
    t.set(i, "signed_date_basis", "")
    t.save()
    assert_caught(pkg, "agreements", "date-basis-pair", t.line(i), "signed_date_basis")


@defect("row: translation flag and language disagree")
def test_original_language_without_translation_flag_is_reported(pkg):
    t = CsvTable.open(pkg, "quotes")
    i = t.filled("original_language")
    t.set(i, "is_translation", "false")
    t.save()
    assert_caught(pkg, "quotes", "translation-language", t.line(i), "original_language")


@defect("row: aggregate without its count")
def test_aggregate_agreement_without_count_text_is_reported(pkg):
    t = CsvTable.open(pkg, "agreements")
    i = t.where(lambda r: r["is_aggregate"] == "true")
    t.set(i, "count_text", "")
    t.save()
    assert_caught(pkg, "agreements", "aggregate-count", t.line(i), "count_text")


@defect("row: added_in newer than the package")
def test_added_in_from_a_future_version_is_reported(pkg):
    t = CsvTable.open(pkg, "participants")
    t.set(0, "added_in", "99.0.0")
    t.save()
    assert_caught(pkg, "participants", "added-in", t.line(0), "added_in")


@defect("row: aliases repeat the name")
def test_alias_equal_to_the_name_is_reported(pkg):
    t = CsvTable.open(pkg, "participants")
    i = t.filled("name")
    aliases = t.get(i, "aliases")
    t.set(i, "aliases", f"{aliases};{t.get(i, 'name')}" if aliases else t.get(i, "name"))
    t.save()
    assert_caught(pkg, "participants", "aliases", t.line(i), "aliases")


@defect("table: retired ID reused")
def test_retired_id_used_again_is_reported(pkg):
    t = CsvTable.open(pkg, "events")
    path = pkg / "schemas" / "retired_ids.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["retired"] = [*data.get("retired", []), t.get(0, "event_id")]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert_caught(pkg, "events", "retired-id", t.line(0), "event_id")


@defect("provenance: offsets outside the article")
def test_evidence_end_past_the_article_is_reported(pkg):
    t = CsvTable.open(pkg, "event_participants")
    t.set(0, "evidence_end", "1000000")
    t.save()
    f = assert_caught(pkg, "event_participants", "evidence-offsets", t.line(0), "evidence_end")
    assert "past the end" in f.message


@defect("provenance: offsets outside the article")
def test_evidence_end_before_start_is_reported(pkg):
    t = CsvTable.open(pkg, "event_participants")
    t.set(0, "evidence_end", t.get(0, "evidence_start"))
    t.save()
    assert_caught(pkg, "event_participants", "evidence-offsets", t.line(0), "evidence_end")


@defect("provenance: char_count out of step")
def test_wrong_char_count_is_reported(pkg):
    t = CsvTable.open(pkg, "sources")
    t.set(0, "char_count", str(int(t.get(0, "char_count")) + 1))
    t.save()
    assert_caught(pkg, "sources", "source-char-count", t.line(0), "char_count")


@defect("file: semicolon delimiter")
def test_csv_resaved_with_semicolons_is_reported(pkg):
    import csv
    import io

    t = CsvTable.open(pkg, "event_participants")
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\n").writerows([t.header, *t.rows])
    t.path.write_text(buf.getvalue(), encoding="utf-8")
    assert_caught(pkg, "event_participants", "header-missing", 1, "event_id", build=True)


@defect("artifact: Parquet with other column types")
def test_parquet_with_integers_stored_as_text_is_reported(pkg):
    path = pkg / "data" / "events.parquet"
    table = pq.read_table(path)
    k = table.schema.get_field_index("num_sources")
    table = table.set_column(k, pa.field("num_sources", pa.string()), table.column(k).cast(pa.string()))
    pq.write_table(table, path)
    _rehash(pkg, "events", "parquet")
    assert_caught(pkg, "events", "parquet-csv")


@defect("artifact: datapackage.json not JSON")
def test_truncated_descriptor_is_reported(pkg):
    path = pkg / "datapackage.json"
    path.write_bytes(path.read_bytes()[:200])
    assert_caught(pkg, "package", "descriptor-error")


@defect("artifact: resource dropped from datapackage.json")
def test_descriptor_without_a_table_is_reported(pkg):
    path = pkg / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "quotes"]
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    assert_caught(pkg, "quotes", "descriptor-stale")
