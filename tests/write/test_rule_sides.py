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

# the package re-exports the function chronology() under the module's name
chrono = importlib.import_module("china_russia_diplomacy.validation.rules.chronology")


@pytest.fixture(scope="session")
def typed(repo):
    """(metadata, typed pandas frames, CSV line numbers) of the committed package, read once."""
    from china_russia_diplomacy.core.metadata import load_metadata
    from china_russia_diplomacy.validation import read_tables
    from china_russia_diplomacy.validation.pandera_layer import validate_table

    meta = load_metadata(repo)
    tables, lines, findings = read_tables(repo, meta)
    assert findings == []
    frames = {}
    for name, table in tables.items():
        found, frames[name] = validate_table(meta.table(name), table, lines[name])
        assert found == [], name
    return meta, frames, lines


@pytest.fixture()
def t(typed, repo) -> Tables:
    """A fresh copy of the tables for one test to change (frames only: the rules read them)."""
    meta, frames, lines = typed
    return Tables(meta, {k: v.copy(deep=True) for k, v in frames.items()}, lines, repo)


def where(found) -> list[tuple]:
    return sorted((x.rule, x.table, x.line, x.column) for x in found)


def day(s: str) -> pd.Timestamp:
    return pd.Timestamp(s)


def row(t: Tables, table: str, pick) -> int:
    """Position of the first row ``pick`` accepts (a dict of the row)."""
    frame = t.frames[table]
    for i, rec in enumerate(frame.to_dict("records")):
        if pick(rec):
            return i
    raise AssertionError(f"no row of {table} fits")


def set_cell(t: Tables, table: str, i: int, column: str, value) -> None:
    t.frames[table].iloc[i, t.frames[table].columns.get_loc(column)] = value


def line(t: Tables, table: str, i: int) -> int:
    return t.line(table, i)


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


# --- keys: foreign keys, parties, discrepancy records, parent cycles, retired IDs -------------------------

keys = importlib.import_module("china_russia_diplomacy.validation.rules.keys")


def test_an_unknown_foreign_key_is_reported_and_an_empty_one_is_not(t):
    set_cell(t, "events", 3, "source_id", "src-9999")
    set_cell(t, "events", 4, "source_id", None)  # an empty required cell is pandera's finding
    found = list(keys.foreign_keys(t))
    assert where(found) == [("foreign-key", "events", line(t, "events", 3), "source_id")]
    assert found[0].value == "src-9999" and found[0].message == "no row of sources has source_id = src-9999"


def test_a_key_referring_to_its_own_table_is_checked_against_that_table(t):
    set_cell(t, "events", 5, "parent_event_id", "evt-9999")
    found = list(keys.foreign_keys(t))
    assert where(found) == [("foreign-key", "events", line(t, "events", 5), "parent_event_id")]
    assert found[0].message == "no row of events has event_id = evt-9999"


def test_a_key_to_a_table_that_is_not_there_is_not_checked(t):
    set_cell(t, "quotes", 0, "speaker_id", "par-9999")
    del t.frames["participants"]  # (the rule needs both tables; a missing table is the package's finding)
    assert list(keys.foreign_keys(t)) == []


def _fk_meta(t: Tables, fk: dict, table: str = "pairs"):
    from types import SimpleNamespace

    spec = SimpleNamespace(name=table, foreign_keys=[fk], primary_key=["id"])
    return Tables(SimpleNamespace(tables=[spec], table=t.meta.table), t.frames, t.lines, t.package_dir)


def test_a_two_column_foreign_key_needs_both_values_in_one_row_of_the_target(t):
    e = t.frames["events"]
    t.frames["pairs"] = pd.DataFrame({
        "e": pd.array([e["event_id"].iat[0], e["event_id"].iat[0], None, e["event_id"].iat[1]], dtype="string"),
        "s": pd.array([e["source_id"].iat[0], "src-9999", "src-0001", None], dtype="string")})
    t.lines["pairs"] = [2, 3, 4, 5]
    fk = {"fields": ["e", "s"], "reference": {"resource": "events", "fields": ["event_id", "source_id"]}}
    found = list(keys.foreign_keys(_fk_meta(t, fk)))
    # (the parties and discrepancy checks of the real tables find nothing)
    assert where(found) == [("foreign-key", "pairs", 3, "e,s")]
    assert found[0].value == f"{e['event_id'].iat[0]},src-9999"
    assert found[0].message == f"no row of events has event_id,source_id = {e['event_id'].iat[0]},src-9999"


