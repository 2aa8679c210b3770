"""Exact findings of the rules over keys, rows, entities, confidence, code lists and cell hygiene (issue 29).

Like ``test_rule_sides.py`` (whose fixtures, in ``conftest.py``, it shares): the committed package's
typed tables are read once, each test changes the few cells that break exactly one condition of one
rule (or sit exactly on its boundary, which must pass), runs that rule alone and asserts its exact
findings: rule, table, CSV line, column, and the value and message where they say which side failed.
In memory, so it runs in seconds: ``scripts/mutation.py`` judges mutants of these rules' modules with
it. The fault-injection suite (``tests/write/faults/``) checks the same classes end to end through
``validate``.
"""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

from china_russia_diplomacy.validation.rules import Tables
from rule_tables import line, row, set_cell, where

# --- keys: foreign keys, parties, discrepancy records, parent cycles, retired IDs -------------------------

keys = importlib.import_module("china_russia_diplomacy.validation.rules.keys")


def test_an_unknown_foreign_key_is_reported_and_an_empty_one_is_not(t):
    set_cell(t, "events", 3, "source_id", "src-9999")
    set_cell(t, "events", 4, "source_id", None)  # an empty required cell is pandera's finding
    found = list(keys.foreign_keys(t))
    assert where(found) == [("foreign-key", "events", line(t, "events", 3), "source_id")]
    assert found[0].value == "src-9999" and found[0].message == "no row of sources has source_id = src-9999"


def test_a_key_referring_to_its_own_table_is_checked_against_that_table(t):
    set_cell(t, "events", 5, "parent_event_id", "evt-9999")
    found = list(keys.foreign_keys(t))
    assert where(found) == [("foreign-key", "events", line(t, "events", 5), "parent_event_id")]
    assert found[0].message == "no row of events has event_id = evt-9999"


def test_a_key_to_a_table_that_is_not_there_is_not_checked(t):
    set_cell(t, "quotes", 0, "speaker_id", "par-9999")
    del t.frames["participants"]  # (the rule needs both tables; a missing table is the package's finding)
    assert list(keys.foreign_keys(t)) == []


def _fk_meta(t: Tables, fk: dict, table: str = "pairs"):
    from types import SimpleNamespace

    spec = SimpleNamespace(name=table, foreign_keys=[fk], primary_key=["id"])
    return Tables(SimpleNamespace(tables=[spec], table=t.meta.table), t.frames, t.lines, t.package_dir)


def test_a_two_column_foreign_key_needs_both_values_in_one_row_of_the_target(t):
    e = t.frames["events"]
    t.frames["pairs"] = pd.DataFrame({
        "e": pd.array([e["event_id"].iat[0], e["event_id"].iat[0], None, e["event_id"].iat[1]], dtype="string"),
        "s": pd.array([e["source_id"].iat[0], "src-9999", "src-0001", None], dtype="string")})
    t.lines["pairs"] = [2, 3, 4, 5]
    fk = {"fields": ["e", "s"], "reference": {"resource": "events", "fields": ["event_id", "source_id"]}}
    found = list(keys.foreign_keys(_fk_meta(t, fk)))
    # (the parties and discrepancy checks of the real tables find nothing)
    assert where(found) == [("foreign-key", "pairs", 3, "e,s")]
    assert found[0].value == f"{e['event_id'].iat[0]},src-9999"
    assert found[0].message == f"no row of events has event_id,source_id = {e['event_id'].iat[0]},src-9999"


def test_a_reference_without_a_resource_is_to_the_own_table(t):
    t.frames["pairs"] = pd.DataFrame({"id": pd.array(["a", "b", "c"], dtype="string"),
                                      "up": pd.array(["b", None, "z"], dtype="string")})
    t.lines["pairs"] = [2, 3, 4]
    fk = {"fields": "up", "reference": {"resource": "", "fields": "id"}}
    assert where(keys.foreign_keys(_fk_meta(t, fk))) == [("foreign-key", "pairs", 4, "up")]


def test_an_unknown_party_is_reported_and_an_empty_piece_is_left_to_the_pattern(t):
    a = t.frames["agreements"]
    set_cell(t, "agreements", 1, "parties", a["parties"].iat[1] + ";;par-9999")
    found = list(keys.foreign_keys(t))
    assert where(found) == [("foreign-key", "agreements", line(t, "agreements", 1), "parties")]
    assert found[0].value == "par-9999" and found[0].message == "party par-9999 is not in participants"


def test_parties_are_not_checked_without_a_participants_table(t):
    set_cell(t, "agreements", 1, "parties", "par-9999")
    del t.frames["participants"]
    assert list(keys._parties(t)) == []


