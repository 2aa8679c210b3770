"""Exact findings of the date, translation, primary-mention and tie confidence, and explicit ties (issue 29).

Like ``test_rule_sides.py`` (whose fixtures, in ``conftest.py``, it shares): the committed package's
typed tables are read once, each test changes the few cells that break exactly one condition of one
rule (or sit exactly on its boundary, which must pass), runs that rule alone and asserts its exact
findings: rule, table, CSV line, column, and the value and message where they say which side failed.
In memory and one file per rule module, so ``scripts/mutation.py`` judges a mutant of
``validation/rules/confidence.py`` with this file alone in seconds. The fault-injection suite
(``tests/write/faults/``) checks the same classes end to end through ``validate``.
"""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

from china_russia_diplomacy.validation.rules import Tables
from rule_tables import event_row, line, mention_row, row, set_cell, where

# --- confidence: what a date basis, a language, a tie and a primary mention allow --------------------------

conf = importlib.import_module("china_russia_diplomacy.validation.rules.confidence")


def test_the_committed_package_passes_these_rules(t):
    assert conf.confidence(t) == []


@pytest.mark.parametrize("table, basis_col", conf.DATED)
def test_a_resolved_date_rated_high_is_reported_in_each_dated_table(t, table, basis_col):
    i = row(t, table, lambda r: r[basis_col] == "inferred")
    set_cell(t, table, i, "confidence", "high")
    found = conf.date_confidence(t)
    assert where(found) == [("date-confidence", table, line(t, table, i), "confidence")]
    assert found[0].message.startswith(f"confidence is 'high' but {basis_col} is 'inferred': ")


def test_without_an_events_table_the_quotes_dates_are_still_checked(t):
    i = row(t, "quotes", lambda r: r["spoken_date_basis"] == "inferred")
    set_cell(t, "quotes", i, "confidence", "high")
    del t.frames["events"]
    assert where(conf.date_confidence(t)) == [("date-confidence", "quotes", line(t, "quotes", i), "confidence")]


@pytest.mark.parametrize("basis, bad", [(b, True) for b in conf.RESOLVED_BASES] + [("explicit", False), ("undated", False)])
def test_every_resolved_basis_and_only_those_caps_an_event_below_high(t, basis, bad):
    i = 7
    set_cell(t, "events", i, "date_basis", basis)
    set_cell(t, "events", i, "confidence", "high")
    assert where(conf.date_confidence(t)) == ([("date-confidence", "events", line(t, "events", i), "confidence")] if bad else [])
    set_cell(t, "events", i, "confidence", "medium")
    assert conf.date_confidence(t) == []


@pytest.mark.parametrize("basis, bad", [("inferred_from_speaker", True), ("stated", False)])
def test_an_inferred_language_is_not_high_and_a_stated_one_may_be(t, basis, bad):
    set_cell(t, "quotes", 0, "translation_basis", basis)
    set_cell(t, "quotes", 0, "confidence", "high")
    found = conf.translation_confidence(t)
    assert where(found) == ([("translation-confidence", "quotes", line(t, "quotes", 0), "confidence")] if bad else [])


def test_a_primary_mention_rated_otherwise_than_its_event_is_reported_and_another_mention_is_not(t):
    m = t.frames["event_mentions"]
    assert (m["mention_id"].iat[0], m["is_primary"].iat[0], m["confidence"].iat[0]) == ("men-0001", True, "medium")
    assert m["confidence"].iat[1] == "high"  # not primary: evt-0001 is 'medium', fine
    set_cell(t, "event_mentions", 0, "confidence", "high")
    found = conf.primary_mention_confidence(t)
    assert where(found) == [("primary-confidence", "event_mentions", line(t, "event_mentions", 0), "confidence")]
    assert found[0].message.startswith("the primary mention of evt-0001 has confidence 'high', the event 'medium': ")
    set_cell(t, "event_mentions", 0, "event_id", "evt-9999")  # the foreign key's finding
    assert conf.primary_mention_confidence(t) == []
    set_cell(t, "event_mentions", 1, "is_primary", pd.NA)  # empty (pandera's finding): not a primary mention
    assert conf.primary_mention_confidence(t) == []


def _tie(t: Tables, table: str = "event_mentions") -> list[tuple]:
    return [(x.table, x.line, x.message) for x in conf.tie_confidence(t)]