def test_a_reference_without_a_resource_is_to_the_own_table(t):
    t.frames["pairs"] = pd.DataFrame({"id": pd.array(["a", "b", "c"], dtype="string"),
                                      "up": pd.array(["b", None, "z"], dtype="string")})
    t.lines["pairs"] = [2, 3, 4]
    fk = {"fields": "up", "reference": {"resource": "", "fields": "id"}}
    assert where(keys.foreign_keys(_fk_meta(t, fk))) == [("foreign-key", "pairs", 4, "up")]


def test_an_unknown_party_is_reported_and_an_empty_piece_is_left_to_the_pattern(t):
    a = t.frames["agreements"]
    set_cell(t, "agreements", 1, "parties", a["parties"].iat[1] + ";;par-9999")
    found = list(keys.foreign_keys(t))
    assert where(found) == [("foreign-key", "agreements", line(t, "agreements", 1), "parties")]
    assert found[0].value == "par-9999" and found[0].message == "party par-9999 is not in participants"


def test_parties_are_not_checked_without_a_participants_table(t):
    set_cell(t, "agreements", 1, "parties", "par-9999")
    del t.frames["participants"]
    assert list(keys._parties(t)) == []


def test_a_discrepancy_about_an_unknown_record_is_reported_in_its_own_table(t):
    d = t.frames["discrepancies"]
    ev = row(t, "discrepancies", lambda r: r["record_table"] == "events")
    par = row(t, "discrepancies", lambda r: r["record_table"] == "participants")
    set_cell(t, "discrepancies", ev, "record_id", "evt-9999")
    set_cell(t, "discrepancies", par, "record_id", "par-9999")
    found = list(keys._discrepancy_records(t))
    assert where(found) == sorted([("foreign-key", "discrepancies", line(t, "discrepancies", ev), "record_id"),
                                   ("foreign-key", "discrepancies", line(t, "discrepancies", par), "record_id")])
    assert sorted(x.message for x in found) == ["no row of events has ID evt-9999", "no row of participants has ID par-9999"]
    assert d["record_id"].notna().all()


def test_a_discrepancy_without_a_record_id_or_about_a_table_not_there_is_not_checked(t):
    ev = row(t, "discrepancies", lambda r: r["record_table"] == "events")
    par = row(t, "discrepancies", lambda r: r["record_table"] == "participants")
    set_cell(t, "discrepancies", ev, "record_id", None)
    set_cell(t, "discrepancies", par, "record_id", "par-9999")
    del t.frames["participants"]
    assert list(keys._discrepancy_records(t)) == []
    del t.frames["discrepancies"]
    assert list(keys._discrepancy_records(t)) == []


def _eid(t: Tables, i: int) -> str:
    return t.frames["events"]["event_id"].iat[i]


def test_an_event_about_itself_is_a_self_reference(t):
    set_cell(t, "events", 7, "about_event_id", _eid(t, 7))
    found = list(keys.parent_cycles(t))
    assert where(found) == [("self-reference", "events", line(t, "events", 7), "about_event_id")]
    assert found[0].value == _eid(t, 7)


def test_an_event_that_is_its_own_parent_is_a_cycle_of_one(t):
    n = len(t.frames["events"])
    set_cell(t, "events", n - 1, "parent_event_id", _eid(t, n - 1))
    found = list(keys.parent_cycles(t))
    assert where(found) == [("parent-cycle", "events", line(t, "events", n - 1), "parent_event_id")]
    assert found[0].message == f"parent events form a cycle: {_eid(t, n - 1)} -> {_eid(t, n - 1)}"


def test_a_cycle_reached_through_a_tail_is_reported_once_on_its_lowest_id(t):
    """The walk starts at a row before the cycle (the tail), then meets the cycle: only the cycle is reported,
    on the line of its lowest ID, and walks started later from its members or from another tail do not
    report it again. The rows sit at the end of the table, after walks that finish at real parents."""
    n = len(t.frames["events"])
    tail, low, high, tail2 = n - 4, n - 3, n - 2, n - 1
    set_cell(t, "events", tail, "parent_event_id", _eid(t, high))
    set_cell(t, "events", high, "parent_event_id", _eid(t, low))
    set_cell(t, "events", low, "parent_event_id", _eid(t, high))
    set_cell(t, "events", tail2, "parent_event_id", _eid(t, low))
    found = list(keys.parent_cycles(t))
    assert where(found) == [("parent-cycle", "events", line(t, "events", low), "parent_event_id")]
    assert found[0].value == _eid(t, high)
    assert found[0].message == f"parent events form a cycle: {_eid(t, high)} -> {_eid(t, low)} -> {_eid(t, high)}"


