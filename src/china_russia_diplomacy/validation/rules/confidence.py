"""Confidence that claims no more than the evidence: `high` means every value is printed in the span and
nothing was resolved (the `confidence` enumDescriptions), and an event's primary mention is the event's own
provenance (curation/NOTES.md, "Confidence").

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
    e = ev[ev["event_id"].notna()].drop_duplicates("event_id")
    ev_conf = lookup(text(men["event_id"]), pd.Series(text(e["confidence"]).values, index=text(e["event_id"]).values))
    primary = (men["is_primary"] == True).fillna(False).astype(bool)  # noqa: E712 (nullable boolean)
    mine = text(men["confidence"])
    bad = primary & ev_conf.notna() & mine.notna() & (mine != ev_conf).fillna(False)
    return located(t, "event_mentions", bad, "confidence", "primary-confidence",
                   lambda i: (f"the primary mention of {men['event_id'].iloc[i]} has confidence {mine.iloc[i]!r}, the event "
                              f"{ev_conf.iloc[i]!r}: the primary mention carries the event's provenance, confidence included"))


# The rules, in the order the codebook lists them with their docstrings (rule name, what, exception).
DOCUMENTED = (date_confidence, translation_confidence, primary_mention_confidence)


def confidence(t: Tables) -> list[Finding]:
    return date_confidence(t) + translation_confidence(t) + primary_mention_confidence(t)
