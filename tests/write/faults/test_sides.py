"""One side of a two-sided rule broken alone, end to end (issue 29).

The classes beside these in the catalogue break a child's start, a quote's date before its event, both
offsets of a span at once: a rule that lost the other half of its comparison would still pass them.
Each test here breaks exactly the other side and asserts the exact findings of the rules and pandera
layers (rule, table, CSV line, column, and nothing else); tests/write/test_rule_sides.py checks every
side and boundary of the same rules in memory.
"""

from __future__ import annotations

import datetime as dt

import pytest

from china_russia_diplomacy.validation import validate_package

from .inject import CsvTable

defect = pytest.mark.defect


def _exactly(pkg, expected: tuple[str, str, int, str]) -> None:
    """The second layer reports exactly this one finding (the descriptor's stale hashes aside)."""
    report = validate_package(pkg)
    found = sorted((f.rule, f.table, f.line, f.column) for f in report.findings if f.layer in ("rules", "pandera"))
    assert not report.valid and found == [expected], report.to_text()


def _events(pkg):
    e = CsvTable.open(pkg, "events")
    return {r[0]: dict(zip(e.header, r)) for r in e.rows}


@defect("time: child ends after its parent")
def test_child_ending_the_day_after_its_parent_is_reported_at_its_end(pkg):
    """The late side alone: the child keeps its start (its parent's own day) and ends a day later."""
    events = _events(pkg)
    t = CsvTable.open(pkg, "events")

    def same_day_child(r):  # a one-day child of a one-day parent, on the parent's day
        p = events.get(r["parent_event_id"])
        return (r["date_precision"] == "day" and p is not None and p["date_precision"] == "day"
                and p["date_start"] == r["date_start"])

    i = t.where(same_day_child)
    start = t.get(i, "date_start")
    after = (dt.date.fromisoformat(start) + dt.timedelta(days=1)).isoformat()
    t.set(i, "date_end", after)
    t.set(i, "date_precision", "days")
    t.set(i, "date_edtf", f"{start}/{after}")
    t.save()
    _exactly(pkg, ("child-outside-parent", "events", t.line(i), "date_end"))


@defect("time: quote after its event")
def test_quote_spoken_the_day_after_its_event_is_reported(pkg):
    """The upper bound alone (the catalogue's other class dates a quote the day before its event)."""
    events = _events(pkg)
    published = {r[0]: r[CsvTable.open(pkg, "sources").header.index("published_date")]
                 for r in CsvTable.open(pkg, "sources").rows}
    t = CsvTable.open(pkg, "quotes")

    def room_after(r):  # a dated quote whose event ends before the article's date: the day after is no later
        ev = events.get(r["event_id"])
        pub = published.get(r["source_id"])
        return r["spoken_date"] != "" and ev is not None and ev["date_end"] != "" and pub and ev["date_end"] < pub

    i = t.where(room_after)
    end = events[t.get(i, "event_id")]["date_end"]
    t.set(i, "spoken_date", (dt.date.fromisoformat(end) + dt.timedelta(days=1)).isoformat())
    t.save()
    _exactly(pkg, ("date-outside-event", "quotes", t.line(i), "spoken_date"))


@defect("provenance: one offset moved")
@pytest.mark.parametrize("column, delta", [("evidence_start", 1), ("evidence_end", -1), ("evidence_end", 1)])
def test_moving_one_offset_of_a_span_alone_is_reported(pkg, column, delta):
    t = CsvTable.open(pkg, "quotes")
    t.set(0, column, str(int(t.get(0, column)) + delta))
    t.save()
    _exactly(pkg, ("evidence-verbatim", "quotes", t.line(0), "evidence"))
