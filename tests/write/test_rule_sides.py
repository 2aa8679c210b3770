"""Each side of each two-sided rule, alone (issue 29).

A rule that compares two bounds (a start and an end, a date and an interval, an offset and a length)
can lose half its comparison unnoticed when its tests break both sides at once, or only one. Here the
real package's typed tables are read once; each test changes exactly one cell so that exactly one side
of one comparison fails (or sits exactly on its boundary, which must pass), runs that one rule and
asserts the exact findings: rule, table, CSV line and column, nothing else. Being in memory, the file
runs in seconds, so ``scripts/mutation.py`` uses it to judge mutants of ``validation/rules/``; the
fault-injection suite (``tests/write/faults/``) checks the same classes end to end through ``validate``.
"""

from __future__ import annotations

import datetime as dt
import importlib

import pandas as pd
import pytest

from china_russia_diplomacy.validation.rules import Tables
from china_russia_diplomacy.validation.rules.dates import _date_findings, _precision_ok, event_dates
from china_russia_diplomacy.validation.rules.provenance import archived_texts, event_mentions, evidence
from rule_tables import day, line, row, set_cell, where

# the package re-exports the function chronology() under the module's name
chrono = importlib.import_module("china_russia_diplomacy.validation.rules.chronology")


# --- the package as committed passes every rule exercised here ------------------------------------------

def test_the_committed_package_passes_every_rule_tested_here(t):
    texts, found = archived_texts(t)
    assert found == [] and len(texts) == len(t.frames["sources"])
    assert list(evidence(t, texts)) == [] and list(event_dates(t)) == [] and list(event_mentions(t)) == []
    assert chrono.chronology(t) == []


# --- event dates: order, pair, precision, EDTF -------------------------------------------------------------

D = dt.date


def test_bounds_equal_is_one_day_not_a_reversed_range():
    assert list(_date_findings(D(2025, 5, 9), D(2025, 5, 9), "day", "2025-05-09", "explicit")) == []


def test_start_one_day_after_end_is_reversed_and_nothing_else_is_reported():
    found = list(_date_findings(D(2025, 5, 10), D(2025, 5, 9), "day", "2025-05-09", "explicit"))
    assert [(c, r) for c, _v, r, _m in found] == [("date_start", "date-order")]


@pytest.mark.parametrize("start, end, column", [(None, D(2025, 5, 9), "date_start"), (D(2025, 5, 9), None, "date_end")])
def test_each_missing_bound_alone_is_named(start, end, column):
    found = list(_date_findings(start, end, "day", "2025-05-09", "explicit"))
    assert [(c, r) for c, _v, r, _m in found] == [(column, "date-bounds-pair")]


def test_undated_event_with_a_precision_or_edtf_or_basis_is_reported_per_column():
    assert list(_date_findings(None, None, None, None, "undated")) == []
    assert list(_date_findings(None, None, None, None, None)) == []
    found = [(c, r) for c, _v, r, _m in _date_findings(None, None, "day", None, "undated")]
    assert found == [("date_precision", "date-undated")]
    found = [(c, r) for c, _v, r, _m in _date_findings(None, None, None, "2025", "undated")]
    assert found == [("date_edtf", "date-undated")]
    found = [(c, r) for c, _v, r, _m in _date_findings(None, None, None, None, "explicit")]
    assert found == [("date_basis", "date-undated")]
    found = [(c, r) for c, _v, r, _m in _date_findings(D(2025, 5, 9), D(2025, 5, 9), "day", "2025-05-09", "undated")]
    assert found == [("date_basis", "date-undated")]


def test_missing_precision_and_missing_edtf_are_each_reported():
    found = [(c, r) for c, _v, r, _m in _date_findings(D(2025, 5, 9), D(2025, 5, 9), None, "2025-05-09", "explicit")]
    assert found == [("date_precision", "date-precision")]
    found = [(c, r) for c, _v, r, _m in _date_findings(D(2025, 5, 9), D(2025, 5, 9), "day", None, "explicit")]
    assert found == [("date_edtf", "edtf")]


@pytest.mark.parametrize("edtf", ["2025-05-08", "2025-05-10", "2025-05-08/2025-05-09", "2025-05-09/2025-05-10"])
def test_edtf_that_differs_in_its_lower_or_its_upper_bound_alone_is_reported(edtf):
    start, end = D(2025, 5, 9), D(2025, 5, 9) if "/" not in edtf else D(2025, 5, 9)
    found = [(c, r) for c, _v, r, _m in _date_findings(start, end, "day", edtf, "explicit")]
    assert found == [("date_edtf", "edtf")]