def test_a_discrepancy_about_an_unknown_record_is_reported_in_its_own_table(t):
    d = t.frames["discrepancies"]
    ev = row(t, "discrepancies", lambda r: r["record_table"] == "events")
    par = row(t, "discrepancies", lambda r: r["record_table"] == "participants")
    set_cell(t, "discrepancies", ev, "record_id", "evt-9999")
    set_cell(t, "discrepancies", par, "record_id", "par-9999")
    found = list(keys._discrepancy_records(t))
    assert where(found) == sorted([("foreign-key", "discrepancies", line(t, "discrepancies", ev), "record_id"),
                                   ("foreign-key", "discrepancies", line(t, "discrepancies", par), "record_id")])
    assert sorted(x.message for x in found) == ["no row of events has ID evt-9999", "no row of participants has ID par-9999"]
    assert d["record_id"].notna().all()


def test_a_discrepancy_without_a_record_id_or_about_a_table_not_there_is_not_checked(t):
    ev = row(t, "discrepancies", lambda r: r["record_table"] == "events")
    par = row(t, "discrepancies", lambda r: r["record_table"] == "participants")
    set_cell(t, "discrepancies", ev, "record_id", None)
    set_cell(t, "discrepancies", par, "record_id", "par-9999")
    del t.frames["participants"]
    assert list(keys._discrepancy_records(t)) == []
    del t.frames["discrepancies"]
    assert list(keys._discrepancy_records(t)) == []


def test_a_record_table_not_loaded_does_not_stop_the_check_of_the_next_one(t):
    d = t.frames["discrepancies"]
    assert list(d["record_table"].unique()) == ["events", "participants"]  # events first
    par = row(t, "discrepancies", lambda r: r["record_table"] == "participants")
    set_cell(t, "discrepancies", par, "record_id", "par-9999")
    del t.frames["events"]
    assert where(keys._discrepancy_records(t)) == [("foreign-key", "discrepancies", line(t, "discrepancies", par), "record_id")]


def _eid(t: Tables, i: int) -> str:
    return t.frames["events"]["event_id"].iat[i]


def test_an_event_about_itself_is_a_self_reference(t):
    set_cell(t, "events", 7, "about_event_id", _eid(t, 7))
    found = list(keys.parent_cycles(t))
    assert where(found) == [("self-reference", "events", line(t, "events", 7), "about_event_id")]
    assert found[0].value == _eid(t, 7)


def test_an_event_that_is_its_own_parent_is_a_cycle_of_one(t):
    n = len(t.frames["events"])
    set_cell(t, "events", n - 1, "parent_event_id", _eid(t, n - 1))
    found = list(keys.parent_cycles(t))
    assert where(found) == [("parent-cycle", "events", line(t, "events", n - 1), "parent_event_id")]
    assert found[0].message == f"parent events form a cycle: {_eid(t, n - 1)} -> {_eid(t, n - 1)}"


def test_a_cycle_reached_through_a_tail_is_reported_once_on_its_lowest_id(t):
    """The walk starts at a row before the cycle (the tail), then meets the cycle: only the cycle is reported,
    on the line of its lowest ID, and walks started later from its members or from another tail do not
    report it again. The rows sit at the end of the table, after walks that finish at real parents."""
    n = len(t.frames["events"])
    tail, low, high, tail2 = n - 4, n - 3, n - 2, n - 1
    set_cell(t, "events", tail, "parent_event_id", _eid(t, high))
    set_cell(t, "events", high, "parent_event_id", _eid(t, low))
    set_cell(t, "events", low, "parent_event_id", _eid(t, high))
    set_cell(t, "events", tail2, "parent_event_id", _eid(t, low))
    found = list(keys.parent_cycles(t))
    assert where(found) == [("parent-cycle", "events", line(t, "events", low), "parent_event_id")]
    assert found[0].value == _eid(t, high)
    assert found[0].message == f"parent events form a cycle: {_eid(t, high)} -> {_eid(t, low)} -> {_eid(t, high)}"


def test_two_cycles_are_each_reported(t):
    n = len(t.frames["events"])
    for a, b in ((n - 4, n - 3), (n - 2, n - 1)):
        set_cell(t, "events", a, "parent_event_id", _eid(t, b))
        set_cell(t, "events", b, "parent_event_id", _eid(t, a))
    assert where(keys.parent_cycles(t)) == [("parent-cycle", "events", line(t, "events", n - 4), "parent_event_id"),
                                            ("parent-cycle", "events", line(t, "events", n - 2), "parent_event_id")]


def test_a_parent_chain_to_an_unknown_or_empty_parent_is_no_cycle(t):
    set_cell(t, "events", 0, "parent_event_id", "evt-9999")
    set_cell(t, "events", 1, "event_id", None)
    assert list(keys.parent_cycles(t)) == []


