"""Which optional extra a command needs, said in one line when it is not installed.

A reader's plain install carries the read side only (pyarrow, pandas, pyyaml, pooch, platformdirs and
greenery): loading, scanning, citing, fetching versions and comparing them. The write side's libraries
come with extras: ``[validate]`` (frictionless, pandera, edtf, pycountry, rich) for ``validate``, and
``[build]`` (the same plus matplotlib, diff-match-patch and Jinja2) for ``build`` and ``release``. A write-side command run without
its extra stops with :class:`MissingExtra` naming the pip command, never with a bare
``ModuleNotFoundError`` from deep inside a library.
"""

from __future__ import annotations

import importlib.util

from .errors import CRDError

DIST = "china-russia-diplomacy"

# The importable modules each extra brings (what pyproject.toml's extras install).
EXTRAS: dict[str, tuple[str, ...]] = {
    "validate": ("frictionless", "pandera", "edtf", "pycountry", "rich"),
    "build": ("frictionless", "pandera", "edtf", "pycountry", "rich", "matplotlib", "diff_match_patch", "jinja2"),
    "polars": ("polars",),
    "duckdb": ("duckdb",),
    "xlsx": ("openpyxl",),
    "browse": ("datasette",),
}


class MissingExtra(CRDError, ImportError):
    """An optional extra is not installed; the message names the pip command that installs it."""


def missing(extra: str) -> list[str]:
    """The modules of ``extra`` that cannot be imported here."""
    return [m for m in EXTRAS[extra] if importlib.util.find_spec(m) is None]


def require(extra: str, what: str) -> None:
    """Raise :class:`MissingExtra` when ``extra`` is not fully installed; ``what`` is the command or call."""
    absent = missing(extra)
    if absent:
        raise MissingExtra(f"{what} needs the [{extra}] extra ({', '.join(absent)} not installed): "
                           f"pip install '{DIST}[{extra}]'")
