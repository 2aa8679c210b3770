"""Scale (issue #11): the synthetic package generator, rules that stay linear on adversarial shapes,
the column-wise CSV typing against the per-cell reference, and the benchmark script at a small size.

Speed targets themselves are checked by ``scripts/benchmark.py``, never here; the bounds below are
generous (seconds where the old quadratic/cubic code took minutes) and only catch a return to a
super-linear algorithm.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from china_russia_diplomacy.build import synthetic
from china_russia_diplomacy.build.pipeline import build
from china_russia_diplomacy.core.convert import parse_cell, to_arrow
from china_russia_diplomacy.core.csvfile import read_raw
from china_russia_diplomacy.core.metadata import load_metadata
from china_russia_diplomacy.validation import ValidationError, validate_package
from china_russia_diplomacy.validation.rules import Tables
from china_russia_diplomacy.validation.rules.keys import foreign_keys, parent_cycles

REPO = Path(__file__).resolve().parents[2]
GENEROUS_SECONDS = 10.0


@pytest.fixture(scope="module")
def synthetic_package(tmp_path_factory) -> Path:
    """~2k rows, IDs spaced so that they run to five digits (the widened patterns are exercised)."""
    target = tmp_path_factory.mktemp("synthetic") / "pkg"
    synthetic.write_copy(REPO, target, 2000, id_stride=10_000)
    build(target, skip=("timeline",))
    return target


def test_synthetic_copy_validates_with_zero_findings(synthetic_package):
    report = validate_package(synthetic_package)
    assert report.findings == [], report.to_text()
    counts = synthetic.row_counts(synthetic_package)
    assert sum(counts[t] for t in synthetic.COUNTED) >= 2000
    assert counts["sources"] == synthetic.row_counts(REPO)["sources"], "articles are not replicated"


def test_synthetic_copy_uses_ids_beyond_four_digits(synthetic_package):
    events = pd.read_csv(synthetic_package / "data" / "events.csv", dtype=str)
    assert events["event_id"].str.len().max() > len("evt-0000")
    assert events["event_id"].is_unique


def test_synthetic_copy_keeps_the_composite_key_and_primary_mentions_per_replica(synthetic_package):
    ep = pd.read_csv(synthetic_package / "data" / "event_participants.csv", dtype=str)
    assert not ep.duplicated(["event_id", "participant_id", "role"]).any()
    mentions = pd.read_csv(synthetic_package / "data" / "event_mentions.csv", dtype=str)
    events = pd.read_csv(synthetic_package / "data" / "events.csv", dtype=str)
    primaries = mentions[mentions["is_primary"] == "true"].groupby("event_id").size()
    assert (primaries.reindex(events["event_id"]).fillna(0) == 1).all()


def test_generator_refuses_a_stride_that_would_reuse_real_ids(tmp_path):
    with pytest.raises(ValueError, match="reuse real IDs"):
        synthetic.write_copy(REPO, tmp_path / "pkg", 500, id_stride=10)


def _tables(frames: dict[str, pd.DataFrame]) -> Tables:
    lines = {name: list(range(2, len(frame) + 2)) for name, frame in frames.items()}
    return Tables(load_metadata(REPO), frames, lines, REPO)


def _events(ids: list[str], parents: list[str | None]) -> pd.DataFrame:
    n = len(ids)
    return pd.DataFrame({
        "event_id": pd.array(ids, dtype="string"),
        "parent_event_id": pd.array(parents, dtype="string"),
        "about_event_id": pd.array([None] * n, dtype="string"),
        "source_id": pd.array([None] * n, dtype="string"),
    })


def test_parent_cycles_is_linear_on_a_deep_valid_chain():
    """A chain of 20,000 events each the parent of the next: the old walk re-walked the chain from
    every event with a list membership test (cubic: minutes); the colouring walk visits each once."""
    n = 20_000
    ids = [f"evt-{i:05d}" for i in range(n)]
    t = _tables({"events": _events(ids, [None] + ids[:-1])})
    start = time.perf_counter()
    findings = list(parent_cycles(t))
    assert time.perf_counter() - start < GENEROUS_SECONDS
    assert findings == []


def test_parent_cycles_reports_one_long_cycle_once_and_fast():
    n = 20_000
    ids = [f"evt-{i:05d}" for i in range(n)]
    t = _tables({"events": _events(ids, [ids[-1]] + ids[:-1])})  # evt-00000 -> evt-19999 -> ... -> evt-00000
    start = time.perf_counter()
    findings = list(parent_cycles(t))
    assert time.perf_counter() - start < GENEROUS_SECONDS
    assert [f.rule for f in findings] == ["parent-cycle"]
    assert findings[0].line == 2 and findings[0].value == ids[-1]


def test_discrepancy_record_check_builds_each_key_set_once():
    """20,000 discrepancies against 20,000 events (the old check rebuilt the event key set per
    discrepancy: O(D*N)); one dangling record among them is still reported on its line."""
    n = 20_000
    ids = [f"evt-{i:05d}" for i in range(n)]
    records = list(ids)
    records[123] = "evt-99999"
    none = pd.array([None] * n, dtype="string")
    discrepancies = pd.DataFrame({
        "record_table": pd.array(["events"] * n, dtype="string"), "record_id": pd.array(records, dtype="string"),
        "source_id": none, "other_source_id": none, "mention_id": none, "other_mention_id": none,
    })
    t = _tables({"events": _events(ids, [None] * n), "discrepancies": discrepancies})
    start = time.perf_counter()
    findings = list(foreign_keys(t))
    assert time.perf_counter() - start < GENEROUS_SECONDS
    assert [(f.table, f.line, f.column, f.value) for f in findings] == [("discrepancies", 125, "record_id", "evt-99999")]


TRICKY = {
    "integer": ["0", "-7", "007", "1.0", "1e3", " 1", "١٢", "99999999999999999999", "-"],
    "number": ["0", "-0.5", "1e-3", "1E+9", ".5", "5.", "1,5", "nan", "inf"],
    "date": ["2025-05-09", "2024-02-29", "2023-02-29", "2025-02-30", "2025-13-01", "0000-01-01", "2025-5-9", "٢٠٢٥-٠٥-٠٩"],
    "boolean": ["true", "false", "True", "1", "yes"],
}


@pytest.mark.parametrize("type_", sorted(TRICKY))
def test_column_typing_agrees_with_the_per_cell_reference(tmp_path, type_):
    """convert.to_arrow types whole columns with Arrow kernels; each verdict must be parse_cell's
    (an integer beyond 64 bits, which parse_cell accepts and Arrow cannot store, is a finding)."""
    from china_russia_diplomacy.core.metadata import FieldSpec, TableSpec

    field = {"name": "x", "type": type_}
    spec = TableSpec("things", "Things", "", {"fields": [field]}, (FieldSpec(field),))
    path = tmp_path / "things.csv"
    cells = TRICKY[type_] + [""]
    path.write_text("x\n" + "".join(f'"{c}"\n' for c in cells), encoding="utf-8")
    raw, found = read_raw(path, spec)
    assert found == [] and raw is not None
    table, findings = to_arrow(raw, spec)
    bad = {f.value for f in findings}
    for cell, value in zip(cells, table.column("x").to_pylist()):
        if cell == "":
            assert value is None
            continue
        try:
            expected = parse_cell(spec.fields[0], cell)
            if type_ == "integer" and not -(2**63) <= expected < 2**63:
                raise ValueError("beyond 64 bits")
        except ValueError:
            assert cell in bad and value is None, cell
            continue
        assert cell not in bad and value == expected, cell


def test_strict_reader_gives_the_same_lines_with_multiline_cells(tmp_path):
    from china_russia_diplomacy.core.metadata import FieldSpec, TableSpec

    fields = [{"name": "a", "type": "string"}, {"name": "b", "type": "string"}]
    spec = TableSpec("things", "Things", "", {"fields": fields}, tuple(FieldSpec(f) for f in fields))
    path = tmp_path / "things.csv"
    path.write_text('a,b\n1,"two\nlines"\n3,x\n"4\n\n",y\n5,z\n', encoding="utf-8")
    raw, found = read_raw(path, spec)
    assert found == []
    assert raw.lines == [2, 4, 5, 8]
    assert raw.column("b") == ["two\nlines", "x", "y", "z"]


def test_build_refuses_a_parquet_twin_that_does_not_read_back_equal(package_copy, monkeypatch):
    """Build no longer re-validates its inputs after staging; it checks what it wrote. A writer bug
    (here: one row dropped from a Parquet twin) must be refused with nothing installed."""
    import china_russia_diplomacy.build.pipeline as build_module
    from china_russia_diplomacy.core import parquet_io

    real = parquet_io.write_parquet

    def lossy(table, spec, sink):
        return real(table.slice(1) if spec.name == "events" else table, spec, sink)

    monkeypatch.setattr(build_module, "write_parquet", lossy)
    before = {p: p.read_bytes() for p in (package_copy / "data").iterdir()}
    with pytest.raises(ValidationError) as exc:
        build(package_copy)
    assert any(f.rule == "parquet-csv" and f.table == "events" for f in exc.value.report.findings)
    assert {p: p.read_bytes() for p in (package_copy / "data").iterdir()} == before


def test_frictionless_layer_gives_the_same_findings_inline_and_in_its_process(package_copy, monkeypatch):
    from china_russia_diplomacy.validation import frictionless_layer

    quotes = package_copy / "data" / "quotes.csv"
    quotes.write_text(quotes.read_text(encoding="utf-8").replace("quo-0001", "quo-1", 1), encoding="utf-8")
    parallel = [f for f in validate_package(package_copy).findings if f.layer == "frictionless"]

    monkeypatch.setattr(frictionless_layer, "START_METHOD", "no-processes-in-this-sandbox")
    assert frictionless_layer.start_frictionless(package_copy)._process is None
    inline = [f for f in validate_package(package_copy).findings if f.layer == "frictionless"]
    assert parallel and set(parallel) == set(inline)


def test_benchmark_script_prints_the_table_at_a_small_size(tmp_path):
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "benchmark.py"), "--rows", "400", "--repeat", "1",
                           "--workdir", str(tmp_path), "--only", "frictionless alone", "--only", "validate"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr  # 1 = a target missed on this machine; still a result
    assert "| N | frictionless alone | validate |" in proc.stdout, proc.stdout + proc.stderr
    assert "validate / frictionless alone:" in proc.stdout


@pytest.mark.parametrize("body,rule", [('1,"abc"d\n', "csv-syntax"), ("1,x\n\n2,y\n", "blank-line"), ("1,x,extra\n", "row-length")])
def test_files_the_fast_reader_could_misread_go_to_the_strict_reader(tmp_path, body, rule):
    """Arrow would read "abc"d as abcd and a blank line as an empty row; the strict reader reports them."""
    from china_russia_diplomacy.core.metadata import FieldSpec, TableSpec

    fields = [{"name": "a", "type": "string"}, {"name": "b", "type": "string"}]
    spec = TableSpec("things", "Things", "", {"fields": fields}, tuple(FieldSpec(f) for f in fields))
    path = tmp_path / "things.csv"
    path.write_text("a,b\n" + body, encoding="utf-8")
    _, found = read_raw(path, spec)
    assert [f.rule for f in found] == [rule]


def test_build_switches_arrow_to_the_pool_that_returns_memory_unless_the_user_chose_one(tmp_path):
    """At a million rows mimalloc kept ~190 MB of freed pages and build went past the 1 GB target;
    build runs on jemalloc where pyarrow has it (validate: tests/write/test_memory_pool.py), and a pool
    named in ARROW_DEFAULT_MEMORY_POOL wins."""
    import os
    import subprocess
    import sys

    code = ("import pyarrow as pa\n"
            "from china_russia_diplomacy.validation.memory_pool import use_lean_pool\n"
            "has = True\n"
            "try:\n    pa.jemalloc_memory_pool()\nexcept NotImplementedError:\n    has = False\n"
            "print(use_lean_pool(), has)\n")
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    name, has = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                               check=True).stdout.split()
    assert name == "jemalloc" or has == "False"
    chosen = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**env, "ARROW_DEFAULT_MEMORY_POOL": "system"}).stdout.split()[0]
    assert chosen == "system"


# A cold build of a package, optionally with every page of the site padded by PAD copies of its own
# size (an HTML comment appended to what the template renders): the data, and so everything build
# holds besides its outputs, stay the same while the site grows (PAD + 1)-fold.
_PADDED_BUILD = """
import resource, sys
from pathlib import Path
import jinja2

