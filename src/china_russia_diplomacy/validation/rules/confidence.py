"""Confidence that claims no more than the evidence: `high` means every value is printed in the span and
nothing was resolved (the `confidence` enumDescriptions), an event's primary mention is the event's own
provenance, and a mention's or participation row's confidence is not a free judgement but follows from its
recorded tie (`span_states`, `tie`, `confidence_override`; curation/NOTES.md, "Confidence by rule").

Each rule states what it refuses and its exception. Column operations over whole tables; only the
offending rows become findings.
"""

from __future__ import annotations

import pandas as pd

from ..report import Finding
from ._vector import frame, located, lookup, text
from .base import Tables

# Date bases that record a resolution or an inference: every value of the vocabulary but `explicit` (a date
# printed at the precision recorded) and `undated` (no date at all).
RESOLVED_BASES = ("year_from_context", "weekday_resolved", "relative_resolved", "vague_period", "inferred")
DATED = (("events", "date_basis"), ("quotes", "spoken_date_basis"), ("agreements", "signed_date_basis"))


def date_confidence(t: Tables) -> list[Finding]:
    """``date-confidence``: a row whose date was resolved or inferred (events.date_basis,
    quotes.spoken_date_basis or agreements.signed_date_basis other than `explicit` and `undated`) is not
    `high`: `high` says every value is printed and nothing was resolved. Exception: none; a row without a
    date basis is not checked."""
    out = []
    for table, basis_col in DATED:
        df = frame(t, table, basis_col, "confidence")
        if df is None:
            continue
        basis = text(df[basis_col])
        bad = basis.isin(RESOLVED_BASES) & (text(df["confidence"]) == "high")
        out += located(t, table, bad, "confidence", "date-confidence",
                       lambda i, basis=basis, basis_col=basis_col: (
                           f"confidence is 'high' but {basis_col} is {basis.iloc[i]!r}: a resolved or inferred date is "
                           "at most 'medium' ('low' when it rests on several clues or a convention)"))
    return out


def translation_confidence(t: Tables) -> list[Finding]:
    """``translation-confidence``: a quote whose language is inferred (translation_basis
    `inferred_from_speaker`) is not `high`: is_translation and original_language are then a curator's reading,
    not printed, as an implied participant country is. Exception: none; a language the article states
    (`stated`) may be `high`."""
    q = frame(t, "quotes", "translation_basis", "confidence")
    if q is None:
        return []
    bad = (text(q["translation_basis"]) == "inferred_from_speaker") & (text(q["confidence"]) == "high")
    return located(t, "quotes", bad, "confidence", "translation-confidence",
                   "confidence is 'high' but the language is inferred from the speaker (translation_basis "
                   "inferred_from_speaker): at most 'medium'")


def primary_mention_confidence(t: Tables) -> list[Finding]:
    """``primary-confidence``: an event's primary mention has the event's confidence, since it is the event
    row's own provenance (source, span and confidence). Exception: none; an event without exactly one primary
    mention is the ``primary-mention`` rule's finding, and a mention of an unknown event the foreign key's."""
    ev = frame(t, "events", "event_id", "confidence")
    men = frame(t, "event_mentions", "event_id", "is_primary", "confidence")
    if ev is None or men is None:
        return []
    e = ev[["event_id", "confidence"]]  # the columns used: filtering copies what it keeps
    e = e[e["event_id"].notna()].drop_duplicates("event_id")
    ev_conf = lookup(text(men["event_id"]), pd.Series(text(e["confidence"]).values, index=text(e["event_id"]).values))
    primary = (men["is_primary"] == True).fillna(False).astype(bool)  # noqa: E712 (nullable boolean)
    mine = text(men["confidence"])
    bad = primary & ev_conf.notna() & mine.notna() & (mine != ev_conf).fillna(False)
    return located(t, "event_mentions", bad, "confidence", "primary-confidence",
                   lambda i: (f"the primary mention of {men['event_id'].iloc[i]} has confidence {mine.iloc[i]!r}, the event "
                              f"{ev_conf.iloc[i]!r}: the primary mention carries the event's provenance, confidence included"))


# The tables whose rows record how their span ties to what they claim (schemas: span_states, tie,
# confidence_override), and what each tie code gives. Two curators reading the same span record the same codes
# (the decision tests are in the schema descriptions); the confidence then follows without a judgement.
TIED = ("event_mentions", "event_participants")
TIE_CONFIDENCE = {"explicit": "high", "refers_back": "medium", "same_article": "medium",
                  "identity_elsewhere": "medium", "other_article": "medium", "inferred": "low"}
