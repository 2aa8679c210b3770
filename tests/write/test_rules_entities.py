"""Exact findings of the duplicate participants and events, parties, relays, discrepancy claims, about-descendant, count_low, role conflicts and the latest source's status (issue 29).

Like ``test_rule_sides.py`` (whose fixtures, in ``conftest.py``, it shares): the committed package's
typed tables are read once, each test changes the few cells that break exactly one condition of one
rule (or sit exactly on its boundary, which must pass), runs that rule alone and asserts its exact
findings: rule, table, CSV line, column, and the value and message where they say which side failed.
In memory and one file per rule module, so ``scripts/mutation.py`` judges a mutant of
``validation/rules/entities.py`` with this file alone in seconds. The fault-injection suite
(``tests/write/faults/``) checks the same classes end to end through ``validate``.
"""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

from china_russia_diplomacy.validation.rules import Tables
from rule_tables import event_row, line, mention_row, set_cell, where

# --- entities: the same thing twice, incoherent claims -------------------------------------------------------

ent = importlib.import_module("china_russia_diplomacy.validation.rules.entities")


def test_the_committed_package_passes_these_rules(t):
    assert ent.entities(t) == []


def _pid(t: Tables, i: int) -> str:
    return t.frames["participants"]["participant_id"].iat[i]


def test_a_participant_whose_name_normalises_to_another_ones_is_reported_on_the_later_row(t):
    p = t.frames["participants"]
    assert p["name"].iat[9] == "U.S." and p["name"].iat[0] == "Vladimir Putin"
    set_cell(t, "participants", 20, "name", "  vladimir   PUTIN. ")
    found = ent.duplicate_participants(t)
    assert where(found) == [("duplicate-participant", "participants", line(t, "participants", 20), "name")]
    assert found[0].message == (f"{_pid(t, 20)} and {_pid(t, 0)} (line {line(t, 'participants', 0)}) both go by "
                                "'vladimir putin': the same entity twice, or an alias on the wrong participant")
    assert found[0].value == "  vladimir   PUTIN. "


def test_an_alias_equal_to_another_participants_alias_or_name_is_reported_once_per_row(t):
    set_cell(t, "participants", 20, "aliases", "us;Xi")  # U.S.'s alias and Xi Jinping's alias: one finding
    set_cell(t, "participants", 21, "aliases", "Xi Jinping")
    set_cell(t, "participants", 22, "name", "Xi")
    found = sorted(ent.duplicate_participants(t), key=lambda x: x.line)
    assert where(found) == [("duplicate-participant", "participants", line(t, "participants", 20), "aliases"),
                            ("duplicate-participant", "participants", line(t, "participants", 21), "aliases"),
                            ("duplicate-participant", "participants", line(t, "participants", 22), "name")]
    assert [x.message.split(" both go by ")[1].split(":")[0] for x in found] == ["'us'", "'xi jinping'", "'xi'"]
    assert found[0].message.startswith(f"{_pid(t, 20)} and {_pid(t, 9)} (line {line(t, 'participants', 9)})")


def test_a_name_repeated_as_its_own_alias_and_unnamed_participants_are_not_duplicates(t):
    p = t.frames["participants"]
    unnamed = [i for i in range(len(p)) if pd.isna(p["name"].iat[i]) and pd.isna(p["aliases"].iat[i])]
    assert len(unnamed) >= 2
    set_cell(t, "participants", 0, "aliases", "Vladimir Putin;Putin")  # the aliases rule's business
    set_cell(t, "participants", 20, "aliases", "")  # empty forms are no name to share
    set_cell(t, "participants", 21, "aliases", ";")
    assert ent.duplicate_participants(t) == []


def _events_key(t: Tables, src: int, dst: int) -> None:
    for c in ("event_type", "date_start", "date_end", "location_name", "location_country", "source_id",
              "evidence_start", "evidence_end"):
        set_cell(t, "events", dst, c, t.frames["events"][c].iat[src])


def test_two_events_alike_in_every_key_and_in_their_participants_are_one_event_twice(t):
    e = t.frames["events"]
    assert list(e["event_id"].iloc[12:15]) == ["evt-0013", "evt-0014", "evt-0015"]  # all three: par-0001;par-0002
    _events_key(t, 12, 13)
    _events_key(t, 12, 14)
    found = ent.duplicate_events(t)
    assert where(found) == [("duplicate-event", "events", line(t, "events", 13), "event_id"),
                            ("duplicate-event", "events", line(t, "events", 14), "event_id")]
    assert [x.message for x in found] == [
        f"same type, dates, location, primary evidence and participants as evt-0013 (line {line(t, 'events', 12)}): "
        "one event recorded twice"] * 2