def test_two_cycles_are_each_reported(t):
    n = len(t.frames["events"])
    for a, b in ((n - 4, n - 3), (n - 2, n - 1)):
        set_cell(t, "events", a, "parent_event_id", _eid(t, b))
        set_cell(t, "events", b, "parent_event_id", _eid(t, a))
    assert where(keys.parent_cycles(t)) == [("parent-cycle", "events", line(t, "events", n - 4), "parent_event_id"),
                                            ("parent-cycle", "events", line(t, "events", n - 2), "parent_event_id")]


def test_a_parent_chain_to_an_unknown_or_empty_parent_is_no_cycle(t):
    set_cell(t, "events", 0, "parent_event_id", "evt-9999")
    set_cell(t, "events", 1, "event_id", None)
    assert list(keys.parent_cycles(t)) == []


def test_a_retired_id_used_again_is_reported(t):
    set_cell(t, "quotes", 2, "quote_id", "quo-0015")
    found = list(keys.retired_ids(t))
    assert where(found) == [("retired-id", "quotes", line(t, "quotes", 2), "quote_id")]
    assert found[0].value == "quo-0015" and "retired ID is never reused" in found[0].message


def _retired_list(tmp_path, t: Tables, text: str) -> Tables:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "retired_ids.json").write_text(text, encoding="utf-8")
    return Tables(t.meta, t.frames, t.lines, tmp_path)


def test_retired_ids_are_read_as_strings_or_objects_and_other_entries_are_skipped(t, tmp_path):
    e, p = t.frames["events"], t.frames["participants"]
    tt = _retired_list(tmp_path, t, '{"retired": ["%s", {"id": "%s"}, 5, {"reason": "no id"}]}'
                       % (e["event_id"].iat[2], p["participant_id"].iat[4]))
    assert where(keys.retired_ids(tt)) == sorted([("retired-id", "events", line(t, "events", 2), "event_id"),
                                                  ("retired-id", "participants", line(t, "participants", 4), "participant_id")])


@pytest.mark.parametrize("content", ['{"retired": [', '["evt-0001"]'])
def test_a_retired_list_that_does_not_read_is_reported_for_the_package(t, tmp_path, content):
    found = list(keys.retired_ids(_retired_list(tmp_path, t, content)))
    assert [(x.table, x.line, x.column, x.value, x.rule) for x in found] == [("package", None, None, None, "retired-ids")]
    assert found[0].message.startswith("schemas/retired_ids.json is not a valid list: ")


def test_no_retired_list_or_an_empty_one_refuses_nothing(t, tmp_path):
    assert list(keys.retired_ids(Tables(t.meta, t.frames, t.lines, tmp_path))) == []
    assert list(keys.retired_ids(_retired_list(tmp_path, t, '{"retired": [{"id": null}]}'))) == []


# --- rows: added_in, date/basis pairs, translation flags, aggregate counts, aliases -------------------------

rows_rules = importlib.import_module("china_russia_diplomacy.validation.rules.rows")


def test_added_in_newer_than_the_package_is_reported_by_number_not_by_text(t):
    assert t.meta.version == "1.3.0"
    set_cell(t, "events", 1, "added_in", "1.3.1")
    set_cell(t, "events", 2, "added_in", "1.3.0")  # equal: fine
    set_cell(t, "events", 3, "added_in", "1.10.0")  # newer as numbers, older as text
    set_cell(t, "quotes", 0, "added_in", "2.0.0-rc.1")
    set_cell(t, "quotes", 1, "added_in", "1.2.9")
    set_cell(t, "quotes", 2, "added_in", "1.x")  # not a version: the pattern's finding
    found = list(rows_rules.row_rules(t))
    assert where(found) == sorted([("added-in", "events", line(t, "events", 1), "added_in"),
                                   ("added-in", "events", line(t, "events", 3), "added_in"),
                                   ("added-in", "quotes", line(t, "quotes", 0), "added_in")])
    assert "added_in 1.3.1 is newer than the package version 1.3.0" in [x.message for x in found]