RANK = {"low": 0, "medium": 1, "high": 2}
LEVEL = pd.Series(["low", "medium", "high"], index=[0, 1, 2], dtype="string")


def _ranked(series: pd.Series) -> pd.Series:
    """Confidence words as ranks 0-2 (nullable), so that "the lower of two" is a column minimum."""
    return text(series).map(RANK).astype("Int64")


def expected_confidence(t: Tables, table: str) -> tuple[pd.DataFrame, pd.Series, pd.Series] | None:
    """The table's frame, the confidence its ties give (nullable string per row) and, for event_mentions, the
    event's confidence where it caps a primary mention (else missing). None without the columns."""
    df = frame(t, table, "tie", "confidence_override", "confidence")
    if df is None:
        return None
    base = _ranked(text(df["tie"]).map(TIE_CONFIDENCE))
    hedged = (text(df["confidence_override"]) == "hedged").fillna(False).astype(bool)
    base = base.where(~hedged, 0)
    cap = pd.Series(pd.NA, index=df.index, dtype="Int64")
    if table == "event_mentions":
        ev = frame(t, "events", "event_id", "confidence")
        if ev is not None and "is_primary" in df.columns and "event_id" in df.columns:
            e = ev[["event_id", "confidence"]]
            e = e[e["event_id"].notna()].drop_duplicates("event_id")
            ev_conf = lookup(text(df["event_id"]), pd.Series(text(e["confidence"]).values, index=text(e["event_id"]).values))
            primary = (df["is_primary"] == True).fillna(False).astype(bool)  # noqa: E712 (nullable boolean)
            cap = _ranked(ev_conf).where(primary, pd.NA)
    rank = base.where(cap.isna() | (base <= cap), cap)
    return df, LEVEL.reindex(rank.astype("float").values).set_axis(df.index), cap


def tie_confidence(t: Tables) -> list[Finding]:
    """``tie-confidence``: in event_mentions and event_participants, `confidence` is what the row's recorded tie
    gives, by one rule: `tie` `explicit` gives `high`; `refers_back`, `same_article`, `identity_elsewhere` and
    `other_article` give `medium`; `inferred` gives `low`; `confidence_override` `hedged` gives `low` whatever the
    tie; and a primary mention is no higher than its event, whose confidence also covers the event's date and
    place (so an event is never rated above the tie of its own evidence). A row whose confidence differs is
    refused, naming its codes and the expected confidence. Exception: `confidence_override` `curator`, the
    recorded overruling (reason in curation/NOTES.md), whose confidence must then differ from the rule's."""
    out = []
    for table in TIED:
        got = expected_confidence(t, table)
        if got is None:
            continue
        df, want, cap = got
        mine = text(df["confidence"])
        override = text(df["confidence_override"])
        curator = (override == "curator").fillna(False)
        known = want.notna() & mine.notna()
        bad = known & ~curator & (mine != want).fillna(False)
        overruled_for_nothing = known & curator & (mine == want).fillna(False)

        def message(i, df=df, want=want, cap=cap, mine=mine, override=override):
            codes = f"tie {df['tie'].iloc[i]!r}, span_states {df['span_states'].iloc[i]!r}" \
                if "span_states" in df.columns else f"tie {df['tie'].iloc[i]!r}"
            if pd.notna(override.iloc[i]):
                codes += f", confidence_override {override.iloc[i]!r}"
            if pd.notna(override.iloc[i]) and override.iloc[i] == "curator":
                return (f"confidence_override is 'curator' but confidence {mine.iloc[i]!r} is what {codes} gives anyway: "
                        "drop the override (it records a departure from the rule)")
            why = ""
            if pd.notna(cap.iloc[i]) and LEVEL[int(cap.iloc[i])] == want.iloc[i]:
                why = f" (a primary mention is no higher than its event, {df['event_id'].iloc[i]}: {want.iloc[i]!r})"
            return (f"confidence is {mine.iloc[i]!r} but {codes} gives {want.iloc[i]!r}{why}: record the tie that was "
                    "read, or the override 'curator' with the reason in curation/NOTES.md")
        out += located(t, table, bad | overruled_for_nothing, "confidence", "tie-confidence", message)
    return out