def test_a_row_without_an_event_id_does_not_stop_the_search_for_cycles(t):
    n = len(t.frames["events"])
    set_cell(t, "events", 1, "event_id", None)  # pandera's finding
    set_cell(t, "events", n - 1, "parent_event_id", _eid(t, n - 1))
    set_cell(t, "events", n - 2, "about_event_id", _eid(t, n - 2))
    assert where(keys.parent_cycles(t)) == [("parent-cycle", "events", line(t, "events", n - 1), "parent_event_id"),
                                            ("self-reference", "events", line(t, "events", n - 2), "about_event_id")]


def test_a_retired_id_used_again_is_reported(t):
    set_cell(t, "quotes", 2, "quote_id", "quo-0015")
    found = list(keys.retired_ids(t))
    assert where(found) == [("retired-id", "quotes", line(t, "quotes", 2), "quote_id")]
    assert found[0].value == "quo-0015" and "retired ID is never reused" in found[0].message


def _retired_list(tmp_path, t: Tables, text: str) -> Tables:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "retired_ids.json").write_text(text, encoding="utf-8")
    return Tables(t.meta, t.frames, t.lines, tmp_path)


def test_retired_ids_are_read_as_strings_or_objects_and_other_entries_are_skipped(t, tmp_path):
    e, p = t.frames["events"], t.frames["participants"]
    tt = _retired_list(tmp_path, t, '{"retired": ["%s", {"id": "%s"}, 5, {"reason": "no id"}]}'
                       % (e["event_id"].iat[2], p["participant_id"].iat[4]))
    assert where(keys.retired_ids(tt)) == sorted([("retired-id", "events", line(t, "events", 2), "event_id"),
                                                  ("retired-id", "participants", line(t, "participants", 4), "participant_id")])


@pytest.mark.parametrize("content", ['{"retired": [', '["evt-0001"]'])
def test_a_retired_list_that_does_not_read_is_reported_for_the_package(t, tmp_path, content):
    found = list(keys.retired_ids(_retired_list(tmp_path, t, content)))
    assert [(x.table, x.line, x.column, x.value, x.rule) for x in found] == [("package", None, None, None, "retired-ids")]
    assert found[0].message.startswith("schemas/retired_ids.json is not a valid list: ")


def test_no_retired_list_or_an_empty_one_refuses_nothing(t, tmp_path):
    assert list(keys.retired_ids(Tables(t.meta, t.frames, t.lines, tmp_path))) == []
    assert list(keys.retired_ids(_retired_list(tmp_path, t, '{"retired": [{"id": null}]}'))) == []


# --- rows: added_in, date/basis pairs, translation flags, aggregate counts, aliases -------------------------

rows_rules = importlib.import_module("china_russia_diplomacy.validation.rules.rows")


def test_added_in_newer_than_the_package_is_reported_by_number_not_by_text(t):
    assert t.meta.version == "1.3.0"
    set_cell(t, "events", 1, "added_in", "1.3.1")
    set_cell(t, "events", 2, "added_in", "1.3.0")  # equal: fine
    set_cell(t, "events", 3, "added_in", "1.10.0")  # newer as numbers, older as text
    set_cell(t, "quotes", 0, "added_in", "2.0.0-rc.1")
    set_cell(t, "quotes", 1, "added_in", "1.2.9")
    set_cell(t, "quotes", 2, "added_in", "1.x")  # not a version: the pattern's finding
    set_cell(t, "quotes", 3, "added_in", "1.3.0.1")  # the pattern's finding too; the release number is 1.3.0
    found = list(rows_rules.row_rules(t))
    assert where(found) == sorted([("added-in", "events", line(t, "events", 1), "added_in"),
                                   ("added-in", "events", line(t, "events", 3), "added_in"),
                                   ("added-in", "quotes", line(t, "quotes", 0), "added_in")])
    assert "added_in 1.3.1 is newer than the package version 1.3.0" in [x.message for x in found]


@pytest.mark.parametrize("table, date_col", [("quotes", "spoken_date"), ("agreements", "signed_date")])
def test_a_date_without_its_basis_and_a_basis_without_its_date_are_each_reported(t, table, date_col):
    basis = f"{date_col}_basis"
    d = t.frames[table]
    i = row(t, table, lambda r: pd.notna(r[date_col]))
    k = [j for j in range(len(d)) if pd.notna(d[date_col].iat[j]) and j != i][0]
    set_cell(t, table, i, basis, None)
    set_cell(t, table, k, date_col, pd.NaT)
    found = list(rows_rules.row_rules(t))
    assert where(found) == sorted([("date-basis-pair", table, line(t, table, i), basis),
                                   ("date-basis-pair", table, line(t, table, k), basis)])
    assert {x.line: x.value for x in found} == {line(t, table, i): None, line(t, table, k): d[basis].iat[k]}
    assert found[0].message == f"{date_col} and {basis} must be both given or both empty"


