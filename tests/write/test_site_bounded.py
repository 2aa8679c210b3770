"""The site generator's bounded-memory pieces (issue 27): what they return equals what the whole-table
Python code they replaced returned, so that the site's bytes did not change when memory stopped growing
with the tables."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pyarrow as pa

from china_russia_diplomacy.build.generate.site import Groups, Head, _few_rows, _field_info
from china_russia_diplomacy.build.generate.site.download import Source, write_zip
from china_russia_diplomacy.core.metadata import load_metadata
import china_russia_diplomacy as crd

REPO = Path(__file__).resolve().parents[2]


def test_groups_keep_the_child_order_within_a_parent_and_drop_unknown_parents():
    child = pa.table({"event_id": ["e2", "e1", "e2", "zz", "e1", None], "n": [0, 1, 2, 3, 4, 5]})
    groups = Groups.of(child, "event_id", pa.chunked_array([["e1", "e2"]]))
    assert [r["n"] for r in groups.rows(0)] == [1, 4]
    assert [r["n"] for r in groups.rows(1)] == [0, 2]
    assert groups.count(1) == 2 and groups.rows(2) == [] and groups.count(-1) == 2  # unknown and null: apart


def test_groups_take_rows_across_record_batches_in_child_order_with_gaps_runs_and_empty_batches():
    """A group's rows are taken batch by batch (Table.take concatenated every column on each call): rows
    spread over several batches, runs and gaps, and empty batches between must come out as the child
    holds them, with the limit applied in that order."""
    import random

    rng = random.Random(27)
    keys = [rng.choice(["a", "b", "c", None]) for _ in range(97)]
    whole = pa.table({"event_id": keys, "n": list(range(97))})
    batches = [b for b in whole.to_batches(max_chunksize=9)]
    empty = whole.schema.empty_table().to_batches() or [pa.RecordBatch.from_pylist([], schema=whole.schema)]
    child = pa.Table.from_batches(batches[:3] + empty + batches[3:] + empty, schema=whole.schema)
    assert child.to_batches()[3].num_rows == 0
    groups = Groups.of(child, "event_id", pa.array(["a", "b", "c"]))
    for i, key in enumerate("abc"):
        expected = [n for n, k in enumerate(keys) if k == key]
        assert [r["n"] for r in groups.rows(i)] == expected
        assert [r["n"] for r in groups.rows(i, limit=5)] == expected[:5]
        assert groups.count(i) == len(expected)
    runs = Groups.of(pa.table({"event_id": ["a"] * 20 + ["b"] * 3}), "event_id", pa.array(["a", "b"]))
    assert len(runs.rows(0)) == 20 and len(runs.rows(1, limit=2)) == 2


def test_groups_by_page_gather_the_children_of_every_parent_on_that_page():
    parents = pa.array([f"e{i}" for i in range(5)])
    child = pa.table({"event_id": ["e4", "e0", "e3", "e1", "e2"]})
    groups = Groups.of(child, "event_id", parents, per=2)  # pages: e0 e1 | e2 e3 | e4
    assert [r["event_id"] for r in groups.rows(0)] == ["e0", "e1"]
    assert [r["event_id"] for r in groups.rows(1)] == ["e3", "e2"]
    assert [r["event_id"] for r in groups.rows(2, limit=5)] == ["e4"]


def test_head_counts_every_row_but_keeps_only_the_first():
    head = Head([{"a": 1}, {"a": 2}], 250)
    assert len(head) == 250 and head and [r["a"] for r in head[:1]] == [1] and list(head) == [{"a": 1}, {"a": 2}]
    assert not Head([], 0)


def test_few_rows_give_every_row_once_in_order_with_only_the_wanted_columns():
    """The search documents and the evidence spans convert rows with only the columns they read."""
    table = pa.table({"x": list(range(2503)), "y": [str(i) for i in range(2503)], "z": [None] * 2503})
    rows = [r for start in range(0, 2503, 1000) for r in _few_rows(table.slice(start, 1000), {"x", "z", "absent"})]
    assert rows == [{"x": i, "z": None} for i in range(2503)]
    assert _few_rows(table.slice(0, 3), {"absent"}) == [{}, {}, {}]


def test_streamed_zip_is_byte_identical_to_writestr_from_memory(tmp_path):
    big = bytes(range(256)) * 9000  # more than one copy chunk
    (tmp_path / "b.csv").write_bytes(big)
    streamed = io.BytesIO()
    write_zip(streamed, "p", {"data/b.csv": Source(tmp_path / "b.csv"), "a.txt": Source(b"hello")})
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w") as zf:
        for rel, data in (("a.txt", b"hello"), ("data/b.csv", big)):
            info = zipfile.ZipInfo(f"p/{rel}", date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system, info.external_attr, info.compress_type = 3, 0o644 << 16, zipfile.ZIP_DEFLATED
            zf.writestr(info, data, compresslevel=9)
    assert streamed.getvalue() == expected.getvalue()


def _field_info_from_rows(spec, rows):
    """The data dictionary's figures as the site computed them from Python rows before issue 27."""
    from collections import Counter

    from china_russia_diplomacy.build.generate.site import _plain

    out = []
    for f in spec.fields:
        values = [r.get(f.name) for r in rows]
        present = [v for v in values if v is not None and v != ""]
        counts = Counter(_plain(v) for v in present) if f.enum else Counter()
        examples = []
        for v in present:
            if _plain(v) not in examples:
                examples.append(_plain(v))
            if len(examples) == 3:
                break
        out.append(([counts.get(v, 0) for v in (f.enum or [])], examples, len(values) - len(present)))
    return out


def test_field_info_counts_values_examples_and_empties_as_the_python_rows_did():
    meta = load_metadata(REPO)
    for spec in meta.tables:
        table = crd.load(spec.name, "arrow", package_dir=REPO)
        got = [([a["count"] for a in f["allowed"]], [e for e in f["examples"]], f["empty"]) for f in _field_info(spec, table)]
        expected = [(c, [e if len(e) <= 80 else e[:79] + "…" for e in ex], n)
                    for c, ex, n in _field_info_from_rows(spec, table.to_pylist())]
        assert got == expected, spec.name