@pytest.mark.parametrize("edtf, lo, hi", [
    ("2025-05-09", D(2025, 5, 9), D(2025, 5, 9)), ("2025-02", D(2025, 2, 1), D(2025, 2, 28)),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29)), ("2025-12", D(2025, 12, 1), D(2025, 12, 31)),
    ("2025-01", D(2025, 1, 1), D(2025, 1, 31)), ("1945", D(1945, 1, 1), D(1945, 12, 31)),
    ("2025-05-07/2025-05-10", D(2025, 5, 7), D(2025, 5, 10)), ("[2025-05-07..2025-05-10]", D(2025, 5, 7), D(2025, 5, 10)),
    ("2025-05-09/2025-05-09", D(2025, 5, 9), D(2025, 5, 9)),
])
def test_each_edtf_shape_gives_its_exact_lower_and_upper_day(edtf, lo, hi):
    from china_russia_diplomacy.validation.rules.dates import _edtf_bounds, _edtf_fast

    assert _edtf_fast(edtf) == (lo, hi) and _edtf_bounds(edtf) == (lo, hi)


@pytest.mark.parametrize("edtf", ["2025-05-10/2025-05-09", "[2025-05-10..2025-05-09]", "2025-13", "2025-00", "2025-02-30"])
def test_a_reversed_interval_or_an_impossible_month_is_not_taken_by_the_fast_path(edtf):
    from china_russia_diplomacy.validation.rules.dates import _edtf_fast

    try:
        assert _edtf_fast(edtf) is None
    except ValueError:  # matched the shape but is no calendar day: _edtf_bounds hands it to the parser
        assert edtf == "2025-02-30"


def test_undated_events_alone_pass_and_the_rule_reports_each_distinct_combination_on_every_row(t):
    e = t.frames["events"]
    day_rows = [i for i, is_day in enumerate((e["date_precision"] == "day").fillna(False)) if is_day][:2]
    assert len(day_rows) == 2
    for i in day_rows:  # the same bad combination on two rows: one finding per row, each on its own line
        set_cell(t, "events", i, "date_start", day("2025-05-09"))
        set_cell(t, "events", i, "date_end", day("2025-05-09"))
        set_cell(t, "events", i, "date_edtf", "2025-05-10")
    assert where(event_dates(t)) == sorted(("edtf", "events", line(t, "events", i), "date_edtf") for i in day_rows)


@pytest.mark.parametrize("edtf, lo, hi", [
    ("2025-05-XX", D(2025, 5, 1), D(2025, 5, 31)), ("2024-02-XX", D(2024, 2, 1), D(2024, 2, 29)),
    ("2025-21", D(2025, 3, 1), D(2025, 5, 31)), ("2025-05-09/2025-06", D(2025, 5, 9), D(2025, 6, 30)),
    ("2025?", D(2025, 1, 1), D(2025, 12, 31)),
])
def test_an_edtf_shape_left_to_the_parser_gives_its_exact_lower_and_upper_day(edtf, lo, hi):
    """The parser's bounds are time tuples cut to (year, month, day): a cut one field short or long of
    either bound raises, and a valid date_edtf would be reported as invalid."""
    from china_russia_diplomacy.validation.rules.dates import _edtf_bounds, _edtf_fast, edtf_bounds_by_parser

    assert _edtf_fast(edtf) is None  # (not the fast path's: the parser decides)
    assert edtf_bounds_by_parser(edtf) == (lo, hi) and _edtf_bounds(edtf) == (lo, hi)
    assert list(_date_findings(lo, hi, "window", edtf, "explicit")) == []


def test_unparsable_edtf_is_reported_as_such():
    found = list(_date_findings(D(2025, 5, 9), D(2025, 5, 9), "day", "May 2025", "explicit"))
    assert [(c, r) for c, _v, r, _m in found] == [("date_edtf", "edtf")] and "not a valid EDTF" in found[0][3]


# (precision, first length in days that passes, last that passes); one day less and one more fail
@pytest.mark.parametrize("precision, shortest, longest", [("days", 2, 31), ("week", 2, 7), ("season", 8, 100)])
def test_precision_lengths_pass_at_both_limits_and_fail_one_day_beyond_each(precision, shortest, longest):
    start = D(2025, 3, 1)

    def ok(days):
        return _precision_ok(precision, start, start + dt.timedelta(days=days - 1))

    assert ok(shortest) and ok(longest)
    assert not ok(shortest - 1) and not ok(longest + 1)


def test_day_precision_is_exactly_one_day_and_window_at_least_two():
    assert _precision_ok("day", D(2025, 3, 1), D(2025, 3, 1)) and not _precision_ok("day", D(2025, 3, 1), D(2025, 3, 2))
    assert _precision_ok("window", D(2025, 3, 1), D(2025, 3, 2)) and not _precision_ok("window", D(2025, 3, 1), D(2025, 3, 1))
    assert _precision_ok("years", D(2024, 1, 1), D(2025, 1, 1)) and not _precision_ok("years", D(2024, 1, 1), D(2024, 12, 31))
    assert not _precision_ok("decade", D(2020, 1, 1), D(2029, 12, 31))


