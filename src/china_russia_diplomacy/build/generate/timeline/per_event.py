"""The timeline figure (``docs/timeline.svg`` and ``docs/timeline.png``): every event on a time axis.

One lane per event type present, in the schema's vocabulary order, and one row per event within its
lane, labelled with its ID and title in a column on the left (so labels never collide, however dense
the dates). An event known to the day is a marker; an event known only within a window
(``date_start`` < ``date_end``: a month, a season, "late August, early September") is a bar over every
day it may have taken place, so the uncertainty is drawn rather than hidden. Events reported as having
happened or under way are filled; planned, expected and proposed ones are hollow with a dashed
outline; rejected and cancelled ones are grey crosses. Undated events keep their row, marked as
undated, so the figure lists every event.

The events span decades (1945, 2015, 2022-2024) but most fall within a few months of 2025, so the
time axis is broken: a wide panel for the dense period, where a window is measured in days, and
narrower panels for the earlier clusters, separated wherever nothing happens for years. Windows that
run past the dense panel's edges (a whole year) are cut there and marked with an arrow.

Up to :data:`.canvas.ROW_CAP` events are drawn this way. Beyond, one row per event would make a figure
taller than anyone can read (and, near 441k events, than matplotlib can draw), so the timeline generator
(:mod:`china_russia_diplomacy.build.generate.timeline`) draws :mod:`.density` instead: the same lanes and broken axis, each lane a histogram of its events
over time, the omitted count in the caption, in bounded size and seconds at a million events.

The layout (:func:`layout`) is plain data computed without matplotlib, so tests check what is drawn
without looking at pixels; :func:`render` draws it. The bytes are deterministic: size derived only
from the data, fixed DPI, the DejaVu Sans font shipped with matplotlib, text as paths, a fixed SVG
hash salt and no date or software metadata.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .canvas import (
    EPOCH, FIG_WIDTH, FILLED, FONT_SIZE, FOOTER, FUTURE, HEADER, PANEL_GAP, RIGHT_MARGIN, STATUS_COLORS,
    Panel, _band, _canvas, _date_axis, _image_bytes, _panels,
)

# Geometry (inches) and type sizes (points) of the per-event figure.
LANE_COL = 1.35  # lane (event type) names
LABEL_PAD = 0.15
ROW_HEIGHT = 0.19
LANE_GAP_ROWS = 0.5
CHAR_WIDTH_PT = 0.56 * FONT_SIZE  # mean advance of DejaVu Sans, a slight overestimate for titles
LABEL_CHARS = 80
MARKER_PT = 6.0


@dataclass(frozen=True)
class Item:
    """One event as drawn: its lane, its row, its day bounds (None when undated) and its panel."""

    event_id: str
    event_type: str
    title: str
    status: str
    start: dt.date | None
    end: dt.date | None
    row: int
    panel: int | None  # index into Timeline.panels; None when undated

    @property
    def is_window(self) -> bool:
        """True when the date is uncertain: drawn as a bar from ``date_start`` to ``date_end``."""
        return self.start is not None and self.end is not None and self.end > self.start

    @property
    def label(self) -> str:
        """ID and title, cut to :data:`LABEL_CHARS`; the ID always survives so the row can be looked up."""
        text = f"{self.event_id}  {self.title}"
        return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True)
class Lane:
    event_type: str
    first_row: int
    rows: int


@dataclass(frozen=True)
class Timeline:
    """Everything :func:`render` draws."""

    lanes: list[Lane]
    items: list[Item]
    panels: list[Panel]

    @property
    def lane_types(self) -> list[str]:
        return [lane.event_type for lane in self.lanes]

    @property
    def undated(self) -> list[Item]:
        return [i for i in self.items if i.panel is None]

    @property
    def n_rows(self) -> int:
        return sum(lane.rows for lane in self.lanes)


def _rows(table) -> list[dict[str, Any]]:
    cols = ["event_id", "event_type", "title", "status", "date_start", "date_end"]
    rows = table.select(cols).to_pylist()
    for r in rows:
        if r["date_start"] is None or r["date_end"] is None:
            r["date_start"] = r["date_end"] = None
    return rows


def layout(events_table, type_order: list[str]) -> Timeline:
    """Lanes, rows and panels for the ``events`` table (a pyarrow table), without drawing anything.

    ``type_order`` is the schema's ``event_type`` vocabulary; lanes follow it and only types that
    occur get a lane. Within a lane, dated events come in date order, then the undated ones.
    """
    import numpy as np

    rows = _rows(events_table)
    dated = [r for r in rows if r["date_start"] is not None]
    starts = np.array([(r["date_start"] - EPOCH).days for r in dated], dtype=np.int64)
    ends = np.array([(r["date_end"] - EPOCH).days for r in dated], dtype=np.int64)
    panels, split = _panels(starts, ends) if dated else ([], None)

    def panel_of(r: dict[str, Any]) -> int | None:
        if r["date_start"] is None:
            return None
        if r["date_start"] >= split:
            return len(panels) - 1
        return next(i for i, p in enumerate(panels[:-1]) if r["date_start"] <= p.end)

    present = {r["event_type"] for r in rows}
    order = [t for t in type_order if t in present] + sorted(present - set(type_order))
    lanes, items, row = [], [], 0
    for event_type in order:
        mine = [r for r in rows if r["event_type"] == event_type]
        mine.sort(key=lambda r: (r["date_start"] is None, r["date_start"] or dt.date.min,
                                 r["date_end"] or dt.date.min, r["event_id"]))
        lanes.append(Lane(event_type, row, len(mine)))
        for r in mine:
            items.append(Item(r["event_id"], event_type, r["title"], r["status"], r["date_start"], r["date_end"],
                              row, panel_of(r)))
            row += 1
    return Timeline(lanes, items, panels)


def _style(status: str) -> dict[str, Any]:
    color = STATUS_COLORS.get(status, "#333333")
    if status in FILLED:
        return {"color": color, "face": color, "bar_face": color, "alpha": 0.4, "ls": "-", "marker": "o"}
    if status in FUTURE:
        return {"color": color, "face": "white", "bar_face": "none", "alpha": 1.0, "ls": (0, (3, 2)), "marker": "o"}
    return {"color": color, "face": color, "bar_face": "none", "alpha": 1.0, "ls": ":", "marker": "X"}


def _y(tl: Timeline, row: int) -> float:
    """Rows go down the page; each lane adds a small gap after it."""
    lane_index = next(i for i, lane in enumerate(tl.lanes) if lane.first_row <= row < lane.first_row + lane.rows)
    return -(row + lane_index * LANE_GAP_ROWS)


def _height_rows(tl: Timeline) -> float:
    return tl.n_rows + LANE_GAP_ROWS * max(len(tl.lanes) - 1, 0)


def _label_col(tl: Timeline) -> float:
    """Width in inches of the event label column: the longest label, estimated from the font."""
    longest = max((len(i.label) for i in tl.items), default=10)
    return longest * CHAR_WIDTH_PT / 72.0 + LABEL_PAD


def _caption(tl: Timeline, version: str) -> str:
    n_dated = len(tl.items) - len(tl.undated)
    return (f"china-russia-diplomacy {version}: {len(tl.items)} events, {n_dated} dated, {len(tl.undated)} undated "
            "(listed in their lane, not placed on the axis). Bars span every day an event may have taken place "
            "(date_start to date_end); an arrow marks a window cut at the panel's edge. Source: data/events.csv.")


def render(tl: Timeline, version: str) -> dict[str, bytes]:
    """Draw the layout; return the SVG and PNG bytes."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError("the timeline figure needs matplotlib: pip install 'china-russia-diplomacy[build]'") from None
    matplotlib.use("Agg", force=False)
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    rows = max(_height_rows(tl), 1.0)
    height = HEADER + rows * ROW_HEIGHT + FOOTER
    label_col = _label_col(tl)
    x_draw0 = LANE_COL + label_col
    drawing = FIG_WIDTH - x_draw0 - RIGHT_MARGIN - PANEL_GAP * max(len(tl.panels) - 1, 0)
    bottom, top = _band(height)
    ylim = (-rows + 0.5, 0.5)
    with _canvas(height, ylim) as (fig, bg):
        bg_w = FIG_WIDTH - 0.1 - RIGHT_MARGIN
        for i, lane in enumerate(tl.lanes):
            y_top = _y(tl, lane.first_row) + 0.5
            y_bot = _y(tl, lane.first_row + lane.rows - 1) - 0.5
            if i % 2 == 0:
                bg.axhspan(y_bot, y_top, color="#eef1f5", lw=0, zorder=0)
            bg.text(0.0, (y_top + y_bot) / 2, lane.event_type.replace("_", " "), ha="left", va="center",
                    fontsize=8.5, fontweight="bold", color="#333333")
        for it in tl.items:
            undated = it.panel is None
            bg.text((LANE_COL - 0.1) / bg_w, _y(tl, it.row), it.label + ("   (undated)" if undated else ""),
                    ha="left", va="center", color="#888888" if undated else "#1a1a1a",
                    style="italic" if undated else "normal")

        x = x_draw0
        axes = []
        for k, panel in enumerate(tl.panels):
            w = drawing * panel.share
            ax = fig.add_axes((x / FIG_WIDTH, bottom, w / FIG_WIDTH, top - bottom))
            x += w + PANEL_GAP
            axes.append(ax)
            x0, x1 = _date_axis(ax, panel, w, k, ylim)
            days_per_pt = (x1 - x0) / (w * 72.0)
            for it in (i for i in tl.items if i.panel == k):
                st = _style(it.status)
                y = _y(tl, it.row)
                s = mdates.date2num(it.start)
                e = mdates.date2num(it.end + dt.timedelta(days=1))
                cs, ce = max(s, x0), min(e, x1)
                if it.is_window:
                    if st["bar_face"] != "none":
                        ax.add_patch(Rectangle((cs, y - 0.32), ce - cs, 0.64, facecolor=st["bar_face"],
                                               alpha=st["alpha"], lw=0, zorder=2))
                    ax.add_patch(Rectangle((cs, y - 0.32), ce - cs, 0.64, facecolor="none",
                                           edgecolor=st["color"], lw=0.9, ls=st["ls"], zorder=2))
                    for cut, xm, mk in ((s < x0, cs, "<"), (e > x1, ce, ">")):
                        if cut:
                            ax.plot([xm], [y], marker=mk, ms=5, color=st["color"], ls="none", zorder=3,
                                    clip_on=False)
                # A window narrower than a marker would vanish: give it a marker too.
                if not it.is_window or (ce - cs) / days_per_pt < MARKER_PT:
                    ax.plot([(cs + ce) / 2], [y], marker=st["marker"], ms=5, mfc=st["face"], mec=st["color"],
                            mew=1.1, ls="none", zorder=3)
            fig.text((x - w - PANEL_GAP) / FIG_WIDTH, 1 - 0.62 / height, panel.title, fontsize=7.5, style="italic",
                     ha="left", va="bottom", color="#444444")
        fig.text(0.1 / FIG_WIDTH, 1 - 0.3 / height,
                 "China–Russia leader diplomacy: every event, by type, on a broken time axis",
                 fontsize=11, fontweight="bold", ha="left", va="bottom")
        handles = []
        for status in [s for s in STATUS_COLORS if any(i.status == s for i in tl.items if i.panel is not None)]:
            st = _style(status)
            handles.append(Line2D([], [], marker=st["marker"], ms=6, mfc=st["face"], mec=st["color"],
                                  mew=1.1, ls="none", label=status))
        handles.append(Patch(facecolor=STATUS_COLORS["occurred"] + "66", edgecolor=STATUS_COLORS["occurred"],
                             label="date known only within this window"))
        handles.append(Patch(facecolor="none", edgecolor=STATUS_COLORS["planned"], ls=(0, (3, 2)),
                             label="hollow, dashed: planned / expected / proposed"))
        fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.1 / FIG_WIDTH, 0.3 / height),
                   ncol=len(handles), frameon=False, fontsize=7.5, handletextpad=0.4, columnspacing=1.4)
        fig.text(0.1 / FIG_WIDTH, 0.12 / height, _caption(tl, version), fontsize=7, color="#444444",
                 ha="left", va="bottom")
        return _image_bytes(fig)
