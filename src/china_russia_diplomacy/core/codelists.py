"""The event code lists the data cites, read from ``schemas/codelists/*.csv``.

CAMEO and PLOVER codes, and the crosswalk from ``events.event_type`` to the CAMEO codes and PLOVER
types that fit it, are data, not regexes: the rules layer checks every row against them and the
codebook prints them, so what is checked and what is documented are the same three files. ISO 3166
and ISO 639 are not copied here: they come from ``pycountry`` (a maintained copy of the ISO tables)
at validation time. Only the standard library is used, so the codebook can read the lists cheaply.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from .files import not_regular

DIRECTORY = "schemas/codelists"
FILES = {
    "cameo": ("code", "label"),
    "plover": ("code", "label"),
    "crosswalk": ("event_type", "cameo_prefixes", "plover_types"),
}
CAMEO_SOURCE = ("CAMEO Conflict and Mediation Event Observations, Event and Actor Codebook, version 1.1b3 "
                "(Schrodt 2012): root codes 01-20, the second-level codes of the roots the crosswalk uses, "
                "and the deeper codes the data uses (0356)")
PLOVER_SOURCE = "PLOVER (Political Language Ontology for Verifiable Event Records), its 16 event types"


@dataclass
class CodeLists:
    """The three lists (empty when a file is missing or malformed; ``problems`` says which and why)."""

    cameo: dict[str, str] = field(default_factory=dict)
    plover: dict[str, str] = field(default_factory=dict)
    # event_type -> (CAMEO code prefixes, PLOVER types) that fit it; an empty tuple: none fits
    crosswalk: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (relative path, what is wrong)

    @property
    def complete(self) -> bool:
        return not self.problems


def _read(path: Path, header: tuple[str, ...], root: Path) -> tuple[list[dict[str, str]], str | None]:
    """Rows of one list, or the reason it cannot be used (never raises on a bad file)."""
    problem = not_regular(path, root)
    if problem:
        return [], problem
    try:
        text = path.read_bytes().decode("utf-8")
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return [], f"unreadable ({type(exc).__name__}: {exc})"
    if not rows or tuple(rows[0]) != header:
        return [], f"its header must be {','.join(header)}"
    body = rows[1:]
    if any(len(r) != len(header) for r in body):
        return [], "a row has the wrong number of cells"
    return [dict(zip(header, r)) for r in body], None


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p for p in cell.split(";") if p)


def load(package_dir: Path) -> CodeLists:
    lists = CodeLists()
    for name, header in FILES.items():
        rel = f"{DIRECTORY}/{name}.csv"
        rows, problem = _read(Path(package_dir) / rel, header, Path(package_dir))
        if problem:
            lists.problems.append((rel, problem))
            continue
        if name == "crosswalk":
            lists.crosswalk = {r["event_type"]: (_split(r["cameo_prefixes"]), _split(r["plover_types"])) for r in rows}
        else:
            setattr(lists, name, {r["code"]: r["label"] for r in rows})
    return lists


def present(package_dir: Path) -> bool:
    """True when the package carries the lists (every source tree and every release from 1.1.0 on)."""
    return (Path(package_dir) / DIRECTORY).is_dir() or (Path(package_dir) / "schemas" / "package.json").is_file()