@pytest.mark.parametrize("start, end, ok", [
    (D(2025, 2, 1), D(2025, 2, 28), True), (D(2024, 2, 1), D(2024, 2, 29), True), (D(2025, 12, 1), D(2025, 12, 31), True),
    (D(2025, 2, 2), D(2025, 2, 28), False),  # the first day missing
    (D(2025, 2, 1), D(2025, 2, 27), False),  # the last day missing
    (D(2025, 1, 1), D(2025, 2, 28), False),  # two months
    (D(2024, 2, 1), D(2025, 2, 28), False),  # the same month of two years
])
def test_month_precision_needs_the_first_and_the_last_day_of_one_month(start, end, ok):
    assert _precision_ok("month", start, end) is ok


@pytest.mark.parametrize("start, end, ok", [
    (D(2025, 1, 1), D(2025, 12, 31), True), (D(2025, 1, 2), D(2025, 12, 31), False), (D(2025, 2, 1), D(2025, 12, 31), False),
    (D(2025, 1, 1), D(2025, 12, 30), False), (D(2025, 1, 1), D(2025, 11, 30), False), (D(2024, 1, 1), D(2025, 12, 31), False),
])
def test_year_precision_needs_the_first_and_the_last_day_of_one_year(start, end, ok):
    assert _precision_ok("year", start, end) is ok


def test_a_reversed_event_in_the_package_is_reported_on_its_own_line(t):
    i = row(t, "events", lambda r: r["date_precision"] == "day")
    set_cell(t, "events", i, "date_start", t.frames["events"]["date_end"].iat[i] + pd.Timedelta(days=1))
    assert where(event_dates(t)) == [("date-order", "events", line(t, "events", i), "date_start")]


# --- provenance: the evidence span -------------------------------------------------------------------------

def _span_row(t: Tables, table: str = "event_mentions") -> int:
    return row(t, table, lambda r: r["evidence_start"] > 0)


def _provenance(t: Tables) -> list[tuple]:
    texts, found = archived_texts(t)
    return where([*found, *evidence(t, texts)])


@pytest.mark.parametrize("column, delta", [("evidence_start", 1), ("evidence_start", -1), ("evidence_end", 1),
                                           ("evidence_end", -1)])
def test_moving_one_offset_alone_breaks_the_verbatim_span(t, column, delta):
    i = _span_row(t)
    frame = t.frames["event_mentions"]
    set_cell(t, "event_mentions", i, column, int(frame[column].iat[i]) + delta)
    assert _provenance(t) == [("evidence-verbatim", "event_mentions", line(t, "event_mentions", i), "evidence")]


def test_end_equal_to_start_is_refused_as_offsets(t):
    i = _span_row(t)
    frame = t.frames["event_mentions"]
    set_cell(t, "event_mentions", i, "evidence_end", int(frame["evidence_start"].iat[i]))
    assert _provenance(t) == [("evidence-offsets", "event_mentions", line(t, "event_mentions", i), "evidence_end")]


def test_end_one_past_the_text_is_refused_and_end_at_the_text_end_is_a_span(t):
    texts, _ = archived_texts(t)
    i = _span_row(t)
    frame = t.frames["event_mentions"]
    text = texts[frame["source_id"].iat[i]]
    # a span that ends exactly at the end of the text: the last characters, verbatim
    set_cell(t, "event_mentions", i, "evidence_start", len(text) - 5)
    set_cell(t, "event_mentions", i, "evidence_end", len(text))
    set_cell(t, "event_mentions", i, "evidence", text[-5:])
    assert _provenance(t) == []
    set_cell(t, "event_mentions", i, "evidence_end", len(text) + 1)
    assert _provenance(t) == [("evidence-offsets", "event_mentions", line(t, "event_mentions", i), "evidence_end")]


def test_a_span_starting_at_the_first_character_is_accepted(t):
    texts, _ = archived_texts(t)
    i = _span_row(t)
    text = texts[t.frames["event_mentions"]["source_id"].iat[i]]
    set_cell(t, "event_mentions", i, "evidence_start", 0)
    set_cell(t, "event_mentions", i, "evidence_end", 7)
    set_cell(t, "event_mentions", i, "evidence", text[:7])
    assert _provenance(t) == []


def test_a_wrong_span_ending_exactly_at_the_text_end_is_not_verbatim_rather_than_past_the_end(t):
    """(an end equal to the text's length is inside the text: a span there that does not hold the
    evidence is evidence-verbatim; `end >= len(text)` would call it past the end)"""
    texts, _ = archived_texts(t)
    i = _span_row(t)
    text = texts[t.frames["event_mentions"]["source_id"].iat[i]]
    set_cell(t, "event_mentions", i, "evidence_start", len(text) - 5)
    set_cell(t, "event_mentions", i, "evidence_end", len(text))
    set_cell(t, "event_mentions", i, "evidence", "\u00a7" * 5)
    assert "\u00a7" * 5 not in text
    assert _provenance(t) == [("evidence-verbatim", "event_mentions", line(t, "event_mentions", i), "evidence")]


