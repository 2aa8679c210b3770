"""The timeline figure (``docs/timeline.svg`` and ``docs/timeline.png``): every event on a time axis.

One lane per event type present, in the schema's vocabulary order. An event known to the day is a
marker; an event known only within a window (``date_start`` < ``date_end``: a week, a month, "late
August, early September") is a bar over every day it may have taken place, so uncertainty is drawn,
not hidden. Events reported as having happened (or under way) are filled; planned, expected and
proposed ones are hollow with a dashed outline; rejected and cancelled ones are grey crosses.

The events span decades (a 1945 anniversary, a 2015 parade) but most fall within a few months of
2025, so the time axis is broken in two: a compressed panel for the earlier years and a wide panel
for the dense period, each event labelled with its ID and title. Within a lane, events whose labels
would collide are stacked on extra rows (greedy interval packing), so no label covers another.

The layout (:func:`layout`) is plain data, computed without matplotlib, so that tests check what is
drawn without looking at pixels; :func:`render` draws it. The bytes are deterministic: fixed size
per row, fixed DPI, the DejaVu Sans font shipped with matplotlib, text as paths, a fixed SVG hash
salt and no date or software metadata.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

SVG_PATH = "docs/timeline.svg"
PNG_PATH = "docs/timeline.png"

# Geometry, in inches and points; label widths are estimated from these to pack the rows.
FIG_WIDTH = 13.0
LEFT_MARGIN = 1.45
RIGHT_MARGIN = 0.25
PANEL_GAP = 0.18
TAIL_SHARE = 0.27  # share of the drawing width given to the compressed earlier-years panel
ROW_HEIGHT = 0.24
LANE_PAD_ROWS = 0.6
HEADER = 1.05
FOOTER_BASE = 1.15
FONT_SIZE = 7.0
CHAR_WIDTH_PT = 0.56 * FONT_SIZE  # mean advance of DejaVu Sans, a slight overestimate for titles
MARKER_PT = 9.0
LABEL_CHARS = 52
DPI = 110

FILLED = {"occurred", "ongoing"}
FUTURE = {"planned", "expected", "proposed"}
STATUS_COLORS = {
    "occurred": "#1f4e79",
    "ongoing": "#2a9d8f",
    "planned": "#d95f02",
    "expected": "#b8860b",
    "proposed": "#7b3294",
    "rejected": "#7f7f7f",
    "cancelled": "#7f7f7f",
}


@dataclass(frozen=True)
class Item:
    """One event as drawn: its lane and row, its day bounds and where its label goes."""

    event_id: str
    event_type: str
    title: str
    status: str
    start: dt.date
    end: dt.date
    panel: str  # "tail" (earlier years) or "main" (the dense period)
    row: int = 0
    label: str = ""
    placement: str = "right"  # "right" or "left" of the marker/bar, or "inside" a bar wide enough

    @property
    def is_window(self) -> bool:
        """True when the date is uncertain: drawn as a bar from ``date_start`` to ``date_end``."""
        return self.end > self.start


def _truncate(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: max(chars - 1, 1)].rstrip() + "…"


def full_label(event_id: str, title: str) -> str:
    """ID and title, cut to :data:`LABEL_CHARS`; the ID always survives so the row can be looked up."""
    return _truncate(f"{event_id}  {title}", LABEL_CHARS)


@dataclass(frozen=True)
class Lane:
    event_type: str
    rows: int


@dataclass
class Timeline:
    """Everything :func:`render` draws: lanes, items, the two panels' ranges and undated events."""

    lanes: list[Lane]
    items: list[Item]
    main_range: tuple[dt.date, dt.date] | None
    tail_range: tuple[dt.date, dt.date] | None
    undated: list[tuple[str, str, str]] = field(default_factory=list)  # (event_id, event_type, title)

    @property
    def lane_types(self) -> list[str]:
        return [lane.event_type for lane in self.lanes]


