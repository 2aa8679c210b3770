"""Time consistency between tables, as event-data coders (UCDP, ACLED) check it.

An article cannot report as done what happens after it is published, nor call planned what was over
before it; a quote is not spoken after the article that prints it; a weekday or "last year" can only
be resolved against an article date that is known; a part of an event lies within the whole. Each
rule's exception is stated in its docstring (and in the README's defect table): articles without a
publication date are not used as bounds, and undated events are not compared.
"""

from __future__ import annotations

import pandas as pd

from ..report import Finding
from ._vector import day, frame, located, lookup, text
from .base import Tables

DONE = ("occurred", "ongoing")  # happened, or had begun, by the time of writing
AHEAD = ("planned", "expected")  # still to come at the time of writing
# Bases that resolve a phrase against the article's own date: impossible when the article has none.
ARTICLE_RELATIVE = ("year_from_context", "weekday_resolved", "relative_resolved")


def _published(t: Tables) -> pd.Series:
    """source_id -> publication date (NaT when the article states none)."""
    src = frame(t, "sources", "source_id", "published_date")
    if src is None:
        return pd.Series(dtype="datetime64[ns]")
    return _by_id(src, "source_id", "published_date")


def _by_id(df: pd.DataFrame, key: str, column: str) -> pd.Series:
    """key -> column, first row per key (duplicate keys are the key rules' finding, not this one's)."""
    d = df[[key] if key == column else [key, column]]  # the two columns only: filtering copies what it keeps
    d = d[d[key].notna()].drop_duplicates(key)
    return pd.Series(d[column].values, index=text(d[key]).values)


def event_after_sources(t: Tables) -> list[Finding]:
    """``occurred-after-sources``: an event reported as occurred (or ongoing) cannot start after the
    latest publication date of the articles that report it. Exception: articles without a date are
    ignored; an event reported only by undated articles is not checked."""
    ev = frame(t, "events", "event_id", "status", "date_start")
    men = frame(t, "event_mentions", "event_id", "source_id")
    if ev is None or men is None:
        return []
    pub = lookup(text(men["source_id"]), _published(t))
    latest = pd.Series(pub.values, index=text(men["event_id"]).values).groupby(level=0).max()
    ev_latest = lookup(text(ev["event_id"]), latest)
    bad = text(ev["status"]).isin(DONE) & ev["date_start"].notna() & ev_latest.notna() & (ev["date_start"] > ev_latest)
    return located(t, "events", bad, "date_start", "occurred-after-sources",
                   lambda i: (f"status is {ev['status'].iloc[i]!r} but the event starts {day(ev['date_start'].iloc[i])}, "
                              f"after {day(ev_latest.iloc[i])}, the latest publication date of the articles reporting it"))


def mention_status_dates(t: Tables) -> list[Finding]:
    """``mention-status-date``: a mention from an article of date P that reports the event as occurred or
    ongoing needs the event to start on or before P; one that reports it as planned or expected needs it
    not to be over before P. Exception: mentions from undated articles, and undated events."""
    ev = frame(t, "events", "event_id", "date_start", "date_end")
    men = frame(t, "event_mentions", "event_id", "source_id", "reported_status")
    if ev is None or men is None:
        return []
    pub = lookup(text(men["source_id"]), _published(t))
    eid = text(men["event_id"])
    start, end = lookup(eid, _by_id(ev, "event_id", "date_start")), lookup(eid, _by_id(ev, "event_id", "date_end"))
    status = text(men["reported_status"])
    done = status.isin(DONE) & pub.notna() & start.notna() & (start > pub)
    ahead = status.isin(AHEAD) & pub.notna() & end.notna() & (end < pub)
    return (located(t, "event_mentions", done, "reported_status", "mention-status-date",
                    lambda i: (f"the article ({men['source_id'].iloc[i]}, published {day(pub.iloc[i])}) reports "
                               f"{eid.iloc[i]} as {status.iloc[i]!r}, but the event starts {day(start.iloc[i])}"))
            + located(t, "event_mentions", ahead, "reported_status", "mention-status-date",
                      lambda i: (f"the article ({men['source_id'].iloc[i]}, published {day(pub.iloc[i])}) reports "
                                 f"{eid.iloc[i]} as {status.iloc[i]!r}, but the event was over by {day(end.iloc[i])}")))


def dates_after_source(t: Tables) -> list[Finding]:
    """``spoken-after-source``: a quote is not spoken after the article that prints it.
    ``signed-after-source``: a document reported as signed or exchanged is not signed after the article
    reporting it. Exception: undated articles."""
    out = []
    published = _published(t)
    q = frame(t, "quotes", "spoken_date", "source_id")
    if q is not None:
        pub = lookup(text(q["source_id"]), published)
        bad = q["spoken_date"].notna() & pub.notna() & (q["spoken_date"] > pub)
        out += located(t, "quotes", bad, "spoken_date", "spoken-after-source",
                       lambda i: f"spoken_date is after {day(pub.iloc[i])}, the publication date of {q['source_id'].iloc[i]} that prints the quote")
    a = frame(t, "agreements", "signed_date", "source_id", "status")
    if a is not None:
        pub = lookup(text(a["source_id"]), published)
        bad = text(a["status"]).isin(("signed", "exchanged")) & a["signed_date"].notna() & pub.notna() & (a["signed_date"] > pub)
        out += located(t, "agreements", bad, "signed_date", "signed-after-source",
                       lambda i: (f"reported as {a['status'].iloc[i]!r} by {a['source_id'].iloc[i]} (published {day(pub.iloc[i])}) "
                                  "but signed_date is later"))
    return out


