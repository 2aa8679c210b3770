"""Validation findings: one shape for every layer, so a user reads one report.

Every finding names the layer that raised it, the table, the CSV line (1 = header), the column, the
offending value and the rule, plus a sentence saying what is wrong.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable


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


@dataclass
class Report:
    """All findings of one validation run."""

    package_dir: str
    layers: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.findings

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def sorted_findings(self) -> list[Finding]:
        # Stable, readable order; None sorts before numbers.
        return sorted(
            set(self.findings),
            key=lambda f: (f.table, f.line if f.line is not None else -1, f.column or "", f.layer, f.rule, f.message),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "package_dir": self.package_dir,
            "valid": self.valid,
            "layers": self.layers,
            "error_count": len(self.sorted_findings()),
            "errors": [asdict(f) for f in self.sorted_findings()],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        if self.valid:
            return f"valid: {self.package_dir} ({', '.join(self.layers)})"
        lines = [f"INVALID: {self.package_dir}: {len(self.sorted_findings())} error(s)"]
        lines += [f"  {f}" for f in self.sorted_findings()]
        return "\n".join(lines)


class ValidationError(Exception):
    """Raised by ``build`` when its input does not validate; carries the report."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.to_text())
