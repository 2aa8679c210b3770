"""The site's search index and events pages made in forked processes (``build/generate/site/apart.py``):
the same files as in process, and a failure on either side ends the build with the staging folder gone."""

from __future__ import annotations

import hashlib
import os
import sys

import pytest

from china_russia_diplomacy.build.generate.site import apart, search
from china_russia_diplomacy.build.pipeline import build, compute_outputs
from china_russia_diplomacy.core.errors import CRDError

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2,
                                reason="the index is made apart only where fork and a second CPU are")


def _site(root) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "site").rglob("*")) if p.is_file()}


def test_the_index_made_apart_has_the_bytes_of_the_index_made_in_process(package_copy):
    """Regression guard: build (index and events pages forked) and compute_outputs (all in process) write
    the same site."""
    in_process, _ = compute_outputs(package_copy)
    build(package_copy)
    made = _site(package_copy)
    expected = {rel: hashlib.sha256(data).hexdigest() for rel, data in in_process.items() if rel.startswith("site/")}
    assert made == expected
    assert any(rel.startswith("site/search/p0/") for rel in made)


def test_the_index_made_in_two_processes_has_the_bytes_of_the_index_made_in_process(package_copy, monkeypatch):
    """Regression guard for the index cut in two halves (each made by its own forked process): with blocks
    small enough that the real package has several, the halves' files are those of the whole."""
    monkeypatch.setattr(search, "POSTINGS_BLOCK", 100)
    monkeypatch.setattr(search, "DOCS_BLOCK", 20)
    started: list[apart.Apart] = []
    real = apart.Apart

    def recorded(*args, **kwargs):
        started.append(real(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(apart, "Apart", recorded)
    in_process, _ = compute_outputs(package_copy)
    build(package_copy)
    assert [job.what for job in started] == ["the site's search index"] * 2 + ["the site's events pages"], \
        "the index was not cut in two, or the events pages were not made apart"
    made = _site(package_copy)
    expected = {rel: hashlib.sha256(data).hexdigest() for rel, data in in_process.items() if rel.startswith("site/")}
    assert made == expected
    assert any(rel.startswith("site/search/p1/") for rel in made)


def _documents(n: int):
    return [("events", f"evt-{i:04d}", f"label {i}", f"events/page-1.html#r-evt-{i:04d}",
             [f"evt-{i:04d}", ["visit", "talks", "call"][i % 3], f"word{i % 7} shared text"]) for i in range(n)]


@pytest.mark.parametrize("n", [57, 60, 61, 200])
def test_the_index_in_two_parts_is_the_index_whole_file_for_file(monkeypatch, n):
    monkeypatch.setattr(search, "POSTINGS_BLOCK", 10)
    monkeypatch.setattr(search, "DOCS_BLOCK", 5)
    docs = _documents(n)
    whole = list(search.files(iter(docs)))
    cut = search.split_point(n)
    assert cut % 10 == 0 and 0 < cut < n and abs(cut - n / 2) <= 5
    parts = list(search.files(iter(docs[:cut]), 0, last=False)) + list(search.files(iter(docs[cut:]), cut))
    assert parts == whole


def test_a_part_of_the_index_must_begin_and_end_where_a_block_does(monkeypatch):
    monkeypatch.setattr(search, "POSTINGS_BLOCK", 10)
    monkeypatch.setattr(search, "DOCS_BLOCK", 5)
    docs = _documents(30)
    with pytest.raises(ValueError, match="begins where a postings block does, not at document 15"):
        list(search.files(iter(docs[15:]), 15))
    with pytest.raises(ValueError, match="ends inside a block \\(document 15\\)"):
        list(search.files(iter(docs[:15]), 0, last=False))
    assert search.split_point(9) == 0 and search.split_point(10) == 0 and search.split_point(14) == 10
    assert search.split_point(25) == 10 and search.split_point(26) == 10 and search.split_point(36) == 20


def test_a_failure_of_the_index_process_fails_the_build_and_leaves_no_staging(package_copy, monkeypatch):
    def broken(documents, *part):
        yield "search/manifest.js", b"x"
        raise CRDError("the index broke")

    monkeypatch.setattr(search, "files", broken)
    before = _site(package_copy)
    with pytest.raises(CRDError, match="the index broke"):
        build(package_copy)
    assert _site(package_copy) == before, "a failed build changed site/"
    assert not list(package_copy.glob(".staging-*"))


def test_a_failure_of_the_pages_stops_the_index_process(package_copy, monkeypatch):
    from china_russia_diplomacy.build.generate.site import blocks

    started: list[apart.Apart] = []
    real = apart.Apart

    def recorded(*args, **kwargs):
        started.append(real(*args, **kwargs))
        return started[-1]

    def broken_badges(row):
        raise CRDError("a page broke")

    monkeypatch.setattr(apart, "Apart", recorded)
    monkeypatch.setattr(blocks, "badges", broken_badges)
    with pytest.raises(CRDError, match="a page broke"):
        build(package_copy)
    assert started and all(job.pid is None for job in started), "a process made apart was left running"
    assert not list(package_copy.glob(".staging-*"))


def test_a_failure_in_the_events_pages_process_fails_the_build_and_leaves_no_staging(package_copy, monkeypatch):
    """The events pages are made in their own process (only events blocks use ``Pieces.events``): its
    exception is raised in the build, the other processes are stopped, site/ is left as it was."""
    from china_russia_diplomacy.build.generate.site import blocks

    started: list[apart.Apart] = []
    real = apart.Apart

    def recorded(*args, **kwargs):
        started.append(real(*args, **kwargs))
        return started[-1]

    def broken(self, *args):
        raise CRDError("an event block broke")

    monkeypatch.setattr(apart, "Apart", recorded)
    monkeypatch.setattr(blocks.Pieces, "events", broken)
    before = _site(package_copy)
    with pytest.raises(CRDError, match="an event block broke"):
        build(package_copy)
    assert "the site's events pages" in [job.what for job in started]
    assert all(job.pid is None for job in started), "a process made apart was left running"
    assert _site(package_copy) == before, "a failed build changed site/"
    assert not list(package_copy.glob(".staging-*"))


def test_a_process_that_dies_without_a_word_is_named_in_the_error(package_copy, monkeypatch):
    """A child killed or exiting with no report (no exception to carry) fails the build with a CRDError
    that says which part of the site it was making."""
    from china_russia_diplomacy.build.generate.site import blocks

    parent = os.getpid()

    def dies(self, *args):
        if os.getpid() == parent:
            raise AssertionError("the events pages were made in the build's own process, not apart")
        os._exit(3)

    monkeypatch.setattr(blocks.Pieces, "events", dies)
    with pytest.raises(CRDError, match=r"the site's events pages failed in its process \(exit status"):
        build(package_copy)
    assert not list(package_copy.glob(".staging-*"))


def _table_documents(n: int):
    """A table with text, dates, integers, booleans and nulls, a value shared by two columns of one row and
    by many rows: as one-by-one documents (every non-null cell as text) and as coded column batches."""
    import datetime as dt

    import numpy as np
    import pyarrow as pa

    from china_russia_diplomacy.build.generate import site

    table = pa.table({
        "id": [f"evt-{i:04d}" for i in range(n)],
        "status": [["held", "planned", None][i % 3] for i in range(n)],
        "when": [dt.date(2025, 5, 1 + i % 9) if i % 4 else None for i in range(n)],
        "count": [i % 5 for i in range(n)],
        "primary": [i % 2 == 0 for i in range(n)],
        "other": [f"evt-{i:04d}" if i % 3 == 0 else "held" for i in range(n)],  # shares the row's ID or a status
        "empty": ["" for _ in range(n)],
    })
    labels = [f"label {i} {'é' if i % 2 else ''}" for i in range(n)]
    urls = [f"events/page-1.html#r-evt-{i:04d}" for i in range(n)]
    rows = table.to_pylist()
    one_by_one = [("events", r["id"], labels[i], urls[i], [labels[i], *(site._plain(v) for v in r.values() if v is not None)])
                  for i, r in enumerate(rows)]
    batches = []
    for at in range(0, n, 7):  # batches that do not line up with the blocks
        part = table.slice(at, 7)
        lines = labels[at:at + 7]
        coded = [(lines, np.arange(len(lines), dtype=np.int64)), *(site._coded_column(part.column(c)) for c in part.column_names)]
        batches.append(search.Batch("events", part.column("id").to_pylist(), lines, urls[at:at + 7], coded))
    return one_by_one, batches


@pytest.mark.parametrize("n", [1, 10, 57, 200])
def test_the_index_of_coded_column_batches_is_the_index_of_the_rows_one_by_one(monkeypatch, n):
    """The site gives the index its rows as coded columns (``_coded_column``: Arrow's dictionary encoding,
    nulls left out, dates and booleans as text); the index must be the one the same rows give cell by cell."""
    monkeypatch.setattr(search, "POSTINGS_BLOCK", 10)
    monkeypatch.setattr(search, "DOCS_BLOCK", 5)
    one_by_one, batches = _table_documents(n)
    whole = list(search.files(iter(one_by_one)))
    assert list(search.files(iter(batches))) == whole
    joined = dict(whole)
    if n >= 10:
        assert b'"2025-05-02":[1' in joined["search/p0/20.js"] and b'"true":[0,2' in joined["search/p0/tr.js"]
