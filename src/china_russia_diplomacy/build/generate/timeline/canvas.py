"""What both timeline figures draw with: the broken time axis, the canvas, the colours and the writer.

The per-event figure (:mod:`.per_event`) and the density figure (:mod:`.density`) share the time axis
(earlier clusters in narrow panels, the dense period day by day: :func:`_panels`), the status colours,
the figure canvas with its fixed rc settings (:func:`_canvas`) and the deterministic SVG/PNG writer
(:func:`_image_bytes`). They live here so that each figure imports them from one place and neither
figure imports the other.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any, Iterator

SVG_PATH = "docs/timeline.svg"
PNG_PATH = "docs/timeline.png"

# Geometry (inches) and type sizes (points) of the canvas; HEADER and FOOTER bound its drawing band.
FIG_WIDTH = 14.0
RIGHT_MARGIN = 0.3
PANEL_GAP = 0.16
HEADER = 1.0
FOOTER = 0.9
FONT_SIZE = 7.5
DPI = 100

# Above this many events the figure is drawn as density lanes (:mod:`.density`): one row per event
# would make it taller than a reader can use, and past ~441k rows taller than matplotlib can draw.
ROW_CAP = 80

DENSE_MAX_WINDOW_DAYS = 100  # wider windows (a year) do not stretch the dense panel; they are cut
TAIL_GAP_DAYS = 8 * 365  # a gap this long between earlier events breaks the axis again
MAIN_SHARE = 0.62  # of the drawing width, for the dense panel when earlier panels exist
MIN_TAIL_SHARE = 0.07

FILLED = {"occurred", "ongoing"}
FUTURE = {"planned", "expected", "proposed"}
STATUS_COLORS = {
    "occurred": "#1f4e79",
    "ongoing": "#1b9e77",
    "planned": "#d95f02",
    "expected": "#b8860b",
    "proposed": "#7b3294",
    "rejected": "#7f7f7f",
    "cancelled": "#7f7f7f",
}


@dataclass(frozen=True)
class Panel:
    """One piece of the broken time axis: its day range and share of the drawing width."""

    start: dt.date
    end: dt.date
    share: float
    dense: bool
    title: str


EPOCH = dt.date(1970, 1, 1)  # date32 counts days from here
MAX_TAILS = 3  # earlier panels at most; beyond, the clusters separated by the shortest gaps are merged


def _day(n: int) -> dt.date:
    """A day number (days since 1970-01-01, as Arrow's date32) as a date, clamped to what ``date`` holds."""
    return EPOCH + dt.timedelta(days=int(min(max(n, _DAY_MIN), _DAY_MAX)))


_DAY_MIN = (dt.date.min - EPOCH).days
_DAY_MAX = (dt.date.max - EPOCH).days


def _pad(lo: int, hi: int, share: float, minimum: int) -> tuple[int, int]:
    pad = max(minimum, round((hi - lo) * share))
    return max(lo - pad, _DAY_MIN), min(hi + pad, _DAY_MAX)


def _clusters(starts, ends) -> list[tuple[int, int]]:
    """[first start, last end] of each run of events not separated by :data:`TAIL_GAP_DAYS`, keeping at
    most :data:`MAX_TAILS` (the longest gaps stay breaks; the others are merged)."""
    import numpy as np

    if len(starts) == 0:
        return []
    order = np.argsort(starts, kind="stable")
    s, e = starts[order], np.maximum.accumulate(ends[order])
    # A new cluster starts where an event begins more than the gap after every earlier one has ended.
    gaps = s[1:] - e[:-1]
    breaks = np.flatnonzero(gaps > TAIL_GAP_DAYS)
    if len(breaks) > MAX_TAILS - 1:
        keep = np.argsort(-gaps[breaks], kind="stable")[: MAX_TAILS - 1]
        breaks = np.sort(breaks[keep])
    firsts = np.concatenate([[0], breaks + 1])
    lasts = np.concatenate([breaks, [len(s) - 1]])
    return [(int(s[a]), int(e[b])) for a, b in zip(firsts, lasts)]


def _panels(starts, ends) -> tuple[list[Panel], dt.date]:
    """The broken axis for dated events (``starts``, ``ends``: numpy day numbers, ``start <= end``):
    earlier clusters (split at long gaps), then the dense period.

    The dense period starts at the first event of the year holding the median start date (a rule on the
    data, not a hard-coded year). Its range covers the events in it whose window is at most
    :data:`DENSE_MAX_WINDOW_DAYS` long, so that a year-long window does not squeeze the days together.
    Vectorised (sorts and reductions over arrays), so that it costs little at a million events.
    """
    import numpy as np

    median_year = _day(int(np.sort(starts)[len(starts) // 2])).year
    split = int(starts[starts >= (dt.date(median_year, 1, 1) - EPOCH).days].min())
    dense = starts >= split
    narrow = dense & (ends - starts <= DENSE_MAX_WINDOW_DAYS)
    if not narrow.any():
        narrow = dense
    main = _pad(int(starts[narrow].min()), int(ends[narrow].max()), 0.02, 4)
    main_title = f"{_years(_day(split), _day(int(ends[narrow].max())))}: most events, by day"

    clusters = _clusters(starts[~dense], ends[~dense])
    titles = [_years(_day(lo), _day(min(hi, split))) for lo, hi in clusters]
    tails = [_pad(lo, hi, 0.05, 45) for lo, hi in clusters]
    tails = [(lo, min(hi, main[0] - 1)) for lo, hi in tails]
    # Padding must not make neighbouring panels overlap: they meet halfway across the gap instead.
    for i in range(len(tails) - 1):
        if tails[i][1] >= tails[i + 1][0]:
            mid = (clusters[i][1] + clusters[i + 1][0]) // 2
            tails[i], tails[i + 1] = (tails[i][0], mid), (mid + 1, tails[i + 1][1])
    main_panel = Panel(_day(main[0]), _day(main[1]), MAIN_SHARE if tails else 1.0, True, main_title)
    if not tails:
        return [main_panel], _day(split)
    spans = [max(hi - lo, 1) for lo, hi in tails]
    rest = (1.0 - MAIN_SHARE) - MIN_TAIL_SHARE * len(tails)
    shares = [MIN_TAIL_SHARE + max(rest, 0.0) * s / sum(spans) for s in spans]
    return ([Panel(_day(lo), _day(hi), sh, False, t) for (lo, hi), sh, t in zip(tails, shares, titles)]
            + [main_panel], _day(split))


def _years(lo: dt.date, hi: dt.date) -> str:
    return str(lo.year) if lo.year == hi.year else f"{lo.year}–{hi.year}"


def _rc() -> dict[str, Any]:
    """Matplotlib settings that make the bytes depend only on the data (fonts as paths, fixed salt).

    Curated text is drawn as plain text, never as markup: with mathtext on, a title with two dollar
    signs ("$1 billion ... $2 billion") was parsed as a formula and build died in a ParseException
    (and ``usetex`` would hand the title to a TeX installation). Every text artist of the figure is
    created inside this context, so ``text.parse_math`` covers labels, titles, legend and caption.
    """
    return {
        "text.parse_math": False,
        "text.usetex": False,
        "font.family": "DejaVu Sans",
        "font.size": FONT_SIZE,
        "svg.hashsalt": "china-russia-diplomacy-timeline",
        "svg.fonttype": "path",
        "axes.unicode_minus": True,
    }


def _date_axis(ax, panel: Panel, width_in: float, k: int, ylim: tuple[float, float]) -> tuple[float, float]:
    """One panel of the broken axis: its date range, ticks on top, a dashed left edge after the first.
    Returns the x limits (matplotlib date numbers)."""
    import matplotlib.dates as mdates

    ax.patch.set_alpha(0.0)
    x0, x1 = mdates.date2num(panel.start), mdates.date2num(panel.end)
    ax.set_xlim(x0, x1)
    ax.set_ylim(*ylim)
    ax.set_yticks([])
    for side in ("left", "right"):
        ax.spines[side].set_visible(k > 0 and side == "left")
        ax.spines[side].set_linestyle((0, (2, 3)))
    ax.grid(axis="x", color="#c8c8c8", lw=0.5)
    ax.set_axisbelow(True)
    loc = mdates.AutoDateLocator(minticks=2, maxticks=max(3, int(width_in / 0.5)))
    loc.intervald[mdates.MONTHLY] = [1, 2, 3, 4, 6, 12]  # 12: a narrow panel of about a year
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc, show_offset=False))
    ax.tick_params(axis="x", top=True, labeltop=True, labelsize=7)
    return x0, x1


@contextlib.contextmanager
def _canvas(height: float, ylim: tuple[float, float]) -> Iterator[tuple[Any, Any]]:
    """The figure both timelines draw on (the per-event one and the density one): the fixed rc settings,
    ``FIG_WIDTH`` x ``height`` inches at ``DPI``, and a full-width background axes (no ticks, x 0..1,
    y ``ylim``) for lane stripes and labels. Closed afterwards, whatever happens."""
    import matplotlib.pyplot as plt

    import matplotlib

    bottom, top = _band(height)
    with matplotlib.rc_context(_rc()):
        fig = plt.figure(figsize=(FIG_WIDTH, height), dpi=DPI)
        try:
            bg = fig.add_axes((0.1 / FIG_WIDTH, bottom, 1 - (0.1 + RIGHT_MARGIN) / FIG_WIDTH, top - bottom))
            bg.set_xlim(0, 1)
            bg.set_ylim(*ylim)
            bg.axis("off")
            yield fig, bg
        finally:
            plt.close(fig)


def _band(height: float) -> tuple[float, float]:
    """Bottom and top of the drawing band, as figure fractions (below: footer, above: header)."""
    return FOOTER / height, 1 - HEADER / height


def _image_bytes(fig) -> dict[str, bytes]:
    """The figure as SVG and PNG bytes, with no date or software version written into them (builds repeat)."""
    svg, png = io.BytesIO(), io.BytesIO()
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    fig.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
    return {SVG_PATH: svg.getvalue(), PNG_PATH: png.getvalue()}