@pytest.mark.parametrize("tie, want", sorted(conf.TIE_CONFIDENCE.items()))
def test_each_tie_gives_its_confidence_and_any_other_is_refused(t, tie, want):
    i = 1  # men-0002: not primary, explicit, high
    set_cell(t, "event_mentions", i, "tie", tie)
    for level in ("low", "medium", "high"):
        set_cell(t, "event_mentions", i, "confidence", level)
        found = _tie(t)
        if level == want:
            assert found == []
        else:
            assert found == [("event_mentions", line(t, "event_mentions", i),
                              f"confidence is {level!r} but tie {tie!r}, span_states 'name+actor+action' gives {want!r}: "
                              "record the tie that was read, or the override 'curator' with the reason in curation/NOTES.md")]


def test_a_mention_with_an_empty_is_primary_is_not_capped_by_its_event(t):
    set_cell(t, "event_mentions", 1, "is_primary", pd.NA)  # pandera's finding; men-0002 stays 'high' by its tie
    assert _tie(t) == []


def test_a_hedged_override_gives_low_whatever_the_tie(t):
    set_cell(t, "event_mentions", 1, "confidence_override", "hedged")
    found = _tie(t)
    assert [(x[0], x[1]) for x in found] == [("event_mentions", line(t, "event_mentions", 1))]
    assert "confidence is 'high' but tie 'explicit', span_states 'name+actor+action', confidence_override 'hedged' gives 'low'" \
        in found[0][2]
    set_cell(t, "event_mentions", 1, "confidence", "low")
    assert _tie(t) == []


def test_a_curator_override_must_differ_from_the_rule(t):
    set_cell(t, "event_mentions", 1, "confidence_override", "curator")
    found = _tie(t)
    assert found == [("event_mentions", line(t, "event_mentions", 1),
                      "confidence_override is 'curator' but confidence 'high' is what tie 'explicit', span_states "
                      "'name+actor+action', confidence_override 'curator' gives anyway: drop the override (it records a "
                      "departure from the rule)")]
    set_cell(t, "event_mentions", 1, "confidence", "medium")
    assert _tie(t) == []


def test_a_primary_mention_is_capped_by_its_event_and_a_lower_tie_stays_lower(t):
    # men-0001: primary, explicit (high by its tie), its event evt-0001 'medium': 'medium' is right
    set_cell(t, "event_mentions", 0, "confidence", "high")
    found = _tie(t)
    assert found == [("event_mentions", line(t, "event_mentions", 0),
                      "confidence is 'high' but tie 'explicit', span_states 'name+actor+action' gives 'medium' (a primary "
                      "mention is no higher than its event, evt-0001: 'medium'): record the tie that was read, or the "
                      "override 'curator' with the reason in curation/NOTES.md")]
    set_cell(t, "event_mentions", 0, "tie", "inferred")  # low by its tie, below the event's cap
    set_cell(t, "event_mentions", 0, "confidence", "medium")
    found = _tie(t)
    assert len(found) == 1 and "gives 'low': " in found[0][2] and "no higher than its event" not in found[0][2]
    set_cell(t, "event_mentions", 0, "confidence", "low")
    assert _tie(t) == []
    set_cell(t, "event_mentions", 0, "tie", "refers_back")  # equal to the cap: 'medium', said without the cap
    set_cell(t, "event_mentions", 0, "confidence", "high")
    found = _tie(t)
    assert len(found) == 1 and "gives 'medium' (a primary mention is no higher than its event" in found[0][2]


def test_without_the_events_table_a_primary_mention_follows_its_tie_alone(t):
    del t.frames["events"]  # (every primary mention capped by its event now gets its tie's confidence)
    assert [x for x in _tie(t) if x[1] == line(t, "event_mentions", 0)] == [("event_mentions", line(t, "event_mentions", 0),
                        "confidence is 'medium' but tie 'explicit', span_states 'name+actor+action' gives 'high': record "
                        "the tie that was read, or the override 'curator' with the reason in curation/NOTES.md")]


def test_participation_rows_follow_their_tie_and_are_not_capped_by_the_event(t):
    ep, e = t.frames["event_participants"], t.frames["events"]
    i = 37  # evt-0020 (confidence low), explicit, high: fine, a participation row has no cap
    assert (ep["event_id"].iat[i], ep["tie"].iat[i], ep["confidence"].iat[i]) == ("evt-0020", "explicit", "high")
    assert e["confidence"].iat[event_row(t, "evt-0020")] == "low"
    set_cell(t, "event_participants", i, "tie", "other_article")
    found = [(x.table, x.line, x.column, x.rule) for x in conf.tie_confidence(t)]
    assert found == [("event_participants", line(t, "event_participants", i), "confidence", "tie-confidence")]


