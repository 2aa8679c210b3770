"""The exports' cell typing in memory: which columns are codes kept as text (core/text_codes.py), and the
xlsx workbook's cells, formats, filter and widths (exports/file_export.py), both sides of each (issue 29).

``test_file_export.py`` exports the real package through the CLI and reads it back; here the workbook
is made from a few hand-written rows with ``workbook_bytes`` and opened with openpyxl, so each cell's
type and format is asserted exactly and ``scripts/mutation.py`` judges these modules in seconds.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pyarrow as pa
import pytest
from openpyxl import load_workbook

from china_russia_diplomacy.core.convert import arrow_type
from china_russia_diplomacy.core.metadata import FieldSpec, load_metadata
from china_russia_diplomacy.core.text_codes import is_text_code, text_code_fields
from china_russia_diplomacy.exports import file_export

REPO = Path(__file__).resolve().parents[2]
META = load_metadata(REPO)


# --- which string columns hold codes a spreadsheet would turn into numbers -------------------------

@pytest.mark.parametrize("pattern", ["[0-9]{2,4}", "0[0-9]", "[0-9]{9}", "[0-9]+", "[01]+", "[0-9]{4}(/[0-9]{4})?"])
def test_a_pattern_admitting_digits_with_a_leading_zero_is_a_text_code(pattern):
    assert is_text_code(FieldSpec({"name": "c", "type": "string", "constraints": {"pattern": pattern}})) is True


@pytest.mark.parametrize("descriptor", [
    {"name": "c", "type": "string", "constraints": {"pattern": "[0-9]"}},          # one digit: "0" reads back as "0"
    {"name": "c", "type": "string", "constraints": {"pattern": "[1-9][0-9]*"}},    # no leading zero possible
    {"name": "c", "type": "string", "constraints": {"pattern": "evt-[0-9]{4,}"}},
    {"name": "c", "type": "string", "constraints": {"pattern": "[0-9"}},           # not a regular expression
    {"name": "c", "type": "string", "constraints": {"pattern": ""}},
    {"name": "c", "type": "string"},
    {"name": "c", "type": "integer", "constraints": {"pattern": "[0-9]{2,4}"}},
], ids=["one-digit", "no-leading-zero", "prefixed", "bad-regex", "empty-pattern", "no-pattern", "integer"])
def test_other_columns_are_no_text_code(descriptor):
    assert is_text_code(FieldSpec(descriptor)) is False


def test_the_packages_text_codes_are_found_from_its_schemas_table_by_table():
    assert text_code_fields(META) == {"events": ["date_edtf", "cameo_code"]}


# --- the workbook ----------------------------------------------------------------------------------

def _table(spec, rows: list[dict]) -> pa.Table:
    return pa.table({f.name: pa.array([r.get(f.name) for r in rows], arrow_type(f)) for f in spec.fields})


def _workbook(tables: dict[str, pa.Table], released: str | None = None):
    full = {s.name: tables.get(s.name, _table(s, [])) for s in META.tables}
    return load_workbook(io.BytesIO(file_export.workbook_bytes(META, full, released)))


EVENTS = META.table("events")
ROWS = [
    {"event_id": "evt-0001", "title": "=1+1", "cameo_code": "042", "date_edtf": "2025", "date_start": dt.date(2025, 5, 9),
     "num_sources": 3, "evidence_start": 0, "notes": "x" * 100},
    {"event_id": "evt-0002", "title": "+SUM(A1)", "date_start": None, "num_sources": 1},
]


def test_table_sheets_type_each_cell_and_keep_codes_and_formulas_as_text():
    ws = _workbook({"events": _table(EVENTS, ROWS)})["events"]
    header = [c.value for c in ws[1]]
    assert header == EVENTS.field_names and all(c.font.b for c in ws[1]) and all(c.data_type == "s" for c in ws[1])

    def cell(r, name):
        return ws.cell(row=r, column=header.index(name) + 1)

    code, edtf, title = cell(2, "cameo_code"), cell(2, "date_edtf"), cell(2, "title")
    assert (code.value, code.data_type, code.number_format) == ("042", "s", "@")
    assert (edtf.value, edtf.data_type, edtf.number_format) == ("2025", "s", "@")
    assert (title.value, title.data_type, title.number_format) == ("=1+1", "s", "General")  # text, not a code
    assert (cell(3, "title").value, cell(3, "title").data_type) == ("+SUM(A1)", "s")
    day = cell(2, "date_start")
    assert day.value == dt.datetime(2025, 5, 9) and day.number_format == "yyyy-mm-dd"
    assert (cell(2, "num_sources").value, cell(2, "num_sources").data_type, cell(2, "num_sources").number_format) == (3, "n", "General")
    assert cell(2, "evidence_start").value == 0  # a zero is a value, not an empty cell
    assert cell(3, "date_start").value is None and cell(3, "cameo_code").value is None
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:Y{len(ROWS) + 1}"


def test_a_boolean_is_a_boolean_cell():
    spec = META.table("quotes")
    ws = _workbook({"quotes": _table(spec, [{"quote_id": "quo-0001", "is_translation": True},
                                            {"quote_id": "quo-0002", "is_translation": False}])})["quotes"]
    col = [c.value for c in ws[1]].index("is_translation") + 1
    assert [(ws.cell(row=r, column=col).value, ws.cell(row=r, column=col).data_type) for r in (2, 3)] == [(True, "b"), (False, "b")]


def test_an_empty_table_has_its_header_filtered_and_frozen():
    ws = _workbook({})["agreements"]
    assert [c.value for c in ws[1]] == META.table("agreements").field_names and ws.max_row == 1
    assert ws.auto_filter.ref == "A1:R1" and ws.freeze_panes == "A2"


def test_column_widths_follow_the_longest_of_the_first_200_values_between_6_and_60():
    rows = [{"event_id": f"evt-{i:04d}", "title": "t" * 10} for i in range(200)]
    rows += [{"event_id": "evt-" + "9" * 40, "title": "t" * 30}]  # the 201st row is not measured
    rows[199]["date_text"] = "d" * 20
    ws = _workbook({"events": _table(EVENTS, rows)})["events"]
    width = {name: ws.column_dimensions[chr(ord("A") + i)].width for i, name in enumerate(EVENTS.field_names[:25])}
    assert width["event_id"] == len("event_id") + 2     # the header is longer than evt-NNNN
    assert width["title"] == 12 and width["date_text"] == 22
    assert width["status"] == 8                         # no value and a six-letter header: the minimum 6, + 2
    assert width["notes"] == 8                          # five letters: the minimum 6, + 2
    long = _workbook({"events": _table(EVENTS, ROWS)})["events"]
    assert long.column_dimensions["Y"].width == 60      # 100 characters of notes: capped at 60


def test_the_readme_sheet_carries_the_codebook_as_text_with_a_bold_title_and_header():
    wb = _workbook({}, released="2026-01-02")
    assert wb.sheetnames == ["README", *META.table_names]
    ws = wb["README"]
    assert ws["A1"].value == META.package.get("title", META.name) and ws["A1"].font.b and ws["A1"].font.sz == 13
    assert [c.value for c in ws[8]] == ["table", "column", "type", "required", "description", "allowed values (meaning)"]
    assert all(ws.cell(row=8, column=c).font.b for c in range(1, 7)) and not ws.cell(row=9, column=1).font.b
    assert [ws.column_dimensions[c].width for c in "ABCDEF"] == [20, 22, 10, 9, 90, 60]
    assert (ws["A2"].value, ws["B2"].value) == ("version", META.version)
    assert ws["A4"].value == "cite as" and "(2026)" in ws["B4"].value  # the release year given
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=9)]
    status = next(r for r in rows if r[:2] == ["events", "status"])
    field = EVENTS.field("status")
    assert status[2:4] == ["string", "yes" if field.required else None]
    assert status[5] == "; ".join(f"{v}: {field.enum_descriptions[v]}" if v in field.enum_descriptions else v
                                  for v in field.enum)
    assert next(r for r in rows if r[:2] == ["events", "notes"])[3] is None  # not required: left empty
    assert all(c.data_type == "s" for r in ws.iter_rows() for c in r if c.value is not None)


def test_an_enum_value_without_a_description_is_listed_alone():
    rows = file_export._readme_rows(_meta_with_enum(["a", "b"], {"a": "the first"}))
    assert ["t", "c", "string", "", "", "a: the first; b"] in rows


def _meta_with_enum(enum, descriptions):
    from china_russia_diplomacy.core.metadata import Metadata, TableSpec

    field = {"name": "c", "type": "string", "constraints": {"enum": enum}, "enumDescriptions": descriptions}
    spec = TableSpec("t", "T", "d", {"fields": [field]}, (FieldSpec(field),))
    return Metadata(META.package, (spec,))


@pytest.mark.parametrize("name, is_file, is_dir, expected", [
    ("book.xlsx", False, False, True), ("BOOK.XLSX", False, False, True), ("out", False, False, False),
    ("out.xlsx", False, True, False), ("existing", True, False, True), ("book.xls", False, False, False),
])
def test_output_names_a_workbook_by_its_suffix_or_as_an_existing_file(tmp_path, name, is_file, is_dir, expected):
    path = tmp_path / name
    if is_file:
        path.write_bytes(b"")
    if is_dir:
        path.mkdir()
    assert file_export.names_a_workbook(path) is expected


def test_json_records_give_iso_dates_and_nulls():
    table = pa.table({"d": pa.array([dt.date(2025, 1, 2), None], pa.date32()), "n": pa.array([1, None], pa.int64())})
    assert file_export.records(table) == [{"d": "2025-01-02", "n": 1}, {"d": None, "n": None}]
    assert file_export._json_value(dt.datetime(2025, 1, 2, 3, 4)) == "2025-01-02T03:04:00"


def test_the_workbook_carries_a_fixed_date_not_the_clock(monkeypatch):
    """Two exports of one version are the same bytes: openpyxl's save stamped ``modified`` and every zip
    entry with the time of saving (the clock is moved a day between the two here)."""
    import time
    import zipfile

    full = {s.name: _table(s, []) for s in META.tables}
    first = file_export.workbook_bytes(META, full)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 86400 + 7)
    monkeypatch.setattr(time, "localtime", lambda t=None: time.gmtime(now + 86400 + 7))
    assert file_export.workbook_bytes(META, full) == first
    wb = load_workbook(io.BytesIO(first))
    assert wb.properties.created == wb.properties.modified == dt.datetime(2000, 1, 1)
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert zf.testzip() is None


def test_a_release_date_comes_from_the_citation_record_only_for_its_own_version(tmp_path):
    from china_russia_diplomacy.core.citation import installed_record
    from china_russia_diplomacy.core.registry import read_registry

    record = installed_record(REPO)
    registry = read_registry(REPO)
    other = next(r for r in registry.releases if r.version != record.get("version"))
    assert file_export._release_date(REPO, other.version) == other.date
    # a folder whose CITATION.cff dates its own version: that date for it, the registry's for another
    import shutil

    shutil.copy(REPO / "releases.json", tmp_path / "releases.json")
    (tmp_path / "CITATION.cff").write_text("cff-version: 1.2.0\nversion: 9.9.9\ndate-released: 2030-01-02\n",
                                           encoding="utf-8")
    assert file_export._release_date(tmp_path, "9.9.9") == "2030-01-02"
    assert file_export._release_date(tmp_path, other.version) == other.date


def test_the_json_export_keeps_non_ascii_text_and_indents_by_one(tmp_path):
    file_export.write_json(REPO, tmp_path / "json")
    text = (tmp_path / "json" / "events.json").read_text(encoding="utf-8")
    assert text.startswith('[\n {\n  "event_id": "evt-0001",\n') and text.endswith("\n }\n]\n")
    assert "’" in text and "\\u2019" not in text  # the Soviet Union’s: UTF-8, not escapes


def test_the_csv_export_copies_only_the_articles_that_exist_inside_sources(tmp_path, monkeypatch):
    meta, tables = file_export._package(REPO)
    names = tables["sources"].column("file_name").to_pylist()
    edited = ["missing.txt", "../LICENSE-DATA", *names[2:]]
    tables["sources"] = tables["sources"].set_column(
        tables["sources"].schema.get_field_index("file_name"), "file_name", pa.array(edited, pa.string()))
    monkeypatch.setattr(file_export, "_package", lambda _dir: (meta, tables))
    file_export.write_csv(REPO, tmp_path / "csv")
    copied = sorted(p.name for p in (tmp_path / "csv" / "sources").iterdir())
    assert copied == sorted(names[2:]) and not (tmp_path / "LICENSE-DATA").exists()