def test_a_span_whose_article_was_not_read_does_not_stop_the_check_of_the_rows_after_it(t):
    """(an article that could not be read is its own finding; the spans of the other articles after a
    row of it are still compared)"""
    texts, _ = archived_texts(t)
    m = t.frames["event_mentions"]
    unread = m["source_id"].iat[0]
    j = next(k for k in range(1, len(m)) if m["source_id"].iat[k] != unread and m["evidence_start"].iat[k] > 0)
    set_cell(t, "event_mentions", j, "evidence_start", int(m["evidence_start"].iat[j]) + 1)
    del texts[unread]
    assert where(evidence(t, texts)) == [("evidence-verbatim", "event_mentions", line(t, "event_mentions", j), "evidence")]


@pytest.mark.parametrize("column, delta", [("other_evidence_start", 1), ("other_evidence_end", -1)])
def test_each_other_evidence_offset_alone_is_checked(t, column, delta):
    i = row(t, "discrepancies", lambda r: r["other_evidence_start"] is not None and not pd.isna(r["other_evidence_start"]))
    frame = t.frames["discrepancies"]
    set_cell(t, "discrepancies", i, column, int(frame[column].iat[i]) + delta)
    assert _provenance(t) == [("evidence-verbatim", "discrepancies", line(t, "discrepancies", i), "other_evidence")]


def test_quote_text_must_lie_inside_its_evidence(t):
    i = 0
    q = t.frames["quotes"]
    set_cell(t, "quotes", i, "text", q["text"].iat[i] + " (not in the evidence)")
    assert _provenance(t) == [("quote-in-evidence", "quotes", line(t, "quotes", i), "text")]


def test_quote_equal_to_its_evidence_is_inside_it(t):
    q = t.frames["quotes"]
    set_cell(t, "quotes", 0, "text", q["evidence"].iat[0])
    assert _provenance(t) == []


@pytest.mark.parametrize("delta", [1, -1])
def test_char_count_one_off_in_either_direction_is_reported(t, delta):
    s = t.frames["sources"]
    set_cell(t, "sources", 0, "char_count", int(s["char_count"].iat[0]) + delta)
    assert _provenance(t) == [("source-char-count", "sources", line(t, "sources", 0), "char_count")]


def test_body_start_at_the_text_end_passes_and_one_past_it_is_reported(t):
    s = t.frames["sources"]
    set_cell(t, "sources", 0, "body_start", int(s["char_count"].iat[0]))
    assert _provenance(t) == []
    set_cell(t, "sources", 0, "body_start", int(s["char_count"].iat[0]) + 1)
    assert _provenance(t) == [("maximum", "sources", line(t, "sources", 0), "body_start")]


@pytest.mark.parametrize("name", ["../000.txt", "sub/000.txt", "sub\\000.txt", ".hidden.txt"])
def test_file_name_leaving_the_sources_folder_in_any_form_is_unsafe(t, name):
    set_cell(t, "sources", 0, "file_name", name)
    assert _provenance(t) == [("unsafe-path", "sources", line(t, "sources", 0), "file_name")]
    assert sorted(archived_texts(t)[0]) == sorted(t.frames["sources"]["source_id"].iloc[1:])  # the others still read


@pytest.mark.parametrize("column", ["evidence", "evidence_start", "evidence_end"])
def test_a_span_missing_any_one_of_its_cells_is_left_to_pandera_not_compared(t, column):
    """(the empty required cell is pandera's finding; the span rule skips the row instead of comparing an
    offset with nothing, which would raise)"""
    set_cell(t, "event_mentions", _span_row(t), column, None)
    assert _provenance(t) == []


def test_a_missing_archived_article_is_source_missing_not_file_type(t):
    set_cell(t, "sources", 0, "file_name", "999_not_archived.txt")
    assert _provenance(t) == [("source-missing", "sources", line(t, "sources", 0), "file_name")]


def test_an_archived_article_that_is_a_folder_is_file_type_not_source_missing(t, tmp_path):
    import shutil

    shutil.copytree(t.package_dir / "sources", tmp_path / "sources")
    name = t.frames["sources"]["file_name"].iat[0]
    (tmp_path / "sources" / name).unlink()
    (tmp_path / "sources" / name).mkdir()
    t.package_dir = tmp_path
    texts, found = archived_texts(t)
    assert where(found) == [("file-type", "sources", line(t, "sources", 0), "file_name")]
    assert sorted(texts) == sorted(t.frames["sources"]["source_id"].iloc[1:])


def test_the_verbatim_message_names_the_evidence_found_at_the_articles_first_character(t):
    """(where the evidence does occur, even at offset 0, the message says so: a `where > 0` test would
    call it absent from the source)"""
    texts, _ = archived_texts(t)
    i = _span_row(t)
    sid = t.frames["event_mentions"]["source_id"].iat[i]
    text = texts[sid]
    assert text.find(text[:7]) == 0 and text[1:8] != text[:7]
    set_cell(t, "event_mentions", i, "evidence", text[:7])
    set_cell(t, "event_mentions", i, "evidence_start", 1)
    set_cell(t, "event_mentions", i, "evidence_end", 8)
    found = list(evidence(t, texts))
    assert [(x.rule, x.line, x.message) for x in found] == [
        ("evidence-verbatim", line(t, "event_mentions", i),
         f"text[1:8] of {sid} is {text[1:8]!r}, not the evidence; the evidence occurs at 0..7")]