def test_events_alike_but_for_their_participants_or_one_key_column_are_distinct(t):
    _events_key(t, 2, 13)  # evt-0003 has par-0002;par-0007, evt-0014 par-0001;par-0002
    assert ent.duplicate_events(t) == []
    _events_key(t, 12, 13)
    set_cell(t, "events", 13, "evidence_end", int(t.frames["events"]["evidence_end"].iat[12]) + 1)
    assert ent.duplicate_events(t) == []


def test_without_the_participation_table_events_are_compared_on_their_own_columns(t):
    _events_key(t, 2, 13)
    del t.frames["event_participants"]
    assert where(ent.duplicate_events(t)) == [("duplicate-event", "events", line(t, "events", 13), "event_id")]


def test_a_party_listed_twice_is_reported_with_its_id(t):
    set_cell(t, "agreements", 1, "parties", "par-0007;par-0008;par-0007;par-0008")
    set_cell(t, "agreements", 2, "parties", "par-0007;;par-0008;")  # empty pieces are the pattern's business
    found = ent.agreement_parties(t)
    assert where(found) == [("duplicate-party", "agreements", line(t, "agreements", 1), "parties")]
    assert found[0].message == "par-0007 is listed twice among the parties"


def test_a_quote_relayed_by_its_own_speaker_is_reported(t):
    q = t.frames["quotes"]
    set_cell(t, "quotes", 3, "via_id", q["speaker_id"].iat[3])
    set_cell(t, "quotes", 4, "via_id", "par-0003")
    found = ent.quote_relays(t)
    assert where(found) == [("via-is-speaker", "quotes", line(t, "quotes", 3), "via_id")]
    assert found[0].value == q["speaker_id"].iat[3]


def test_a_discrepancy_whose_values_normalise_equal_is_reported(t):
    d = t.frames["discrepancies"]
    set_cell(t, "discrepancies", 3, "other_value", "yuri  USHAKOV.")
    found = ent.discrepancy_claims(t)
    assert where(found) == [("discrepancy-same-value", "discrepancies", line(t, "discrepancies", 3), "other_value")]
    assert found[0].value == "yuri  USHAKOV." and d["value"].iat[3] == "Yuri Ushakov"


def _same_span(t: Tables, i: int) -> None:
    d = t.frames["discrepancies"]
    set_cell(t, "discrepancies", i, "other_source_id", d["source_id"].iat[i])
    set_cell(t, "discrepancies", i, "other_evidence_start", d["evidence_start"].iat[i])
    set_cell(t, "discrepancies", i, "other_evidence_end", d["evidence_end"].iat[i])


def test_both_claims_on_one_span_are_reported_and_one_column_apart_is_not(t):
    i = 3  # a participants discrepancy: no mentions to agree with
    _same_span(t, i)
    found = ent.discrepancy_claims(t)
    assert where(found) == [("discrepancy-same-evidence", "discrepancies", line(t, "discrepancies", i), "other_evidence"),
                            ("discrepancy-source-order", "discrepancies", line(t, "discrepancies", i), "other_source_id")]
    order = [x for x in found if x.rule == "discrepancy-source-order"][0]
    assert order.message == "other_source_id src-0002 is source_id itself: a discrepancy is between two articles"
    d = t.frames["discrepancies"]
    for column, delta in (("other_evidence_start", -1), ("other_evidence_end", 1)):
        _same_span(t, i)
        set_cell(t, "discrepancies", i, column, int(d[column].iat[i]) + delta)
        assert [x.rule for x in ent.discrepancy_claims(t)] == ["discrepancy-source-order"]


def test_the_first_claim_is_the_lower_source_number_compared_as_numbers(t):
    set_cell(t, "discrepancies", 3, "source_id", "src-0004")
    set_cell(t, "discrepancies", 3, "other_source_id", "src-0002")
    set_cell(t, "discrepancies", 4, "source_id", "src-9999")  # 9999 < 10000, though "src-9999" > "src-10000"
    set_cell(t, "discrepancies", 4, "other_source_id", "src-10000")
    set_cell(t, "discrepancies", 5, "source_id", "src-10000")
    set_cell(t, "discrepancies", 5, "other_source_id", "src-9999")
    found = [x for x in ent.discrepancy_claims(t) if x.rule == "discrepancy-source-order"]
    assert [(x.line, x.value) for x in found] == [(line(t, "discrepancies", 3), "src-0002"),
                                                  (line(t, "discrepancies", 5), "src-9999")]
    assert found[0].message == "other_source_id src-0002 comes before source_id src-0004: the first claim is the lower src- ID's"


