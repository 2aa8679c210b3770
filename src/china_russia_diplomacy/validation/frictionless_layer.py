"""First validation layer: the whole ``datapackage.json`` checked by the real ``frictionless`` library
(types, constraints, primary and foreign keys, bytes and hashes, safe paths)."""

from __future__ import annotations

from pathlib import Path

from .report import Finding

LAYER = "frictionless"


def _unreadable(package_dir: Path, descriptor: Path) -> list[Finding]:
    """Findings that keep frictionless from reading the package: a descriptor that is not a regular file
    or not a JSON object, or a resource file that is a link or special file."""
    import json

    from .._files import not_regular
    from .._locate import safe_relative
    from .artifacts import descriptor_shape_problem

    problem = not_regular(descriptor, package_dir)
    if problem:
        return [Finding(LAYER, "package", None, None, None, "file-type", f"datapackage.json is {problem}")]
    try:
        data = json.loads(descriptor.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return []  # frictionless reports unparsable JSON itself
    shape = descriptor_shape_problem(data)
    if shape:
        return [Finding(LAYER, "package", None, None, None, "descriptor-error", f"datapackage.json {shape}")]
    out = []
    for res in data.get("resources", []):
        path = res.get("path")
        if isinstance(path, str) and safe_relative(path):
            problem = not_regular(package_dir / path, package_dir)
            if problem and problem != "missing":
                out.append(Finding(LAYER, str(res.get("name")), None, None, path, "file-type", f"{path} is {problem}"))
    return out


def validate_descriptor(package_dir: Path, lines: dict[str, list[int]]) -> list[Finding]:
    import frictionless

    descriptor = package_dir / "datapackage.json"
    if not descriptor.is_file():
        return [Finding(LAYER, "package", None, None, None, "descriptor-missing", "datapackage.json is missing; run build")]
    blocked = _unreadable(package_dir, descriptor)
    if blocked:  # the files layer reports them; frictionless would follow a link or block on a FIFO
        return blocked
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
