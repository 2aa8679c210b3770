"""Cell-level defects: one bad cell, reported with its table, CSV line, column and rule; build refuses it."""

from __future__ import annotations

import datetime as dt

import pytest

from .inject import CsvTable, assert_caught

defect = pytest.mark.defect


def _break(pkg, table: str, column: str, value: str, pick: str | None = None):
    """Set ``column`` of the first row whose ``pick`` column is filled (default: ``column``) to ``value``."""
    t = CsvTable.open(pkg, table)
    i = t.filled(pick or column)
    t.set(i, column, value)
    t.save()
    return t, i


@defect("cell: wrong type")
def test_text_in_integer_column_is_reported_as_type_error(pkg):
    t, i = _break(pkg, "events", "num_sources", "two")
    f = assert_caught(pkg, "events", "type-integer", t.line(i), "num_sources", build=True)
    assert f.value == "two"


@defect("cell: not a boolean")
def test_yes_in_boolean_column_is_reported(pkg):
    t, i = _break(pkg, "event_mentions", "is_primary", "yes")
    assert_caught(pkg, "event_mentions", "type-boolean", t.line(i), "is_primary", build=True)


@defect("cell: empty required cell")
def test_empty_required_title_is_reported(pkg):
    t, i = _break(pkg, "events", "title", "")
    assert_caught(pkg, "events", "required", t.line(i), "title", build=True)


@defect("cell: empty required cell")
def test_empty_required_source_id_is_reported(pkg):
    t, i = _break(pkg, "participants", "source_id", "")
    assert_caught(pkg, "participants", "required", t.line(i), "source_id", build=True)


@defect("cell: value outside an enum")
def test_unknown_event_type_is_reported(pkg):
    t, i = _break(pkg, "events", "event_type", "meeting")
    f = assert_caught(pkg, "events", "enum", t.line(i), "event_type", build=True)
    assert f.value == "meeting"


@defect("cell: value outside an enum")
def test_enum_value_in_wrong_case_is_reported(pkg):
    t, i = _break(pkg, "quotes", "quote_type", "Direct")
    assert_caught(pkg, "quotes", "enum", t.line(i), "quote_type", build=True)


@defect("cell: pattern mismatch")
def test_country_name_instead_of_iso_code_is_reported(pkg):
    t, i = _break(pkg, "events", "location_country", "Russia")
    assert_caught(pkg, "events", "pattern", t.line(i), "location_country", build=True)


@defect("cell: pattern mismatch")
def test_malformed_id_is_reported(pkg):
    t, i = _break(pkg, "participants", "participant_id", "par-12")
    assert_caught(pkg, "participants", "pattern", t.line(i), "participant_id", build=True)


@defect("cell: out-of-range number")
def test_num_sources_below_minimum_is_reported(pkg):
    t, i = _break(pkg, "events", "num_sources", "0")
    assert_caught(pkg, "events", "minimum", t.line(i), "num_sources", build=True)


@defect("cell: out-of-range number")
def test_negative_offset_is_reported(pkg):
    t, i = _break(pkg, "participants", "evidence_start", "-1")
    assert_caught(pkg, "participants", "minimum", t.line(i), "evidence_start", build=True)


@defect("cell: text too short")
def test_two_letter_title_is_reported(pkg):
    t, i = _break(pkg, "events", "title", "ab")
    assert_caught(pkg, "events", "minLength", t.line(i), "title", build=True)


@defect("cell: impossible date")
def test_february_30_is_reported(pkg):
    t, i = _break(pkg, "events", "date_start", "2025-02-30")
    f = assert_caught(pkg, "events", "type-date", t.line(i), "date_start", build=True)
    assert "no such calendar day" in f.message


@defect("cell: malformed date")
def test_date_with_slashes_is_reported(pkg):
    t, i = _break(pkg, "events", "date_end", "2025/05/09")
    assert_caught(pkg, "events", "type-date", t.line(i), "date_end", build=True)


@defect("cell: date bounds reversed")
def test_start_after_end_is_reported(pkg):
    t = CsvTable.open(pkg, "events")
    i = t.filled("date_end")
    later = dt.date.fromisoformat(t.get(i, "date_end")) + dt.timedelta(days=3)
    t.set(i, "date_start", later.isoformat())
    t.save()
    assert_caught(pkg, "events", "date-order", t.line(i), "date_start")


@defect("cell: date bound missing")
def test_end_without_start_is_reported(pkg):
    t, i = _break(pkg, "events", "date_start", "")
    assert_caught(pkg, "events", "date-bounds-pair", t.line(i), "date_start")


@defect("cell: precision inconsistent with bounds")
def test_precision_contradicting_bounds_is_reported(pkg):
    t = CsvTable.open(pkg, "events")
    i = t.filled("date_precision")
    t.set(i, "date_precision", "year" if t.get(i, "date_precision") == "day" else "day")
    t.save()
    assert_caught(pkg, "events", "date-precision", t.line(i), "date_precision")


@defect("cell: bad EDTF")
def test_unparsable_edtf_is_reported(pkg):
    t, i = _break(pkg, "events", "date_edtf", "2025-13-45")
    assert_caught(pkg, "events", "edtf", t.line(i), "date_edtf")


@defect("cell: bad EDTF")
def test_edtf_with_letters_is_reported(pkg):
    t, i = _break(pkg, "events", "date_edtf", "May 2025")
    assert_caught(pkg, "events", "pattern", t.line(i), "date_edtf", build=True)


@defect("cell: EDTF disagrees with bounds")
def test_edtf_for_other_dates_is_reported(pkg):
    t, i = _break(pkg, "events", "date_edtf", "1999-01-01")
    assert_caught(pkg, "events", "edtf", t.line(i), "date_edtf")
