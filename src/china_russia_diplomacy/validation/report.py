"""Validation report: the findings of every layer in one place, so a user reads one report.

A :class:`~china_russia_diplomacy.core.findings.Finding` (defined in the core, re-exported here for the
layers and rules) names the layer, table, CSV line, column, value and rule of one problem.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from ..core.findings import Finding
from ..core.errors import CRDError

__all__ = ["Finding", "Report", "ValidationError"]


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


class ValidationError(CRDError):
    """Raised by ``build`` when its input does not validate; carries the report."""

    exit_code = 1

    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.to_text())


def print_report(report: Report, as_json: bool) -> None:
    """Print a report for a person: JSON with ``as_json``, plain text when stdout is not a terminal (logs,
    pipes), else a rich table (counted by table and rule first when there are many findings)."""
    if as_json:
        print(report.to_json())
        return
    import sys

    if not sys.stdout.isatty():
        print(report.to_text())
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if report.valid:
        console.print(f"[green]valid[/green]: {report.package_dir} ({', '.join(report.layers)})")
        return
    findings = report.sorted_findings()
    if len(findings) > 15:
        # Many findings usually share a cause (one bad ID breaks every reference): count them first.
        from collections import Counter

        summary = Table(title=f"{len(findings)} error(s) by table and rule", title_justify="left")
        for col, justify in (("table", "left"), ("rule", "left"), ("errors", "right")):
            summary.add_column(col, justify=justify, no_wrap=True)
        for (tbl, rule), n in sorted(Counter((f.table, f.rule) for f in findings).items()):
            summary.add_row(tbl, rule, str(n))
        console.print(summary)
    from rich import box

    table = Table(title=f"{len(findings)} error(s) in {report.package_dir}", title_justify="left", show_lines=False,
                  box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0))
    # Locations stay on one line; the value is cut short; the message takes the remaining width.
    table.add_column("layer", no_wrap=True, style="dim")
    table.add_column("table", no_wrap=True, style="bold")
    table.add_column("line", justify="right", no_wrap=True)
    table.add_column("column", no_wrap=True)
    table.add_column("value", max_width=30, overflow="ellipsis", no_wrap=True, style="yellow")
    table.add_column("rule", no_wrap=True, style="red")
    table.add_column("message", ratio=1, overflow="fold")
    for f in findings:
        table.add_row(f.layer, f.table, "" if f.line is None else str(f.line), f.column or "",
                      "" if f.value is None else f.value, f.rule, f.message)
    console.print(table)