def test_a_language_without_translation_and_a_translation_without_language_are_each_reported(t):
    q = t.frames["quotes"]
    translated = [i for i, v in enumerate((q["is_translation"] == True).fillna(False)) if v]  # noqa: E712
    set_cell(t, "quotes", translated[0], "is_translation", False)
    set_cell(t, "quotes", translated[1], "original_language", None)
    set_cell(t, "quotes", translated[2], "is_translation", pd.NA)  # empty: not true, so the language is refused
    found = sorted(rows_rules.row_rules(t), key=lambda x: x.line)
    assert where(found) == sorted(("translation-language", "quotes", line(t, "quotes", i), "original_language")
                                  for i in translated[:3])
    assert [x.message for x in found] == ["original_language is given but is_translation is not true",
                                          "is_translation is true but original_language is empty",
                                          "original_language is given but is_translation is not true"]
    assert [x.value for x in found] == [q["original_language"].iat[translated[0]], None,
                                        q["original_language"].iat[translated[2]]]


def test_aggregate_counts_each_side_alone(t):
    a = t.frames["agreements"]
    agg = row(t, "agreements", lambda r: r["is_aggregate"] is True and r["count_low"] is not None and pd.notna(r["count_low"]))
    single = row(t, "agreements", lambda r: r["is_aggregate"] is False)
    set_cell(t, "agreements", agg, "count_text", None)
    assert where(rows_rules.row_rules(t)) == [("aggregate-count", "agreements", line(t, "agreements", agg), "count_text")]
    set_cell(t, "agreements", agg, "count_text", "over 20")
    set_cell(t, "agreements", single, "count_low", 3)
    found = list(rows_rules.row_rules(t))
    assert where(found) == [("aggregate-count", "agreements", line(t, "agreements", single), "count_text")]
    assert found[0].value is None and found[0].message == "count_text/count_low are only for aggregate rows"
    set_cell(t, "agreements", single, "count_low", None)
    set_cell(t, "agreements", single, "count_text", "three")
    assert [x.value for x in rows_rules.row_rules(t)] == ["three"]
    set_cell(t, "agreements", single, "is_aggregate", pd.NA)  # empty: pandera's finding, not this rule's
    assert list(rows_rules.row_rules(t)) == [] and a["is_aggregate"].isna().sum() == 1
    set_cell(t, "agreements", single, "count_text", None)  # nor is it an aggregate without its count
    assert list(rows_rules.row_rules(t)) == []


def test_an_aggregate_without_count_text_is_named_with_its_message(t):
    agg = row(t, "agreements", lambda r: r["is_aggregate"] is True)
    set_cell(t, "agreements", agg, "count_text", "")
    found = list(rows_rules.row_rules(t))
    assert [(x.line, x.value, x.message) for x in found] == [
        (line(t, "agreements", agg), None, "an aggregate agreement needs its count_text")]


@pytest.mark.parametrize("aliases, bad", [("Putin; President Putin", True), ("Putin;;President Putin", True),
                                          ("Putin;", True), ("Putin;Putin", True), ("Putin;Vladimir Putin", True),
                                          ("Putin;President Putin", False), ("Vladimir", False)])
def test_aliases_distinct_non_empty_unpadded_and_not_the_name(t, aliases, bad):
    set_cell(t, "participants", 0, "aliases", aliases)
    assert t.frames["participants"]["name"].iat[0] == "Vladimir Putin"
    expected = [("aliases", "participants", line(t, "participants", 0), "aliases")] if bad else []
    found = list(rows_rules.row_rules(t))
    assert where(found) == expected and all(x.value == aliases for x in found)


# --- entities: the same thing twice, incoherent claims -------------------------------------------------------

ent = importlib.import_module("china_russia_diplomacy.validation.rules.entities")


def test_the_committed_package_passes_the_entity_confidence_code_and_hygiene_rules(t):
    from china_russia_diplomacy.validation.rules import (cell_hygiene, confidence, country_codes, event_codes,
                                                          language_codes)

    assert ent.entities(t) == [] and confidence(t) == [] and cell_hygiene(t) == []
    assert country_codes(t) == [] and language_codes(t) == [] and event_codes(t) == []
    assert list(keys.foreign_keys(t)) == [] and list(keys.parent_cycles(t)) == [] and list(keys.retired_ids(t)) == []
    assert list(rows_rules.row_rules(t)) == []


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