def test_the_verbatim_message_quotes_the_first_60_characters_of_what_the_offsets_hold(t):
    texts, _ = archived_texts(t)
    m = t.frames["event_mentions"]
    i = row(t, "event_mentions", lambda r: r["evidence_end"] - r["evidence_start"] > 70 and r["evidence_start"] > 0)
    sid, start, end = m["source_id"].iat[i], int(m["evidence_start"].iat[i]), int(m["evidence_end"].iat[i])
    text = texts[sid]
    assert text.find(m["evidence"].iat[i]) == start
    set_cell(t, "event_mentions", i, "evidence_start", start + 1)
    found = list(evidence(t, texts))
    assert [(x.rule, x.line, x.message) for x in found] == [
        ("evidence-verbatim", line(t, "event_mentions", i),
         f"text[{start + 1}:{end}] of {sid} is {text[start + 1:start + 61]!r}, not the evidence; "
         f"the evidence occurs at {start}..{end}")]


def test_sha256_of_another_content_is_reported_and_the_article_not_read(t):
    set_cell(t, "sources", 0, "sha256", "0" * 64)
    texts, found = archived_texts(t)
    assert where(found) == [("source-sha256", "sources", line(t, "sources", 0), "sha256")]
    assert t.frames["sources"]["source_id"].iat[0] not in texts


# --- the event and its mentions ----------------------------------------------------------------------------

@pytest.mark.parametrize("delta", [1, -1])
def test_num_sources_one_off_in_either_direction_is_reported(t, delta):
    e = t.frames["events"]
    set_cell(t, "events", 0, "num_sources", int(e["num_sources"].iat[0]) + delta)
    assert where(event_mentions(t)) == [("num-sources", "events", line(t, "events", 0), "num_sources")]


@pytest.mark.parametrize("column", ["source_id", "evidence_start", "evidence_end"])
def test_event_provenance_differing_from_its_primary_mention_in_one_column_alone_is_reported(t, column):
    e = t.frames["events"]
    value = "src-0005" if column == "source_id" and e["source_id"].iat[0] != "src-0005" else (
        "src-0004" if column == "source_id" else int(e[column].iat[0]) + 1)
    set_cell(t, "events", 0, column, value)
    assert where(event_mentions(t)) == [("primary-mention", "events", line(t, "events", 0), "evidence")]


def test_a_second_primary_mention_is_reported_and_none_is_too(t):
    m = t.frames["event_mentions"]
    eid = m["event_id"].iat[0]
    others = [i for i in range(len(m)) if m["event_id"].iat[i] == eid and not m["is_primary"].iat[i]]
    assert others, "the first event needs a second mention for this test"
    events_line = line(t, "events", int((t.frames["events"]["event_id"] == eid).values.argmax()))
    set_cell(t, "event_mentions", others[0], "is_primary", True)
    assert where(event_mentions(t)) == [("primary-mention", "events", events_line, "event_id")]
    prim = [i for i in range(len(m)) if m["event_id"].iat[i] == eid and m["is_primary"].iat[i]]
    for i in prim:
        set_cell(t, "event_mentions", i, "is_primary", False)
    assert where(event_mentions(t)) == [("primary-mention", "events", events_line, "event_id")]


def test_an_event_without_any_mention_is_reported_with_no_source_and_no_primary_mention(t):
    """(an event no mention names: event-mentions, and its num_sources and primary mentions counted as 0,
    not as a missing or other number)"""
    e = t.frames["events"]
    assert "evt-9999" not in set(e["event_id"]) and int(e["num_sources"].iat[0]) > 0
    set_cell(t, "events", 0, "event_id", "evt-9999")
    found = list(event_mentions(t))
    first = line(t, "events", 0)
    assert where(found) == [("event-mentions", "events", first, "event_id"), ("num-sources", "events", first, "num_sources"),
                            ("primary-mention", "events", first, "event_id")]
    assert sorted(x.message for x in found) == [
        "event has 0 primary mentions; exactly one expected", "event has no row in event_mentions",
        f"num_sources is {e['num_sources'].iat[0]} but event_mentions has 0 distinct source(s)"]


@pytest.mark.parametrize("table", ["events", "event_mentions"])
@pytest.mark.parametrize("column", ["source_id", "evidence_start", "evidence_end"])
def test_event_provenance_missing_on_one_side_of_its_primary_mention_alone_is_reported(t, table, column):
    """(a cell empty on the event and filled on its primary mention, or the other way round, differs;
    only both empty agree)"""
    eid = t.frames["events"]["event_id"].iat[0]
    m = t.frames["event_mentions"]
    i = 0 if table == "events" else next(k for k in range(len(m)) if m["event_id"].iat[k] == eid and m["is_primary"].iat[k])
    set_cell(t, table, i, column, None)
    assert where(event_mentions(t)) == [("primary-mention", "events", line(t, "events", 0), "evidence")]