@pytest.mark.parametrize("table, date_col", [("quotes", "spoken_date"), ("agreements", "signed_date")])
def test_a_date_without_its_basis_and_a_basis_without_its_date_are_each_reported(t, table, date_col):
    basis = f"{date_col}_basis"
    d = t.frames[table]
    i = row(t, table, lambda r: pd.notna(r[date_col]))
    k = [j for j in range(len(d)) if pd.notna(d[date_col].iat[j]) and j != i][0]
    set_cell(t, table, i, basis, None)
    set_cell(t, table, k, date_col, pd.NaT)
    found = list(rows_rules.row_rules(t))
    assert where(found) == sorted([("date-basis-pair", table, line(t, table, i), basis),
                                   ("date-basis-pair", table, line(t, table, k), basis)])
    assert sorted(found, key=lambda x: x.line)[[i, k].index(min(i, k))].value == (None if i < k else d[basis].iat[k])
    assert found[0].message == f"{date_col} and {basis} must be both given or both empty"


def test_a_language_without_translation_and_a_translation_without_language_are_each_reported(t):
    q = t.frames["quotes"]
    translated = [i for i, v in enumerate((q["is_translation"] == True).fillna(False)) if v]  # noqa: E712
    set_cell(t, "quotes", translated[0], "is_translation", False)
    set_cell(t, "quotes", translated[1], "original_language", None)
    set_cell(t, "quotes", translated[2], "is_translation", pd.NA)  # empty: not true, so the language is refused
    found = sorted(rows_rules.row_rules(t), key=lambda x: x.line)
    assert where(found) == sorted(("translation-language", "quotes", line(t, "quotes", i), "original_language")
                                  for i in translated[:3])
    assert [x.message for x in found] == ["original_language is given but is_translation is not true",
                                          "is_translation is true but original_language is empty",
                                          "original_language is given but is_translation is not true"]
    assert [x.value for x in found] == [q["original_language"].iat[translated[0]], None,
                                        q["original_language"].iat[translated[2]]]


def test_aggregate_counts_each_side_alone(t):
    a = t.frames["agreements"]
    agg = row(t, "agreements", lambda r: r["is_aggregate"] is True and r["count_low"] is not None and pd.notna(r["count_low"]))
    single = row(t, "agreements", lambda r: r["is_aggregate"] is False)
    set_cell(t, "agreements", agg, "count_text", None)
    assert where(rows_rules.row_rules(t)) == [("aggregate-count", "agreements", line(t, "agreements", agg), "count_text")]
    set_cell(t, "agreements", agg, "count_text", "over 20")
    set_cell(t, "agreements", single, "count_low", 3)
    found = list(rows_rules.row_rules(t))
    assert where(found) == [("aggregate-count", "agreements", line(t, "agreements", single), "count_text")]
    assert found[0].value is None and found[0].message == "count_text/count_low are only for aggregate rows"
    set_cell(t, "agreements", single, "count_low", None)
    set_cell(t, "agreements", single, "count_text", "three")
    assert [x.value for x in rows_rules.row_rules(t)] == ["three"]
    set_cell(t, "agreements", single, "is_aggregate", pd.NA)  # empty: pandera's finding, not this rule's
    assert list(rows_rules.row_rules(t)) == [] and a["is_aggregate"].isna().sum() == 1


def test_an_aggregate_without_count_text_is_named_with_its_message(t):
    agg = row(t, "agreements", lambda r: r["is_aggregate"] is True)
    set_cell(t, "agreements", agg, "count_text", "")
    found = list(rows_rules.row_rules(t))
    assert [(x.line, x.value, x.message) for x in found] == [
        (line(t, "agreements", agg), None, "an aggregate agreement needs its count_text")]


@pytest.mark.parametrize("aliases, bad", [("Putin; President Putin", True), ("Putin;;President Putin", True),
                                          ("Putin;", True), ("Putin;Putin", True), ("Putin;Vladimir Putin", True),
                                          ("Putin;President Putin", False), ("Vladimir", False)])
