"""The timeline figure: what is drawn (lanes, bars, rows, labels) and byte-identical output."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pyarrow as pa
import pytest

from china_russia_diplomacy.build.generate.timeline import per_event as timeline
from china_russia_diplomacy.core.metadata import read_metadata

D = dt.date
EVENTS = [
    # event_id, event_type, title, status, date_start, date_end
    ("evt-0001", "visit", "State visit to Russia", "occurred", D(2025, 5, 7), D(2025, 5, 10)),
    ("evt-0002", "talks", "Talks in the Kremlin", "occurred", D(2025, 5, 8), D(2025, 5, 8)),
    ("evt-0003", "talks", "Talks with the premier", "occurred", D(2025, 5, 8), D(2025, 5, 8)),
    ("evt-0004", "parade", "Parade in Beijing", "planned", D(2025, 9, 3), D(2025, 9, 3)),
    ("evt-0005", "visit", "Visit to China", "expected", D(2025, 8, 21), D(2025, 9, 10)),
    ("evt-0006", "parade", "Parade of 2015", "occurred", D(2015, 5, 9), D(2015, 5, 9)),
    ("evt-0007", "anniversary", "End of World War II", "occurred", D(1945, 5, 9), D(1945, 5, 9)),
    ("evt-0008", "announcement", "An undated announcement", "occurred", None, None),
    ("evt-0009", "call", "Video call", "occurred", D(2025, 2, 24), D(2025, 2, 24)),
]


def events_table(rows=EVENTS) -> pa.Table:
    cols = list(zip(*rows))
    return pa.table({
        "event_id": cols[0], "event_type": cols[1], "title": cols[2], "status": cols[3],
        "date_start": pa.array(cols[4], pa.date32()), "date_end": pa.array(cols[5], pa.date32()),
    })


@pytest.fixture(scope="module")
def type_order(repo) -> list[str]:
    return read_metadata(repo).table("events").field("event_type").enum


def test_one_lane_per_event_type_present_in_schema_order(type_order):
    tl = timeline.layout(events_table(), type_order)
    present = {r[1] for r in EVENTS}
    assert len(tl.lanes) == len(present)
    assert set(tl.lane_types) == present
    assert tl.lane_types == [t for t in type_order if t in present]


def test_every_event_has_its_own_row_and_undated_ones_are_listed_off_the_axis(type_order):
    tl = timeline.layout(events_table(), type_order)
    assert sorted(i.event_id for i in tl.items) == sorted(r[0] for r in EVENTS)
    assert sorted(i.row for i in tl.items) == list(range(len(EVENTS)))
    assert [i.event_id for i in tl.undated] == ["evt-0008"] and tl.undated[0].panel is None
    assert all(i.panel is not None for i in tl.items if i.event_id != "evt-0008")


def test_lanes_hold_their_own_events_in_date_order(type_order):
    tl = timeline.layout(events_table(), type_order)
    for lane in tl.lanes:
        mine = [i for i in tl.items if lane.first_row <= i.row < lane.first_row + lane.rows]
        assert {i.event_type for i in mine} == {lane.event_type}
        dated = [i.start for i in sorted(mine, key=lambda i: i.row) if i.start is not None]
        assert dated == sorted(dated)


def test_uncertain_dates_are_bars_spanning_start_to_end(type_order):
    items = {i.event_id: i for i in timeline.layout(events_table(), type_order).items}
    assert items["evt-0005"].is_window and (items["evt-0005"].start, items["evt-0005"].end) == (D(2025, 8, 21), D(2025, 9, 10))
    assert items["evt-0001"].is_window
    assert not items["evt-0002"].is_window and not items["evt-0008"].is_window


def test_planned_and_occurred_events_are_drawn_differently():
    occurred, planned = timeline._style("occurred"), timeline._style("planned")
    assert occurred["face"] != planned["face"] and occurred["ls"] != planned["ls"]
    assert timeline._style("expected")["face"] == timeline._style("proposed")["face"] == "white"


def test_axis_is_broken_at_long_gaps_with_a_wide_panel_for_the_dense_period(type_order):
    tl = timeline.layout(events_table(), type_order)
    items = {i.event_id: i for i in tl.items}
    assert [p.dense for p in tl.panels] == [False, False, True]
    assert items["evt-0007"].panel == 0 and items["evt-0006"].panel == 1
    assert {items[e].panel for e in ("evt-0001", "evt-0004", "evt-0009")} == {2}
    assert tl.panels[2].share > tl.panels[0].share + tl.panels[1].share
    for a, b in zip(tl.panels, tl.panels[1:]):
        assert a.end < b.start


def test_a_year_long_window_does_not_stretch_the_dense_panel(type_order):
    rows = EVENTS + [("evt-0011", "policy_measure", "Tariffs, 2025", "occurred", D(2025, 1, 1), D(2025, 12, 31))]
    tl = timeline.layout(events_table(rows), type_order)
    dense = tl.panels[-1]
    assert dense.start > D(2025, 2, 1) - timedelta(days=30) and dense.end < D(2025, 10, 1)
    assert next(i for i in tl.items if i.event_id == "evt-0011").panel == len(tl.panels) - 1


def test_every_label_names_its_event_id(type_order):
    for item in timeline.layout(events_table(), type_order).items:
        assert item.label.startswith(item.event_id)


def test_a_long_title_is_cut_with_an_ellipsis(type_order):
    rows = EVENTS + [("evt-0010", "military_action", "A very long title " * 6, "ongoing", D(2022, 2, 24), D(2022, 2, 24))]
    item = next(i for i in timeline.layout(events_table(rows), type_order).items if i.event_id == "evt-0010")
    assert item.label.endswith("…") and len(item.label) == timeline.LABEL_CHARS


def test_rendering_twice_gives_identical_svg_and_png_without_dates(type_order):
    first = timeline.render(timeline.layout(events_table(), type_order), "1.0.0")
    second = timeline.render(timeline.layout(events_table(), type_order), "1.0.0")
    assert first == second
    assert set(first) == {"docs/timeline.svg", "docs/timeline.png"}
    assert first["docs/timeline.png"].startswith(b"\x89PNG")
    svg = first["docs/timeline.svg"].decode()
    assert "<dc:date>" not in svg and "Matplotlib" not in svg


def test_no_events_at_all_still_renders(type_order):
    empty = events_table(EVENTS[:1]).slice(0, 0)
    out = timeline.render(timeline.layout(empty, type_order), "1.0.0")
    assert out["docs/timeline.png"].startswith(b"\x89PNG")
