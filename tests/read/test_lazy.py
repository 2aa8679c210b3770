"""``crd.scan``: a polars LazyFrame over the Parquet twins, with filters pushed into the scan.

The README's lazy-query example is run verbatim (read between the ``lazy-examples`` markers), so the
README cannot show code that fails or a plan without the pushdown it claims.
"""

from __future__ import annotations

import re

import pytest
from read_side import write_side_imports
from readme_blocks import readme_block

import china_russia_diplomacy as crd

pl = pytest.importorskip("polars")
assert_frame_equal = pytest.importorskip("polars.testing").assert_frame_equal
pytest.importorskip("duckdb")


def readme_lazy_example() -> str:
    return readme_block("lazy-examples", "python")


@pytest.mark.parametrize("table", crd.tables())
def test_scan_collects_to_exactly_what_load_polars_gives(table):
    lazy = crd.scan(table)
    assert isinstance(lazy, pl.LazyFrame)
    eager = crd.load(table, backend="polars")
    assert lazy.collect_schema() == eager.schema
    assert_frame_equal(lazy.collect(), eager)


def test_a_filter_is_pushed_into_the_parquet_scan_and_answers_like_load():
    query = (crd.scan("event_mentions")
             .filter(pl.col("reported_status") == "occurred", pl.col("evidence_start") > 1000)
             .select("mention_id", "event_id"))
    plan = query.explain()
    scan = plan[plan.index("Parquet SCAN"):]
    assert "SELECTION" in scan and '"occurred"' in scan and "1000" in scan, plan
    assert "PROJECT 4/" in scan, plan  # only the columns used are read
    frame = crd.load("event_mentions")
    expected = frame[(frame["reported_status"] == "occurred") & (frame["evidence_start"] > 1000)]
    got = query.collect().sort("mention_id")
    assert got["mention_id"].to_list() == sorted(expected["mention_id"])
    assert len(got) > 0


def test_the_readme_lazy_example_runs_and_shows_the_pushdown_in_both_engines(capsys):
    namespace: dict = {}
    exec(compile(readme_lazy_example(), "README.md:lazy-examples", "exec"), namespace)
    printed = capsys.readouterr().out
    assert re.search(r"Parquet SCAN.*SELECTION", printed, flags=re.S), printed
    assert re.search(r"Read Parquet.*Filters:.*event_type\s*=\s*'visit'", printed, flags=re.S), printed
    events = crd.load("events")
    expected = events[(events["event_type"] == "visit") & (events["date_start"] >= "2025-01-01")]
    got = namespace["visits"].collect()
    assert got.columns == ["event_id", "date_start", "title"]
    assert sorted(got["event_id"]) == sorted(expected["event_id"]) and len(got) > 0


def test_scan_reads_another_package_copy(package_copy):
    import pyarrow.parquet as pq

    table = pq.read_table(package_copy / "data" / "quotes.parquet").slice(0, 2)
    pq.write_table(table, package_copy / "data" / "quotes.parquet")
    assert crd.scan("quotes", package_dir=package_copy).select(pl.len()).collect().item() == 2


def test_scan_without_collect_does_not_import_validation_libraries():
    assert write_side_imports("c.scan('events')") == []