@pytest.mark.parametrize("table", ["events", "event_mentions"])
def test_the_event_mention_rules_skip_when_either_table_is_missing(t, table):
    """(a missing table is the reader's finding; the rules that need both tables yield nothing instead
    of raising on the one that is there)"""
    del t.frames[table]
    assert list(event_mentions(t)) == []
    assert chrono.event_after_sources(t) == [] and chrono.mention_status_dates(t) == []


# --- chronology: each bound of each interval alone ---------------------------------------------------------

def _child(t: Tables) -> tuple[int, int]:
    """(child, parent) positions of a dated child of a dated parent whose bounds differ from the child's."""
    e = t.frames["events"]
    ids = {e["event_id"].iat[i]: i for i in range(len(e))}
    for i in range(len(e)):
        p = e["parent_event_id"].iat[i]
        if isinstance(p, str) and p in ids and pd.notna(e["date_start"].iat[i]) and pd.notna(e["date_start"].iat[ids[p]]):
            j = ids[p]
            if e["date_start"].iat[j] < e["date_start"].iat[i] and e["date_end"].iat[i] < e["date_end"].iat[j]:
                return i, j
    raise AssertionError("no child strictly inside its parent")


def test_child_starting_one_day_before_its_parent_alone_is_reported(t):
    i, j = _child(t)
    e = t.frames["events"]
    set_cell(t, "events", i, "date_start", e["date_start"].iat[j] - pd.Timedelta(days=1))
    assert where(chrono.children_within_parents(t)) == [("child-outside-parent", "events", line(t, "events", i), "date_start")]


def test_child_ending_one_day_after_its_parent_alone_is_reported(t):
    i, j = _child(t)
    e = t.frames["events"]
    set_cell(t, "events", i, "date_end", e["date_end"].iat[j] + pd.Timedelta(days=1))
    assert where(chrono.children_within_parents(t)) == [("child-outside-parent", "events", line(t, "events", i), "date_end")]


def test_child_sharing_both_bounds_of_its_parent_is_within_it(t):
    i, j = _child(t)
    e = t.frames["events"]
    set_cell(t, "events", i, "date_start", e["date_start"].iat[j])
    set_cell(t, "events", i, "date_end", e["date_end"].iat[j])
    assert chrono.children_within_parents(t) == []


def test_undated_parent_bounds_nothing(t):
    i, j = _child(t)
    e = t.frames["events"]
    set_cell(t, "events", i, "date_start", e["date_start"].iat[j] - pd.Timedelta(days=1))
    set_cell(t, "events", j, "date_start", pd.NaT)
    assert chrono.children_within_parents(t) == []


def _dated_quote(t: Tables) -> tuple[int, pd.Timestamp, pd.Timestamp]:
    q, e = t.frames["quotes"], t.frames["events"]
    bounds = {e["event_id"].iat[k]: (e["date_start"].iat[k], e["date_end"].iat[k]) for k in range(len(e))}
    for i in range(len(q)):
        s, en = bounds.get(q["event_id"].iat[i], (pd.NaT, pd.NaT))
        if pd.notna(q["spoken_date"].iat[i]) and pd.notna(s) and pd.notna(en):
            return i, s, en
    raise AssertionError("no dated quote of a dated event")


@pytest.mark.parametrize("side, delta, bad", [("start", -1, True), ("start", 0, False), ("end", 0, False), ("end", 1, True)])
def test_quote_date_against_each_bound_of_its_event(t, side, delta, bad):
    i, start, end = _dated_quote(t)
    set_cell(t, "quotes", i, "spoken_date", (start if side == "start" else end) + pd.Timedelta(days=delta))
    set_cell(t, "quotes", i, "spoken_date_basis", "explicit")
    expected = [("date-outside-event", "quotes", line(t, "quotes", i), "spoken_date")] if bad else []
    assert where(chrono.dates_within_events(t)) == expected


def _published(t: Tables, sid: str) -> pd.Timestamp:
    s = t.frames["sources"]
    return s["published_date"].iat[int((s["source_id"] == sid).values.argmax())]


@pytest.mark.parametrize("delta, bad", [(0, False), (1, True)])
def test_quote_spoken_on_its_article_date_passes_and_the_day_after_is_reported(t, delta, bad):
    q = t.frames["quotes"]
    i = row(t, "quotes", lambda r: pd.notna(_published(t, r["source_id"])))
    set_cell(t, "quotes", i, "spoken_date", _published(t, q["source_id"].iat[i]) + pd.Timedelta(days=delta))
    set_cell(t, "quotes", i, "spoken_date_basis", "explicit")
    expected = [("spoken-after-source", "quotes", line(t, "quotes", i), "spoken_date")] if bad else []
    assert where(chrono.dates_after_source(t)) == expected