def _mention_row(t: Tables, mid: str) -> int:
    return int((t.frames["event_mentions"]["mention_id"] == mid).values.argmax())


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
    k = _mention_row(t, mine)
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


def test_roles_of_a_pair_in_two_events_or_held_by_two_participants_do_not_conflict(t):
    ep = t.frames["event_participants"]
    assert (ep["role"].iat[5], ep["role"].iat[6]) == ("visitor", "host")  # two participants of evt-0003
    set_cell(t, "event_participants", 7, "role", "host")  # evt-0004's visitor par-0001 ...
    set_cell(t, "event_participants", 11, "participant_id", "par-0001")  # ... hosts evt-0006? no: evt-0006's host
    assert ep["event_id"].iat[11] != ep["event_id"].iat[7]
    found = ent.role_conflicts(t)
    assert where(found) == [("role-conflict", "event_participants", line(t, "event_participants", 11), "role")]


def _event_row(t: Tables, eid: str) -> int:
    return list(t.frames["events"]["event_id"]).index(eid)


def test_event_status_must_be_the_latest_dated_articles(t):
    i = _event_row(t, "evt-0034")  # planned in src-0003 (5 May), occurred in src-0005 (9 May)
    set_cell(t, "events", i, "status", "planned")
    found = ent.status_of_latest_source(t)
    assert where(found) == [("status-latest-source", "events", line(t, "events", i), "status")]
    assert found[0].message == ("status 'planned' is not what the latest article reporting the event "
                                "(published 2025-05-09) gives: occurred")


def test_undated_articles_do_not_count_as_latest_unless_all_are_undated(t):
    i = _event_row(t, "evt-0039")  # planned in the undated src-0004, occurred in src-0005
    set_cell(t, "events", i, "status", "planned")
    assert [x.line for x in ent.status_of_latest_source(t)] == [line(t, "events", i)]
    m = t.frames["event_mentions"]
    k = _event_row(t, "evt-0034")
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


def test_an_event_without_mentions_has_no_latest_status_to_follow(t):
    m = t.frames["event_mentions"]
    t.frames["event_mentions"] = m[m["event_id"] != "evt-0034"].reset_index(drop=True)
    set_cell(t, "events", _event_row(t, "evt-0034"), "status", "planned")
    assert ent.status_of_latest_source(t) == []


# --- confidence: what a date basis, a language, a tie and a primary mention allow --------------------------

conf = importlib.import_module("china_russia_diplomacy.validation.rules.confidence")


@pytest.mark.parametrize("table, basis_col", conf.DATED)
def test_a_resolved_date_rated_high_is_reported_in_each_dated_table(t, table, basis_col):
    i = row(t, table, lambda r: r[basis_col] == "inferred")
    set_cell(t, table, i, "confidence", "high")
    found = conf.date_confidence(t)
    assert where(found) == [("date-confidence", table, line(t, table, i), "confidence")]
    assert found[0].message.startswith(f"confidence is 'high' but {basis_col} is 'inferred': ")


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
    assert e["confidence"].iat[_event_row(t, "evt-0020")] == "low"
    set_cell(t, "event_participants", i, "tie", "other_article")
    found = [(x.table, x.line, x.column, x.rule) for x in conf.tie_confidence(t)]
    assert found == [("event_participants", line(t, "event_participants", i), "confidence", "tie-confidence")]


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
    i = _mention_row(t, "men-0123")  # evt-0043: undated, no location; actor+action
    assert (m["event_id"].iat[i], m["span_states"].iat[i], m["tie"].iat[i]) == ("evt-0043", "actor+action", "explicit")
    assert _explicit(t) == []
    set_cell(t, "event_mentions", i, "span_states", "actor")
    assert _explicit(t) == [("tie-explicit", "event_mentions", line(t, "event_mentions", i), "tie")]
    set_cell(t, "event_mentions", i, "span_states", "actor+action")
    set_cell(t, "events", _event_row(t, "evt-0043"), "location_country", "CHN")  # now it has a place to state
    assert _explicit(t) == [("tie-explicit", "event_mentions", line(t, "event_mentions", i), "tie")]


@pytest.mark.parametrize("column, value", [("location_name", "Beijing"), ("date_basis", "explicit")])
def test_an_event_with_a_place_name_or_a_date_is_not_placeless_and_timeless(t, column, value):
    i = _mention_row(t, "men-0123")
    set_cell(t, "events", _event_row(t, "evt-0043"), column, value)
    assert _explicit(t) == [("tie-explicit", "event_mentions", line(t, "event_mentions", i), "tie")]


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
    set_cell(t, "event_mentions", _mention_row(t, "men-0004"), "tie", "refers_back")
    set_cell(t, "event_mentions", _mention_row(t, "men-0004"), "confidence", "medium")
    assert _explicit(t) == [("tie-explicit", "event_participants", line(t, "event_participants", 0), "tie")]
    set_cell(t, "event_mentions", _mention_row(t, "men-0004"), "tie", "explicit")
    set_cell(t, "event_participants", 0, "source_id", "src-0001")  # evt-0001 in src-0001: [633, 721) only
    assert _explicit(t) == [("tie-explicit", "event_participants", line(t, "event_participants", 0), "tie")]


