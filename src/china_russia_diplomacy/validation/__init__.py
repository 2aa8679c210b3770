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
    from ..convert import to_arrow
    from ..csvfile import read_raw

    tables, lines, findings = {}, {}, []
    for spec in meta.tables:
        raw, found = read_raw(package_dir / spec.csv_path, spec)
        findings += found
        if raw is None:
            continue
        table, found = to_arrow(raw, spec)
        findings += found
        tables[spec.name], lines[spec.name] = table, raw.lines
    return tables, lines, findings


def read_checked_tables(package_dir: Path, meta):
    """:func:`read_tables` plus each table's pandera schema: what ``build`` needs before typing Parquet.

    A cell that types but breaks its schema (an empty required cell, a value outside an enum) cannot be
    stored in the Parquet twin (non-nullable columns, enum dictionaries), so build must refuse it with a
    finding here instead of crashing later with an Arrow error.
    """
    from ..frames import to_pandas
    from .date_range import guard_dates
    from .pandera_layer import validate_frame

    tables, lines, findings = read_tables(package_dir, meta)
    in_range, found = guard_dates(tables, lines)
    findings += found
    for name, table in in_range.items():
        findings += validate_frame(meta.table(name), to_pandas(table), lines[name])
    return tables, lines, findings


def validate_package(package_dir: str | Path, *, with_descriptor: bool = True) -> Report:
    """Validate everything in ``package_dir`` and return one :class:`Report`."""
    from ..frames import to_pandas
    from ..metadata import load_metadata
    from . import artifacts
    from .date_range import guard_dates
    from .frictionless_layer import validate_descriptor
    from .pandera_layer import validate_frame
    from .rules import Tables, run_rules

    package_dir = Path(package_dir).resolve()
    report = Report(str(package_dir), layers=["frictionless", "pandera", "rules", "files"] if with_descriptor
                    else ["pandera", "rules", "files"])
    try:
        meta = load_metadata(package_dir)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        report.extend([Finding("files", "package", None, None, None, "schema-error", f"cannot read the schemas: {exc}")])
        if with_descriptor:  # the frictionless layer needs only datapackage.json: still run it
            report.extend(validate_descriptor(package_dir, {}))
        return report
    tables, lines, findings = read_tables(package_dir, meta)
    report.extend(findings)
    in_range, findings = guard_dates(tables, lines)
    report.extend(findings)
    frames = {name: to_pandas(table) for name, table in in_range.items()}
    for name, frame in frames.items():
        report.extend(validate_frame(meta.table(name), frame, lines[name]))
    report.extend(run_rules(Tables(meta, frames, lines, package_dir)))
    if with_descriptor:
        report.extend(validate_descriptor(package_dir, lines))
        descriptor, found = artifacts.load_descriptor(package_dir)
        report.extend(found)
        if descriptor is not None:
            report.extend(artifacts.check_descriptor(package_dir, descriptor, meta))
            resources = {r.get("name"): r for r in descriptor.get("resources", [])}
            for name, table in tables.items():
                if name in resources:
                    report.extend(artifacts.check_parquet_matches_csv(package_dir, name, resources[name], table, meta.table(name)))
    return report