def test_aliases_distinct_non_empty_unpadded_and_not_the_name(t, aliases, bad):
    set_cell(t, "participants", 0, "aliases", aliases)
    assert t.frames["participants"]["name"].iat[0] == "Vladimir Putin"
    expected = [("aliases", "participants", line(t, "participants", 0), "aliases")] if bad else []
    found = list(rows_rules.row_rules(t))
    assert where(found) == expected and all(x.value == aliases for x in found)


# --- entities: the same thing twice, incoherent claims -------------------------------------------------------

ent = importlib.import_module("china_russia_diplomacy.validation.rules.entities")


def test_the_committed_package_passes_the_entity_confidence_code_and_hygiene_rules(t):
    from china_russia_diplomacy.validation.rules import (cell_hygiene, confidence, country_codes, event_codes,
                                                          language_codes)

    assert ent.entities(t) == [] and confidence(t) == [] and cell_hygiene(t) == []
    assert country_codes(t) == [] and language_codes(t) == [] and event_codes(t) == []
    assert list(keys.foreign_keys(t)) == [] and list(keys.parent_cycles(t)) == [] and list(keys.retired_ids(t)) == []
    assert list(rows_rules.row_rules(t)) == []


def _pid(t: Tables, i: int) -> str:
    return t.frames["participants"]["participant_id"].iat[i]


def test_a_participant_whose_name_normalises_to_another_ones_is_reported_on_the_later_row(t):
    p = t.frames["participants"]
    assert p["name"].iat[9] == "U.S." and p["name"].iat[0] == "Vladimir Putin"
    set_cell(t, "participants", 20, "name", "  vladimir   PUTIN. ")
    found = ent.duplicate_participants(t)
    assert where(found) == [("duplicate-participant", "participants", line(t, "participants", 20), "name")]
    assert found[0].message == (f"{_pid(t, 20)} and {_pid(t, 0)} (line {line(t, 'participants', 0)}) both go by "
                                "'vladimir putin': the same entity twice, or an alias on the wrong participant")
    assert found[0].value == "  vladimir   PUTIN. "


def test_an_alias_equal_to_another_participants_alias_or_name_is_reported_once_per_row(t):
    set_cell(t, "participants", 20, "aliases", "us;Xi")  # U.S.'s alias and Xi Jinping's alias: one finding
    set_cell(t, "participants", 21, "aliases", "Xi Jinping")
    set_cell(t, "participants", 22, "name", "Xi")
    found = sorted(ent.duplicate_participants(t), key=lambda x: x.line)
    assert where(found) == [("duplicate-participant", "participants", line(t, "participants", 20), "aliases"),
                            ("duplicate-participant", "participants", line(t, "participants", 21), "aliases"),
                            ("duplicate-participant", "participants", line(t, "participants", 22), "name")]
    assert [x.message.split(" both go by ")[1].split(":")[0] for x in found] == ["'us'", "'xi jinping'", "'xi'"]
    assert found[0].message.startswith(f"{_pid(t, 20)} and {_pid(t, 9)} (line {line(t, 'participants', 9)})")


def test_a_name_repeated_as_its_own_alias_and_unnamed_participants_are_not_duplicates(t):
    p = t.frames["participants"]
    unnamed = [i for i in range(len(p)) if pd.isna(p["name"].iat[i]) and pd.isna(p["aliases"].iat[i])]
    assert len(unnamed) >= 2
    set_cell(t, "participants", 0, "aliases", "Vladimir Putin;Putin")  # the aliases rule's business
    set_cell(t, "participants", 20, "aliases", "")
    assert ent.duplicate_participants(t) == []


def _events_key(t: Tables, src: int, dst: int) -> None:
    for c in ("event_type", "date_start", "date_end", "location_name", "location_country", "source_id",
              "evidence_start", "evidence_end"):
        set_cell(t, "events", dst, c, t.frames["events"][c].iat[src])


def test_two_events_alike_in_every_key_and_in_their_participants_are_one_event_twice(t):
    e = t.frames["events"]
    assert list(e["event_id"].iloc[12:15]) == ["evt-0013", "evt-0014", "evt-0015"]  # all three: par-0001;par-0002
    _events_key(t, 12, 13)
    _events_key(t, 12, 14)
    found = ent.duplicate_events(t)
    assert where(found) == [("duplicate-event", "events", line(t, "events", 13), "event_id"),
                            ("duplicate-event", "events", line(t, "events", 14), "event_id")]
    assert [x.message for x in found] == [
        f"same type, dates, location, primary evidence and participants as evt-0013 (line {line(t, 'events', 12)}): "
        "one event recorded twice"] * 2


