"""``export --format csv|parquet|xlsx|json --output DIR``: one file per table, with the codebook alongside.

Each writer fills a directory with one file per table (named after the table), ``codebook.md``
(rendered from the exported package's own schemas and tables, so it matches the files next to it even
for an installed wheel, which ships no ``docs/``), and the attribution CC-BY-4.0 asks for,
``LICENSE-DATA`` and ``CITATION.cff``:

- ``csv``: a data package of its own: the shipped CSVs byte for byte under ``data/`` (the master
  copy: UTF-8, LF, RFC 4180, empty = not stated), the archived articles under ``sources/`` (every
  row's evidence points into them) and a ``datapackage.json`` with the same schemas and the files'
  own bytes and hashes, so that ``validate`` checks the export and ``load(package_dir=...)`` reads it
  back. It leaves out the Parquet twins: a reader of the CSV export wants the CSVs.
- ``parquet``: the shipped typed Parquet twins byte for byte.
- ``xlsx``: one workbook, ``china-russia-diplomacy.xlsx``, with a ``README`` sheet (title, version,
  license, how to cite, then the codebook: every column of every table with its type and meaning) and
  one sheet per table with typed cells (numbers, true/false, dates as real dates). Every text cell is
  written as a string, never a formula: a cell beginning with ``=``, ``+``, ``-`` or ``@`` stays text
  (no CSV/formula injection), and the header row is frozen with a filter.
- ``json``: one ``<table>.json`` per table, a JSON array of objects (one per row, keys in schema
  order), ISO 8601 date strings, ``null`` for an empty cell, numbers and booleans typed. An array per
  file rather than JSON Lines because the tables are small and the tools journalists and web
  developers use (``fetch().json()``, jq, spreadsheets' JSON import) read an array directly.

``xlsx`` given ``-o NAME.xlsx`` (or an existing workbook) writes that one file instead of a folder.

Writers read the built package (Parquet and schemas) and write through :mod:`.target`: staged beside
the output and moved into place at the end, never into a package the export did not write, so an
interrupted or refused export leaves no half-written file.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Callable

XLSX_NAME = "china-russia-diplomacy.xlsx"
CODEBOOK_NAME = "codebook.md"


def _package(package_dir: Path):
    """Metadata and typed Arrow tables of the package to export (wheel or source tree)."""
    import pyarrow.parquet as pq

    from ..core.metadata import load_metadata

    meta = load_metadata(package_dir)
    tables = {spec.name: pq.read_table(package_dir / spec.parquet_path) for spec in meta.tables}
    return meta, tables


def _codebook(meta, tables) -> bytes:
    from ..read import codebook

    return codebook.render(meta, tables).encode("utf-8")


ATTRIBUTION = ("LICENSE-DATA", "CITATION.cff")


def _attribution(package_dir: Path) -> dict[str, bytes]:
    """The data licence and the citation file, which CC-BY-4.0 asks every copy to carry (issue 23): the
    package's own files (a checkout and the wheel ship both); a CITATION.cff is rebuilt from the
    package's citation record when a folder has none."""
    from ..core.citation import cff_text, installed_record

    files = {name: (package_dir / name).read_bytes() for name in ATTRIBUTION if (package_dir / name).is_file()}
    if "CITATION.cff" not in files:
        files["CITATION.cff"] = cff_text(installed_record(package_dir)).encode("utf-8")
    return files


def _release_date(package_dir: Path, version: str) -> str | None:
    """The date the citation record gives the version (CITATION.cff, shipped in the wheel), else the
    registry's, else the CHANGELOG's: never "n.d." for a released version just because the wheel has
    no CHANGELOG.md (issue 23)."""
    from ..core.citation import installed_record, release_date
    from ..core.registry import read_registry

    record = installed_record(package_dir)
    if record.get("version") == version and record.get("date-released"):
        return str(record["date-released"])
    registered = read_registry(package_dir).get(version)
    return registered.date if registered is not None else release_date(package_dir, version)


def _write_dir(output: Path, files: dict[str, bytes], fmt: str) -> list[Path]:
    """Write ``files`` (name -> bytes) into folder ``output``, staged beside it (see :mod:`.target`)."""
    from .target import write_folder

    return write_folder(Path(output), files, fmt)