# --- code lists: ISO countries and languages, CAMEO, PLOVER, the crosswalk ------------------------------------

codes = importlib.import_module("china_russia_diplomacy.validation.rules.codes")


def test_a_former_state_may_be_a_participant_but_not_a_place(t):
    assert t.frames["participants"]["country"].iat[11] == "SUHH"
    set_cell(t, "events", 2, "location_country", "SUHH")
    found = codes.country_codes(t)
    assert where(found) == [("country-code", "events", line(t, "events", 2), "location_country")]
    assert found[0].message == ("SUHH is the ISO 3166-3 code of a former state; a location is coded by the country it "
                                "lies in today (ISO 3166-1 alpha-3)")


def test_an_unknown_country_is_named_with_the_lists_its_column_allows(t):
    set_cell(t, "participants", 0, "country", "XYZ")
    set_cell(t, "events", 2, "location_country", "XYZ")
    found = sorted(codes.country_codes(t), key=lambda x: x.table)
    assert where(found) == sorted([("country-code", "participants", line(t, "participants", 0), "country"),
                                   ("country-code", "events", line(t, "events", 2), "location_country")])
    assert [x.message for x in found] == [
        "'XYZ' is no ISO 3166-1 alpha-3 code (pycountry's ISO 3166 tables)",
        "'XYZ' is no ISO 3166-1 alpha-3 code nor an ISO 3166-3 code of a former state (pycountry's ISO 3166 tables)"]


def test_iso_lists_hold_current_and_former_codes_apart():
    current, former = codes.iso_countries()
    assert {"RUS", "CHN", "UKR"} <= current and {"SUHH", "SUN", "YUCS"} <= former and not current & former
    assert {"en", "ru", "zh"} <= codes.iso_languages() and "eng" not in codes.iso_languages()


def test_an_unknown_language_is_reported_in_each_language_column(t):
    set_cell(t, "sources", 0, "language", "eng")
    set_cell(t, "quotes", 0, "original_language", "xx")
    found = codes.language_codes(t)
    assert where(found) == sorted([("language-code", "sources", line(t, "sources", 0), "language"),
                                   ("language-code", "quotes", line(t, "quotes", 0), "original_language")])
    assert sorted(x.message for x in found) == ["'eng' is no ISO 639-1 language code (pycountry's ISO 639 table)",
                                                "'xx' is no ISO 639-1 language code (pycountry's ISO 639 table)"]


def test_a_cameo_code_that_lost_its_leading_zero_is_told_so_and_another_unknown_code_is_not(t):
    assert t.frames["events"]["cameo_code"].iat[2] == "042"
    set_cell(t, "events", 2, "cameo_code", "42")
    set_cell(t, "events", 3, "cameo_code", "99")
    found = sorted(codes.event_codes(t), key=lambda x: x.line)
    assert where(found) == [("cameo-code", "events", line(t, "events", 2), "cameo_code"),
                            ("cameo-code", "events", line(t, "events", 3), "cameo_code")]
    assert [x.message for x in found] == [
        "'42' is not a code of the CAMEO list (schemas/codelists/cameo.csv); the leading zero was lost (a spreadsheet "
        "read the code as a number): write '042'",
        "'99' is not a code of the CAMEO list (schemas/codelists/cameo.csv)"]


def test_an_unknown_plover_type_is_reported(t):
    set_cell(t, "events", 2, "plover_type", "CONSULTING")
    found = codes.event_codes(t)
    assert where(found) == [("plover-type", "events", line(t, "events", 2), "plover_type")]
    assert found[0].message == "'CONSULTING' is not a PLOVER event type (schemas/codelists/plover.csv)"


