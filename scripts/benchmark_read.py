#!/usr/bin/env python
"""Print the read side's timings at scale against its targets (never asserted by tests: machines vary).

A scratch package is made by repeating the shipped rows of every table until the tables hold
``--rows`` rows in all (Parquet written with the package's own writer options), then:

- ``load_all()`` vs ``pyarrow.parquet.read_table(f).to_pandas()`` on the same files, in the same warm
  process: target load_all <= 1.5x (issue #11; the vectorised ``frames.to_pandas``).
- ``scan("event_mentions")`` with a filter and ``.collect()``: the lazy path, for reference.
- the timeline of an ``events`` table of ``--events`` rows (layout and drawing; density lanes above
  ``canvas.ROW_CAP``): target a few seconds and a figure that does not grow with the rows.

Usage: ``python scripts/benchmark_read.py [--rows 1000000] [--events 1000000] [--repeat 7]``.
Each timing is the best of ``--repeat`` runs (load_all and read_table interleaved).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import china_russia_diplomacy as crd  # noqa: E402
from china_russia_diplomacy.build.generate.timeline import canvas  # noqa: E402
from china_russia_diplomacy.build.generate.timeline import density as timeline_density  # noqa: E402
from china_russia_diplomacy.build.generate.timeline import per_event as timeline  # noqa: E402
from china_russia_diplomacy.core.metadata import read_metadata  # noqa: E402
from china_russia_diplomacy.core.parquet_io import WRITER_OPTIONS  # noqa: E402


def repeat_rows(table: pa.Table, rows: int) -> pa.Table:
    copies = -(-rows // max(table.num_rows, 1))
    return pa.concat_tables([table] * copies).slice(0, rows).combine_chunks()


def scratch_package(dest: Path, total_rows: int) -> list[Path]:
    """``dest`` holding datapackage.json and every table's Parquet, ``total_rows`` rows in all."""
    (dest / "data").mkdir(parents=True)
    shutil.copy(REPO / "datapackage.json", dest / "datapackage.json")
    names = crd.tables(REPO)
    paths = []
    for name in names:
        table = pq.read_table(crd.path(name, "parquet", REPO))
        path = dest / "data" / f"{name}.parquet"
        pq.write_table(repeat_rows(table, total_rows // len(names)), path, **WRITER_OPTIONS)
        paths.append(path)
    return paths


def best(fn, repeat: int) -> float:
    return best_of({"fn": fn}, repeat)["fn"]


def best_of(fns: dict, repeat: int) -> dict[str, float]:
    """Best time of each function, the runs interleaved (a, b, a, b...) so that a change in the
    machine's load (other processes) weighs on both sides alike."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: min(t) for name, t in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in all tables together")
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the timeline")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp) / "pkg"
        paths = scratch_package(pkg, args.rows)
        crd.load_all(package_dir=pkg)  # warm: imports and the OS file cache, for both sides alike
        timed = best_of({"arrow": lambda: [pq.read_table(p).to_pandas() for p in paths],
                         "load": lambda: crd.load_all(package_dir=pkg)}, args.repeat)
        arrow, load = timed["arrow"], timed["load"]
        try:
            import polars as pl

            lazy = best(lambda: crd.scan("event_mentions", package_dir=pkg)
                        .filter(pl.col("reported_status") == "occurred").select("mention_id").collect(), args.repeat)
        except ImportError:
            lazy = float("nan")

    type_order = read_metadata(REPO).table("events").field("event_type").enum or []
    events = repeat_rows(pq.read_table(crd.path("events", "parquet", REPO)), args.events)
    start = time.perf_counter()
    if events.num_rows > canvas.ROW_CAP:
        figure = timeline_density.render(timeline_density.layout(events, type_order), "benchmark")
    else:
        figure = timeline.render(timeline.layout(events, type_order), "benchmark")
    drawing = time.perf_counter() - start
    svg_kb = len(figure[canvas.SVG_PATH]) / 1e3

    ratio = load / arrow
    print(f"{'measure':<56}{'value':>12}{'target':>14}")
    print(f"{f'read_table().to_pandas(), {args.rows:,} rows (s)':<56}{arrow:>12.3f}")
    print(f"{f'load_all(), {args.rows:,} rows (s)':<56}{load:>12.3f}")
    print(f"{'ratio load_all / read_table().to_pandas()':<56}{ratio:>12.2f}{'<= 1.5':>14}  {'OK' if ratio <= 1.5 else 'OVER'}")
    print(f"{'scan(event_mentions).filter().collect() (s)':<56}{lazy:>12.3f}")
    print(f"{f'timeline of {args.events:,} events, layout + draw (s)':<56}{drawing:>12.3f}{'< 10':>14}  {'OK' if drawing < 10 else 'OVER'}")
    print(f"{'timeline SVG (kB)':<56}{svg_kb:>12.0f}{'< 2000':>14}  {'OK' if svg_kb < 2000 else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