def _events(table) -> list[dict[str, Any]]:
    cols = ["event_id", "event_type", "title", "status", "date_start", "date_end"]
    return sorted(table.select(cols).to_pylist(), key=lambda r: r["event_id"])


def _split_date(dated: list[dict[str, Any]]) -> dt.date:
    """Where the dense period begins: the first start in the year holding the median event start.

    Everything before it goes to the compressed panel. A rule on the data, not a hard-coded year, so
    that a later release with other years still gets a sensible break.
    """
    starts = sorted(r["date_start"] for r in dated)
    median_year = starts[len(starts) // 2].year
    return min(s for s in starts if s.year == median_year)


def _pad(lo: dt.date, hi: dt.date, share: float, minimum: int) -> tuple[dt.date, dt.date]:
    span = (hi - lo).days
    pad = max(minimum, round(span * share))
    return lo - dt.timedelta(days=pad), hi + dt.timedelta(days=pad)


def _panel_width_pt(panel: str, has_tail: bool) -> float:
    drawing = FIG_WIDTH - LEFT_MARGIN - RIGHT_MARGIN - (PANEL_GAP if has_tail else 0.0)
    share = TAIL_SHARE if panel == "tail" else (1.0 - TAIL_SHARE if has_tail else 1.0)
    return drawing * share * 72.0


def _pack(items: list[Item], rng: tuple[dt.date, dt.date], width_pt: float) -> list[Item]:
    """Give each item a row in its lane so that no two marker+label extents overlap.

    Extents are in days: the item's own span plus the estimated label width converted with the
    panel's scale. A label that would run past the panel's right edge goes to the left instead.
    """
    days = max((rng[1] - rng[0]).days, 1)
    per_pt = days / width_pt
    placed: list[Item] = []
    rows_end: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for it in sorted(items, key=lambda i: (i.start, i.end, i.event_id)):
        s = max((it.start - rng[0]).days, 0)
        e = min((it.end - rng[0]).days + 1, days)
        label = full_label(it.event_id, it.title)
        need_pt = len(label) * CHAR_WIDTH_PT + MARKER_PT
        bar_pt, right_pt, left_pt = (e - s) / per_pt, (days - e) / per_pt, s / per_pt
        if bar_pt >= need_pt:
            placement, lo, hi = "inside", s, e
        elif right_pt >= need_pt or right_pt >= left_pt:
            placement = "right"
            label = _truncate(label, min(len(label), int((right_pt - MARKER_PT) / CHAR_WIDTH_PT)))
            lo, hi = s - MARKER_PT / 2 * per_pt, e + (len(label) * CHAR_WIDTH_PT + MARKER_PT) * per_pt
        else:
            placement = "left"
            label = _truncate(label, min(len(label), int((left_pt - MARKER_PT) / CHAR_WIDTH_PT)))
            lo, hi = s - (len(label) * CHAR_WIDTH_PT + MARKER_PT) * per_pt, e + MARKER_PT / 2 * per_pt
        row = 0
        while any(lo < b and a < hi for a, b in rows_end.get((it.event_type, row), [])):
            row += 1
        rows_end.setdefault((it.event_type, row), []).append((lo, hi))
        placed.append(Item(it.event_id, it.event_type, it.title, it.status, it.start, it.end, it.panel, row,
                           label, placement))
    return placed


def layout(events_table, type_order: list[str]) -> Timeline:
    """Lanes, rows and panels for the ``events`` table (a pyarrow table), without drawing anything.

    ``type_order`` is the schema's ``event_type`` vocabulary; lanes follow it and only types that
    occur get a lane.
    """
    rows = _events(events_table)
    dated = [r for r in rows if r["date_start"] is not None and r["date_end"] is not None]
    undated = [(r["event_id"], r["event_type"], r["title"]) for r in rows if r not in dated]
    present = {r["event_type"] for r in rows}
    order = [t for t in type_order if t in present] + sorted(present - set(type_order))
    if not dated:
        return Timeline([Lane(t, 1) for t in order], [], None, None, undated)

    split = _split_date(dated)
    main_rows = [r for r in dated if r["date_start"] >= split]
    tail_rows = [r for r in dated if r["date_start"] < split]
    main_range = _pad(split, max(r["date_end"] for r in main_rows), 0.02, 3)
    tail_range = None
    if tail_rows:
        tail_range = _pad(min(r["date_start"] for r in tail_rows), max(r["date_end"] for r in tail_rows), 0.06, 60)
        if tail_range[1] > main_range[0]:
            tail_range = (tail_range[0], main_range[0])

    def items(rs: list[dict[str, Any]], panel: str) -> list[Item]:
        return [Item(r["event_id"], r["event_type"], r["title"], r["status"], r["date_start"], r["date_end"], panel)
                for r in rs]

    has_tail = tail_range is not None
    placed = _pack(items(main_rows, "main"), main_range, _panel_width_pt("main", has_tail))
    if has_tail:
        placed += _pack(items(tail_rows, "tail"), tail_range, _panel_width_pt("tail", True))
    counts: Counter[str] = Counter()
    for it in placed:
        counts[it.event_type] = max(counts[it.event_type], it.row + 1)
    lanes = [Lane(t, max(counts[t], 1)) for t in order]
    placed.sort(key=lambda i: (order.index(i.event_type), i.row, i.start, i.event_id))
    return Timeline(lanes, placed, main_range, tail_range, undated)


def _lane_offsets(tl: Timeline) -> dict[str, float]:
    """Top y of each lane; rows go downwards from there (y grows upwards in matplotlib, so negate)."""
    offsets, y = {}, 0.0
    for lane in tl.lanes:
        offsets[lane.event_type] = y
        y += lane.rows + LANE_PAD_ROWS
    return offsets


def _total_rows(tl: Timeline) -> float:
    return sum(lane.rows + LANE_PAD_ROWS for lane in tl.lanes)


def _style(status: str) -> dict[str, Any]:
    color = STATUS_COLORS.get(status, "#333333")
    if status in FILLED:
        return {"color": color, "face": color, "bar_face": color, "alpha": 0.35, "ls": "-", "marker": "o"}
    if status in FUTURE:
        return {"color": color, "face": "white", "bar_face": "none", "alpha": 1.0, "ls": (0, (3, 2)), "marker": "o"}
    return {"color": color, "face": color, "bar_face": "none", "alpha": 1.0, "ls": ":", "marker": "X"}


def _notes(tl: Timeline, version: str) -> list[str]:
    lines = [f"china-russia-diplomacy {version}: {len(tl.items)} dated events"
             + (f", {len(tl.undated)} undated (not drawn)" if tl.undated else "")
             + ". Bars span every day an event may have taken place (date_start to date_end); "
             "markers are events known to the day."]
    if tl.undated:
        names = [f"{eid} {title}" for eid, _t, title in tl.undated]
        text, line = [], "Undated: "
        for n in names:
            piece = n + "; "
            if len(line) + len(piece) > 190:
                text.append(line.rstrip("; "))
                line = "   "
            line += piece
        text.append(line.rstrip("; "))
        lines += text
    return lines


def render(tl: Timeline, version: str) -> dict[str, bytes]:
    """Draw the layout; return the SVG and PNG bytes."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError("the timeline figure needs matplotlib: pip install 'china-russia-diplomacy[build]'") from None

    matplotlib.use("Agg", force=False)
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    rc = {
        "font.family": "DejaVu Sans",
        "font.size": FONT_SIZE,
        "svg.hashsalt": "china-russia-diplomacy-timeline",
        "svg.fonttype": "path",
        "path.simplify": True,
        "axes.unicode_minus": True,
    }
    notes = _notes(tl, version)
    rows = _total_rows(tl)
    height = HEADER + rows * ROW_HEIGHT + FOOTER_BASE + 0.13 * len(notes)
    has_tail = tl.tail_range is not None
    with matplotlib.rc_context(rc):
        fig = plt.figure(figsize=(FIG_WIDTH, height), dpi=DPI)
        try:
            bottom = (FOOTER_BASE + 0.13 * len(notes)) / height
            top = 1 - HEADER / height
            left = LEFT_MARGIN / FIG_WIDTH
            drawing = (FIG_WIDTH - LEFT_MARGIN - RIGHT_MARGIN - (PANEL_GAP if has_tail else 0)) / FIG_WIDTH
            axes = {}
            if has_tail:
                axes["tail"] = fig.add_axes((left, bottom, drawing * TAIL_SHARE, top - bottom))
                axes["main"] = fig.add_axes((left + drawing * TAIL_SHARE + PANEL_GAP / FIG_WIDTH, bottom,
                                             drawing * (1 - TAIL_SHARE), top - bottom), sharey=axes["tail"])
            else:
                axes["main"] = fig.add_axes((left, bottom, drawing, top - bottom))
            offsets = _lane_offsets(tl)
            first = axes["tail" if has_tail else "main"]
            for name, ax in axes.items():
                rng = tl.main_range if name == "main" else tl.tail_range
                if rng is None:
                    continue
                ax.set_xlim(mdates.date2num(rng[0]), mdates.date2num(rng[1]))
                ax.set_ylim(-rows + LANE_PAD_ROWS / 2, LANE_PAD_ROWS / 2)
                for i, lane in enumerate(tl.lanes):
                    y0 = -offsets[lane.event_type] + LANE_PAD_ROWS / 2
                    if i % 2 == 0:
                        ax.axhspan(y0 - lane.rows - LANE_PAD_ROWS, y0, color="#f2f2f2", zorder=0, lw=0)
                ax.grid(axis="x", color="#d0d0d0", lw=0.5, zorder=0.5)
                ax.tick_params(axis="y", length=0)
                for side in ("top", "right", "left"):
                    ax.spines[side].set_visible(False)
                span_days = (rng[1] - rng[0]).days
                if span_days > 3 * 365:
                    loc = mdates.YearLocator(base=max(1, round(span_days / 365 / 5 / 5) * 5 or 1))
                    ax.xaxis.set_major_locator(loc)
                    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
                elif span_days > 90:
                    loc = mdates.MonthLocator()
                    ax.xaxis.set_major_locator(loc)
                    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc, show_offset=False))
                    ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonthday=15))
                else:
                    loc = mdates.WeekdayLocator(byweekday=mdates.MO)
                    ax.xaxis.set_major_locator(loc)
                    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc, show_offset=False))
                ax.xaxis.set_ticks_position("both")
                ax.tick_params(axis="x", labeltop=True, labelbottom=True)
                pt_per_day = _panel_width_pt(name, has_tail) / max(span_days, 1)
                for it in (i for i in tl.items if i.panel == name):
                    st = _style(it.status)
                    y = -offsets[it.event_type] - it.row - 0.5 + LANE_PAD_ROWS / 2
                    x0 = mdates.date2num(max(it.start, rng[0]))
                    x1 = mdates.date2num(min(it.end + dt.timedelta(days=1), rng[1]))
                    xm = (x0 + x1) / 2
                    if it.is_window:
                        ax.add_patch(Rectangle((x0, y - 0.3), x1 - x0, 0.6, facecolor="none",
                                               edgecolor=st["color"], lw=0.9, ls=st["ls"], zorder=2))
                        if st["bar_face"] != "none":
                            ax.add_patch(Rectangle((x0, y - 0.3), x1 - x0, 0.6, facecolor=st["bar_face"],
                                                   alpha=st["alpha"], lw=0, zorder=2))
                    # A window narrower than a marker would vanish: give it a marker too.
                    if not it.is_window or (x1 - x0) * pt_per_day < MARKER_PT:
                        ax.plot([xm], [y], marker=st["marker"], ms=5.5, mfc=st["face"], mec=st["color"],
                                mew=1.1, ls="none", zorder=3)
                    off = MARKER_PT / 2 + 1.5
                    if it.placement == "inside":
                        ax.annotate(it.label, (x0, y), xytext=(3, 0), textcoords="offset points", ha="left",
                                    va="center", zorder=4, color="#111111")
                    elif it.placement == "left":
                        x = x0 if it.is_window and (x1 - x0) * pt_per_day >= MARKER_PT else xm
                        ax.annotate(it.label, (x, y), xytext=(-off, 0), textcoords="offset points", ha="right",
                                    va="center", zorder=4, color="#222222")
                    else:
                        x = x1 if it.is_window and (x1 - x0) * pt_per_day >= MARKER_PT else xm
                        ax.annotate(it.label, (x, y), xytext=(off, 0), textcoords="offset points", ha="left",
                                    va="center", zorder=4, color="#222222")
            centers = [-offsets[lane.event_type] - lane.rows / 2 + LANE_PAD_ROWS / 2 for lane in tl.lanes]
            first.set_yticks(centers, [lane.event_type.replace("_", " ") for lane in tl.lanes], fontsize=8.5)
            if has_tail:
                axes["main"].tick_params(axis="y", labelleft=False)
                axes["main"].spines["left"].set_visible(True)
                axes["main"].spines["left"].set_linestyle((0, (2, 3)))
                panel_y = 1 - 0.5 / height
                fig.text(left, panel_y, "earlier years (compressed scale)", fontsize=8, ha="left", va="bottom",
                         style="italic")
                fig.text(left + drawing * TAIL_SHARE + PANEL_GAP / FIG_WIDTH, panel_y,
                         f"{tl.main_range[0]:%d %b %Y} to {tl.main_range[1]:%d %b %Y}, where most events fall",
                         fontsize=8, ha="left", va="bottom", style="italic")
            fig.suptitle("China–Russia leader diplomacy: every event by type, date uncertainty drawn as bars",
                         x=left, ha="left", y=1 - 0.18 / height, fontsize=10.5, fontweight="bold")
            handles = []
            for status in [s for s in STATUS_COLORS if any(i.status == s for i in tl.items)]:
                st = _style(status)
                handles.append(Line2D([], [], marker=st["marker"], ms=6, mfc=st["face"], mec=st["color"],
                                      mew=1.1, ls="none", label=status))
            handles.append(Patch(facecolor=STATUS_COLORS["occurred"] + "59", edgecolor=STATUS_COLORS["occurred"],
                                 label="bar: date known only within this window"))
            handles.append(Patch(facecolor="none", edgecolor=STATUS_COLORS["planned"], ls=(0, (3, 2)),
                                 label="hollow, dashed: planned / expected / proposed"))
            fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(left, (0.12 + 0.13 * len(notes)) / height),
                       ncol=min(len(handles), 5), frameon=False, fontsize=7.5, handletextpad=0.4, columnspacing=1.4)
            for i, line in enumerate(notes):
                fig.text(left, (0.1 + 0.13 * (len(notes) - 1 - i)) / height, line, fontsize=6.8, color="#444444",
                         ha="left", va="bottom")
            svg, png = io.BytesIO(), io.BytesIO()
            fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
            fig.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
        finally:
            plt.close(fig)
    return {SVG_PATH: svg.getvalue(), PNG_PATH: png.getvalue()}


def generate(ctx) -> dict[str, bytes]:
    """Build generator: the timeline of the ``events`` table, as SVG and PNG."""
    spec = ctx.meta.table("events")
    type_order = spec.field("event_type").enum or []
    return render(layout(ctx.tables["events"], type_order), ctx.meta.version)