DESCRIPTOR = "datapackage.json"


def _descriptor_without_twins(package_dir: Path, files: dict[str, bytes]) -> bytes:
    """The package's ``datapackage.json`` for a CSV-only copy: the same metadata and schemas, each
    resource's bytes and SHA-256 computed from the bytes written, and no Parquet entries (the export
    has no Parquet files, and a descriptor must not list files that are not there)."""
    import hashlib

    descriptor = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    for res in descriptor.get("resources", []):
        res.pop("parquet", None)
        data = files[res["path"]]
        res["bytes"] = len(data)
        res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_csv(package_dir: Path, output: Path) -> list[Path]:
    from ..core.locate import safe_relative

    meta, tables = _package(package_dir)
    files = {s.csv_path: (package_dir / s.csv_path).read_bytes() for s in meta.tables}
    # The articles the evidence offsets point into: without them the export cannot be checked.
    for name in tables["sources"].column("file_name").to_pylist():
        rel = f"sources/{name}"
        if safe_relative(rel) and (package_dir / rel).is_file():
            files[rel] = (package_dir / rel).read_bytes()
    files[DESCRIPTOR] = _descriptor_without_twins(package_dir, files)
    files[CODEBOOK_NAME] = _codebook(meta, tables)
    files.update(_attribution(package_dir))
    return _write_dir(output, files, "csv")


def write_parquet(package_dir: Path, output: Path) -> list[Path]:
    meta, tables = _package(package_dir)
    files = {f"{s.name}.parquet": (package_dir / s.parquet_path).read_bytes() for s in meta.tables}
    files[CODEBOOK_NAME] = _codebook(meta, tables)
    files.update(_attribution(package_dir))
    return _write_dir(output, files, "parquet")


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def records(table) -> list[dict[str, Any]]:
    """Rows of an Arrow table as plain JSON values: ISO dates, None for empty cells."""
    return [{k: _json_value(v) for k, v in row.items()} for row in table.to_pylist()]


def write_json(package_dir: Path, output: Path) -> list[Path]:
    meta, tables = _package(package_dir)
    files = {}
    for spec in meta.tables:
        text = json.dumps(records(tables[spec.name]), ensure_ascii=False, indent=1)
        files[f"{spec.name}.json"] = (text + "\n").encode("utf-8")
    files[CODEBOOK_NAME] = _codebook(meta, tables)
    files.update(_attribution(package_dir))
    return _write_dir(output, files, "json")


def _text_cell(ws, row: int, col: int, value: str):
    """A string cell that Excel shows as text even when it looks like a formula (``=1+1``, ``@SUM``)."""
    cell = ws.cell(row=row, column=col)
    cell.value = value
    cell.data_type = "s"  # openpyxl infers "f" (formula) for a leading "="; force a string
    return cell


def _readme_rows(meta, released: str | None = None) -> list[list[Any]]:
    from ..core import citation

    pkg = meta.package
    licenses = ", ".join(lic.get("name", "") for lic in pkg.get("licenses", []))
    try:
        cite = citation.apa_text(citation.citation_record(meta, released))
    except (KeyError, ValueError):
        cite = f"{pkg.get('title', meta.name)}, version {meta.version}"
    rows: list[list[Any]] = [
        [pkg.get("title", meta.name)],
        ["version", meta.version],
        ["license (data)", licenses],
        ["cite as", cite],
        ["description", pkg.get("description", "")],
        ["missing values", "An empty cell means the sources do not say (or the field does not apply); never zero or false."],
        [],
        ["table", "column", "type", "required", "description", "allowed values (meaning)"],
    ]
    for spec in meta.tables:
        rows.append([spec.name, "", "", "", f"{spec.title}. {spec.description}", ""])
        for f in spec.fields:
            allowed = ""
            if f.enum:
                allowed = "; ".join(f"{v}: {f.enum_descriptions[v]}" if v in f.enum_descriptions else v for v in f.enum)
            rows.append([spec.name, f.name, f.type, "yes" if f.required else "", f.description, allowed])
    return rows