def test_codes_that_exist_but_do_not_fit_the_event_type_break_the_crosswalk(t):
    set_cell(t, "events", 2, "cameo_code", "040")  # a visit: 042 or 043
    set_cell(t, "events", 3, "plover_type", "ASSAULT")  # a visit: CONSULT
    set_cell(t, "events", 0, "cameo_code", "042")  # an anniversary: none
    set_cell(t, "events", 0, "plover_type", "CONSULT")
    found = sorted(codes.event_codes(t), key=lambda x: (x.line, x.column))
    assert where(found) == sorted([("crosswalk", "events", line(t, "events", 2), "cameo_code"),
                                   ("crosswalk", "events", line(t, "events", 3), "plover_type"),
                                   ("crosswalk", "events", line(t, "events", 0), "cameo_code"),
                                   ("crosswalk", "events", line(t, "events", 0), "plover_type")])
    assert [x.message.split(" allows ")[1] for x in found] == ["none (leave it empty)", "none (leave it empty)",
                                                             "042, 043 (or a sub-code), or empty", "CONSULT, or empty"]
    assert found[2].message.startswith("CAMEO 040 does not fit event_type 'visit': the crosswalk "
                                       "(schemas/codelists/crosswalk.csv) allows")
    assert found[3].message.startswith("PLOVER ASSAULT does not fit event_type 'visit'")


def _codelist_dir(t: Tables, tmp_path, crosswalk: str | None = None, drop: str | None = None) -> Tables:
    import shutil

    target = tmp_path / "schemas" / "codelists"
    shutil.copytree(t.package_dir / "schemas" / "codelists", target)
    if crosswalk is not None:
        (target / "crosswalk.csv").write_text("event_type,cameo_prefixes,plover_types\n" + crosswalk, encoding="utf-8")
    if drop:
        (target / drop).unlink()
    return Tables(t.meta, t.frames, t.lines, tmp_path)


def test_a_cameo_sub_code_fits_a_prefix_of_two_three_or_four_digits(t, tmp_path):
    tt = _codelist_dir(t, tmp_path, "p2,03,AGREE\np3,035,AGREE\np4,0356,AGREE\n")
    for i, etype in ((2, "p2"), (3, "p3"), (5, "p4")):
        set_cell(tt, "events", i, "event_type", etype)
        set_cell(tt, "events", i, "cameo_code", "0356")
        set_cell(tt, "events", i, "plover_type", "AGREE")
    assert codes.event_codes(tt) == []  # (every other event type is not in this crosswalk: not checked)
    set_cell(tt, "events", 5, "cameo_code", "035")  # shorter than the four-digit prefix
    assert where(codes.event_codes(tt)) == [("crosswalk", "events", line(t, "events", 5), "cameo_code")]


def test_without_the_cameo_list_its_codes_are_not_checked_but_the_crosswalk_is(t, tmp_path):
    tt = _codelist_dir(t, tmp_path, drop="cameo.csv")
    set_cell(tt, "events", 2, "cameo_code", "999")
    set_cell(tt, "events", 3, "cameo_code", "040")
    found = codes.event_codes(tt)
    assert [(x.table, x.line, x.column, x.value, x.rule) for x in found] == [
        ("package", None, None, "schemas/codelists/cameo.csv", "codelist"),
        ("crosswalk", "events", line(t, "events", 2), "cameo_code", "crosswalk")][:1] + [
        ("events", line(t, "events", i), "cameo_code", v, "crosswalk") for i, v in ((2, "999"), (3, "040"))]
    assert found[0].message.startswith("schemas/codelists/cameo.csv is ") and found[0].message.endswith(
        "; the code lists ship with the package")


def test_without_the_plover_list_or_the_crosswalk_only_what_is_there_is_checked(t, tmp_path):
    tt = _codelist_dir(t, tmp_path, drop="plover.csv")
    set_cell(tt, "events", 2, "plover_type", "NOPE")
    set_cell(tt, "events", 3, "cameo_code", "42")
    assert [(x.rule, x.line) for x in codes.event_codes(tt)] == [
        ("codelist", None), ("cameo-code", line(t, "events", 3)), ("crosswalk", line(t, "events", 2))]


def test_without_a_crosswalk_the_lists_alone_are_checked(t, tmp_path):
    tt = _codelist_dir(t, tmp_path, drop="crosswalk.csv")
    set_cell(tt, "events", 2, "cameo_code", "040")
    set_cell(tt, "events", 3, "plover_type", "NOPE")
    assert [(x.rule, x.line) for x in codes.event_codes(tt)] == [("codelist", None), ("plover-type", line(t, "events", 3))]


def test_a_package_without_code_lists_or_events_is_not_checked_against_them(t, tmp_path):
    set_cell(t, "events", 2, "cameo_code", "42")
    assert codes.event_codes(Tables(t.meta, t.frames, t.lines, tmp_path)) == []
    del t.frames["events"]
    assert codes.event_codes(t) == []


# --- hygiene: whitespace, NFC, formulas, control and hidden characters ---------------------------------------

hyg = importlib.import_module("china_russia_diplomacy.validation.rules.hygiene")


def _hygiene(t: Tables, table: str, column: str, value: str, i: int = 0) -> list[tuple]:
    set_cell(t, table, i, column, value)
    return [(x.rule, x.table, x.line, x.column) for x in hyg.cell_hygiene(t)]


