"""Synthetic copies of the package at any size, for benchmarks and scale tests (issue #11).

A copy with about N rows (N counted as rows of events + event_mentions + event_participants + quotes,
the tables that grow with the number of articles curated) is made by replicating the real rows k times
with fresh IDs. Every rule stays valid by construction, so the copy validates with zero findings and
its timings measure the toolchain, not error reporting:

- replica 0 keeps the real IDs; replica c maps ``xxx-NNNN`` to ``xxx-{c*B + NNNN}`` (B a power of ten
  above every real ID number), so IDs stay unique and use the widened ``[0-9]{4,}`` patterns;
- every reference inside a replica (parent/about events, mentions of events, discrepancy record and
  mention IDs, agreement events) is remapped the same way, so foreign keys, ``num_sources``, primary
  mentions and the composite key of event_participants hold in each replica;
- sources and participants are not replicated: evidence offsets keep pointing into the same archived
  articles (byte-for-byte copies), and speakers/parties keep resolving.

Nothing here is published data: a synthetic copy lives in a scratch directory and is never released.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path
from typing import Iterable

from ..core.errors import UsageError

# Tables replicated per copy; the others (sources, participants) are copied once.
REPLICATED = ("events", "event_mentions", "event_participants", "quotes", "agreements", "discrepancies")
# The tables whose rows count towards N (the measure of size).
COUNTED = ("events", "event_mentions", "event_participants", "quotes")
# ID prefixes renumbered per replica; par- and src- IDs point at unreplicated rows and are kept.
RENUMBERED = ("evt", "men", "quo", "agr", "dis")
_ID = re.compile(r"(evt|men|quo|agr|dis)-([0-9]{4,})\Z")
COPIED_PARTS = ("schemas", "sources", "README.md", "CHANGELOG.md", "CITATION.cff", ".zenodo.json", "docs",
                "LICENSE", "LICENSE-DATA")


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def base_rows(package_dir: Path) -> int:
    """N of the real package: rows of the counted tables."""
    return sum(len(_read(package_dir / "data" / f"{t}.csv")[1]) for t in COUNTED)


def row_counts(package_dir: str | Path) -> dict[str, int]:
    """Data rows of every table's CSV."""
    return {p.stem: len(_read(p)[1]) for p in sorted((Path(package_dir) / "data").glob("*.csv"))}


def _id_base(package_dir: Path) -> int:
    largest = 0
    for table in REPLICATED:
        _, rows = _read(package_dir / "data" / f"{table}.csv")
        for row in rows:
            for cell in row:
                m = _ID.match(cell)
                if m:
                    largest = max(largest, int(m[2]))
    return 10 ** len(str(largest))


def _renumber(cell: str, offset: int) -> str:
    m = _ID.match(cell)
    if m is None or offset == 0:
        return cell
    return f"{m[1]}-{int(m[2]) + offset:04d}"


def _placeless_undated_events(source_dir: Path) -> set[str]:
    """Events with neither a date nor a place: a mention with ``actor`` and ``action`` ties one of them
    explicitly (rule tie-explicit), but a replica gets a place name (below), and then needs its span to
    state one."""
    header, rows = _read(source_dir / "data" / "events.csv")
    col = {name: i for i, name in enumerate(header)}
    if not {"event_id", "date_basis", "location_name", "location_country"} <= set(col):
        return set()
    return {r[col["event_id"]] for r in rows if r[col["date_basis"]] == "undated"
            and not r[col["location_name"]] and not r[col["location_country"]]}


