"""Event dates: bounds, precision and the EDTF string agree."""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterator

import pandas as pd

from ..report import Finding
from .base import Tables, f

def _precision_ok(precision: str, start: dt.date, end: dt.date) -> bool:
    days = (end - start).days + 1
    if precision == "day":
        return days == 1
    if precision == "days":
        return 2 <= days <= 31
    if precision == "week":
        return 2 <= days <= 7
    if precision == "month":
        nxt = (end + dt.timedelta(days=1))
        return start.day == 1 and start.year == end.year and start.month == end.month and nxt.day == 1
    if precision == "season":
        return 8 <= days <= 100
    if precision == "year":
        return (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year
    if precision == "years":
        return days > 366
    if precision == "window":
        return days >= 2
    return False


_EDTF_DAY = r"(\d{4})-(\d{2})-(\d{2})"
_EDTF_FAST = {
    # The EDTF shapes the curation uses, checked without the grammar (the edtf parser's pyparsing
    # grammar costs ~20 ms a string, most of a cold validate). Anything else goes to the parser;
    # tests/core/test_schemas.py checks that both agree on every string in the data.
    "day": re.compile(rf"{_EDTF_DAY}\Z"),
    "month": re.compile(r"(\d{4})-(0[1-9]|1[0-2])\Z"),
    "year": re.compile(r"(\d{4})\Z"),
    "interval": re.compile(rf"{_EDTF_DAY}/{_EDTF_DAY}\Z"),
    "window": re.compile(rf"\[{_EDTF_DAY}\.\.{_EDTF_DAY}\]\Z"),
}


def _edtf_fast(value: str) -> tuple[dt.date, dt.date] | None:
    m = _EDTF_FAST["day"].match(value)
    if m:
        d = dt.date(*map(int, m.groups()))
        return d, d
    m = _EDTF_FAST["month"].match(value)
    if m:
        y, mo = int(m[1]), int(m[2])
        nxt = dt.date(y + (mo == 12), mo % 12 + 1, 1)
        return dt.date(y, mo, 1), nxt - dt.timedelta(days=1)
    m = _EDTF_FAST["year"].match(value)
    if m:
        return dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31)
    for shape in ("interval", "window"):
        m = _EDTF_FAST[shape].match(value)
        if m:
            g = list(map(int, m.groups()))
            lo, hi = dt.date(*g[:3]), dt.date(*g[3:])
            return (lo, hi) if lo <= hi else None
    return None


def _edtf_bounds(value: str) -> tuple[dt.date, dt.date]:
    """Lower and upper day of an EDTF string; raises on an invalid one."""
    try:
        fast = _edtf_fast(value)
    except ValueError:  # e.g. 2025-02-30 matched the shape but is no calendar day
        fast = None
    if fast is not None:
        return fast
    return edtf_bounds_by_parser(value)


def edtf_bounds_by_parser(value: str) -> tuple[dt.date, dt.date]:
    from edtf import parse_edtf  # the reference EDTF parser; only validation needs it

    parsed = parse_edtf(value)
    lo, hi = parsed.lower_strict(), parsed.upper_strict()
    return dt.date(*lo[:3]), dt.date(*hi[:3])


def event_dates(t: Tables) -> Iterator[Finding]:
    """Bounds, precision and EDTF of every event. The per-row logic runs once per distinct combination
    of (start, end, precision, EDTF, basis): a package has far fewer of those than events, so a million
    events cost a groupby, not a million parser calls."""
    if "events" not in t.frames:
        return
    columns = ("date_start", "date_end", "date_precision", "date_edtf", "date_basis")
    # Grouped on the typed columns themselves (missing values, NaT or NA, a group of their own and None
    # below): a copy as Python objects first cost ~70 MB at a million rows, the peak of this table's turn.
    frame = t.frames["events"][list(columns)]
    groups = frame.groupby(list(columns), dropna=False, sort=False).indices
    for key, positions in groups.items():
        values = [None if (v is not None and not isinstance(v, str) and pd.isna(v)) else v for v in key]
        start, end = (None if v is None else pd.Timestamp(v).date() for v in values[:2])
        found = list(_date_findings(start, end, *values[2:]))
        for i in sorted(positions):
            line = t.line("events", int(i))
            for column, value, rule, message in found:
                yield f("events", line, column, value, rule, message)


def _date_findings(start, end, precision, edtf, basis) -> Iterator[tuple]:
    """(column, value, rule, message) for one combination of an event's date columns."""
    if (start is None) != (end is None):
        yield ("date_end" if end is None else "date_start", None, "date-bounds-pair",
               "date_start and date_end must be both given or both empty")
        return
    if start is None:
        for col, value in (("date_precision", precision), ("date_edtf", edtf)):
            if value is not None:
                yield (col, value, "date-undated", f"{col} is given but the date bounds are empty")
        if basis not in (None, "undated"):
            yield ("date_basis", basis, "date-undated", "an event without bounds must have date_basis 'undated'")
        return
    if basis == "undated":
        yield ("date_basis", basis, "date-undated", "date_basis is 'undated' but bounds are given")
    if start > end:
        yield ("date_start", start, "date-order", f"date_start {start} is after date_end {end}")
        return
    if precision is None:
        yield ("date_precision", None, "date-precision", "date_precision is required when bounds are given")
    elif not _precision_ok(precision, start, end):
        yield ("date_precision", precision, "date-precision",
               f"precision {precision!r} is inconsistent with bounds {start}..{end} ({(end - start).days + 1} days)")
    if edtf is None:
        yield ("date_edtf", None, "edtf", "date_edtf is required when bounds are given")
        return
    try:
        lo, hi = _edtf_bounds(edtf)
    except Exception as exc:  # the EDTF parser raises its own error types
        yield ("date_edtf", edtf, "edtf", f"not a valid EDTF string ({type(exc).__name__})")
        return
    if (lo, hi) != (start, end):
        yield ("date_edtf", edtf, "edtf", f"EDTF bounds {lo}..{hi} differ from date_start..date_end {start}..{end}")
