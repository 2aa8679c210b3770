#!/usr/bin/env python
"""Cold-process timings and peak memory of the toolchain at given sizes, against the targets of issues #11 and #27.

Never asserted by tests (machines vary); ``tests/write/test_scale.py`` only runs it at a small size to check
that it works. Usage::

    python scripts/benchmark.py --rows 100000,1000000 --repeat 1 --timeout 900   # both sizes in one run
    python scripts/benchmark.py --rows 100000            # a synthetic copy with ~100k rows, medians of 3
    python scripts/benchmark.py                          # the real package as it is

N counts rows of events + event_mentions + event_participants + quotes. With ``--rows`` a synthetic
copy (:mod:`china_russia_diplomacy.build.synthetic`: the real rows replicated with fresh IDs, every rule
still valid) is written and built in a scratch directory first, one per size. Every figure is the median of
``--repeat`` fresh interpreters (wall clock), measured round-robin in one run so that the ratios
compare like with like; peak RSS is the largest resident set of the measured process (and, for validate, of the
frictionless process it starts, shown after a ``+``). ``build`` also reports each of its steps (reading and
checking the CSVs, Parquet and the descriptor, every generator, checking the staged files, installing): its
time and the peak resident set of the process while it ran (sampled every 20 ms from ``/proc/self/statm``,
Linux only), so that a step holding what it makes shows as the step where the peak is reached.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"

# Each measure: Python code run in a fresh interpreter with DIR bound to the package directory (and STEPS,
# a progress callback that records each build step's time and peak RSS).
MEASURES = {
    "frictionless alone": "import frictionless; r = frictionless.validate(str(DIR / 'datapackage.json')); assert r.valid, r.flatten(['type', 'note'])[:5]",
    "validate": "from china_russia_diplomacy.validation import validate_package; r = validate_package(DIR); assert r.valid, r.to_text()[:2000]",
    "build": "from china_russia_diplomacy.build.pipeline import build; build(DIR, progress=STEPS.note)",
    "build without the timeline": "from china_russia_diplomacy.build.pipeline import build; build(DIR, skip=('timeline',))",
    "load_all": "import china_russia_diplomacy as c; c.load_all(package_dir=DIR)",
    "pyarrow read_table": ("import pyarrow.parquet as pq\n"
                           "for p in sorted((DIR / 'data').glob('*.parquet')): pq.read_table(p).to_pandas()"),
}
WRAPPER = r'''
import json, os, resource, sys, threading, time
from pathlib import Path
DIR = Path(sys.argv[1])


class Steps:
    """Time and peak RSS of each step a build reports through its progress callback."""

    def __init__(self):
        self.step, self.started, self.peak, self.figures = None, time.perf_counter(), 0, {}
        self.proc = os.path.exists("/proc/self/statm")
        if self.proc:
            threading.Thread(target=self._sample, daemon=True).start()

    def _rss(self):
        if not self.proc:
            return 0
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _sample(self):
        while True:
            self.peak = max(self.peak, self._rss())
            time.sleep(0.02)

    def note(self, description, done=0, total=0):
        now = time.perf_counter()
        if self.step is not None:
            self.figures[self.step] = [now - self.started, max(self.peak, self._rss()) / 2**20]
        self.step, self.started, self.peak = description, now, self._rss()


STEPS = Steps()
start = time.perf_counter()
exec(compile(sys.argv[2], "<measure>", "exec"))
elapsed = time.perf_counter() - start
STEPS.note(None)
print("BENCHMARK " + json.dumps({
    "seconds": elapsed,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "child_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "steps": {k: v for k, v in STEPS.figures.items() if k != "done"},
}))
'''
# Targets: (measure, reference, largest ratio) of wall-clock time; peak RSS in MB; peak RSS as a ratio to
# frictionless alone's (issue #27: validate at most 1.5x the reference's own memory). The ratio counts the
# measured process itself: validate's frictionless process *is* the reference validator, run beside it
# (its peak is printed after a "+"), so what validate adds to the reference's cost is its own process.
RATIO_TARGETS = (("validate", "frictionless alone", 1.2), ("build", "frictionless alone", 1.0),
                 ("build without the timeline", "frictionless alone", 1.0))
RSS_TARGET_MB = {"build": 1024, "build without the timeline": 1024}
RSS_RATIO_TARGETS = (("validate", "frictionless alone", 1.5),)


@dataclass
class Result:
    wall: float | None  # median wall clock of the whole process (interpreter start included)
    work: float | None  # median time of the measured code alone (imports included, start-up not)
    rss_mb: float
    child_rss_mb: float
    note: str = ""
    steps: dict | None = None  # build: {step: [seconds, peak RSS MB]} of its run with the median time

    @property
    def peak_mb(self) -> float:
        """The largest process of the measure (validate: itself or the frictionless process it starts)."""
        return max(self.rss_mb, self.child_rss_mb)


def run_once(code: str, package_dir: Path, timeout: float) -> dict | None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-c", WRAPPER, str(package_dir), code], capture_output=True, text=True,
                              timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return None
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"measure failed ({proc.returncode}):\n{code}\n{proc.stderr[-3000:]}")
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("BENCHMARK "))
    return {**json.loads(line[len("BENCHMARK "):]), "wall": wall}


def measure_all(names: list[str], package_dir: Path, repeat: int, timeout: float) -> dict[str, Result]:
    """Round-robin: every round runs each measure once, so a change in the machine's load during the
    run affects all measures alike and the ratios stay fair; a measure that times out is not re-run."""
    runs: dict[str, list[dict]] = {name: [] for name in names}
    stopped: set[str] = set()
    for round_ in range(repeat):
        for name in names:
            if name in stopped:
                continue
            r = run_once(MEASURES[name], package_dir, timeout)
            if r is None:
                stopped.add(name)
            else:
                runs[name].append(r)
            print(f"  round {round_ + 1}: {name:<28}" + ("stopped" if r is None else f"{r['wall']:8.2f} s"), flush=True)
    results = {}
    for name in names:
        if name in stopped or not runs[name]:
            results[name] = Result(None, None, 0, 0, f"> {timeout:.0f} s (stopped)")
            continue
        rs = runs[name]
        middle = sorted(rs, key=lambda r: r["wall"])[len(rs) // 2]
        results[name] = Result(statistics.median(r["wall"] for r in rs), statistics.median(r["seconds"] for r in rs),
                               max(r["rss_mb"] for r in rs), max(r["child_rss_mb"] for r in rs),
                               steps=middle.get("steps") or None)
    return results


def prepare(rows: int | None, workdir: Path | None) -> tuple[Path, dict[str, int]]:
    """The package to measure: the repository itself, or a built synthetic copy with about ``rows`` rows."""
    sys.path.insert(0, str(SRC))
    from china_russia_diplomacy.build import synthetic

    if rows is None:
        return REPO, synthetic.row_counts(REPO)
    target = (workdir or Path(tempfile.mkdtemp(prefix="crd-bench-"))) / f"package-{rows}"
    counts = synthetic.write_copy(REPO, target, rows)
    # The first build is not measured; it writes the Parquet twins and the descriptor that the
    # frictionless, validate and load measures read. The timeline is skipped here only to save time.
    code = "from china_russia_diplomacy.build.pipeline import build; build(DIR, skip=('timeline',))"
    if run_once(code, target, timeout=24 * 3600) is None:
        raise RuntimeError("the first build did not finish")
    return target, counts


def fmt_seconds(r: Result) -> str:
    return r.note if r.wall is None else f"{r.wall:.2f} s"


def sizes(text: str | None) -> list[int | None]:
    """``--rows 100000,1000000`` -> [100000, 1000000]; no ``--rows``: the real package ([None])."""
    if not text:
        return [None]
    try:
        out = [int(part.strip().replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise SystemExit(f"--rows takes sizes separated by commas (100000,1000000), not {text!r}") from None
    if not out or any(n <= 0 for n in out):
        raise SystemExit(f"--rows takes positive sizes, not {text!r}")
    return out


def measure_size(rows: int | None, args) -> tuple[int, dict[str, Result]]:
    """Prepare the package of one size and run every selected measure on it; print and return the figures."""
    t0 = time.perf_counter()
    package_dir, counts = prepare(rows, args.workdir)
    n = sum(counts.get(t, 0) for t in ("events", "event_mentions", "event_participants", "quotes"))
    print(f"package: {package_dir}  N = {n:,} ({', '.join(f'{k} {v:,}' for k, v in counts.items())}); "
          f"prepared in {time.perf_counter() - t0:.0f} s; {os.cpu_count()} cores; medians of {args.repeat}", flush=True)
    results: dict[str, Result] = {}
    try:
        # Warm the file cache so that the first measure is not charged for it.
        run_once("import pyarrow, pandas, frictionless", package_dir, args.timeout)
        names = [name for name in MEASURES if not args.only or name in args.only]
        results = measure_all(names, package_dir, args.repeat, args.timeout)
        for name, r in results.items():
            print(f"  {name:<28}{fmt_seconds(r):>20}  peak RSS {r.rss_mb:7.0f} MB"
                  + (f" + {r.child_rss_mb:.0f} MB (frictionless process)" if name == "validate" else ""), flush=True)
        build = results.get("build")
        if build is not None and build.steps:
            print(f"  build step by step (N = {n:,}): time, and the process's peak RSS while the step ran")
            for step, (seconds, peak) in build.steps.items():
                print(f"    {step:<34}{seconds:8.2f} s {peak:8.0f} MB", flush=True)
    finally:
        if rows is not None and not args.keep:
            shutil.rmtree(package_dir, ignore_errors=True)
    return n, results


def check_targets(n: int, results: dict[str, Result]) -> bool:
    """Print each target's verdict for one size; True when all hold."""
    ok = True
    for name, ref, limit in RATIO_TARGETS:
        if name in results and ref in results and results[name].wall and results[ref].wall:
            ratio = results[name].wall / results[ref].wall
            good = ratio <= limit
            ok &= good
            print(f"N = {n:,}: {name} / {ref}: {ratio:.2f} (target <= {limit})  {'OK' if good else 'OVER'}")
    for name, limit in RSS_TARGET_MB.items():
        if name in results and results[name].wall:
            peak = results[name].peak_mb
            good = peak <= limit
            ok &= good
            print(f"N = {n:,}: peak RSS of {name}: {peak:.0f} MB, largest process (target <= {limit} MB)  "
                  f"{'OK' if good else 'OVER'}")
    for name, ref, limit in RSS_RATIO_TARGETS:
        if name in results and ref in results and results[name].wall and results[ref].wall:
            mine = results[name]
            ratio = mine.rss_mb / results[ref].peak_mb
            good = ratio <= limit
            ok &= good
            print(f"N = {n:,}: peak RSS of {name}'s own process / {ref}: {mine.rss_mb:.0f} / {results[ref].peak_mb:.0f} MB"
                  f" = {ratio:.2f} (target <= {limit})  {'OK' if good else 'OVER'}"
                  + (f"; its frictionless process: {mine.child_rss_mb:.0f} MB" if mine.child_rss_mb else ""))
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", help="size N of a synthetic copy, or several separated by commas "
                                       "(100000,1000000); default: the real package")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs per measure; the median is shown")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before one run is stopped")
    parser.add_argument("--workdir", type=Path, help="where to write the synthetic copies (default: a temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic copies")
    parser.add_argument("--only", action="append", choices=list(MEASURES), help="run only these measures (repeatable)")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    measured = [measure_size(rows, args) for rows in sizes(args.rows)]
    print()
    print(table(measured))
    print()
    ok = all([check_targets(n, results) for n, results in measured])
    if args.json:
        args.json.write_text(json.dumps([{"N": n, "results": {k: vars(v) for k, v in results.items()}}
                                         for n, results in measured], indent=2))
    return 0 if ok else 1


def table(measured: list[tuple[int, dict[str, Result]]]) -> str:
    """The issue's table: one row per size N."""
    names = [k for k in MEASURES if any(k in results for _, results in measured)]
    head = "| N | " + " | ".join(names) + " | peak RSS frictionless / validate / build |"
    lines = [head, "|" + "---|" * (len(names) + 2)]
    for n, results in measured:
        def rss(name: str) -> str:
            r = results.get(name)
            if r is None or r.wall is None:
                return "-"
            return f"{r.rss_mb:.0f} MB (+ {r.child_rss_mb:.0f} MB)" if name == "validate" else f"{r.peak_mb:.0f} MB"

        ref = results.get("frictionless alone")
        cells = []
        for k in names:
            r = results.get(k)
            cell = "-" if r is None else fmt_seconds(r)
            if r is not None and ref and ref.wall and r.wall and k in ("validate", "build", "build without the timeline"):
                cell += f" ({r.wall / ref.wall:.2f}×)"
            cells.append(cell)
        lines.append(f"| {n:,} | " + " | ".join(cells) + f" | {rss('frictionless alone')} / {rss('validate')} / {rss('build')} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
