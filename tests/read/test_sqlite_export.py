"""``export --format sqlite``: every table round-trips, keys are real constraints, search works, reruns agree."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

import china_russia_diplomacy as crd
from china_russia_diplomacy.core.locate import installed_package_dir
from china_russia_diplomacy.cli import main
from china_russia_diplomacy.exports.export import FORMATS, export
from china_russia_diplomacy.exports.sqlite_export import FACETS, FTS_COLUMNS, metadata_path


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("sqlite") / "crd.sqlite"
    assert main(["export", str(installed_package_dir()), "--format", "sqlite", "--output", str(out)]) == 0
    return out, metadata_path(out)


@pytest.fixture()
def db(exported):
    con = sqlite3.connect(f"file:{exported[0]}?mode=ro", uri=True)
    yield con
    con.close()


def test_sqlite_is_in_the_export_registry():
    assert "sqlite" in FORMATS


def test_cli_writes_database_and_datasette_metadata(exported):
    database, metadata = exported
    assert database.is_file() and metadata.is_file()
    assert metadata.name == "crd.metadata.json"
    with database.open("rb") as fh:
        assert fh.read(16) == b"SQLite format 3\x00"


def _sqlite_value(value, field_type: str):
    """What the export must have stored for one pandas cell of a Table Schema type."""
    if pd.isna(value):  # None, NA, NaT, and the NaN a missing category becomes as object
        return None
    if field_type == "date":
        return pd.Timestamp(value).date().isoformat()
    if field_type == "boolean":
        return int(bool(value))
    if field_type == "integer":
        return int(value)
    if field_type == "number":
        return float(value)
    return str(value)


@pytest.mark.parametrize("table", crd.tables())
def test_every_table_round_trips_rows_values_and_types(db, table):
    frame = crd.load(table).astype(object)
    fields = crd.schema(table)["fields"]
    names = [f["name"] for f in fields]
    columns = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
    assert columns == names
    got = db.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
    assert len(got) == len(frame)
    expected = [tuple(_sqlite_value(row[f["name"]], f["type"]) for f in fields) for _, row in frame.iterrows()]
    assert sorted(got, key=repr) == sorted(expected, key=repr)
    # storage classes, not only values: a date is TEXT, a count an INTEGER, a flag 0/1
    for i, f in enumerate(fields):
        kinds = {type(r[i]) for r in got if r[i] is not None}
        allowed = {"string": {str}, "date": {str}, "integer": {int}, "boolean": {int}, "number": {float}}[f["type"]]
        assert kinds <= allowed, (table, f["name"], kinds)


def test_declared_column_types_and_not_null(db):
    info = {r[1]: r for r in db.execute('PRAGMA table_info("events")')}
    assert info["num_sources"][2] == "INTEGER"
    assert info["date_start"][2] == "TEXT"
    assert info["event_id"][3] == 1 and info["event_id"][5] == 1, "event_id is NOT NULL and the primary key"
    with pytest.raises(sqlite3.IntegrityError):
        con = sqlite3.connect(":memory:")
        (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'events'").fetchall()[0]
        con.execute(sql)
        con.execute("INSERT INTO events (event_id, event_type) VALUES ('evt-9999', 'not-a-type')")


@pytest.mark.parametrize("table", crd.tables())
def test_primary_and_foreign_keys_are_declared(db, table):
    schema = crd.schema(table)
    pk = schema.get("primaryKey", [])
    pk = [pk] if isinstance(pk, str) else pk
    info = sorted((r[5], r[1]) for r in db.execute(f'PRAGMA table_info("{table}")') if r[5])
    assert [name for _, name in info] == pk
    declared = {(r[3], r[2], r[4]) for r in db.execute(f'PRAGMA foreign_key_list("{table}")')}
    expected = {(fk["fields"], fk["reference"]["resource"], fk["reference"]["fields"])
                for fk in schema.get("foreignKeys", [])}
    assert declared == expected


def test_foreign_key_check_is_clean(db):
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_full_text_search_finds_a_quote_by_a_phrase(db):
    quote_id, text = db.execute("SELECT quote_id, text FROM quotes ORDER BY length(text) DESC LIMIT 1").fetchall()[0]
    words = [w for w in text.replace("’", " ").replace("'", " ").split() if w.strip(".,;:!?“”\"()").isalnum()]
    phrase = " ".join(w.strip(".,;:!?“”\"()") for w in words[:3])
    assert phrase, text
    hits = [r[0] for r in db.execute(
        "SELECT quote_id FROM quotes WHERE rowid IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)",
        (f'"{phrase}"',))]
    assert quote_id in hits


def test_full_text_indexes_cover_every_row(exported):
    db = sqlite3.connect(exported[0])  # integrity-check is written as an INSERT, so not read-only
    for table, columns in FTS_COLUMNS.items():
        (n,) = db.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0]
        (indexed,) = db.execute(f'SELECT count(*) FROM "{table}_fts"').fetchall()[0]
        assert indexed == n, table
        db.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('integrity-check')")  # raises if index != content


def test_datasette_metadata_comes_from_the_schemas(exported):
    database, metadata = exported
    doc = json.loads(metadata.read_text(encoding="utf-8"))
    pkg = crd.package()
    assert doc["title"] == pkg["title"]
    assert doc["license"] == "CC-BY-4.0" and doc["license_url"].startswith("https://creativecommons.org/")
    assert doc["source"]
    tables = doc["databases"][database.stem]["tables"]
    assert list(tables) == crd.tables()
    for res in pkg["resources"]:
        entry = tables[res["name"]]
        assert entry["description"] == res["description"]
        for field in res["schema"]["fields"]:
            assert entry["columns"][field["name"]].startswith(field["description"])
    assert "event_type" in tables["events"]["facets"]
    assert tables["quotes"]["fts_table"] == "quotes_fts"
    assert tables["participants"]["label_column"] == "name"
    for table, facets in FACETS.items():
        assert set(facets) <= {f["name"] for f in crd.schema(table)["fields"]}


def test_rerunning_the_export_gives_the_same_database(exported, tmp_path):
    database, metadata = exported
    again = export("sqlite", tmp_path / "crd.sqlite", installed_package_dir())
    assert [p.name for p in again] == [database.name, metadata.name]
    first, second = sqlite3.connect(database), sqlite3.connect(again[0])
    assert list(first.iterdump()) == list(second.iterdump())
    assert again[1].read_bytes() == metadata.read_bytes()
    # overwriting an existing export works and leaves no temporary files behind
    export("sqlite", tmp_path / "crd.sqlite", installed_package_dir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crd.metadata.json", "crd.sqlite"]


def test_unknown_format_is_a_clear_error():
    with pytest.raises(ValueError, match="formats are: .*sqlite"):
        export("dbase", Path("x"))


def test_codes_with_a_leading_zero_are_stored_as_text(db, repo):
    """cameo_code "042" must come back as the text '042' (TEXT affinity), never the integer 42."""
    from china_russia_diplomacy.core.metadata import read_metadata
    from china_russia_diplomacy.core.text_codes import text_code_fields

    for table, columns in text_code_fields(read_metadata(repo)).items():
        for column in columns:
            declared = {r[1]: r[2] for r in db.execute(f"pragma table_info({table})")}[column]
            assert declared == "TEXT", (table, column)
            kinds = {r[0] for r in db.execute(f"select typeof({column}) from {table} where {column} is not null")}
            assert kinds == {"text"}, (table, column, kinds)
    zeros = [r[0] for r in db.execute("select cameo_code from events where cameo_code like '0%'")]
    assert zeros and all(len(z) >= 2 and z.startswith("0") for z in zeros)