def test_events_alike_but_for_their_participants_or_one_key_column_are_distinct(t):
    _events_key(t, 2, 13)  # evt-0003 has par-0002;par-0007, evt-0014 par-0001;par-0002
    assert ent.duplicate_events(t) == []
    _events_key(t, 12, 13)
    set_cell(t, "events", 13, "evidence_end", int(t.frames["events"]["evidence_end"].iat[12]) + 1)
    assert ent.duplicate_events(t) == []


def test_without_the_participation_table_events_are_compared_on_their_own_columns(t):
    _events_key(t, 2, 13)
    del t.frames["event_participants"]
    assert where(ent.duplicate_events(t)) == [("duplicate-event", "events", line(t, "events", 13), "event_id")]


def test_a_party_listed_twice_is_reported_with_its_id(t):
    set_cell(t, "agreements", 1, "parties", "par-0007;par-0008;par-0007;par-0008")
    set_cell(t, "agreements", 2, "parties", "par-0007;;par-0008")  # an empty piece is the pattern's business
    found = ent.agreement_parties(t)
    assert where(found) == [("duplicate-party", "agreements", line(t, "agreements", 1), "parties")]
    assert found[0].message == "par-0007 is listed twice among the parties"


def test_a_quote_relayed_by_its_own_speaker_is_reported(t):
    q = t.frames["quotes"]
    set_cell(t, "quotes", 3, "via_id", q["speaker_id"].iat[3])
    set_cell(t, "quotes", 4, "via_id", "par-0003")
    found = ent.quote_relays(t)
    assert where(found) == [("via-is-speaker", "quotes", line(t, "quotes", 3), "via_id")]
    assert found[0].value == q["speaker_id"].iat[3]


def test_a_discrepancy_whose_values_normalise_equal_is_reported(t):
    d = t.frames["discrepancies"]
    set_cell(t, "discrepancies", 3, "other_value", "yuri  USHAKOV.")
    found = ent.discrepancy_claims(t)
    assert where(found) == [("discrepancy-same-value", "discrepancies", line(t, "discrepancies", 3), "other_value")]
    assert found[0].value == "yuri  USHAKOV." and d["value"].iat[3] == "Yuri Ushakov"


def _same_span(t: Tables, i: int) -> None:
    d = t.frames["discrepancies"]
    set_cell(t, "discrepancies", i, "other_source_id", d["source_id"].iat[i])
    set_cell(t, "discrepancies", i, "other_evidence_start", d["evidence_start"].iat[i])
    set_cell(t, "discrepancies", i, "other_evidence_end", d["evidence_end"].iat[i])


def test_both_claims_on_one_span_are_reported_and_one_column_apart_is_not(t):
    i = 3  # a participants discrepancy: no mentions to agree with
    _same_span(t, i)
    found = ent.discrepancy_claims(t)
    assert where(found) == [("discrepancy-same-evidence", "discrepancies", line(t, "discrepancies", i), "other_evidence"),
                            ("discrepancy-source-order", "discrepancies", line(t, "discrepancies", i), "other_source_id")]
    order = [x for x in found if x.rule == "discrepancy-source-order"][0]
    assert order.message == "other_source_id src-0002 is source_id itself: a discrepancy is between two articles"
    d = t.frames["discrepancies"]
    for column, delta in (("other_evidence_start", -1), ("other_evidence_end", 1)):
        _same_span(t, i)
        set_cell(t, "discrepancies", i, column, int(d[column].iat[i]) + delta)
        assert [x.rule for x in ent.discrepancy_claims(t)] == ["discrepancy-source-order"]


def test_the_first_claim_is_the_lower_source_number_compared_as_numbers(t):
    set_cell(t, "discrepancies", 3, "source_id", "src-0004")
    set_cell(t, "discrepancies", 3, "other_source_id", "src-0002")
    set_cell(t, "discrepancies", 4, "source_id", "src-9999")  # 9999 < 10000, though "src-9999" > "src-10000"
    set_cell(t, "discrepancies", 4, "other_source_id", "src-10000")
    set_cell(t, "discrepancies", 5, "source_id", "src-10000")
    set_cell(t, "discrepancies", 5, "other_source_id", "src-9999")
    found = [x for x in ent.discrepancy_claims(t) if x.rule == "discrepancy-source-order"]
    assert [(x.line, x.value) for x in found] == [(line(t, "discrepancies", 3), "src-0002"),
                                                  (line(t, "discrepancies", 5), "src-9999")]
    assert found[0].message == "other_source_id src-0002 comes before source_id src-0004: the first claim is the lower src- ID's"


