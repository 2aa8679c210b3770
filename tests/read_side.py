"""The read side (load, scan, versions, cite) must stay light: what a fresh interpreter has imported after
running some read-side code, among the write side's libraries."""

from __future__ import annotations

import os
import subprocess
import sys

WRITE_SIDE = ("frictionless", "pandera", "edtf", "rich", "matplotlib")


def write_side_imports(code: str) -> list[str]:
    """The modules of :data:`WRITE_SIDE` that ``import china_russia_diplomacy as c`` plus ``code`` imported
    in a fresh interpreter (``code`` failing is an assertion error with its output)."""
    script = (f"import sys, china_russia_diplomacy as c\n{code}\n"
              f"print(','.join(m for m in sys.modules if m.split('.')[0] in {WRITE_SIDE!r}))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=dict(os.environ))
    assert result.returncode == 0, result.stdout + result.stderr
    return [m for m in result.stdout.strip().split(",") if m]
