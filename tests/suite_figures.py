"""The suite's figures as README.md and CONTRIBUTING.md state them ("has N tests and takes about M minutes"):
one pattern for the test that checks the count and the end-of-run line that prints the time."""

from __future__ import annotations

import re
from pathlib import Path

STATED = re.compile(r"has (\d+) tests and takes about\s+(\d+) minutes")


def stated_figures(path: Path) -> tuple[int, int] | None:
    """``(tests, minutes)`` a guide states, or None when it states none."""
    m = STATED.search(path.read_text(encoding="utf-8"))
    return (int(m.group(1)), int(m.group(2))) if m else None