@pytest.mark.parametrize("delta, bad", [(0, False), (1, True)])
def test_agreement_signed_on_its_article_date_passes_and_the_day_after_is_reported(t, delta, bad):
    a = t.frames["agreements"]
    i = row(t, "agreements", lambda r: r["status"] in ("signed", "exchanged") and pd.notna(_published(t, r["source_id"])))
    set_cell(t, "agreements", i, "signed_date", _published(t, a["source_id"].iat[i]) + pd.Timedelta(days=delta))
    set_cell(t, "agreements", i, "signed_date_basis", "explicit")
    expected = [("signed-after-source", "agreements", line(t, "agreements", i), "signed_date")] if bad else []
    assert where([x for x in chrono.dates_after_source(t) if x.table == "agreements"]) == expected


def _latest(t: Tables, eid: str) -> pd.Timestamp:
    m = t.frames["event_mentions"]
    return max(_published(t, s) for s in m["source_id"][m["event_id"] == eid] if pd.notna(_published(t, s)))


@pytest.mark.parametrize("delta, bad", [(0, False), (1, True)])
def test_occurred_event_starting_on_its_latest_report_passes_and_the_day_after_is_reported(t, delta, bad):
    e = t.frames["events"]
    i = row(t, "events", lambda r: r["status"] == "occurred" and pd.notna(r["date_start"]))
    latest = _latest(t, e["event_id"].iat[i])
    set_cell(t, "events", i, "date_start", latest + pd.Timedelta(days=delta))
    expected = [("occurred-after-sources", "events", line(t, "events", i), "date_start")] if bad else []
    assert where(chrono.event_after_sources(t)) == expected


def _mention_of(t: Tables, status: str) -> int:
    e = t.frames["events"]
    dated = set(e["event_id"][e["date_start"].notna()])
    return row(t, "event_mentions", lambda r: r["event_id"] in dated and pd.notna(_published(t, r["source_id"])))


@pytest.mark.parametrize("delta, bad", [(0, False), (1, True)])
def test_done_mention_needs_the_event_begun_by_the_article_date(t, delta, bad):
    """The 'occurred' side of mention-status-date alone: only the event's start moves."""
    m, e = t.frames["event_mentions"], t.frames["events"]
    i = _mention_of(t, "occurred")
    set_cell(t, "event_mentions", i, "reported_status", "occurred")
    k = int((e["event_id"] == m["event_id"].iat[i]).values.argmax())
    pub = _published(t, m["source_id"].iat[i])
    set_cell(t, "events", k, "date_start", pub + pd.Timedelta(days=delta))
    set_cell(t, "events", k, "date_end", pub + pd.Timedelta(days=delta + 400))
    found = [x for x in chrono.mention_status_dates(t) if x.line == line(t, "event_mentions", i)]
    assert where(found) == ([("mention-status-date", "event_mentions", line(t, "event_mentions", i), "reported_status")]
                            if bad else [])


@pytest.mark.parametrize("delta, bad", [(0, False), (-1, True)])
def test_planned_mention_needs_the_event_not_over_by_the_article_date(t, delta, bad):
    """The 'planned' side alone: only the event's end moves."""
    m, e = t.frames["event_mentions"], t.frames["events"]
    i = _mention_of(t, "planned")
    set_cell(t, "event_mentions", i, "reported_status", "planned")
    k = int((e["event_id"] == m["event_id"].iat[i]).values.argmax())
    pub = _published(t, m["source_id"].iat[i])
    set_cell(t, "events", k, "date_start", pub - pd.Timedelta(days=400))
    set_cell(t, "events", k, "date_end", pub + pd.Timedelta(days=delta))
    found = [x for x in chrono.mention_status_dates(t) if x.line == line(t, "event_mentions", i)]
    assert where(found) == ([("mention-status-date", "event_mentions", line(t, "event_mentions", i), "reported_status")]
                            if bad else [])


@pytest.mark.parametrize("basis, bad", [("weekday_resolved", True), ("year_from_context", True),
                                        ("relative_resolved", True), ("explicit", False), ("inferred", False)])
def test_article_relative_bases_in_an_undated_article_and_only_those_are_reported(t, basis, bad):
    s = t.frames["sources"]
    undated = s["source_id"][s["published_date"].isna()]
    assert len(undated), "the package needs an undated article for this test"
    i = row(t, "quotes", lambda r: pd.notna(r["spoken_date"]))
    set_cell(t, "quotes", i, "source_id", undated.iat[0])
    set_cell(t, "quotes", i, "spoken_date_basis", basis)
    expected = [("basis-undated-source", "quotes", line(t, "quotes", i), "spoken_date_basis")] if bad else []
    assert where([x for x in chrono.basis_of_undated_sources(t) if x.table == "quotes"]) == expected


def _undated_source(t: Tables) -> str:
    s = t.frames["sources"]
    return s["source_id"][s["published_date"].isna()].iat[0]


def _relative_event_in_undated_article(t: Tables, note: str) -> int:
    """An event dated relative_resolved, moved to the undated article, with ``note`` as its date_note."""
    i = row(t, "events", lambda r: r["date_basis"] == "relative_resolved")
    set_cell(t, "events", i, "source_id", _undated_source(t))
    set_cell(t, "events", i, "date_note", note)
    return i