def test_without_the_mentions_table_participation_rows_are_still_compared(t):
    set_cell(t, "event_participants", 37, "tie", "other_article")
    del t.frames["event_mentions"]
    assert [(x.table, x.line) for x in conf.tie_confidence(t)] == [("event_participants", line(t, "event_participants", 37))]


def test_a_row_without_a_tie_or_a_confidence_is_not_compared(t):
    set_cell(t, "event_mentions", 1, "tie", None)
    set_cell(t, "event_mentions", 2, "confidence", None)
    set_cell(t, "event_mentions", 2, "tie", "inferred")
    assert _tie(t) == []


def _explicit(t: Tables) -> list[tuple]:
    return where(conf.tie_explicit(t))


@pytest.mark.parametrize("states, bad", [("name", False), ("actor+name", False), ("actor+action+time", False),
                                         ("place+action+actor", False), ("actor+action", True), ("actor+time+place", True),
                                         ("action+time", True), ("names+actor+action", True), ("actor+action+times", True),
                                         ("actor+actions+time", True)])
def test_an_explicit_mention_names_the_event_or_gives_actor_action_and_a_time_or_place(t, states, bad):
    set_cell(t, "event_mentions", 1, "span_states", states)  # men-0002 of the dated evt-0001
    assert _explicit(t) == ([("tie-explicit", "event_mentions", line(t, "event_mentions", 1), "tie")] if bad else [])


def test_an_undated_placeless_event_is_identified_by_actor_and_action_alone(t):
    m = t.frames["event_mentions"]
    i = mention_row(t, "men-0123")  # evt-0043: undated, no location; actor+action
    assert (m["event_id"].iat[i], m["span_states"].iat[i], m["tie"].iat[i]) == ("evt-0043", "actor+action", "explicit")
    assert _explicit(t) == []
    set_cell(t, "event_mentions", i, "span_states", "actor")
    assert _explicit(t) == [("tie-explicit", "event_mentions", line(t, "event_mentions", i), "tie")]
    set_cell(t, "event_mentions", i, "span_states", "actor+action")
    set_cell(t, "events", event_row(t, "evt-0043"), "location_country", "CHN")  # now it has a place to state
    assert _explicit(t) == [("tie-explicit", "event_mentions", line(t, "event_mentions", i), "tie")]


@pytest.mark.parametrize("column, value", [("location_name", "Beijing"), ("date_basis", "explicit")])
def test_an_event_with_a_place_name_or_a_date_is_not_placeless_and_timeless(t, column, value):
    i = mention_row(t, "men-0123")
    set_cell(t, "events", event_row(t, "evt-0043"), column, value)
    assert _explicit(t) == [("tie-explicit", "event_mentions", line(t, "event_mentions", i), "tie")]


@pytest.mark.parametrize("column, value", [("date_basis", None), ("event_id", "evt-9999")])
def test_an_event_without_a_date_basis_or_unknown_is_not_taken_as_timeless(t, column, value):
    """(both are other rules' findings; for tie-explicit the event is not one without time and place)"""
    assert t.frames["events"]["location_name"].iat[0] is pd.NA or pd.isna(t.frames["events"]["location_name"].iat[0])
    set_cell(t, "event_mentions", 1, "span_states", "actor+action")  # men-0002 of evt-0001, which has no location
    if column == "date_basis":
        set_cell(t, "events", 0, "date_basis", value)
    else:
        set_cell(t, "event_mentions", 1, "event_id", value)
    assert _explicit(t) == [("tie-explicit", "event_mentions", line(t, "event_mentions", 1), "tie")]


@pytest.mark.parametrize("table, i", [("event_mentions", 1), ("event_participants", 0)])
def test_an_explicit_row_without_span_states_states_nothing_and_is_reported(t, table, i):
    """(an empty span_states is pandera's finding too; for tie-explicit it states no element, not every one)"""
    assert t.frames[table]["tie"].iat[i] == "explicit"
    set_cell(t, table, i, "span_states", None)
    assert _explicit(t) == [("tie-explicit", table, line(t, table, i), "tie")]


