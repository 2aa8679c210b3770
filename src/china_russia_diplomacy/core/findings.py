"""The ``Finding`` record: one problem in a package, in the one shape every reader of files reports.

Every finding names the layer that raised it, the table, the CSV line (1 = header), the column, the
offending value and the rule, plus a sentence saying what is wrong. It lives in the core because the
strict CSV reader and the typing (used by both sides) report problems in this shape; the validator's
:class:`~china_russia_diplomacy.validation.report.Report` collects them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    layer: str  # "frictionless", "pandera", "provenance", "files"
    table: str  # table name, or "package" / a file path for package-level findings
    line: int | None  # 1-based line of the CSV (1 = header); None when not about one line
    column: str | None
    value: str | None
    rule: str
    message: str

    def location(self) -> str:
        where = self.table
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return where

    def __str__(self) -> str:
        value = "" if self.value is None else f" (value: {_short(self.value)!r})"
        return f"[{self.layer}] {self.location()}: {self.rule}: {self.message}{value}"


def _short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