def basis_of_undated_sources(t: Tables) -> list[Finding]:
    """``basis-undated-source``: a date resolved against the article's date (year_from_context,
    weekday_resolved, relative_resolved) is impossible when the row's article has no publication date;
    such a date is ``inferred``. Exception (events): a relative_resolved date whose ``date_note`` names an
    anchor event ``evt-NNNN`` that is itself dated with another basis than inferred (resolved against
    that event, not the article)."""
    published = _published(t)
    out = []
    for table, date_col, basis_col in (("events", "date_start", "date_basis"), ("quotes", "spoken_date", "spoken_date_basis"),
                                       ("agreements", "signed_date", "signed_date_basis")):
        df = frame(t, table, date_col, basis_col, "source_id")
        if df is None:
            continue
        basis = text(df[basis_col])
        pub = lookup(text(df["source_id"]), published)
        bad = df[date_col].notna() & basis.isin(ARTICLE_RELATIVE) & pub.isna()
        if table == "events" and "date_note" in df.columns:
            anchor = text(df["date_note"]).str.extract(r"(evt-[0-9]{4})", expand=False)
            a_basis = lookup(anchor, _by_id(df, "event_id", "date_basis").astype("string"))
            a_start = lookup(anchor, _by_id(df, "event_id", "date_start"))
            anchored = (basis == "relative_resolved") & a_start.notna() & a_basis.notna() & ~a_basis.isin(("inferred", "undated"))
            bad &= ~anchored.fillna(False)
        out += located(t, table, bad, basis_col, "basis-undated-source",
                       lambda i, df=df, basis=basis: (f"{basis.iloc[i]!r} resolves a phrase against the article's date, but "
                                                      f"{df['source_id'].iloc[i]} has no published_date: the date is 'inferred'"))
    return out


def children_within_parents(t: Tables) -> list[Finding]:
    """``child-outside-parent``: an event's bounds lie within its parent event's bounds. Exception: an
    undated child or parent."""
    ev = frame(t, "events", "event_id", "parent_event_id", "date_start", "date_end")
    if ev is None:
        return []
    parent = text(ev["parent_event_id"])
    p_start, p_end = lookup(parent, _by_id(ev, "event_id", "date_start")), lookup(parent, _by_id(ev, "event_id", "date_end"))
    known = ev["date_start"].notna() & ev["date_end"].notna() & p_start.notna() & p_end.notna()
    early = known & (ev["date_start"] < p_start)
    late = known & ~early & (ev["date_end"] > p_end)

    def message(i):
        return (f"{day(ev['date_start'].iloc[i])}..{day(ev['date_end'].iloc[i])} is not within its parent "
                f"{parent.iloc[i]}'s bounds {day(p_start.iloc[i])}..{day(p_end.iloc[i])}: a part lies within the whole")

    return (located(t, "events", early, "date_start", "child-outside-parent", message)
            + located(t, "events", late, "date_end", "child-outside-parent", message))


def dates_within_events(t: Tables) -> list[Finding]:
    """``date-outside-event``: a quote's spoken_date, an agreement's signed_date, lies within the bounds
    of the event it is attached to. Exception: an undated event."""
    ev = frame(t, "events", "event_id", "date_start", "date_end")
    if ev is None:
        return []
    starts, ends = _by_id(ev, "event_id", "date_start"), _by_id(ev, "event_id", "date_end")
    out = []
    for table, col in (("quotes", "spoken_date"), ("agreements", "signed_date")):
        df = frame(t, table, col, "event_id")
        if df is None:
            continue
        eid = text(df["event_id"])
        s, e = lookup(eid, starts), lookup(eid, ends)
        bad = df[col].notna() & s.notna() & e.notna() & ((df[col] < s) | (df[col] > e))
        out += located(t, table, bad, col, "date-outside-event",
                       lambda i, eid=eid, s=s, e=e: f"not within the bounds {day(s.iloc[i])}..{day(e.iloc[i])} of its event {eid.iloc[i]}")
    return out


# The rules, in the order the codebook lists them with their docstrings (rule name, what, exception).
DOCUMENTED = (event_after_sources, mention_status_dates, dates_after_source, basis_of_undated_sources,
              children_within_parents, dates_within_events)


def chronology(t: Tables) -> list[Finding]:
    return (event_after_sources(t) + mention_status_dates(t) + dates_after_source(t)
            + basis_of_undated_sources(t) + children_within_parents(t) + dates_within_events(t))
