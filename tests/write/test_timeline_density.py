"""The timeline beyond ``ROW_CAP`` events: density lanes, bounded in size, every event accounted for.

What a reader sees is checked on the layout (counts per lane, per status group and per bin), and the
figure on its bytes: bounded size at 100k events, deterministic, the omitted count in the caption.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from china_russia_diplomacy.build.generate import timeline
from china_russia_diplomacy.build.generate.timeline import canvas, per_event
from china_russia_diplomacy.build.generate.timeline import density as timeline_density
from china_russia_diplomacy.core.metadata import read_metadata

STATUSES = ["occurred", "ongoing", "planned", "expected", "proposed", "rejected", "cancelled"]
EPOCH = dt.date(1970, 1, 1)


@pytest.fixture(scope="module")
def type_order(repo) -> list[str]:
    return read_metadata(repo).table("events").field("event_type").enum


def synthetic_events(n: int, type_order: list[str], seed: int = 0, dictionary: bool = False) -> pa.Table:
    """``n`` events: most within two years, some spread over decades, 20 % windows, 2 % undated."""
    rng = np.random.default_rng(seed)
    base = (dt.date(2025, 1, 1) - EPOCH).days
    start = base + rng.integers(-400, 400, n)
    early = rng.random(n) < 0.05
    start[early] = rng.integers(-9000, 17000, int(early.sum()))
    length = np.where(rng.random(n) < 0.8, 0, rng.integers(1, 120, n))
    undated = pa.array(rng.random(n) < 0.02)
    no_date = pa.scalar(None, pa.date32())
    types = pa.array(rng.choice(type_order[:12], n))
    statuses = pa.array(rng.choice(STATUSES, n))
    if dictionary:
        types, statuses = types.dictionary_encode(), statuses.dictionary_encode()
    return pa.table({
        "event_id": pa.array([f"evt-{i:07d}" for i in range(n)]),
        "event_type": types,
        "title": pa.array(["A synthetic event"] * n),
        "status": statuses,
        "date_start": pc.if_else(undated, no_date, pa.array(start, pa.int32()).cast(pa.date32())),
        "date_end": pc.if_else(undated, no_date, pa.array(start + length, pa.int32()).cast(pa.date32())),
    })


def events(rows) -> pa.Table:
    """A small table from (event_type, status, date_start, date_end) tuples."""
    cols = list(zip(*rows))
    return pa.table({
        "event_id": [f"evt-{i:04d}" for i in range(len(rows))], "event_type": cols[0], "title": ["t"] * len(rows),
        "status": cols[1], "date_start": pa.array(cols[2], pa.date32()), "date_end": pa.array(cols[3], pa.date32()),
    })


def test_100k_events_give_a_small_deterministic_figure_whose_caption_states_the_omitted_count(type_order):
    table = synthetic_events(100_000, type_order)
    first = timeline_density.render(timeline_density.layout(table, type_order), "1.1.0")
    second = timeline_density.render(timeline_density.layout(table, type_order), "1.1.0")
    assert first == second
    svg = first[canvas.SVG_PATH]
    assert len(svg) < 2_000_000 and len(first[canvas.PNG_PATH]) < 1_000_000
    caption = timeline_density.caption(timeline_density.layout(table, type_order), "1.1.0")
    assert "100,000 events" in caption and "the 100,000 individual events are omitted" in caption
    assert f"More than the {canvas.ROW_CAP} drawn one per row" in caption
    assert b"<dc:date>" not in svg and b"Matplotlib" not in svg


def test_every_dated_event_is_counted_once_in_its_lane_and_status_group(type_order):
    table = synthetic_events(20_000, type_order, seed=3)
    d = timeline_density.layout(table, type_order)
    drawn = sum(h.counts.sum(axis=2) for h in d.histograms)  # (lanes, groups), over bins and panels
    assert drawn.sum() + d.outside == pytest.approx(d.dated)
    types = table.column("event_type").to_pylist()
    statuses = table.column("status").to_pylist()
    dated = table.column("date_start").is_valid().to_pylist()
    for i, lane in enumerate(d.lanes):
        assert lane.events == types.count(lane.event_type)
        assert lane.undated == sum(1 for t, ok in zip(types, dated) if t == lane.event_type and not ok)
        occurred = sum(1 for t, s, ok in zip(types, statuses, dated)
                       if ok and t == lane.event_type and s in ("occurred", "ongoing"))
        assert drawn[i, 0] == pytest.approx(occurred, abs=d.outside + 1e-6)
    assert [lane.event_type for lane in d.lanes] == [t for t in type_order if t in set(types)]


def test_a_dictionary_encoded_table_gives_the_same_layout_as_a_plain_one(type_order):
    plain = timeline_density.layout(synthetic_events(5_000, type_order, seed=5), type_order)
    encoded = timeline_density.layout(synthetic_events(5_000, type_order, seed=5, dictionary=True), type_order)
    assert plain.lanes == encoded.lanes
    for a, b in zip(plain.histograms, encoded.histograms):
        assert a.panel == b.panel and np.array_equal(a.edges, b.edges) and np.allclose(a.counts, b.counts)


def test_a_window_counts_once_spread_evenly_over_its_days(type_order):
    d = dt.date
    rows = [("visit", "occurred", d(2025, 5, 1), d(2025, 5, 1))] * 40 + [
        ("talks", "planned", d(2025, 5, 3), d(2025, 5, 12)),  # a 10-day window
        ("talks", "occurred", None, None),
    ]
    density = timeline_density.layout(events(rows), type_order)
    (h,) = density.histograms
    assert h.bin_days == 1
    talks = [lane.event_type for lane in density.lanes].index("talks")
    per_day = h.counts[talks, 1]
    first = (d(2025, 5, 3) - canvas.EPOCH).days
    days = {int(h.edges[j]): per_day[j] for j in range(len(per_day))}
    assert all(days[first + k] == pytest.approx(0.1) for k in range(10))
    assert per_day.sum() == pytest.approx(1.0)
    assert density.lanes[talks].undated == 1 and density.lanes[talks].events == 2


def test_bins_never_cross_a_panel_edge_so_nothing_is_counted_twice(type_order):
    d = timeline_density.layout(synthetic_events(10_000, type_order, seed=7), type_order)
    assert len(d.panels) > 1
    for h in d.histograms:
        assert h.edges[0] == (h.panel.start - canvas.EPOCH).days
        assert h.edges[-1] == (h.panel.end - canvas.EPOCH).days + 1
        assert np.all(np.diff(h.edges) > 0) and np.all(np.diff(h.edges) <= h.bin_days)


def test_events_scattered_over_centuries_get_at_most_max_tails_earlier_panels_that_do_not_overlap(type_order):
    d = dt.date
    rows = [("visit", "occurred", d(2025, 5, 1), d(2025, 5, 2))] * 50
    rows += [("talks", "occurred", d(year, 1, 1), d(year, 1, 1)) for year in range(1700, 2000, 30)]
    density = timeline_density.layout(events(rows), type_order)
    panels = density.panels
    assert sum(not p.dense for p in panels) == canvas.MAX_TAILS
    for a, b in zip(panels, panels[1:]):
        assert a.end < b.start
    drawn = sum(float(h.counts.sum()) for h in density.histograms)
    assert drawn + density.outside == pytest.approx(len(rows))


def test_generate_keeps_one_row_per_event_up_to_the_cap_and_draws_density_beyond(type_order, monkeypatch):
    calls = []
    monkeypatch.setattr(per_event, "render", lambda layout, version: calls.append(("rows", layout)) or {})
    monkeypatch.setattr(timeline_density, "render", lambda layout, version: calls.append(("density", layout)) or {})
    field = SimpleNamespace(enum=type_order)
    meta = SimpleNamespace(version="1.1.0", table=lambda name: SimpleNamespace(field=lambda f: field))
    for n in (canvas.ROW_CAP, canvas.ROW_CAP + 1):
        timeline.generate(SimpleNamespace(meta=meta, tables={"events": synthetic_events(n, type_order, seed=n)}))
    assert [kind for kind, _ in calls] == ["rows", "density"]
    assert len(calls[0][1].items) == canvas.ROW_CAP and calls[1][1].events == canvas.ROW_CAP + 1


def test_no_dated_event_at_all_still_renders(type_order):
    rows = [("visit", "occurred", None, None)] * (canvas.ROW_CAP + 5)
    d = timeline_density.layout(events(rows), type_order)
    assert d.histograms == [] and d.undated == canvas.ROW_CAP + 5
    out = timeline_density.render(d, "1.1.0")
    assert out[canvas.PNG_PATH].startswith(b"\x89PNG")
