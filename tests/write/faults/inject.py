"""Helpers that inject one defect into a package copy and check that it is reported precisely.

CSV edits go through the standard ``csv`` module (LF, minimal quoting), so the line on which each row
starts is recomputed here, independently of the reader under test.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pytest

from china_russia_diplomacy.validation import Finding, Report, ValidationError

GENERATED_GLOBS = ("datapackage.json", "README.md", "data/*.parquet")


def row_lines(text: str) -> list[int]:
    """The 1-based line on which each data row starts (quoted cells may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    lines, end = [], reader.line_num
    for _ in reader:
        lines.append(end + 1)
        end = reader.line_num
    return lines


@dataclass
class CsvTable:
    """One CSV of a package copy, as header + rows of strings, to edit and save back."""

    path: Path
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)

    @classmethod
    def open(cls, pkg: Path, table: str) -> "CsvTable":
        path = pkg / "data" / f"{table}.csv"
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        return cls(path, rows[0], rows[1:])

    def get(self, i: int, column: str) -> str:
        return self.rows[i][self.header.index(column)]

    def set(self, i: int, column: str, value: str) -> None:
        self.rows[i][self.header.index(column)] = value

    def where(self, predicate: Callable[[dict[str, str]], bool]) -> int:
        """Index of the first row for which ``predicate(row_as_dict)`` holds."""
        for i, row in enumerate(self.rows):
            if predicate(dict(zip(self.header, row))):
                return i
        pytest.fail(f"{self.path.name}: no row fits this fault (the real data changed shape?)")

    def filled(self, column: str) -> int:
        """Index of the first row whose ``column`` is not empty."""
        return self.where(lambda r: r[column] != "")

    def text(self) -> str:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([self.header, *self.rows])
        return buf.getvalue()

    def save(self) -> None:
        self.path.write_text(self.text(), encoding="utf-8", newline="")

    def line(self, i: int) -> int:
        """CSV line on which row ``i`` starts, in the saved file."""
        return row_lines(self.path.read_text(encoding="utf-8"))[i]


def matching(findings: Iterable[Finding], table: str, rule: str | tuple[str, ...], line: int | None = None,
             column: str | None = None) -> list[Finding]:
    rules = (rule,) if isinstance(rule, str) else rule
    return [f for f in findings if f.table == table and f.rule in rules
            and (line is None or f.line == line) and (column is None or f.column == column)]


def assert_reported(report: Report, table: str, rule: str | tuple[str, ...], line: int | None = None,
                    column: str | None = None) -> Finding:
    """The report is invalid and one finding names this table, rule and (when given) line and column."""
    assert not report.valid, "the defect passed validation unnoticed"
    found = matching(report.findings, table, rule, line, column)
    assert found, (f"no finding (table={table}, rule={rule}, line={line}, column={column}) among:\n"
                   + report.to_text())
    assert found[0].message.strip(), "a finding without a message"
    return found[0]


def snapshot(pkg: Path) -> dict[str, bytes]:
    """Bytes of every file of the package copy (sources, data, descriptor, README)."""
    return {str(p.relative_to(pkg)): p.read_bytes() for p in sorted(pkg.rglob("*")) if p.is_file()}


def assert_build_refuses(pkg: Path, table: str, rule: str | tuple[str, ...], line: int | None = None,
                         column: str | None = None) -> Finding:
    """``build`` raises ValidationError naming the defect, and leaves every file byte-identical."""
    from china_russia_diplomacy.build.pipeline import build

    before = snapshot(pkg)
    with pytest.raises(ValidationError) as exc:
        build(pkg)
    found = assert_reported(exc.value.report, table, rule, line, column)
    after = snapshot(pkg)
    assert after == before, f"build changed files although it refused: {sorted(k for k in after if after.get(k) != before.get(k))}"
    return found


def assert_caught(pkg: Path, table: str, rule: str | tuple[str, ...], line: int | None = None,
                  column: str | None = None, *, build: bool = False) -> Finding:
    """``validate_package`` reports the defect; with ``build=True``, ``build`` must refuse it too.

    Build refusal is checked for every cell- and file-level defect (it stops before computing outputs)
    and, in ``test_build_faults``, for one defect of each other level: a refused build that reaches
    the staged validation renders every generated file first, which costs seconds per fault.
    """
    from china_russia_diplomacy.validation import validate_package

    found = assert_reported(validate_package(pkg), table, rule, line, column)
    if build:
        assert_build_refuses(pkg, table, rule, line, column)
    return found
