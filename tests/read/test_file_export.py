"""export --format csv|parquet|xlsx|json: every export is read back with its target tool and compared."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import china_russia_diplomacy as crd
from china_russia_diplomacy.exports import file_export
from china_russia_diplomacy.cli import main
from china_russia_diplomacy.core.metadata import load_metadata


@pytest.fixture(scope="module")
def meta(repo):
    return load_metadata(repo)


def export(tmp_path: Path, repo: Path, fmt: str) -> Path:
    out = tmp_path / fmt
    assert main(["export", str(repo), "--format", fmt, "--output", str(out)]) == 0
    return out


def csv_rows(repo: Path, spec) -> list[dict[str, str]]:
    with open(repo / spec.csv_path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def as_csv_cell(value) -> str:
    """How the master CSV spells a typed value (the data contract), to compare exports independently."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime,)):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx", "json"])
def test_every_export_ships_the_codebook_naming_every_table(tmp_path, repo, meta, fmt):
    out = export(tmp_path, repo, fmt)
    codebook = (out / "codebook.md").read_text(encoding="utf-8")
    for spec in meta.tables:
        assert f"## {spec.name}" in codebook


def test_csv_export_is_the_master_copy_byte_for_byte(tmp_path, repo, meta):
    out = export(tmp_path, repo, "csv")
    for spec in meta.tables:
        assert (out / spec.csv_path).read_bytes() == (repo / spec.csv_path).read_bytes()
    for article in (repo / "sources").glob("*.txt"):
        assert (out / "sources" / article.name).read_bytes() == article.read_bytes()


def test_csv_export_is_a_data_package_with_the_same_schemas_and_its_own_hashes(tmp_path, repo):
    """Regression: export --format csv wrote no datapackage.json, so the export could be neither
    validated nor loaded back as a package."""
    out = export(tmp_path, repo, "csv")
    exported = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    original = crd.package(repo)
    assert [r["schema"] for r in exported["resources"]] == [r["schema"] for r in original["resources"]]
    assert {k: v for k, v in exported.items() if k != "resources"} == {k: v for k, v in original.items() if k != "resources"}
    assert not any("parquet" in r for r in exported["resources"]), "the export has no Parquet files to list"
    assert crd.verify(out) == []


def test_csv_export_loads_back_equal_to_the_installed_tables(tmp_path, repo):
    out = export(tmp_path, repo, "csv")
    for table in crd.tables(repo):
        assert crd.load(table, "arrow", package_dir=out).equals(crd.load(table, "arrow", package_dir=repo)), table


def test_csv_export_with_an_edited_cell_reports_it_when_loaded(tmp_path, repo):
    out = export(tmp_path, repo, "csv")
    events = out / "data" / "events.csv"
    text = events.read_text(encoding="utf-8")
    edited = text.replace(",1945-12-31,year,", ",1945-12-31,fortnight,", 1)  # evt-0001's date_precision
    assert edited != text
    events.write_text(edited, encoding="utf-8")
    with pytest.raises(ValueError, match="events: the CSV of .* does not read as its schema says"):
        crd.load("events", package_dir=out)
    assert crd.verify(out), "verify() must see the changed file"


def test_parquet_export_reads_back_equal_to_the_loaded_tables(tmp_path, repo, meta):
    out = export(tmp_path, repo, "parquet")
    for spec in meta.tables:
        assert pq.read_table(out / f"{spec.name}.parquet").equals(crd.load(spec.name, "arrow", package_dir=repo))


def test_json_export_has_one_array_per_table_matching_every_csv_cell(tmp_path, repo, meta):
    out = export(tmp_path, repo, "json")
    for spec in meta.tables:
        data = json.loads((out / f"{spec.name}.json").read_text(encoding="utf-8"))
        rows = csv_rows(repo, spec)
        assert isinstance(data, list) and len(data) == len(rows), spec.name
        for got, want in zip(data, rows):
            assert list(got) == spec.field_names
            assert {k: as_csv_cell(v) for k, v in got.items()} == want, spec.name
        for f in spec.fields:
            values = [r[f.name] for r in data if r[f.name] is not None]
            expected = {"integer": int, "boolean": bool, "string": str, "date": str, "number": (int, float)}[f.type]
            assert all(isinstance(v, expected) for v in values), f"{spec.name}.{f.name}"
            if f.type == "date":
                assert all(dt.date.fromisoformat(v) for v in values)