def _replica_rows(header: list[str], rows: list[list[str]], copies: int, base: int,
                  placeless: frozenset[str] = frozenset()) -> Iterable[list[str]]:
    # Only ID-valued columns are remapped; free text that happens to contain an ID is left alone.
    id_columns = [i for i, name in enumerate(header)
                  if name.endswith("_id") and name not in ("source_id", "other_source_id", "speaker_id", "via_id",
                                                           "participant_id")]
    # A replica of an event is otherwise the same event twice (the duplicate-event rule refuses that):
    # each replica's events get their own place name, the one column no other rule ties to the text.
    place = header.index("location_name") if "location_name" in header else None
    # ... and a mention of such an event that ties it explicitly by actor and action alone states that place
    # (replica mentions are synthetic: what their spans "state" is whatever keeps every rule valid).
    states = header.index("span_states") if {"span_states", "tie", "event_id"} <= set(header) and "mention_id" in header else None
    tie, event = (header.index("tie"), header.index("event_id")) if states is not None else (None, None)
    for c in range(copies):
        offset = c * base
        for real in rows:
            row = real
            if offset:
                row = list(real)
                for i in id_columns:
                    row[i] = _renumber(row[i], offset)
                if place is not None:
                    row[place] = f"{row[place] or 'Synthetic place'} (replica {c})"
                if states is not None and row[tie] == "explicit" and real[event] in placeless \
                        and not {"name", "place"} & set(row[states].split("+")):
                    row[states] += "+place"
            yield row


def copies_for(rows: int, package_dir: Path) -> int:
    """Replicas needed for at least ``rows`` counted rows (at least one: the real package)."""
    per_copy = base_rows(package_dir)
    return max(1, -(-rows // per_copy))


def write_copy(source_dir: str | Path, target_dir: str | Path, rows: int, *, id_stride: int | None = None) -> dict[str, int]:
    """Write a package copy with about ``rows`` counted rows to ``target_dir``; return rows per table.

    Only the inputs are written (CSVs, schemas, archived articles and the files build reads); run
    :func:`china_russia_diplomacy.build.build` on it to generate the rest. ``id_stride`` (default: the
    smallest power of ten above every real ID number) spaces the replicas' ID numbers; a larger one
    gives IDs of five digits and more at any size.
    """
    source_dir, target_dir = Path(source_dir).resolve(), Path(target_dir)
    if target_dir.exists():
        shutil.rmtree(target_dir)
    target_dir.mkdir(parents=True)
    for part in COPIED_PARTS:
        src = source_dir / part
        if src.is_dir():
            shutil.copytree(src, target_dir / part)
        elif src.is_file():
            shutil.copy2(src, target_dir / part)
    copies = copies_for(rows, source_dir)
    base = id_stride or _id_base(source_dir)
    if base < _id_base(source_dir):
        raise UsageError(f"id_stride {base} would reuse real IDs; use at least {_id_base(source_dir)}")
    (target_dir / "data").mkdir()
    placeless = frozenset(_placeless_undated_events(source_dir))
    counts = {}
    for path in sorted((source_dir / "data").glob("*.csv")):
        table = path.stem
        header, body = _read(path)
        out_rows = _replica_rows(header, body, copies, base, placeless) if table in REPLICATED else body
        n = 0
        with (target_dir / "data" / path.name).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            for row in out_rows:
                writer.writerow(row)
                n += 1
        counts[table] = n
    return counts


def make_package(target_dir: str | Path, rows: int, *, source_dir: str | Path | None = None,
                 skip: Iterable[str] = ()) -> dict[str, int]:
    """:func:`write_copy` of the repository's package, then ``build`` it (generators in ``skip`` not run)."""
    from ..core.locate import installed_package_dir
    from .pipeline import build

    src = Path(source_dir) if source_dir is not None else installed_package_dir()
    counts = write_copy(src, target_dir, rows)
    build(target_dir, skip=tuple(skip))
    return counts


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(description="write and build a synthetic copy of the package with about N rows")
    p.add_argument("target", type=Path)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--skip", action="append", default=[], help="a generator not to run (e.g. timeline)")
    args = p.parse_args(argv)
    counts = make_package(args.target, args.rows, skip=args.skip)
    print(f"{args.target}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
