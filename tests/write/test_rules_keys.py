"""Exact findings of the foreign keys (one and two columns, parties, discrepancy records), parent cycles and retired IDs (issue 29).

Like ``test_rule_sides.py`` (whose fixtures, in ``conftest.py``, it shares): the committed package's
typed tables are read once, each test changes the few cells that break exactly one condition of one
rule (or sit exactly on its boundary, which must pass), runs that rule alone and asserts its exact
findings: rule, table, CSV line, column, and the value and message where they say which side failed.
In memory and one file per rule module, so ``scripts/mutation.py`` judges a mutant of
``validation/rules/keys.py`` with this file alone in seconds. The fault-injection suite
(``tests/write/faults/``) checks the same classes end to end through ``validate``.
"""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

from china_russia_diplomacy.validation.rules import Tables
from rule_tables import line, row, set_cell, where

# --- keys: foreign keys, parties, discrepancy records, parent cycles, retired IDs -------------------------

keys = importlib.import_module("china_russia_diplomacy.validation.rules.keys")


def test_the_committed_package_passes_these_rules(t):
    assert list(keys.foreign_keys(t)) == [] and list(keys.parent_cycles(t)) == [] and list(keys.retired_ids(t)) == []


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


def test_a_key_to_a_missing_table_does_not_stop_the_check_of_the_next_key(t):
    del t.frames["sources"]  # the first key of quotes is source_id
    set_cell(t, "quotes", 0, "event_id", "evt-9999")
    assert where(keys.foreign_keys(t)) == [("foreign-key", "quotes", line(t, "quotes", 0), "event_id")]


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


def test_a_record_table_with_a_key_of_several_columns_is_not_looked_up(t):
    """(a record_table outside the enum is pandera's finding: no key column to look record_id up in)"""
    ep = t.frames["event_participants"]
    set_cell(t, "discrepancies", 3, "record_table", "event_participants")
    set_cell(t, "discrepancies", 3, "record_id", ep["role"].iat[0])
    set_cell(t, "discrepancies", 4, "record_table", "event_participants")
    set_cell(t, "discrepancies", 4, "record_id", "evt-9999")
    assert list(keys._discrepancy_records(t)) == []


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
