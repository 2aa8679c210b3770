"""The timeline for more events than can be drawn one per row: one density lane per event type.

Above :data:`.canvas.ROW_CAP` events, one 0.19-inch row per event would make a figure taller than a
reader can use (and, near 441k events, taller than matplotlib can draw). The figure then keeps what a
reader can still see: the same lanes (one per event type, schema order) and the same broken time axis,
but each lane is a histogram of how many events of that type fall in each period, stacked by status
(occurred or ongoing / planned, expected or proposed / rejected or cancelled, in the per-event figure's
colours). The caption states that the individual events are omitted, and how many.

Date uncertainty is still drawn, not hidden: an event known only within a window counts once, spread
evenly over every day it may have taken place (``date_start`` to ``date_end``), so a month-long window
adds 1/31 to each of its days. Bar height is events per day (bins differ between panels), scaled to each
lane's peak, which is printed at the left with the lane's event count and undated count; a bin with any
event shows at least a thin bar. Window fractions falling in an axis break are not drawn; the caption
says how many events' worth.

Everything is computed on arrays: the histogram of each panel is the difference, at the bin edges, of a
piecewise-linear cumulative count (each event's share before ``x`` rises linearly from 0 at its first
day to 1 after its last), evaluated by sorting the breakpoints once per lane and status. Cost is
O(N log N) in the number of events and the figure's size does not depend on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .canvas import (
    EPOCH, FIG_WIDTH, FILLED, FUTURE, PANEL_GAP, RIGHT_MARGIN, ROW_CAP, STATUS_COLORS,
    Panel, _band, _canvas, _date_axis, _image_bytes, _panels,
)

LANE_COL = 2.5  # lane names and counts, inches
LANE_HEIGHT = 0.55  # inches per lane
LANE_FILL = 0.78  # of the lane's height, for the highest bin
MIN_BAR = 0.04  # lane heights: a non-empty bin is never thinner than this
HEADER = 1.0
FOOTER = 1.05
BINS_PER_INCH = 9  # about 8 points per bin
NICE_BIN_DAYS = (1, 2, 7, 14, 28, 91, 182, 365, 730, 1826, 3652, 18262, 36524)

GROUPS = (
    ("occurred or ongoing", STATUS_COLORS["occurred"]),
    ("planned, expected or proposed", STATUS_COLORS["planned"]),
    ("rejected or cancelled", STATUS_COLORS["rejected"]),
)


@dataclass(frozen=True)
class DensityLane:
    event_type: str
    events: int
    undated: int
    peak: float  # events per day in the lane's highest bin (stacked), over every panel


@dataclass(frozen=True)
class Histogram:
    """One panel's bins of ``bin_days`` days: ``counts[lane, group, bin]`` events (fractional) between
    ``edges`` (day numbers; the last bin ends at the panel's last day)."""

    panel: Panel
    bin_days: int
    edges: Any  # numpy int64, len = bins + 1
    counts: Any  # numpy float64, shape (lanes, groups, bins)

    @property
    def rates(self):
        """Events per day in each bin (comparable across panels, whose bins differ; a panel's last bin
        may be shorter)."""
        import numpy as np

        return self.counts / np.diff(self.edges)


@dataclass(frozen=True)
class Density:
    """Everything :func:`render` draws."""

    lanes: list[DensityLane]
    histograms: list[Histogram]
    events: int
    undated: int
    outside: float  # events' worth of date windows falling outside every panel (axis breaks)

    @property
    def panels(self) -> list[Panel]:
        return [h.panel for h in self.histograms]

    @property
    def dated(self) -> int:
        return self.events - self.undated


def _strings(table, name: str):
    import pyarrow as pa

    col = table.column(name)
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    return col.combine_chunks().fill_null("(none)")


def _arrays(table, type_order: list[str]):
    """Lane order, and per event: lane index, status group, start day and length in days (0 if undated)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    types = _strings(table, "event_type")
    present = set(pc.unique(types).to_pylist())
    order = [t for t in type_order if t in present] + sorted(present - set(type_order))
    lane = pc.index_in(types, value_set=pa.array(order, pa.string())).to_numpy(zero_copy_only=False)
    status = _strings(table, "status")
    group = np.full(len(table), 2, dtype=np.int64)
    for g, names in ((1, FUTURE), (0, FILLED)):
        group[pc.is_in(status, value_set=pa.array(sorted(names), pa.string())).to_numpy(zero_copy_only=False)] = g

    def days(name):
        col = table.column(name).combine_chunks().cast(pa.int32())
        return col.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64), col.is_valid().to_numpy(zero_copy_only=False)

    (start, has_start), (end, has_end) = days("date_start"), days("date_end")
    dated = has_start & has_end
    length = np.where(dated, np.maximum(end - start, 0) + 1, 0)
    return order, lane.astype(np.int64), group, start, length


def _bin_days(span: int, width_in: float) -> int:
    wanted = max(8, int(width_in * BINS_PER_INCH))
    return next((b for b in NICE_BIN_DAYS if b * wanted >= span), math.ceil(span / wanted))


def _cumulative(starts, lengths, x):
    """For each ``x``: how many of the events ``[start, start + length)`` lie before ``x``, counting
    each event's days evenly (a piecewise-linear function; breakpoints sorted once)."""
    import numpy as np

    w = 1.0 / lengths
    points = np.concatenate([starts, starts + lengths]).astype(np.float64)
    slopes = np.concatenate([w, -w])
    order = np.argsort(points, kind="stable")
    points, slopes = points[order], slopes[order]
    slope_sum = np.concatenate([[0.0], np.cumsum(slopes)])
    moment_sum = np.concatenate([[0.0], np.cumsum(slopes * points)])
    idx = np.searchsorted(points, x, side="right")  # breakpoints at or before x
    return x * slope_sum[idx] - moment_sum[idx]


def _histogram(panel: Panel, width_in: float, lane, group, start, length, n_lanes: int) -> Histogram:
    import numpy as np

    lo, hi = (panel.start - EPOCH).days, (panel.end - EPOCH).days + 1
    bin_days = _bin_days(hi - lo, width_in)
    edges = lo + bin_days * np.arange(math.ceil((hi - lo) / bin_days) + 1, dtype=np.int64)
    edges[-1] = hi  # the last bin stops at the panel's edge: what lies beyond is another panel's
    counts = np.zeros((n_lanes, len(GROUPS), len(edges) - 1))
    # Only events overlapping the panel; coordinates relative to its first day keep the sums small.
    inside = (length > 0) & (start < edges[-1]) & (start + length > edges[0])
    key = lane[inside] * len(GROUPS) + group[inside]
    s, n = start[inside] - lo, length[inside]
    x = (edges - lo).astype(np.float64)
    order = np.argsort(key, kind="stable")
    key, s, n = key[order], s[order], n[order]
    bounds = np.searchsorted(key, np.arange(n_lanes * len(GROUPS) + 1))
    for k in range(n_lanes * len(GROUPS)):
        a, b = bounds[k], bounds[k + 1]
        if a < b:
            counts[k // len(GROUPS), k % len(GROUPS)] = np.diff(_cumulative(s[a:b], n[a:b], x))
    np.clip(counts, 0.0, None, out=counts)  # rounding can leave -1e-12 in an empty bin
    return Histogram(panel, bin_days, edges, counts)


def panel_widths(panels: list[Panel]) -> list[float]:
    drawing = FIG_WIDTH - LANE_COL - 0.1 - RIGHT_MARGIN - PANEL_GAP * max(len(panels) - 1, 0)
    return [drawing * p.share for p in panels]


def layout(events_table, type_order: list[str]) -> Density:
    """Lanes, panels and histograms for the ``events`` table (a pyarrow table), without drawing."""
    import numpy as np

    order, lane, group, start, length = _arrays(events_table, type_order)
    dated = length > 0
    panels, _ = _panels(start[dated], start[dated] + length[dated] - 1) if dated.any() else ([], None)
    histograms = [_histogram(p, w, lane, group, start, length, len(order))
                  for p, w in zip(panels, panel_widths(panels))]
    events = np.bincount(lane, minlength=len(order))
    undated = np.bincount(lane[~dated], minlength=len(order))
    peaks = np.zeros(len(order))
    for h in histograms:
        if h.counts.shape[2]:
            peaks = np.maximum(peaks, h.rates.sum(axis=1).max(axis=1))
    drawn = sum(float(h.counts.sum()) for h in histograms)
    lanes = [DensityLane(t, int(events[i]), int(undated[i]), float(peaks[i])) for i, t in enumerate(order)]
    return Density(lanes, histograms, len(lane), int((~dated).sum()), max(int(dated.sum()) - drawn, 0.0))


def _rate(per_day: float) -> str:
    """A peak rate in the unit that gives a readable number."""
    for unit, days in (("day", 1), ("week", 7), ("month", 30.44), ("year", 365.25)):
        if per_day * days >= 1 or unit == "year":
            value = per_day * days
            return f"{value:,.0f} a {unit}" if value >= 10 else f"{value:.2g} a {unit}"
    raise AssertionError("unreachable")


BIN_NAMES = {1: "daily", 2: "2-day", 7: "weekly", 14: "2-week", 28: "4-week", 91: "quarterly", 182: "half-year",
             365: "yearly", 730: "2-year", 1826: "5-year", 3652: "10-year", 18262: "50-year", 36524: "100-year"}


def _bins(days: int) -> str:
    return f"{BIN_NAMES.get(days, f'{days:,}-day')} bins"


def caption(d: Density, version: str) -> str:
    outside = (f" {d.outside:,.0f} events' worth of date windows fall in the axis breaks and are not drawn."
               if d.outside >= 0.5 else "")
    return (f"china-russia-diplomacy {version}: {d.events:,} events, {d.dated:,} dated, {d.undated:,} undated. "
            f"More than the {ROW_CAP} drawn one per row: the {d.events:,} individual events are omitted here "
            "(they are listed in data/events.csv) and each lane shows how many events of its type fall in each "
            "period.\nAn event counts once, spread evenly over every day it may have taken place (date_start to "
            "date_end); bar height is events per day, scaled to the lane's peak (at the left); undated events are "
            f"only counted at the left.{outside} Source: data/events.csv.")


def render(d: Density, version: str) -> dict[str, bytes]:
    """Draw the density figure; return the SVG and PNG bytes."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.dates as mdates
    import numpy as np
    from matplotlib.patches import Patch

    n = max(len(d.lanes), 1)
    height = HEADER + n * LANE_HEIGHT + FOOTER
    bottom, top = _band(height)
    ylim = (-n, 0)
    with _canvas(height, ylim) as (fig, bg):
        for i, lane in enumerate(d.lanes):
            if i % 2 == 0:
                bg.axhspan(-i - 1, -i, color="#eef1f5", lw=0, zorder=0)
            bg.text(0.0, -i - 0.32, lane.event_type.replace("_", " "), ha="left", va="center",
                    fontsize=8.5, fontweight="bold", color="#333333")
            detail = f"{lane.events:,} events" + (f", {lane.undated:,} undated" if lane.undated else "")
            if lane.peak > 0:
                detail += f"; peak {_rate(lane.peak)}"
            bg.text(0.0, -i - 0.7, detail, ha="left", va="center", fontsize=7, color="#444444")

        offset = mdates.date2num(EPOCH)
        x = 0.1 + LANE_COL
        for k, (h, w) in enumerate(zip(d.histograms, panel_widths(d.panels))):
            ax = fig.add_axes((x / FIG_WIDTH, bottom, w / FIG_WIDTH, top - bottom))
            _date_axis(ax, h.panel, w, k, ylim)
            edges = h.edges.astype(np.float64) + offset
            rates = h.rates
            for i, lane in enumerate(d.lanes):
                if lane.peak <= 0:
                    continue
                total = rates[i].sum(axis=0)
                scaled = np.where(total > 0, np.maximum(LANE_FILL * total / lane.peak, MIN_BAR), 0.0)
                share = np.divide(scaled, total, out=np.zeros_like(total), where=total > 0)
                base = np.full(len(total), -i - 1 + 0.08)
                for g, (_, color) in enumerate(GROUPS):
                    heights = rates[i, g] * share
                    if heights.any():
                        ax.stairs(base + heights, edges, baseline=base.copy(), fill=True, color=color, lw=0,
                                  zorder=2)
                    base = base + heights
            fig.text(x / FIG_WIDTH, 1 - 0.62 / height, f"{h.panel.title.split(':')[0]}: {_bins(h.bin_days)}",
                     fontsize=7.5, style="italic", ha="left", va="bottom", color="#444444")
            x += w + PANEL_GAP
        fig.text(0.1 / FIG_WIDTH, 1 - 0.3 / height,
                 f"China–Russia leader diplomacy: {d.events:,} events by type on a broken time axis, "
                 "as counts over time (too many to list one per row)",
                 fontsize=11, fontweight="bold", ha="left", va="bottom")
        handles = [Patch(facecolor=color, edgecolor="none", label=label) for label, color in GROUPS]
        fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.1 / FIG_WIDTH, 0.5 / height),
                   ncol=len(handles), frameon=False, fontsize=7.5, handletextpad=0.4, columnspacing=1.4)
        fig.text(0.1 / FIG_WIDTH, 0.1 / height, caption(d, version), fontsize=7, color="#444444",
                 ha="left", va="bottom", linespacing=1.4)
        return _image_bytes(fig)