def _mention_row(t: Tables, mid: str) -> int:
    return int((t.frames["event_mentions"]["mention_id"] == mid).values.argmax())


@pytest.mark.parametrize("col, src_col", [("mention_id", "source_id"), ("other_mention_id", "other_source_id")])
def test_a_discrepancy_mention_of_another_event_another_source_or_another_table_is_reported(t, col, src_col):
    d = t.frames["discrepancies"]
    assert (d["record_id"].iat[0], d["mention_id"].iat[0], d["other_mention_id"].iat[0]) == ("evt-0017", "men-0040", "men-0041")
    set_cell(t, "discrepancies", 0, col, "men-0001")  # a mention of evt-0001 in src-0001
    found = [x for x in ent.discrepancy_claims(t) if x.rule == "discrepancy-mention"]
    assert where(found) == [("discrepancy-mention", "discrepancies", line(t, "discrepancies", 0), col)]
    assert found[0].message == (f"men-0001 is a mention of evt-0001 in src-0001, but the discrepancy is about events evt-0017 "
                                f"in {d[src_col].iat[0]}")
    mine = d["mention_id" if col == "mention_id" else "other_mention_id"].iat[1]  # dis-0002: evt-0017 too
    set_cell(t, "discrepancies", 0, col, mine)  # a mention of the same event in another source
    m = t.frames["event_mentions"]
    assert m["event_id"].iat[_mention_row(t, mine)] == "evt-0017" and m["source_id"].iat[_mention_row(t, mine)] != d[src_col].iat[0]
    assert [x.column for x in ent.discrepancy_claims(t) if x.rule == "discrepancy-mention"] == [col]
    set_cell(t, "discrepancies", 0, col, d[col].iat[2] if col == "mention_id" else "men-0041")
    set_cell(t, "discrepancies", 0, "mention_id", "men-0040")
    set_cell(t, "discrepancies", 0, "record_table", "participants")  # a mention is of an event
    found = [x.column for x in ent.discrepancy_claims(t) if x.rule == "discrepancy-mention"]
    assert found == ["mention_id", "other_mention_id"]


def test_an_unknown_or_empty_discrepancy_mention_is_left_to_the_foreign_key(t):
    set_cell(t, "discrepancies", 0, "mention_id", "men-9999")
    set_cell(t, "discrepancies", 0, "other_mention_id", None)
    assert ent.discrepancy_claims(t) == []
    del t.frames["event_mentions"]
    set_cell(t, "discrepancies", 0, "mention_id", "men-0001")
    assert ent.discrepancy_claims(t) == []


def test_an_event_about_its_child_or_grandchild_is_reported_and_about_its_parent_is_not(t):
    e = t.frames["events"]
    ids = list(e["event_id"])
    # evt-0013 is a child of evt-0012; make evt-0012 the child of evt-0047, so evt-0013 is its grandchild
    set_cell(t, "events", ids.index("evt-0012"), "parent_event_id", "evt-0047")
    set_cell(t, "events", ids.index("evt-0012"), "about_event_id", "evt-0013")
    set_cell(t, "events", ids.index("evt-0047"), "about_event_id", "evt-0013")
    set_cell(t, "events", ids.index("evt-0014"), "about_event_id", "evt-0012")  # its parent: fine
    found = ent.about_descendants(t)
    assert where(found) == sorted([("about-descendant", "events", line(t, "events", ids.index("evt-0012")), "about_event_id"),
                                   ("about-descendant", "events", line(t, "events", ids.index("evt-0047")), "about_event_id")])
    assert all(x.value == "evt-0013" for x in found)


@pytest.mark.parametrize("count_text, low, bad", [("over 20", 21, False), ("over 20", 22, True), ("1,200 documents", 1201, False),
                                                  ("1,200 documents", 1202, True), ("between 5 and 12", 13, False),
                                                  ("between 12 and 5", 14, True), ("several", 99, False), ("over 20", None, False)])
