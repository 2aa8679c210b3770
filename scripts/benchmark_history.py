"""What the shipped history costs: bytes per release, and loading a cited version from it.

    python scripts/benchmark_history.py            # the real package and a synthetic 100k-row release

Prints (1) the bytes ``history/<version>.json`` adds for each registered version, raw and deflated as in
the wheel and the release zip; (2) the same for a synthetic release of about 100,000 rows
(:mod:`china_russia_diplomacy.build.synthetic`) in which 1% of the rows of every table change; (3) load
times in fresh interpreters (medians of 5): ``load("events")`` of the installed version, the first
``load("events", version=OLD)`` with an empty cache (rebuilt from the history), and the same again once
cached. Figures go to CONTRIBUTING.md's performance section.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def deflated(data: bytes) -> int:
    return len(zlib.compress(data, 9))


def real_links() -> list[tuple[str, int, int]]:
    return [(p.stem, p.stat().st_size, deflated(p.read_bytes())) for p in sorted((REPO / "history").glob("*.json"))]


def synthetic_link(rows: int) -> tuple[int, int, int, float]:
    """(data bytes, patch bytes, deflated patch bytes, seconds) for a 1% change of a synthetic copy."""
    from china_russia_diplomacy.build import synthetic
    from china_russia_diplomacy.build.generate.history import link_bytes

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "pkg"
        synthetic.write_copy(REPO, target, rows)
        base, changed = {}, {}
        for path in sorted((target / "data").glob("*.csv")):
            data = path.read_bytes()
            base[f"data/{path.name}"] = data
            rows_ = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
            header, body = rows_[0], rows_[1:]
            col = header.index("notes") if "notes" in header else len(header) - 1
            for i in range(0, len(body), 100):  # 1% of the rows change one cell
                body[i][col] = (body[i][col] + " (corrected)").strip()
            out = io.StringIO(newline="")
            csv.writer(out, lineterminator="\n").writerows([header, *body])
            changed[f"data/{path.name}"] = out.getvalue().encode("utf-8")
        started = time.perf_counter()
        link = link_bytes("0.0.0", "synthetic", changed, base)
        seconds = time.perf_counter() - started
        return sum(len(b) for b in base.values()), len(link), deflated(link), seconds


def cold(code: str, env: dict[str, str]) -> float:
    proc = subprocess.run([sys.executable, "-c", "import time; t = time.perf_counter()\n" + code +
                           "\nprint(time.perf_counter() - t)"], capture_output=True, text=True, env=env, cwd=tempfile.gettempdir())
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return float(proc.stdout.strip().splitlines()[-1])


def load_times(version: str, repeat: int) -> dict[str, float]:
    installed, first, cached = [], [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "CRD_CACHE_DIR": cache}
            env.pop("CRD_RELEASES_URL", None)
            installed.append(cold("import china_russia_diplomacy as crd; crd.load('events')", env))
            first.append(cold(f"import china_russia_diplomacy as crd; crd.load('events', version={version!r})", env))
            cached.append(cold(f"import china_russia_diplomacy as crd; crd.load('events', version={version!r})", env))
    return {"installed": statistics.median(installed), "first": statistics.median(first), "cached": statistics.median(cached)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    print("history file                 bytes   deflated")
    for version, raw, packed in real_links():
        print(f"history/{version}.json  {raw:>12,} {packed:>10,}")
    data, raw, packed, seconds = synthetic_link(args.rows)
    print(f"synthetic ~{args.rows:,} rows, 1% changed: data {data:,} bytes; patch {raw:,} bytes ({packed:,} deflated), "
          f"computed in {seconds:.1f} s")
    oldest = json.loads((REPO / "releases.json").read_text(encoding="utf-8"))["releases"][0]["version"]
    t = load_times(oldest, args.repeat)
    print(f"load('events') in a fresh interpreter, medians of {args.repeat}: installed {t['installed']:.3f} s; "
          f"version={oldest} first call (rebuilt from the history) {t['first']:.3f} s ({t['first'] / t['installed']:.2f}x); "
          f"cached {t['cached']:.3f} s ({t['cached'] / t['installed']:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
