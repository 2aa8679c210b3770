"""Exact findings of the ISO countries and languages, CAMEO and PLOVER codes and the crosswalk (issue 29).

Like ``test_rule_sides.py`` (whose fixtures, in ``conftest.py``, it shares): the committed package's
typed tables are read once, each test changes the few cells that break exactly one condition of one
rule (or sit exactly on its boundary, which must pass), runs that rule alone and asserts its exact
findings: rule, table, CSV line, column, and the value and message where they say which side failed.
In memory and one file per rule module, so ``scripts/mutation.py`` judges a mutant of
``validation/rules/codes.py`` with this file alone in seconds. The fault-injection suite
(``tests/write/faults/``) checks the same classes end to end through ``validate``.
"""

from __future__ import annotations

import importlib


from china_russia_diplomacy.validation.rules import Tables
from rule_tables import line, set_cell, where

# --- code lists: ISO countries and languages, CAMEO, PLOVER, the crosswalk ------------------------------------

codes = importlib.import_module("china_russia_diplomacy.validation.rules.codes")


def test_the_committed_package_passes_these_rules(t):
    assert codes.country_codes(t) == [] and codes.language_codes(t) == [] and codes.event_codes(t) == []


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


def test_each_code_column_is_checked_when_the_table_before_it_is_missing(t):
    set_cell(t, "events", 2, "location_country", "XYZ")
    set_cell(t, "quotes", 0, "original_language", "xx")
    del t.frames["participants"], t.frames["sources"]  # the first country and the first language table
    assert where(codes.country_codes(t)) == [("country-code", "events", line(t, "events", 2), "location_country")]
    assert where(codes.language_codes(t)) == [("language-code", "quotes", line(t, "quotes", 0), "original_language")]


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
