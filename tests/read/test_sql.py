"""``connect()``: DuckDB views over the shipped Parquet answer the README's SQL examples like pandas does.

The queries are read from README.md between the ``sql-examples`` markers, so the README cannot show a
query that is broken or that answers something else than the test checks.
"""

from __future__ import annotations

import datetime as dt
import math
import sys

import pandas as pd
import pytest
from readme_blocks import readme_blocks

import china_russia_diplomacy as crd

pytest.importorskip("duckdb")


def readme_sql_examples() -> dict[str, str]:
    """{first comment line: query} for every ```sql block between the README's sql-examples markers."""
    queries = readme_blocks("<!-- sql-examples:start -->", "<!-- sql-examples:end -->", "sql")
    examples = {}
    for q in queries:
        first = q.strip().splitlines()[0]
        assert first.startswith("-- "), f"each README SQL example starts with a '-- title' comment: {first!r}"
        examples[first[3:].strip()] = q
    return examples


def normalise(value):
    """One comparable Python value for DuckDB and pandas cells (dates as ISO text, all nulls as None)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(normalise(v) for v in row) for row in frame.astype(object).itertuples(index=False)]


def duck_rows(con, query: str) -> tuple[list[str], list[tuple]]:
    rel = con.sql(query)
    return rel.columns, [tuple(normalise(v) for v in row) for row in rel.fetchall()]


def sort_key(row: tuple):
    return tuple((v is None, str(v)) for v in row)


@pytest.fixture(scope="module")
def con():
    return crd.connect()


@pytest.fixture(scope="module")
def frames():
    return {t: crd.load(t).astype(object) for t in crd.tables()}


def test_readme_has_the_three_join_examples():
    assert list(readme_sql_examples()) == [
        "Events with their participants, in date order",
        "Quotes with their speakers, who relayed them, and the articles they come from",
        "How many events of each type, how many occurred, and how many articles report them",
    ]


def test_every_table_is_a_view_with_every_row(con, frames):
    views = [r[0] for r in con.sql("select view_name from duckdb_views() where not internal order by 1").fetchall()]
    assert views == sorted(crd.tables())
    for table, frame in frames.items():
        columns, got = duck_rows(con, f'select * from "{table}"')
        assert columns == list(frame.columns), table
        assert sorted(got, key=sort_key) == sorted(rows(frame), key=sort_key), table


def test_views_keep_parquet_types(con):
    types = dict(con.sql("select column_name, data_type from duckdb_columns() where table_name = 'events'").fetchall())
    assert types["date_start"] == "DATE"
    assert types["num_sources"] == "BIGINT"
    quotes = dict(con.sql("select column_name, data_type from duckdb_columns() where table_name = 'quotes'").fetchall())
    assert quotes["is_translation"] == "BOOLEAN"


def test_comments_come_from_the_schemas(con):
    for table in crd.tables():
        res = next(r for r in crd.package()["resources"] if r["name"] == table)
        (comment,) = con.sql(f"select comment from duckdb_views() where view_name = '{table}'").fetchall()[0]
        assert res["description"] in comment, table
        columns = dict(con.sql(
            f"select column_name, comment from duckdb_columns() where table_name = '{table}'").fetchall())
        for field in res["schema"]["fields"]:
            assert columns[field["name"]].startswith(field["description"]), (table, field["name"])
    (event_type,) = con.sql("select comment from duckdb_columns() "
                            "where table_name = 'events' and column_name = 'event_type'").fetchall()[0]
    assert "`visit`:" in event_type, "the meaning of each allowed value belongs in the column comment"


def test_readme_events_with_participants(con, frames):
    q = readme_sql_examples()["Events with their participants, in date order"]
    e, ep, p = frames["events"], frames["event_participants"], frames["participants"]
    expected = (e.merge(ep[["event_id", "participant_id", "role"]], on="event_id")
                .merge(p.assign(name=p["name"].fillna(p["title"]))[["participant_id", "name"]], on="participant_id"))
    columns, got = duck_rows(con, q)
    expected = expected[columns]
    assert len(got) == len(ep) > 0, "every participation row joins to its event and participant"
    assert all(r[columns.index("name")] is not None for r in got), "an unnamed participant is shown by its title"
    assert sorted(got, key=sort_key) == sorted(rows(expected), key=sort_key)
    dates = [r[1] for r in got]
    known = [d for d in dates if d is not None]
    assert known == sorted(known), "the README promises date order"


def test_readme_quotes_with_speakers_and_sources(con, frames):
    q = readme_sql_examples()["Quotes with their speakers, who relayed them, and the articles they come from"]
    quotes, p, s = frames["quotes"], frames["participants"], frames["sources"]
    names = p.set_index("participant_id")["name"].fillna(p.set_index("participant_id")["title"])
    expected = quotes.assign(
        speaker=quotes["speaker_id"].map(names),
        relayed_by=quotes["via_id"].map(lambda v: None if v is None or v is pd.NA else names[v]),
    ).merge(s[["source_id", "publisher", "headline", "published_date"]], on="source_id")
    columns, got = duck_rows(con, q)
    expected = expected.sort_values("quote_id")[columns]
    assert len(got) == len(quotes) > 0
    assert got == rows(expected), "one row per quote, in quote_id order"


def test_readme_event_type_counts(con, frames):
    q = readme_sql_examples()["How many events of each type, how many occurred, and how many articles report them"]
    e, m = frames["events"], frames["event_mentions"]
    expected = []
    for event_type, group in e.groupby("event_type", observed=True):
        mentions = m[m["event_id"].isin(group["event_id"])]
        expected.append((str(event_type), len(group), int((group["status"] == "occurred").sum()),
                         mentions["source_id"].nunique()))
    expected.sort(key=lambda r: (-r[1], r[0]))
    columns, got = duck_rows(con, q)
    assert columns == ["event_type", "events", "occurred", "articles"]
    assert got == expected


def test_connect_does_not_import_validation_libraries():
    import subprocess

    code = ("import sys, china_russia_diplomacy as crd; crd.connect(); "
            "print(sorted(m for m in ('frictionless', 'pandera') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_importing_the_package_does_not_import_duckdb():
    import subprocess

    code = "import sys, china_russia_diplomacy as crd; crd.tables(); print('duckdb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