def test_xlsx_export_reads_back_in_pandas_equal_to_every_csv_cell(tmp_path, repo, meta):
    import pandas as pd

    out = export(tmp_path, repo, "xlsx")
    sheets = pd.read_excel(out / file_export.XLSX_NAME, sheet_name=None, dtype=object, keep_default_na=False,
                           na_values=[])
    assert list(sheets) == ["README"] + meta.table_names
    for spec in meta.tables:
        frame = sheets[spec.name]
        rows = csv_rows(repo, spec)
        assert list(frame.columns) == spec.field_names and len(frame) == len(rows), spec.name
        for got, want in zip(frame.to_dict("records"), rows):
            got = {k: "" if v == "" else as_csv_cell(v) for k, v in got.items()}
            assert got == want, spec.name
    readme = sheets["README"].to_string()
    assert crd.package(package_dir=repo)["version"] in readme


def test_xlsx_cells_are_typed_numbers_booleans_and_dates(tmp_path, repo):
    from openpyxl import load_workbook

    out = export(tmp_path, repo, "xlsx")
    ws = load_workbook(out / file_export.XLSX_NAME)["events"]
    header = [c.value for c in ws[1]]
    row = [c for c in ws[2]]
    assert row[header.index("num_sources")].data_type == "n"
    assert isinstance(row[header.index("evidence_start")].value, int)
    assert ws.freeze_panes == "A2"


def test_xlsx_never_writes_a_formula_even_for_text_that_looks_like_one(meta):
    """CSV/formula injection: '=HYPERLINK(...)', '+1', '@SUM(...)' must stay inert text."""
    from openpyxl import load_workbook

    spec = meta.table("sources")
    nasty = ['=HYPERLINK("http://example.com","x")', "+1+1", "-2", "@SUM(A1:A2)"]
    columns = {}
    for f in spec.fields:
        if f.name == "headline":
            columns[f.name] = pa.array(nasty, pa.string())
        else:
            columns[f.name] = pa.nulls(len(nasty), {"integer": pa.int64(), "date": pa.date32()}.get(f.type, pa.string()))
    tables = {s.name: pa.table({f.name: pa.array([], pa.string()) for f in s.fields}) for s in meta.tables}
    tables["sources"] = pa.table(columns)
    data = file_export.workbook_bytes(meta, tables)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert not any(b"<f>" in zf.read(n) or b"<f " in zf.read(n) for n in zf.namelist() if n.endswith(".xml"))
    ws = load_workbook(io.BytesIO(data))["sources"]
    col = [c.value for c in ws[1]].index("headline")
    cells = [ws.cell(row=r, column=col + 1) for r in range(2, 2 + len(nasty))]
    assert [c.value for c in cells] == nasty
    assert all(c.data_type == "s" for c in cells)


def test_export_into_an_existing_directory_replaces_only_its_own_files(tmp_path, repo):
    out = tmp_path / "json"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "events.json").write_text("stale")
    export(tmp_path, repo, "json")
    assert (out / "notes.txt").read_text() == "mine"
    assert json.loads((out / "events.json").read_text(encoding="utf-8"))
    assert not [p for p in out.iterdir() if p.name.startswith(".export-")]


# --- issue 23: the attribution CC-BY asks for, and the release date without a CHANGELOG -----------------------


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx", "json"])
def test_every_export_carries_the_data_licence_and_the_citation_file(tmp_path, repo, fmt):
    out = export(tmp_path, repo, fmt)
    assert (out / "LICENSE-DATA").read_bytes() == (repo / "LICENSE-DATA").read_bytes()
    assert (out / "CITATION.cff").read_bytes() == (repo / "CITATION.cff").read_bytes()


