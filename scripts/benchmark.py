#!/usr/bin/env python
"""Print cold-process timings against the targets (never asserted by tests: machines vary).

- ``load_all()`` in a fresh interpreter vs a bare ``import pandas, pyarrow.parquet``: target <= 1.15x.
- a full ``validate`` of the real package in a fresh interpreter: target < 2 s.

Usage: ``python scripts/benchmark.py [--repeat N]``. Each figure is the median of N cold runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BASELINE = "import pandas, pyarrow.parquet"
LOAD_ALL = "import china_russia_diplomacy as c; c.load_all()"
VALIDATE = f"from china_russia_diplomacy.validation import validate_package; assert validate_package({str(REPO)!r}).valid"


def cold(code: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    cold(BASELINE, 1)  # warm the OS file cache so both sides are measured alike
    base = cold(BASELINE, args.repeat)
    load = cold(LOAD_ALL, args.repeat)
    val = cold(VALIDATE, max(3, args.repeat // 2))
    ratio = load / base
    print(f"{'measure':<44}{'seconds':>10}{'target':>16}")
    print(f"{'bare import pandas, pyarrow.parquet':<44}{base:>10.3f}{'':>16}")
    print(f"{'load_all() (cold process)':<44}{load:>10.3f}{'<= 1.15x import':>16}")
    print(f"{'ratio load_all / bare import':<44}{ratio:>10.2f}{'<= 1.15':>16}  {'OK' if ratio <= 1.15 else 'OVER'}")
    print(f"{'validate (cold process, both layers)':<44}{val:>10.3f}{'< 2.0':>16}  {'OK' if val < 2.0 else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