def test_count_low_at_most_one_more_than_the_largest_number_in_count_text(t, count_text, low, bad):
    set_cell(t, "agreements", 1, "count_text", count_text)
    set_cell(t, "agreements", 1, "count_low", low)
    found = ent.count_plausible(t)
    assert where(found) == ([("count-low", "agreements", line(t, "agreements", 1), "count_low")] if bad else [])
    if bad:
        assert found[0].message == f"count_low {low} is more than count_text {count_text!r} allows"


@pytest.mark.parametrize("a, b", ent.CONFLICTING_ROLES)
def test_one_participant_in_both_roles_of_a_pair_is_reported_on_the_second_role(t, a, b):
    ep = t.frames["event_participants"]
    i, k = 5, 6
    assert ep["event_id"].iat[i] == ep["event_id"].iat[k] and ep["participant_id"].iat[i] != ep["participant_id"].iat[k]
    set_cell(t, "event_participants", i, "role", a)
    set_cell(t, "event_participants", k, "role", b)
    set_cell(t, "event_participants", k, "participant_id", ep["participant_id"].iat[i])
    found = [x for x in ent.role_conflicts(t) if x.line in (line(t, "event_participants", i), line(t, "event_participants", k))]
    assert where(found) == [("role-conflict", "event_participants", line(t, "event_participants", k), "role")]
    assert found[0].message == f"the participant is also {a!r} of this event: one cannot be both"
    assert len(ent.role_conflicts(t)) == 1
    set_cell(t, "event_participants", k, "role", a if b != "host" else "visitor")
    assert ent.role_conflicts(t) == []


def test_roles_of_a_pair_in_two_events_or_held_by_two_participants_do_not_conflict(t):
    ep = t.frames["event_participants"]
    assert (ep["role"].iat[5], ep["role"].iat[6]) == ("visitor", "host")  # two participants of evt-0003
    set_cell(t, "event_participants", 7, "role", "host")  # evt-0004's visitor par-0001 ...
    set_cell(t, "event_participants", 11, "participant_id", "par-0001")  # ... hosts evt-0006? no: evt-0006's host
    assert ep["event_id"].iat[11] != ep["event_id"].iat[7]
    found = ent.role_conflicts(t)
    assert where(found) == [("role-conflict", "event_participants", line(t, "event_participants", 11), "role")]


def _event_row(t: Tables, eid: str) -> int:
    return list(t.frames["events"]["event_id"]).index(eid)


def test_event_status_must_be_the_latest_dated_articles(t):
    i = _event_row(t, "evt-0034")  # planned in src-0003 (5 May), occurred in src-0005 (9 May)
    set_cell(t, "events", i, "status", "planned")
    found = ent.status_of_latest_source(t)
    assert where(found) == [("status-latest-source", "events", line(t, "events", i), "status")]
    assert found[0].message == ("status 'planned' is not what the latest article reporting the event "
                                "(published 2025-05-09) gives: occurred")


def test_undated_articles_do_not_count_as_latest_unless_all_are_undated(t):
    i = _event_row(t, "evt-0039")  # planned in the undated src-0004, occurred in src-0005
    set_cell(t, "events", i, "status", "planned")
    assert [x.line for x in ent.status_of_latest_source(t)] == [line(t, "events", i)]
    m = t.frames["event_mentions"]
    k = _event_row(t, "evt-0034")
    for j in range(len(m)):
        if m["event_id"].iat[j] == "evt-0034":
            set_cell(t, "event_mentions", j, "source_id", "src-0004")
    set_cell(t, "events", k, "status", "planned")  # any mention's status will do when all are undated
    assert [x.line for x in ent.status_of_latest_source(t)] == [line(t, "events", i)]
    set_cell(t, "events", k, "status", "ongoing")
    found = ent.status_of_latest_source(t)
    assert [x.line for x in found] == sorted([line(t, "events", i), line(t, "events", k)])
    assert [x for x in found if x.line == line(t, "events", k)][0].message == (
        "status 'ongoing' is not what the latest article reporting the event (all undated) gives: occurred, planned")


def test_an_event_without_mentions_has_no_latest_status_to_follow(t):
    m = t.frames["event_mentions"]
    t.frames["event_mentions"] = m[m["event_id"] != "evt-0034"].reset_index(drop=True)
    set_cell(t, "events", _event_row(t, "evt-0034"), "status", "planned")
    assert ent.status_of_latest_source(t) == []
