"""First validation layer: the whole ``datapackage.json`` checked by the real ``frictionless`` library
(types, constraints, primary and foreign keys, bytes and hashes, safe paths)."""

from __future__ import annotations

from pathlib import Path

from .report import Finding

LAYER = "frictionless"


def validate_descriptor(package_dir: Path, lines: dict[str, list[int]]) -> list[Finding]:
    import frictionless

    descriptor = package_dir / "datapackage.json"
    if not descriptor.is_file():
        return [Finding(LAYER, "package", None, None, None, "descriptor-missing", "datapackage.json is missing; run build")]
    try:
        report = frictionless.validate(str(descriptor))
    except Exception as exc:  # frictionless raises FrictionlessException on unreadable descriptors
        return [Finding(LAYER, "package", None, None, None, "descriptor-error", f"{type(exc).__name__}: {exc}")]
    findings: list[Finding] = []
    for error in report.errors:
        findings.append(Finding(LAYER, "package", None, None, None, error.type, error.message))
    for task in report.tasks:
        table = task.name or "package"
        for error in task.errors:
            row_number = getattr(error, "row_number", None)
            line = None
            if row_number is not None:
                data_row = row_number - 2  # frictionless counts the header as row 1
                table_lines = lines.get(table) or []
                line = table_lines[data_row] if 0 <= data_row < len(table_lines) else row_number
            field = getattr(error, "field_name", None)
            cell = getattr(error, "cell", None)
            findings.append(Finding(LAYER, table, line, field, cell, error.type, error.note or error.message))
    return findings