def test_without_the_events_table_actor_and_action_alone_do_not_identify_a_mention(t):
    """(no event to show it is undated and placeless: men-0123's actor+action no longer suffices; the other
    rows that relied on it fail too)"""
    i = mention_row(t, "men-0123")
    assert _explicit(t) == []
    del t.frames["events"]
    assert [x for x in _explicit(t) if x[1:3] == ("event_mentions", line(t, "event_mentions", i))] == [
        ("tie-explicit", "event_mentions", line(t, "event_mentions", i), "tie")]


def test_a_row_without_a_tie_is_not_held_to_the_explicit_test(t):
    set_cell(t, "event_mentions", 1, "span_states", "actor")
    set_cell(t, "event_mentions", 1, "tie", None)
    set_cell(t, "event_participants", 1, "span_states", "actor")
    set_cell(t, "event_participants", 1, "tie", None)
    assert _explicit(t) == []


def test_a_mention_without_a_tie_does_not_anchor_a_participation_row(t):
    set_cell(t, "event_participants", 0, "span_states", "actor+action")
    set_cell(t, "event_mentions", mention_row(t, "men-0004"), "tie", None)
    assert _explicit(t) == [("tie-explicit", "event_participants", line(t, "event_participants", 0), "tie")]


def test_without_the_mentions_table_a_participation_row_must_identify_the_event_itself(t):
    set_cell(t, "event_participants", 0, "span_states", "actor+action")
    assert _explicit(t) == []  # anchored by men-0004
    del t.frames["event_mentions"]  # (other rows anchored only by a mention fail too)
    assert [x for x in _explicit(t) if x[2] == line(t, "event_participants", 0)] == [
        ("tie-explicit", "event_participants", line(t, "event_participants", 0), "tie")]


def test_a_mention_that_is_not_explicit_needs_no_identifying_states(t):
    set_cell(t, "event_mentions", 1, "span_states", "actor")
    set_cell(t, "event_mentions", 1, "tie", "refers_back")
    assert _explicit(t) == []


@pytest.mark.parametrize("start, end, bad", [(883, 951, False), (872, 883, True), (871, 883, False), (872, 884, False),
                                             (951, 960, True)])
def test_an_explicit_participation_row_is_anchored_by_a_span_overlapping_an_explicit_mention(t, start, end, bad):
    """evt-0001 in src-0002 has explicit mentions at [729, 872) and [883, 951): a span touching one without
    sharing a character does not overlap it."""
    ep = t.frames["event_participants"]
    assert list(ep[["event_id", "source_id"]].iloc[0]) == ["evt-0001", "src-0002"]
    set_cell(t, "event_participants", 0, "span_states", "actor+action")  # not identifying the event itself
    set_cell(t, "event_participants", 0, "evidence_start", start)
    set_cell(t, "event_participants", 0, "evidence_end", end)
    found = conf.tie_explicit(t)
    assert where(found) == ([("tie-explicit", "event_participants", line(t, "event_participants", 0), "tie")] if bad else [])
    if bad:
        assert found[0].message.startswith("tie is 'explicit' but the event is not tied explicitly: ")


def test_an_explicit_participation_row_names_the_participant_and_its_role(t):
    set_cell(t, "event_participants", 0, "span_states", "name+action")
    found = conf.tie_explicit(t)
    assert where(found) == [("tie-explicit", "event_participants", line(t, "event_participants", 0), "tie")]
    assert found[0].message == ("tie is 'explicit' but span_states 'name+action' does not both name the participant "
                                "('actor') and state its role ('action')")


def test_an_overlap_with_a_mention_that_is_not_explicit_or_of_another_source_does_not_anchor(t):
    set_cell(t, "event_participants", 0, "span_states", "actor+action")
    set_cell(t, "event_mentions", mention_row(t, "men-0004"), "tie", "refers_back")
    set_cell(t, "event_mentions", mention_row(t, "men-0004"), "confidence", "medium")
    assert _explicit(t) == [("tie-explicit", "event_participants", line(t, "event_participants", 0), "tie")]
    set_cell(t, "event_mentions", mention_row(t, "men-0004"), "tie", "explicit")
    set_cell(t, "event_participants", 0, "source_id", "src-0001")  # evt-0001 in src-0001: [633, 721) only
    assert _explicit(t) == [("tie-explicit", "event_participants", line(t, "event_participants", 0), "tie")]