@pytest.mark.parametrize("col, src_col", [("mention_id", "source_id"), ("other_mention_id", "other_source_id")])
def test_a_discrepancy_mention_of_another_event_another_source_or_another_table_is_reported(t, col, src_col):
    d = t.frames["discrepancies"]
    assert (d["record_id"].iat[0], d["mention_id"].iat[0], d["other_mention_id"].iat[0]) == ("evt-0017", "men-0040", "men-0041")
    set_cell(t, "discrepancies", 0, col, "men-0001")  # a mention of evt-0001 in src-0001
    found = [x for x in ent.discrepancy_claims(t) if x.rule == "discrepancy-mention"]
    assert where(found) == [("discrepancy-mention", "discrepancies", line(t, "discrepancies", 0), col)]
    assert found[0].message == (f"men-0001 is a mention of evt-0001 in src-0001, but the discrepancy is about events evt-0017 "
                                f"in {d[src_col].iat[0]}")
    mine = d["mention_id" if col == "mention_id" else "other_mention_id"].iat[1]  # dis-0002: evt-0017 too
    set_cell(t, "discrepancies", 0, col, mine)  # a mention of the same event in another source
    m = t.frames["event_mentions"]
    k = mention_row(t, mine)
    assert m["event_id"].iat[k] == "evt-0017" and m["source_id"].iat[k] != d[src_col].iat[0]
    assert [x.column for x in ent.discrepancy_claims(t) if x.rule == "discrepancy-mention"] == [col]
    set_cell(t, "discrepancies", 0, col, {"mention_id": "men-0040", "other_mention_id": "men-0041"}[col])
    assert [x for x in ent.discrepancy_claims(t) if x.rule == "discrepancy-mention"] == []
    set_cell(t, "discrepancies", 0, "record_table", "participants")  # a mention is of an event
    found = [x.column for x in ent.discrepancy_claims(t) if x.rule == "discrepancy-mention"]
    assert found == ["mention_id", "other_mention_id"]


def test_an_unknown_or_empty_discrepancy_mention_is_left_to_the_foreign_key(t):
    set_cell(t, "discrepancies", 0, "mention_id", "men-9999")
    set_cell(t, "discrepancies", 3, "mention_id", "men-9999")  # (of a participants discrepancy, too)
    set_cell(t, "discrepancies", 0, "other_mention_id", None)
    assert ent.discrepancy_claims(t) == []
    del t.frames["event_mentions"]
    set_cell(t, "discrepancies", 0, "mention_id", "men-0001")
    assert ent.discrepancy_claims(t) == []


def test_an_event_about_its_child_or_grandchild_is_reported_and_about_its_parent_is_not(t):
    e = t.frames["events"]
    ids = list(e["event_id"])
    # evt-0013 is a child of evt-0012; make evt-0012 the child of evt-0047, so evt-0013 is its grandchild
    set_cell(t, "events", ids.index("evt-0012"), "parent_event_id", "evt-0047")
    set_cell(t, "events", ids.index("evt-0012"), "about_event_id", "evt-0013")
    set_cell(t, "events", ids.index("evt-0047"), "about_event_id", "evt-0013")
    set_cell(t, "events", ids.index("evt-0014"), "about_event_id", "evt-0012")  # its parent: fine
    found = ent.about_descendants(t)
    assert where(found) == sorted([("about-descendant", "events", line(t, "events", ids.index("evt-0012")), "about_event_id"),
                                   ("about-descendant", "events", line(t, "events", ids.index("evt-0047")), "about_event_id")])
    assert all(x.value == "evt-0013" for x in found)


@pytest.mark.parametrize("count_text, low, bad", [("over 20", 21, False), ("over 20", 22, True), ("1,200 documents", 1201, False),
                                                  ("1,200 documents", 1202, True), ("between 5 and 12", 13, False),
                                                  ("between 12 and 5", 14, True), ("several", 99, False),
                                                  ("over 20", None, False)])
def test_count_low_at_most_one_more_than_the_largest_number_in_count_text(t, count_text, low, bad):
    set_cell(t, "agreements", 1, "count_text", count_text)
    set_cell(t, "agreements", 1, "count_low", low)
    found = ent.count_plausible(t)
    assert where(found) == ([("count-low", "agreements", line(t, "agreements", 1), "count_low")] if bad else [])
    if bad:
        assert found[0].message == f"count_low {low} is more than count_text {count_text!r} allows"


