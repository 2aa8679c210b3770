"""Validation of a data package directory: two independent layers and one report.

Layer 1 is the real ``frictionless`` library run on ``datapackage.json``. Layer 2 reads the CSVs itself
(strict file checks), types them, runs pandera schemas derived from the same Table Schemas, and then
the cross-table and provenance rules; artifact checks compare files with their recorded hashes and
Parquet with CSV. Both layers always run, whatever the other finds.
"""

from __future__ import annotations

from pathlib import Path

from .report import Finding, Report, ValidationError

__all__ = ["Finding", "Report", "ValidationError", "validate_package", "read_tables", "read_checked_tables"]


def read_tables(package_dir: Path, meta):
    """Strictly read and type every table's CSV: (arrow tables, CSV line numbers, findings)."""
    import pyarrow as pa

    from ..core.convert import to_arrow
    from ..core.csvfile import read_raw

    tables, lines, findings = {}, {}, []
    for spec in meta.tables:
        raw, found = read_raw(package_dir / spec.csv_path, spec)
        findings += found
        if raw is None:
            continue
        table, found = to_arrow(raw, spec)
        findings += found
        tables[spec.name], lines[spec.name] = table, raw.lines
        del raw
        pa.default_memory_pool().release_unused()  # the raw text columns: give the pages back
    return tables, lines, findings


def check_tables(package_dir: Path, meta, tables, lines) -> list[Finding]:
    """Every check of the second layer on tables already read: pandera per table, then the rules."""
    from .date_range import guard_dates
    from .pandera_layer import validate_table
    from .rules import Tables, run_rules

    # Dates no pandas frame can hold become findings here, and null for the checks that follow.
    tables, findings = guard_dates(tables, lines)
    frames = {}
    for name, table in tables.items():
        found, frames[name] = validate_table(meta.table(name), table, lines[name])
        findings += found
    findings += run_rules(Tables(meta, frames, lines, package_dir, arrow=tables))
    # A date guard_dates emptied is reported once, as date-range: the bound it left unpaired on the same
    # row (date-bounds-pair) is an echo of that finding, not a second defect.
    out_of_range = {(x.table, x.line) for x in findings if x.rule == "date-range"}
    if out_of_range:
        findings = [x for x in findings if not (x.rule == "date-bounds-pair" and (x.table, x.line) in out_of_range)]
    return findings


def read_checked_tables(package_dir: Path, meta):
    """:func:`read_tables` plus each table's pandera schema (no cross-table rules).

    A cell that types but breaks its schema (an empty required cell, a value outside an enum) cannot be
    stored in the Parquet twin (non-nullable columns, enum dictionaries), so it must be refused with a
    finding instead of crashing later with an Arrow error.
    """
    from .date_range import guard_dates
    from .pandera_layer import validate_table

    tables, lines, findings = read_tables(package_dir, meta)
    in_range, found = guard_dates(tables, lines)
    findings += found
    for name, table in in_range.items():
        findings += validate_table(meta.table(name), table, lines[name])[0]
    return tables, lines, findings


def check_inputs(package_dir: Path, meta):
    """What ``build`` validates, once, before computing anything: (tables, lines, findings) of the
    strict reader, pandera and every rule. The frictionless layer is left to ``validate``: it checks
    the previous build's descriptor, which an edit of the CSVs makes stale by design."""
    import pyarrow as pa

    from .memory_pool import use_lean_pool

    use_lean_pool()
    tables, lines, findings = read_tables(package_dir, meta)
    findings += check_tables(package_dir, meta, tables, lines)
    pa.default_memory_pool().release_unused()  # the frames and masks of the checks are gone
    return tables, lines, findings


def check_outputs(package_dir: Path, staging: Path, descriptor: dict, tables, meta) -> list[Finding]:
    """After build staged its outputs, check only what it wrote instead of validating the inputs again:
    the descriptor's bytes and hashes against the CSVs in place (unchanged since they were validated)
    and the staged Parquet twins, its schemas and version against the metadata, and every Parquet twin
    read back equal to the typed table it was written from. ``descriptor`` is the staged one, parsed."""
    from . import artifacts

    findings: list[Finding] = []
    resources = {r.get("name"): r for r in descriptor.get("resources", [])}
    for spec in meta.tables:
        res = resources.get(spec.name)
        if res is None:
            findings.append(Finding("files", spec.name, None, None, None, "descriptor-stale", "table is missing from datapackage.json"))
            continue
        findings += artifacts.check_file(package_dir, spec.name, res, "CSV")
        findings += artifacts.check_file(staging, spec.name, res["parquet"], "Parquet")
        if res.get("schema") != spec.schema:
            findings.append(Finding("files", spec.name, None, None, None, "descriptor-stale",
                                    f"the schema in datapackage.json differs from schemas/{spec.name}.json"))
        if spec.name in tables:
            findings += artifacts.check_parquet_matches_csv(staging, spec.name, res, tables[spec.name], spec)
    if descriptor.get("version") != meta.version:
        findings.append(Finding("files", "package", None, "version", str(descriptor.get("version")), "descriptor-stale",
                                "datapackage.json does not carry the version of schemas/package.json"))
    return findings


def validate_package(package_dir: str | Path, *, with_descriptor: bool = True) -> Report:
    """Validate everything in ``package_dir`` and return one :class:`Report`.

    The frictionless layer runs in a separate process (:mod:`.frictionless_layer`) while this one runs
    the others, so on two cores the whole validation costs about what frictionless alone costs.
    """
    from ..core.extras import require
    from ..core.metadata import load_metadata
    from . import artifacts
    from .frictionless_layer import start_frictionless
    from .memory_pool import use_lean_pool

    require("validate", "validate_package()")
    use_lean_pool()
    package_dir = Path(package_dir).resolve()
    report = Report(str(package_dir), layers=["frictionless", "pandera", "rules", "files"] if with_descriptor
                    else ["pandera", "rules", "files"])
    if not (package_dir / "datapackage.json").is_file() and not (package_dir / "schemas" / "package.json").is_file():
        # One cause, one finding: every layer would otherwise report the same absence in its own words.
        report.extend([Finding("files", "package", None, None, None, "descriptor-missing",
                               f"no data package here: {package_dir} has neither datapackage.json nor schemas/package.json; "
                               f"pass a package directory (a checkout, an unpacked release, a CSV export)")])
        return report
    frictionless_job = start_frictionless(package_dir) if with_descriptor else None
    try:
        try:
            meta = load_metadata(package_dir)
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            report.extend([Finding("files", "package", None, None, None, "schema-error", f"cannot read the schemas: {exc}")])
            meta = None
        lines: dict[str, list[int]] = {}
        if meta is not None:
            tables, lines, findings = read_tables(package_dir, meta)
            report.extend(findings)
            report.extend(check_tables(package_dir, meta, tables, lines))
            import pyarrow as pa

            pa.default_memory_pool().release_unused()  # the checks' frames are gone before Parquet is read
            if with_descriptor:
                descriptor, found = artifacts.load_descriptor(package_dir)
                report.extend(found)
                if descriptor is not None:
                    report.extend(artifacts.check_descriptor(package_dir, descriptor, meta))
                    resources = {r.get("name"): r for r in descriptor.get("resources", [])}
                    for name, table in tables.items():
                        if name in resources:
                            report.extend(artifacts.check_parquet_matches_csv(package_dir, name, resources[name], table,
                                                                              meta.table(name)))
            del tables
        if frictionless_job is not None:
            report.extend(frictionless_job.findings(lines))
            frictionless_job = None
    finally:
        if frictionless_job is not None:
            frictionless_job.cancel()
    return report
