"""Exact findings of the added_in, date/basis pairs, translation flags, aggregate counts and aliases (issue 29).

Like ``test_rule_sides.py`` (whose fixtures, in ``conftest.py``, it shares): the committed package's
typed tables are read once, each test changes the few cells that break exactly one condition of one
rule (or sit exactly on its boundary, which must pass), runs that rule alone and asserts its exact
findings: rule, table, CSV line, column, and the value and message where they say which side failed.
In memory and one file per rule module, so ``scripts/mutation.py`` judges a mutant of
``validation/rules/rows.py`` with this file alone in seconds. The fault-injection suite
(``tests/write/faults/``) checks the same classes end to end through ``validate``.
"""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

from rule_tables import line, row, set_cell, where

# --- rows: added_in, date/basis pairs, translation flags, aggregate counts, aliases -------------------------

rows_rules = importlib.import_module("china_russia_diplomacy.validation.rules.rows")


def test_the_committed_package_passes_these_rules(t):
    assert list(rows_rules.row_rules(t)) == []


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


def test_without_a_quotes_table_the_agreements_date_pair_is_still_checked(t):
    i = row(t, "agreements", lambda r: pd.notna(r["signed_date"]))
    set_cell(t, "agreements", i, "signed_date_basis", None)
    del t.frames["quotes"]
    assert where(rows_rules.row_rules(t)) == [("date-basis-pair", "agreements", line(t, "agreements", i), "signed_date_basis")]


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