def workbook_bytes(meta, tables, released: str | None = None) -> bytes:
    """The xlsx workbook: a README/codebook sheet, then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    fixed = dt.datetime(2000, 1, 1)
    wb.properties.creator = meta.name
    wb.properties.created = wb.properties.modified = fixed  # no clock in the file
    readme = wb.active
    readme.title = "README"
    for r, values in enumerate(_readme_rows(meta, released), start=1):
        for c, v in enumerate(values, start=1):
            _text_cell(readme, r, c, str(v))
    readme["A1"].font = Font(bold=True, size=13)
    header_row = 8
    for c in range(1, 7):
        readme.cell(row=header_row, column=c).font = Font(bold=True)
    for col, width in zip("ABCDEF", (20, 22, 10, 9, 90, 60)):
        readme.column_dimensions[col].width = width

    from ..core.text_codes import text_code_fields

    text_codes = text_code_fields(meta)  # cameo_code "042": a text cell with the Text format, never 42
    for spec in meta.tables:
        ws = wb.create_sheet(spec.name[:31])
        table = tables[spec.name]
        as_text = set(text_codes.get(spec.name, ()))
        for c, name in enumerate(spec.field_names, start=1):
            _text_cell(ws, 1, c, name).font = Font(bold=True)
        for r, row in enumerate(table.to_pylist(), start=2):
            for c, f in enumerate(spec.fields, start=1):
                v = row[f.name]
                if v is None:
                    continue
                if isinstance(v, str):
                    cell = _text_cell(ws, r, c, v)
                    if f.name in as_text:
                        cell.number_format = "@"  # stays text when a user edits or re-types it
                else:
                    cell = ws.cell(row=r, column=c, value=v)
                    if isinstance(v, dt.date):
                        cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(spec.fields))}{max(table.num_rows + 1, 1)}"
        for c, f in enumerate(spec.fields, start=1):
            longest = max([len(f.name)] + [len(str(v)) for v in table.column(f.name).to_pylist()[:200] if v is not None])
            ws.column_dimensions[get_column_letter(c)].width = min(max(longest, 6) + 2, 60)
    return _saved(wb)


def _saved(wb) -> bytes:
    """The workbook's bytes with no clock in them: openpyxl's ``Workbook.save`` stamps the document's
    ``modified`` with the time of saving and every zip entry with the local time (the worksheets with
    their temporary files' times), so two exports of one version differed. Here openpyxl's own writer fills an archive whose entries carry a fixed date, and
    ``modified`` stays the fixed date set above."""
    import io
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    class _FixedDateZip(zipfile.ZipFile):
        def writestr(self, name, data, *args, **kwargs):
            if isinstance(name, str):
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
                name = info
            return super().writestr(name, data, *args, **kwargs)

        def write(self, filename, arcname=None, *args, **kwargs):  # the worksheets: temporary files
            self.writestr(arcname or Path(filename).name, Path(filename).read_bytes())

    buf = io.BytesIO()
    ExcelWriter(wb, _FixedDateZip(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return buf.getvalue()


def write_xlsx(package_dir: Path, output: Path) -> list[Path]:
    from ..core.extras import require

    require("xlsx", "export --format xlsx")  # MissingExtra: the pip line, not a ModuleNotFoundError
    meta, tables = _package(package_dir)
    released = _release_date(package_dir, meta.version)  # cite with the release year, as CITATION.cff does
    workbook = workbook_bytes(meta, tables, released)
    if names_a_workbook(output):  # -o x.xlsx: that file (its README sheet carries the codebook)
        from .target import write_file

        return [write_file(Path(output), workbook, "xlsx")]
    return _write_dir(output, {XLSX_NAME: workbook, CODEBOOK_NAME: _codebook(meta, tables),
                               **_attribution(package_dir)}, "xlsx")


def names_a_workbook(output: Path) -> bool:
    """``-o`` names the workbook file itself (``x.xlsx``, or an existing file), not a folder for it."""
    output = Path(output)
    return output.suffix.lower() == ".xlsx" and not output.is_dir() or output.is_file()


WRITERS: dict[str, Callable[[Path, Path], list[Path]]] = {
    "csv": write_csv,
    "parquet": write_parquet,
    "xlsx": write_xlsx,
    "json": write_json,
}