def _anchor(t: Tables, basis: str) -> str:
    e = t.frames["events"]
    k = row(t, "events", lambda r: r["date_basis"] == "explicit" and pd.notna(r["date_start"]))
    set_cell(t, "events", k, "date_basis", basis)
    return e["event_id"].iat[k]


@pytest.mark.parametrize("anchor_basis, bad", [("explicit", False), ("inferred", True)])
def test_relative_date_in_an_undated_article_passes_only_when_anchored_to_an_event_not_itself_inferred(t, anchor_basis, bad):
    anchor = _anchor(t, anchor_basis)
    i = _relative_event_in_undated_article(t, f"'the day after' {anchor}, the parade")
    expected = [("basis-undated-source", "events", line(t, "events", i), "date_basis")] if bad else []
    assert where([x for x in chrono.basis_of_undated_sources(t) if x.table == "events"]) == expected


def test_relative_date_in_an_undated_article_without_an_anchor_is_reported(t):
    i = _relative_event_in_undated_article(t, "'the day after' the parade")
    assert where([x for x in chrono.basis_of_undated_sources(t) if x.table == "events"]) == [
        ("basis-undated-source", "events", line(t, "events", i), "date_basis")]


def test_an_anchor_exempts_only_relative_resolved_not_a_weekday_resolved_date(t):
    anchor = _anchor(t, "explicit")
    i = _relative_event_in_undated_article(t, f"the Friday of {anchor}")
    set_cell(t, "events", i, "date_basis", "weekday_resolved")
    assert where([x for x in chrono.basis_of_undated_sources(t) if x.table == "events"]) == [
        ("basis-undated-source", "events", line(t, "events", i), "date_basis")]


def test_agreements_are_checked_against_their_event_even_without_a_quotes_table(t):
    a, e = t.frames["agreements"], t.frames["events"]
    i = row(t, "agreements", lambda r: pd.notna(r["signed_date"]))
    k = int((e["event_id"] == a["event_id"].iat[i]).values.argmax())
    set_cell(t, "agreements", i, "signed_date", e["date_end"].iat[k] + pd.Timedelta(days=1))
    del t.frames["quotes"]
    assert where(chrono.dates_within_events(t)) == [("date-outside-event", "agreements", line(t, "agreements", i), "signed_date")]


def test_a_child_with_only_an_end_is_the_pair_rules_finding_not_compared_with_its_parent(t):
    i, j = _child(t)
    e = t.frames["events"]
    set_cell(t, "events", i, "date_start", pd.NaT)
    set_cell(t, "events", i, "date_end", e["date_end"].iat[j] + pd.Timedelta(days=1))
    assert chrono.children_within_parents(t) == []
    assert ("date-bounds-pair", "events", line(t, "events", i), "date_start") in where(event_dates(t))


def test_a_source_row_without_a_file_name_does_not_stop_the_reading_of_the_others(t):
    """(an empty required cell is pandera's finding; the rules go on with the other articles)"""
    set_cell(t, "sources", 0, "file_name", None)
    texts, found = archived_texts(t)
    assert found == [] and sorted(texts) == sorted(t.frames["sources"]["source_id"].iloc[1:])


def test_an_empty_is_primary_cell_does_not_count_as_a_primary_mention(t):
    """(the empty required cell is pandera's finding; for the rule it is not a second primary mention)"""
    m = t.frames["event_mentions"]
    i = row(t, "event_mentions", lambda r: r["is_primary"] is False or r["is_primary"] == False)  # noqa: E712
    set_cell(t, "event_mentions", i, "is_primary", pd.NA)
    assert list(event_mentions(t)) == [] and m["is_primary"].isna().sum() == 1


def test_a_missing_events_table_does_not_stop_the_basis_check_of_quotes_and_agreements(t):
    """(basis-undated-source goes through events, quotes, agreements: a table that is not there is
    skipped, the next ones still checked)"""
    i = row(t, "quotes", lambda r: pd.notna(r["spoken_date"]))
    set_cell(t, "quotes", i, "source_id", _undated_source(t))
    set_cell(t, "quotes", i, "spoken_date_basis", "weekday_resolved")
    del t.frames["events"]
    assert where(chrono.basis_of_undated_sources(t)) == [("basis-undated-source", "quotes", line(t, "quotes", i),
                                                          "spoken_date_basis")]


def test_events_without_a_date_note_column_are_checked_with_no_anchor_exception(t):
    """(a frame without date_note, as a reader that leaves the free text out gives it: no event can name
    an anchor, so the relative date in an undated article is reported, and nothing raises)"""
    anchor = _anchor(t, "explicit")
    i = _relative_event_in_undated_article(t, f"'the day after' {anchor}, the parade")
    del t.frames["events"]["date_note"]
    assert where([x for x in chrono.basis_of_undated_sources(t) if x.table == "events"]) == [
        ("basis-undated-source", "events", line(t, "events", i), "date_basis")]