PAD = int(sys.argv[2])
if PAD:
    real_generate = jinja2.Template.generate

    def generate(self, *args, **kwargs):
        size = 0
        for piece in real_generate(self, *args, **kwargs):
            size += len(piece)
            yield piece
        for _ in range(PAD):
            yield "<!--" + "x" * max(0, size - 7) + "-->"

    jinja2.Template.generate = generate
    jinja2.Template.render = lambda self, *args, **kwargs: "".join(generate(self, *args, **kwargs))

from china_russia_diplomacy.build.pipeline import build

package = Path(sys.argv[1])
build(package, skip=("timeline",))
site = sum(p.stat().st_size for p in (package / "site").rglob("*") if p.is_file())
pages = sum(p.stat().st_size for p in (package / "site").rglob("*.html") if p.is_file())
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, site, pages)
"""


@pytest.mark.slow
def test_build_peak_memory_does_not_grow_with_the_size_of_the_site(tmp_path):
    """Issue 27: build held every generated file in memory until it staged them, so its peak grew with
    all it generated (3.1 GB at a million rows, 456 MB of it the site's HTML). Now each file goes to the
    staging directory as it is made. The same 100k-row copy is built in two cold processes, the second
    with every site page padded to four times its size: the extra peak memory must stay a small fraction
    of the extra bytes written (holding the pages would add all of them)."""
    import os

    target = tmp_path / "pkg"
    synthetic.write_copy(REPO, target, 100_000)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}

    def cold_build(pad: int) -> tuple[int, int, int]:
        proc = subprocess.run([sys.executable, "-c", _PADDED_BUILD, str(target), str(pad)], capture_output=True,
                              text=True, env=env, timeout=1800)
        assert proc.returncode == 0, proc.stderr[-3000:]
        peak, site, pages = proc.stdout.split()[-3:]
        return int(peak), int(site), int(pages)

    cold_build(0)  # the first build writes every file (Parquet, descriptor, site) of the copy
    plain_peak, plain_site, plain_pages = cold_build(0)
    padded_peak, padded_site, _ = cold_build(3)
    extra_bytes = padded_site - plain_site
    # the templates make the pages (the downloads and the search shards are not templates)
    assert extra_bytes > 3 * plain_pages * 0.9, "the padding did not reach the site's pages"
    assert padded_peak - plain_peak < 0.2 * extra_bytes, (
        f"peak RSS grew by {(padded_peak - plain_peak) / 2**20:.0f} MB for {extra_bytes / 2**20:.0f} MB more site "
        f"(peaks {plain_peak / 2**20:.0f} / {padded_peak / 2**20:.0f} MB): build holds what it generates")


# A cold validation (no descriptor: the padded CSVs no longer match it) printing its peak RSS in bytes.
_COLD_VALIDATE = """
import resource, sys
from china_russia_diplomacy.validation import validate_package

report = validate_package(sys.argv[1], with_descriptor=False)
assert report.valid, report.to_text()[:3000]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""
# Free-text columns of four growing tables, without constraints: padding them changes no finding.
_PADDED_TEXT = (("events", "notes"), ("agreements", "notes"), ("quotes", "notes"), ("discrepancies", "resolution"))


@pytest.mark.slow
def test_validate_peak_memory_grows_with_one_table_not_with_the_whole_package(tmp_path):
    """Issue 27: validate held every table's Arrow columns and pandas frame until the last rule ran, so its
    peak grew with the whole package (902 MB at a million rows, three times the reference validator's).
    Now each table is checked and released in turn, keeping only the columns the cross-table rules read.
    The same copy is validated in two cold processes, the second with the free text of four tables padded
    by 40 MB each (160 MB): holding every table at once added 228 MB (all the padding, and the reading of
    the last); one table at a time adds what one padded table costs while it is checked (137 MB when
    this test was written), so the bound is the padding itself."""
    import csv
    import io
    import os

    plain, padded = tmp_path / "plain", tmp_path / "padded"
    synthetic.write_copy(REPO, plain, 20_000)
    synthetic.write_copy(REPO, padded, 20_000)
    per_table = 40 << 20
    for table, column in _PADDED_TEXT:
        path = padded / "data" / f"{table}.csv"
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        k, n = rows[0].index(column), len(rows) - 1
        filler = ("word " * (per_table // n // 5 + 1)).strip()
        for row in rows[1:]:
            row[k] = f"{row[k]} {filler}" if row[k] else filler
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}

    def cold_peak(package: Path) -> int:
        proc = subprocess.run([sys.executable, "-c", _COLD_VALIDATE, str(package)], capture_output=True, text=True,
                              env=env, timeout=1800)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return int(proc.stdout.split()[-1])

    extra = len(_PADDED_TEXT) * per_table
    growth = cold_peak(padded) - cold_peak(plain)
    assert growth < extra, (f"peak RSS grew by {growth / 2**20:.0f} MB for {extra / 2**20:.0f} MB more free text in "
                            f"{len(_PADDED_TEXT)} tables: validation holds several tables at once")