def _cite_cell(xlsx: Path) -> str:
    from openpyxl import load_workbook

    readme = load_workbook(xlsx)["README"]
    [cite] = [row[1].value for row in readme.iter_rows() if row[0].value == "cite as"]
    return cite


def _released_year(repo: Path) -> str:
    from china_russia_diplomacy.core.citation import installed_record

    date = installed_record(repo).get("date-released")
    if not date:
        pytest.skip("the current version is not released yet: its citation has no date")
    return str(date)[:4]


def test_xlsx_cites_the_release_date_of_a_package_without_changelog(tmp_path, repo):
    """The wheel ships no CHANGELOG.md: the workbook cited the released 1.2.1 as "(n.d.)"."""
    from package_edits import copy_readable_package

    year = _released_year(repo)
    pkg = copy_readable_package(repo, tmp_path / "pkg")
    assert not (pkg / "CHANGELOG.md").exists()
    out = export(tmp_path, pkg, "xlsx")
    cite = _cite_cell(out / file_export.XLSX_NAME)
    assert f"({year})" in cite and "n.d." not in cite, cite


@pytest.mark.slow
def test_xlsx_from_the_installed_wheel_cites_the_release_date(wheel, tmp_path, repo):
    import subprocess

    from wheel_env import outside_env, venv_with_wheel

    year = _released_year(repo)
    py = venv_with_wheel(wheel, tmp_path, extras="xlsx")
    cli = py.parent / "china-russia-diplomacy"
    run = subprocess.run([str(cli), "export", "--format", "xlsx", "--output", "out"], cwd=tmp_path,
                         capture_output=True, text=True, env=outside_env(), timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    cite = _cite_cell(tmp_path / "out" / file_export.XLSX_NAME)
    assert f"({year})" in cite and "n.d." not in cite, cite
    assert (tmp_path / "out" / "LICENSE-DATA").read_bytes() == (repo / "LICENSE-DATA").read_bytes()


def test_code_columns_that_look_numeric_are_found_from_the_schemas(meta):
    """cameo_code (pattern [0-9]{2,4}) admits "042": it must never be read or written as the number 42."""
    from china_russia_diplomacy.core.text_codes import text_code_fields

    found = text_code_fields(meta)
    assert "cameo_code" in found["events"]
    assert all(f.type == "string" for spec in meta.tables for f in spec.fields if f.name in found.get(spec.name, ()))
    assert "event_id" not in found["events"], "evt-0001 does not look like a number"


def test_xlsx_keeps_codes_with_a_leading_zero_as_text_cells_formatted_as_text(tmp_path, repo, meta):
    from openpyxl import load_workbook

    from china_russia_diplomacy.core.text_codes import text_code_fields

    out = export(tmp_path, repo, "xlsx")
    ws = load_workbook(out / file_export.XLSX_NAME)["events"]
    header = [c.value for c in ws[1]]
    rows = csv_rows(repo, meta.table("events"))
    for column in text_code_fields(meta)["events"]:
        col = header.index(column)
        cells = [ws.cell(row=r + 2, column=col + 1) for r, row in enumerate(rows) if row[column]]
        assert cells and all(c.data_type == "s" and c.number_format == "@" for c in cells), column
        assert [c.value for c in cells] == [row[column] for row in rows if row[column]], column
    assert any(row["cameo_code"].startswith("0") for row in rows), "no leading zero in the data: the test proves nothing"


def test_readme_tells_pandas_r_and_spreadsheet_users_to_read_every_code_column_as_text(repo, meta):
    from china_russia_diplomacy.core.text_codes import text_code_fields

    readme = (repo / "README.md").read_text(encoding="utf-8")
    advice = readme.split("- **Codes are text.**", 1)[1].split("\n- **", 1)[0]
    for column in [c for columns in text_code_fields(meta).values() for c in columns]:
        assert f'"{column}": str' in advice and f"`{column}`" in readme, column
    assert "col_character()" in advice and "Text" in advice