@pytest.mark.parametrize("value, rules", [
    (" Putin", ["whitespace"]), ("Putin ", ["whitespace"]), ("Pu tin", []), ("Pute\u0301", ["unicode-nfc"]),
    ("Put\u00e9", []), ("=1+1", ["csv-injection"]), ("+7", ["csv-injection"]), ("-7", ["csv-injection"]),
    ("@x", ["csv-injection"]), ("\tx", ["control-character", "csv-injection", "whitespace"]),
    ("\rx", ["control-character", "csv-injection", "whitespace"]), ("a\x01b", ["control-character"]),
    ("a\x7fb", ["control-character"]), ("a\x9fb", ["control-character"]), ("a\nb", []), ("1=1", []),
    ("a\u200bb", ["hidden-character"]), ("a\u00a0b", ["hidden-character"]), ("a\u2028b", ["hidden-character"]),
    ("a\u0085b", ["control-character", "hidden-character"]), ("a\ue000b", ["hidden-character"]),
    ("a\ud7ffb", ["hidden-character"]), ("a\U0001f600b", []),
])
def test_each_hygiene_rule_alone_on_a_name(t, value, rules):
    found = _hygiene(t, "participants", "name", value)
    assert found == [(r, "participants", line(t, "participants", 0), "name") for r in sorted(rules, key=lambda r: (
        ["whitespace", "unicode-nfc", "csv-injection", "control-character", "hidden-character"].index(r)))]


def test_the_hidden_character_is_named_in_the_message(t):
    set_cell(t, "participants", 0, "name", "Vladimir\u00a0Putin")
    found = hyg.cell_hygiene(t)
    assert [x.message for x in found] == ["text contains U+00A0 NO-BREAK SPACE, a character that breaks a line or "
                                          "cannot be seen; use a plain space or remove it"]


@pytest.mark.parametrize("table, column, exempt", [("events", "evidence", True), ("discrepancies", "other_evidence", True),
                                                   ("quotes", "text", True), ("events", "title", False),
                                                   ("quotes", "notes", False)])
def test_verbatim_columns_are_exempt_from_the_hidden_rule_only(t, table, column, exempt):
    hidden = [("hidden-character", table, line(t, table, 0), column)]
    assert _hygiene(t, table, column, "a\u200bb") == ([] if exempt else hidden)
    assert _hygiene(t, table, column, "a\x01b") == [("control-character", table, line(t, table, 0), column)]


def test_a_column_missing_from_a_frame_does_not_stop_the_check_of_the_next(t):
    del t.frames["participants"]["title"]
    assert _hygiene(t, "participants", "notes", "x ") == [("whitespace", "participants", line(t, "participants", 0), "notes")]


def test_non_text_columns_and_empty_columns_are_not_checked(t):
    t.frames["participants"]["notes"] = pd.array([None] * len(t.frames["participants"]), dtype="string")
    assert hyg.cell_hygiene(t) == []
    assert _hygiene(t, "participants", "notes", " x") == [("whitespace", "participants", line(t, "participants", 0), "notes")]


@pytest.mark.parametrize("cp, hidden", [(0x3FFFF, True), (0x40000, True), (0xDFFFF, True), (0xE0000, True), (0xE0001, True),
                                        (0xE0100, False), (0xE0FFF, True), (0xE1000, True), (0x10FFFF, True),
                                        (0x20, False), (0x3000, True), (0xFEFF, True), (0xD7FB, False), (0xF900, False)])
def test_hidden_code_points_at_the_edges_of_the_scanned_planes(cp, hidden):
    import pyarrow as pa
    import pyarrow.compute as pc

    ch = chr(cp)
    assert bool(hyg.hidden_pattern().search(f"a{ch}b")) is hidden
    assert pc.match_substring_regex(pa.array([f"a{ch}b"]), hyg.hidden_re2())[0].as_py() is hidden


def test_hidden_code_points_are_kept_as_maximal_runs():
    assert hyg._ranges([1, 2, 3, 5, 7, 8]) == [(1, 3), (5, 5), (7, 8)]
    assert hyg._ranges([]) == []
    runs = hyg.hidden_codepoints()
    scanned = runs[:-len(hyg.WHOLLY_HIDDEN)]  # (the whole planes are appended as they are)
    assert all(a <= b for a, b in runs) and all(b + 1 < c for (_, b), (c, _) in zip(scanned, scanned[1:]))
    assert (0x40000, 0xDFFFF) in runs and runs[-1][1] == 0x10FFFF
    re2 = hyg.hidden_re2()
    assert "\\x{D7FF}" in re2 and "\\x{E000}" in re2 and "D800" not in re2 and "DFFF-" not in re2