def tie_explicit(t: Tables) -> list[Finding]:
    """``tie-explicit``: a row whose `tie` is `explicit` has a `span_states` that can establish it alone. An
    event mention: `name`, or `actor` and `action` with a `time` or `place` (or with neither when its event is
    undated and has no location, as standing positions and invitations are). A participation row: `actor` and
    `action` (the participant named, its role stated), and its event tied explicitly: its own `span_states`
    passes the mention test, or its span overlaps a mention of the same event in the same source whose tie is
    `explicit`. Exception: none; whether the words do state an element is the curator's reading, recorded once
    in `span_states`."""
    out = []
    men = frame(t, "event_mentions", "span_states", "tie")
    par = frame(t, "event_participants", "span_states", "tie")
    ev = frame(t, "events", "event_id")

    def has(df: pd.DataFrame, element: str) -> pd.Series:
        return text(df["span_states"]).str.contains(rf"(?:^|\+){element}(?:\+|$)", regex=True).fillna(False).astype(bool)

    def mention_test(df: pd.DataFrame) -> pd.Series:
        timeless = pd.Series(False, index=df.index)
        if ev is not None and "event_id" in df.columns and {"date_basis", "location_name", "location_country"} <= set(ev.columns):
            e = ev[["event_id", "date_basis", "location_name", "location_country"]]
            e = e[e["event_id"].notna()].drop_duplicates("event_id")
            no_when_where = ((text(e["date_basis"]) == "undated").fillna(False) & e["location_name"].isna()
                             & e["location_country"].isna())
            timeless = lookup(text(df["event_id"]), pd.Series(no_when_where.values, index=text(e["event_id"]).values)) \
                .fillna(False).astype(bool)
        return has(df, "name") | (has(df, "actor") & has(df, "action") & (has(df, "time") | has(df, "place") | timeless))

    if men is not None:
        bad = (text(men["tie"]) == "explicit").fillna(False) & ~mention_test(men)
        out += located(t, "event_mentions", bad, "tie", "tie-explicit",
                       lambda i: (f"tie is 'explicit' but span_states {men['span_states'].iloc[i]!r} cannot identify the event "
                                  "alone: it needs 'name', or 'actor' and 'action' with a 'time' or 'place' of the event"))
    if par is not None:
        named = has(par, "actor") & has(par, "action")
        anchored = mention_test(par)
        if men is not None and {"event_id", "source_id", "evidence_start", "evidence_end"} <= set(men.columns) \
                and {"event_id", "source_id", "evidence_start", "evidence_end"} <= set(par.columns):
            p = pd.DataFrame({"i": range(len(par)), "event_id": text(par["event_id"]).values,
                              "source_id": text(par["source_id"]).values,
                              "s": par["evidence_start"].astype("Int64").values, "e": par["evidence_end"].astype("Int64").values})
            m = pd.DataFrame({"event_id": text(men["event_id"]).values, "source_id": text(men["source_id"]).values,
                              "ms": men["evidence_start"].astype("Int64").values, "me": men["evidence_end"].astype("Int64").values,
                              "explicit": (text(men["tie"]) == "explicit").fillna(False).values})
            j = p.merge(m[m["explicit"]], on=["event_id", "source_id"])
            hit = j[((j["ms"] < j["e"]) & (j["s"] < j["me"])).fillna(False)]["i"].unique()
            anchor = pd.Series(False, index=par.index)
            anchor.iloc[hit] = True
            anchored = anchored | anchor
        explicit = (text(par["tie"]) == "explicit").fillna(False)
        bad = explicit & ~(named & anchored)

        def message(i):
            if not named.iloc[i]:
                return (f"tie is 'explicit' but span_states {par['span_states'].iloc[i]!r} does not both name the participant "
                        "('actor') and state its role ('action')")
            return ("tie is 'explicit' but the event is not tied explicitly: the span neither identifies the event itself "
                    "(span_states) nor overlaps an 'explicit' mention of the event in the same source")
        out += located(t, "event_participants", bad, "tie", "tie-explicit", message)
    return out


# The rules, in the order the codebook lists them with their docstrings (rule name, what, exception).
DOCUMENTED = (date_confidence, translation_confidence, primary_mention_confidence, tie_confidence, tie_explicit)


def confidence(t: Tables) -> list[Finding]:
    return (date_confidence(t) + translation_confidence(t) + primary_mention_confidence(t) + tie_confidence(t)
            + tie_explicit(t))
