"""Validation of a data package directory: two independent layers and one report.

Layer 1 is the real ``frictionless`` library run on ``datapackage.json``. Layer 2 reads the CSVs itself
(strict file checks), types them, runs pandera schemas derived from the same Table Schemas, and then
the cross-table and provenance rules; artifact checks compare files with their recorded hashes and
Parquet with CSV. Both layers always run, whatever the other finds.
"""

from __future__ import annotations

from pathlib import Path

from .report import Finding, Report, ValidationError

__all__ = ["Finding", "Report", "ValidationError", "validate_package", "read_tables"]


def read_tables(package_dir: Path, meta):
    """Strictly read and type every table's CSV: (arrow tables, CSV line numbers, findings). All tables at
    once: validation and build read them one at a time instead (:func:`.by_table.check_by_table`)."""
    from .by_table import read_table

    tables, lines, findings = {}, {}, []
    for spec in meta.tables:
        table, table_lines, found = read_table(package_dir, spec)
        findings += found
        if table is not None:
            tables[spec.name], lines[spec.name] = table, table_lines
    return tables, lines, findings


def check_inputs(package_dir: Path, meta):
    """What ``build`` validates, once, before computing anything: (tables, lines, findings) of the
    strict reader, pandera and every rule. The frictionless layer is left to ``validate``: it checks
    the previous build's descriptor, which an edit of the CSVs makes stale by design."""
    from .by_table import check_by_table
    from .memory_pool import use_lean_pool

    use_lean_pool()
    return check_by_table(package_dir, meta, keep_tables=True)


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
    from .memory_pool import use_system_pool

    require("validate", "validate_package()")
    use_system_pool()  # before anything below loads pyarrow: see the module

    from ..core.metadata import load_metadata
    from . import artifacts
    from .by_table import check_by_table
    from .frictionless_layer import start_frictionless
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
            resources = None
            if with_descriptor:
                descriptor, found = artifacts.load_descriptor(package_dir)
                report.extend(found)
                if descriptor is not None:
                    report.extend(artifacts.check_descriptor(package_dir, descriptor, meta))
                    resources = {r.get("name"): r for r in descriptor.get("resources", [])}

            def parquet_twin(name: str, table) -> list[Finding]:
                """The table's Parquet twin against it, while the table is still in memory."""
                if resources is None or name not in resources:
                    return []
                return artifacts.check_parquet_matches_csv(package_dir, name, resources[name], table, meta.table(name))

            _, lines, findings = check_by_table(package_dir, meta, after_table=parquet_twin)
            report.extend(findings)
        if frictionless_job is not None:
            report.extend(frictionless_job.findings(lines))
            frictionless_job = None
    finally:
        if frictionless_job is not None:
            frictionless_job.cancel()
    return report
