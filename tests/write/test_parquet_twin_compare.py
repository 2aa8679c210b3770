"""The Parquet twin compared with its CSV in slices of the stored order (issue #27), and the verdict
unchanged when that shortcut cannot show the rows are the same."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from china_russia_diplomacy.core.metadata import FieldSpec, TableSpec
from china_russia_diplomacy.core.parquet_io import stored_in_key_order


def _spec() -> TableSpec:
    fields = [{"name": "id", "type": "string"}, {"name": "text", "type": "string"}]
    return TableSpec("things", "Things", "", {"fields": fields, "primaryKey": ["id"]}, tuple(FieldSpec(f) for f in fields))


def _csv_order() -> pa.Table:
    # Not in key order, as a curated CSV need not be: build's twin is sorted.
    return pa.table({"id": ["c", "a", "b", "d"], "text": ["3", "1", "2", "4"]})


def _slices(table: pa.Table, size: int):
    return lambda name: (table.column(name).slice(i, size).combine_chunks() for i in range(0, table.num_rows, size))


def test_a_twin_in_key_order_is_shown_equal_slice_by_slice_without_reading_a_column_whole():
    expected = _csv_order()
    stored = expected.sort_by("id")
    read = []

    def parts(name):
        for part in _slices(stored, 3)(name):
            read.append(len(part))
            yield part

    assert stored_in_key_order(parts, expected, _spec())
    assert max(read) == 3  # the slices the caller gave, never a whole column


def test_the_shortcut_does_not_claim_rows_equal_when_a_cell_or_a_row_differs():
    expected = _csv_order()
    stored = expected.sort_by("id")
    other = stored.set_column(1, "text", pa.array(["1", "2", "3", "x"]))
    assert not stored_in_key_order(_slices(other, 3), expected, _spec())
    assert not stored_in_key_order(_slices(stored.slice(0, 3), 2), expected, _spec())
    assert not stored_in_key_order(_slices(expected, 3), expected, _spec())  # not in key order: not shown


def test_a_twin_with_the_same_rows_in_another_order_still_matches_its_csv(tmp_path):
    """Before the shortcut, the twin matched in any row order (both sides sorted by key); a twin the
    shortcut cannot show equal must still get the full comparison's verdict, not a finding."""
    from china_russia_diplomacy.validation.artifacts import check_parquet_matches_csv

    expected = _csv_order()
    pq.write_table(expected, tmp_path / "things.parquet")  # CSV order, not key order
    res = {"parquet": {"path": "things.parquet"}}
    assert check_parquet_matches_csv(tmp_path, "things", res, expected, _spec()) == []
    pq.write_table(expected.set_column(1, "text", pa.array(["3", "1", "2", "x"])), tmp_path / "things.parquet")
    assert [f.rule for f in check_parquet_matches_csv(tmp_path, "things", res, expected, _spec())] == ["parquet-csv"]


def test_taking_rows_chunk_by_chunk_gives_arrows_take_in_the_order_asked():
    """take_by_chunks stands in for ChunkedArray.take (which copied the whole column at each call):
    any chunking, empty chunks, nulls, repeated and unordered indices."""
    import numpy as np

    from china_russia_diplomacy.core.parquet_io import take_by_chunks

    rng = np.random.default_rng(27)
    for _ in range(300):
        sizes = rng.integers(0, 6, rng.integers(1, 5))
        values = [str(i) if i % 3 else None for i in range(int(sizes.sum()))]
        bounds = np.cumsum([0, *sizes])
        column = pa.chunked_array([pa.array(values[a:b], pa.string()) for a, b in zip(bounds, bounds[1:])], pa.string())
        if not len(column):
            continue
        indices = pa.array(rng.integers(0, len(column), rng.integers(0, 10)), pa.uint64())
        assert take_by_chunks(column, indices).equals(column.take(indices))
