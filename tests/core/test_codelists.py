"""The code lists in ``schemas/codelists/`` agree with the schemas and with each other, and the fast
hidden-character table equals a scan of every code point."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest

from china_russia_diplomacy.core import codelists
from china_russia_diplomacy.core.metadata import read_metadata

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lists():
    loaded = codelists.load(REPO)
    assert loaded.complete, loaded.problems
    return loaded


def test_crosswalk_covers_exactly_the_event_types_of_the_schema(lists):
    assert list(lists.crosswalk) == read_metadata(REPO).table("events").field("event_type").enum


def test_crosswalk_names_only_listed_cameo_codes_and_plover_types(lists):
    for etype, (prefixes, types) in lists.crosswalk.items():
        assert set(prefixes) <= set(lists.cameo), (etype, set(prefixes) - set(lists.cameo))
        assert set(types) <= set(lists.plover), (etype, set(types) - set(lists.plover))


def test_plover_list_equals_the_plover_type_enum(lists):
    assert list(lists.plover) == read_metadata(REPO).table("events").field("plover_type").enum


def test_cameo_codes_keep_their_leading_zero_and_nest_under_listed_roots(lists):
    for code in lists.cameo:
        assert code.isdigit() and 2 <= len(code) <= 4, code
        assert code[:2] in lists.cameo, f"{code} has no listed root"
        assert 1 <= int(code[:2]) <= 20


def test_a_malformed_code_list_is_a_problem_not_an_exception(tmp_path):
    (tmp_path / codelists.DIRECTORY).mkdir(parents=True)
    (tmp_path / codelists.DIRECTORY / "cameo.csv").write_bytes(b"\xff\xfe")
    (tmp_path / codelists.DIRECTORY / "plover.csv").write_text("type,label\nX,y\n", encoding="utf-8")
    loaded = codelists.load(tmp_path)
    assert {rel for rel, _ in loaded.problems} == {f"{codelists.DIRECTORY}/{n}.csv" for n in ("cameo", "plover", "crosswalk")}


def test_hidden_character_table_equals_a_scan_of_every_code_point():
    """The table skips scanning the planes that hold only unassigned and private-use code points."""
    from china_russia_diplomacy.validation.rules.hygiene import (HIDDEN_CATEGORIES, HIDDEN_EXTRA, hidden_codepoints)

    full = {cp for cp in range(sys.maxunicode + 1)
            if unicodedata.category(chr(cp)) in HIDDEN_CATEGORIES or (unicodedata.category(chr(cp)) == "Zs" and cp != 0x20)}
    full |= {ord(c) for c in HIDDEN_EXTRA}
    fast = {cp for lo, hi in hidden_codepoints() for cp in range(lo, hi + 1)}
    assert fast == full