@pytest.mark.parametrize("a, b", ent.CONFLICTING_ROLES)
def test_one_participant_in_both_roles_of_a_pair_is_reported_on_the_second_role(t, a, b):
    ep = t.frames["event_participants"]
    i, k = 5, 6
    assert ep["event_id"].iat[i] == ep["event_id"].iat[k] and ep["participant_id"].iat[i] != ep["participant_id"].iat[k]
    set_cell(t, "event_participants", i, "role", a)
    set_cell(t, "event_participants", k, "role", b)
    set_cell(t, "event_participants", k, "participant_id", ep["participant_id"].iat[i])
    found = [x for x in ent.role_conflicts(t) if x.line in (line(t, "event_participants", i), line(t, "event_participants", k))]
    assert where(found) == [("role-conflict", "event_participants", line(t, "event_participants", k), "role")]
    assert found[0].message == f"the participant is also {a!r} of this event: one cannot be both"
    assert len(ent.role_conflicts(t)) == 1
    set_cell(t, "event_participants", k, "role", a if b != "host" else "visitor")
    assert ent.role_conflicts(t) == []


def test_an_empty_role_beside_a_conflicting_one_is_pandera_s_finding_not_a_conflict(t):
    ep = t.frames["event_participants"]
    set_cell(t, "event_participants", 6, "participant_id", ep["participant_id"].iat[5])  # the visitor of evt-0003 ...
    set_cell(t, "event_participants", 6, "role", None)  # ... in a row without a role
    assert ent.role_conflicts(t) == []


def test_roles_of_a_pair_in_two_events_or_held_by_two_participants_do_not_conflict(t):
    ep = t.frames["event_participants"]
    assert (ep["role"].iat[5], ep["role"].iat[6]) == ("visitor", "host")  # two participants of evt-0003
    set_cell(t, "event_participants", 7, "role", "host")  # evt-0004's visitor par-0001 ...
    set_cell(t, "event_participants", 11, "participant_id", "par-0001")  # ... hosts evt-0006? no: evt-0006's host
    assert ep["event_id"].iat[11] != ep["event_id"].iat[7]
    found = ent.role_conflicts(t)
    assert where(found) == [("role-conflict", "event_participants", line(t, "event_participants", 11), "role")]


def test_event_status_must_be_the_latest_dated_articles(t):
    i = event_row(t, "evt-0034")  # planned in src-0003 (5 May), occurred in src-0005 (9 May)
    set_cell(t, "events", i, "status", "planned")
    found = ent.status_of_latest_source(t)
    assert where(found) == [("status-latest-source", "events", line(t, "events", i), "status")]
    assert found[0].message == ("status 'planned' is not what the latest article reporting the event "
                                "(published 2025-05-09) gives: occurred")


def test_undated_articles_do_not_count_as_latest_unless_all_are_undated(t):
    i = event_row(t, "evt-0039")  # planned in the undated src-0004, occurred in src-0005
    set_cell(t, "events", i, "status", "planned")
    assert [x.line for x in ent.status_of_latest_source(t)] == [line(t, "events", i)]
    m = t.frames["event_mentions"]
    k = event_row(t, "evt-0034")
    for j in range(len(m)):
        if m["event_id"].iat[j] == "evt-0034":
            set_cell(t, "event_mentions", j, "source_id", "src-0004")
    set_cell(t, "events", k, "status", "planned")  # any mention's status will do when all are undated
    assert [x.line for x in ent.status_of_latest_source(t)] == [line(t, "events", i)]
    set_cell(t, "events", k, "status", "ongoing")
    found = ent.status_of_latest_source(t)
    assert [x.line for x in found] == sorted([line(t, "events", i), line(t, "events", k)])
    assert [x for x in found if x.line == line(t, "events", k)][0].message == (
        "status 'ongoing' is not what the latest article reporting the event (all undated) gives: occurred, planned")


@pytest.mark.parametrize("table", ["events", "event_mentions", "sources"])
def test_the_latest_source_status_needs_all_three_tables(t, table):
    set_cell(t, "events", event_row(t, "evt-0034"), "status", "planned")
    del t.frames[table]
    assert ent.status_of_latest_source(t) == []


def test_an_event_without_mentions_has_no_latest_status_to_follow(t):
    m = t.frames["event_mentions"]
    t.frames["event_mentions"] = m[m["event_id"] != "evt-0034"].reset_index(drop=True)
    set_cell(t, "events", event_row(t, "evt-0034"), "status", "planned")
    assert ent.status_of_latest_source(t) == []
