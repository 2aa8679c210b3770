"""The second layer one table at a time, so that a large package is never in memory whole.

Holding every table's Arrow columns and pandas frame until the last rule ran cost about three times the
reference validator's memory at a million rows (issue #27). Here each table in turn is read strictly,
typed, guarded for dates pandas cannot hold, checked by pandera and by the rules about it alone
(:data:`.rules.TABLE_RULES`, which may also read the small ``sources`` and ``participants``), handed to
``after_table`` (``validate`` compares its Parquet twin there), and then
released: the columns the cross-table rules may read (:func:`.rules.released_columns` leaves out the free
text and the codes only the table's own rules check) go to a scratch file (:class:`Spill`). Those rules
(:data:`.rules.CROSS_RULES`) run last, each on the few columns it reads, fetched for it alone. The findings are the ones the rules give on
the whole package at once: every table rule's finding is about the table it reads, and the cross-table
rules never read a released column (:class:`.rules.Tables` raises if one tries).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pyarrow as pa

from .report import Finding


def read_table(package_dir: Path, spec) -> tuple[pa.Table | None, list[int] | None, list[Finding]]:
    """Strictly read and type one table's CSV: (arrow table or None when unreadable, CSV lines, findings)."""
    from ..core.convert import to_arrow
    from ..core.csvfile import read_raw

    raw, findings = read_raw(package_dir / spec.csv_path, spec)
    if raw is None:
        return None, None, findings
    table, found = to_arrow(raw, spec)
    lines = raw.lines
    del raw
    pa.default_memory_pool().release_unused()  # the raw text columns: give the pages back
    return table, lines, findings + found


AfterTable = Callable[[str, pa.Table], list[Finding]]


class Spill:
    """The columns of each growing table that the cross-table rules read, written to a scratch directory
    once the table's own rules ran, and read back a few columns at a time for one cross rule.

    Holding them in memory until the last table was checked kept ~190 MB of a million-row package (and
    the pages around them) on top of the largest table's own peak; on disk they cost a write and
    a few reads of uncompressed Arrow IPC (Feather), which reads only the buffers of the columns asked
    for. The frames made from them are those the whole typed tables give (:func:`.pandera_layer.validation_frame`
    is column by column)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.columns: dict[str, list[str]] = {}

    def put(self, name: str, table: pa.Table) -> None:
        import pyarrow.feather as feather

        feather.write_feather(table, self.directory / f"{name}.arrow", compression="uncompressed")
        self.columns[name] = table.column_names

    def fetch(self, name: str, columns: tuple[str, ...]):
        """The named columns of table ``name`` as the pandas frame the rules read (None when the table was
        not read); a column that was not written is a programming error (KeyError)."""
        import pyarrow.feather as feather

        from .pandera_layer import validation_frame

        if name not in self.columns:
            return None
        missing = set(columns) - set(self.columns[name])
        if missing:
            raise KeyError(f"{name}.{', '.join(sorted(missing))} was released before the cross-table rules; "
                           "list it in rules.CROSS_READS")
        wanted = [c for c in self.columns[name] if c in columns]  # in the table's order, as a whole frame has them
        return validation_frame(feather.read_table(self.directory / f"{name}.arrow", columns=wanted, memory_map=False))


def check_by_table(package_dir: Path, meta, *, keep_tables: bool = False,
                   after_table: AfterTable | None = None) -> tuple[dict[str, pa.Table], dict[str, list[int]], list[Finding]]:
    """Every check of the strict reader, pandera and the rules, holding one whole table at a time.

    Returns (tables, lines, findings): ``tables`` holds every typed table that was read when
    ``keep_tables`` (what ``build`` writes from), else nothing. ``after_table(name, table)`` runs on each
    typed table (as the strict reader typed it) before it is released, and its findings are added.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="crd-validate-") as scratch:
        return _check_by_table(package_dir, meta, Spill(Path(scratch)), keep_tables, after_table)


def _check_by_table(package_dir: Path, meta, spill: Spill, keep_tables: bool, after_table: AfterTable | None):
    from .date_range import guard_dates
    from .memory_pool import release_memory
    from .pandera_layer import validate_table
    from .rules import KEPT_WHOLE, Tables, archived_texts, released_columns, run_cross_rules, run_table_rules

    # The small tables first: the table rules of the others read them (and the evidence, their texts).
    order = sorted(meta.tables, key=lambda spec: spec.name not in KEPT_WHOLE)
    kept: dict[str, pa.Table] = {}
    frames, whole, lines = {}, {}, {}
    findings: list[Finding] = []
    texts: dict[str, str] = {}
    for spec in order:
        name = spec.name
        table, table_lines, found = read_table(package_dir, spec)
        findings += found
        if table is None:
            continue
        lines[name] = table_lines
        # Dates no pandas frame can hold become findings here, and null for the checks that follow.
        guarded, found = guard_dates({name: table}, lines)
        findings += found
        found, frame = validate_table(spec, guarded[name], table_lines)
        findings += found
        t = Tables(meta, {**{n: frames[n] for n in whole}, name: frame}, lines, package_dir,
                   arrow={**whole, name: guarded[name]})
        if name == "sources":
            texts, found = archived_texts(t)
            findings += found
        findings += run_table_rules(t, name, texts)
        if name in KEPT_WHOLE:
            frames[name], whole[name] = frame, guarded[name]
        else:
            gone = released_columns(name, guarded[name].column_names)
            spill.put(name, guarded[name].select([c for c in guarded[name].column_names if c not in gone]))
        del t, frame, guarded  # the table's whole frame and its masks go before its Parquet twin is read
        release_memory()
        if after_table is not None:
            findings += after_table(name, table)
        if keep_tables:
            kept[name] = table
        del table
        release_memory()
    findings += run_cross_rules(Tables(meta, frames, lines, package_dir, arrow=whole), fetch=spill.fetch)
    del frames, whole
    release_memory()
    # A date guard_dates emptied is reported once, as date-range: the bound it left unpaired on the same
    # row (date-bounds-pair) is an echo of that finding, not a second defect.
    out_of_range = {(x.table, x.line) for x in findings if x.rule == "date-range"}
    if out_of_range:
        findings = [x for x in findings if not (x.rule == "date-bounds-pair" and (x.table, x.line) in out_of_range)]
    in_order = [spec.name for spec in meta.tables]  # the callers' order, whatever order they were read in
    return ({n: kept[n] for n in in_order if n in kept}, {n: lines[n] for n in in_order if n in lines}, findings)
