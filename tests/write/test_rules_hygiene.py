"""Exact findings of the cell hygiene: whitespace, NFC, formulas, control and hidden characters (issue 29).

Like ``test_rule_sides.py`` (whose fixtures, in ``conftest.py``, it shares): the committed package's
typed tables are read once, each test changes the few cells that break exactly one condition of one
rule (or sit exactly on its boundary, which must pass), runs that rule alone and asserts its exact
findings: rule, table, CSV line, column, and the value and message where they say which side failed.
In memory and one file per rule module, so ``scripts/mutation.py`` judges a mutant of
``validation/rules/hygiene.py`` with this file alone in seconds. The fault-injection suite
(``tests/write/faults/``) checks the same classes end to end through ``validate``.
"""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

from china_russia_diplomacy.validation.rules import Tables
from rule_tables import line, set_cell

# --- hygiene: whitespace, NFC, formulas, control and hidden characters ---------------------------------------

hyg = importlib.import_module("china_russia_diplomacy.validation.rules.hygiene")


def test_the_committed_package_passes_these_rules(t):
    assert hyg.cell_hygiene(t) == []


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


def test_a_table_missing_from_the_frames_does_not_stop_the_check_of_the_tables_after_it(t):
    """(sources comes first in the metadata; without it, participants is still checked)"""
    del t.frames["sources"]
    assert _hygiene(t, "participants", "notes", "x ") == [("whitespace", "participants", line(t, "participants", 0), "notes")]


def test_arrow_backed_text_reaches_the_kernels_without_a_copy_and_a_category_column_is_converted():
    """_arrow hands the kernels the Arrow strings behind a column as they are (converting through a Python
    object per cell cost ~100 MB and most of this rule's time on a million-row evidence column), and
    turns anything else, such as a category column's dictionary, into plain strings."""
    import pyarrow as pa

    s = pd.Series(["abc", None, "d\u00e9"], dtype="string[pyarrow]")
    arr = hyg._arrow(s)
    behind = s.array.__arrow_array__()
    behind = behind.chunk(0) if isinstance(behind, pa.ChunkedArray) else behind
    assert arr.type == behind.type and arr.to_pylist() == ["abc", None, "d\u00e9"]
    assert arr.buffers()[2].address == behind.buffers()[2].address  # the same bytes, not a copy
    cat = hyg._arrow(pd.Series(["b", "a", "b"], dtype="category"))
    assert cat.type == pa.string() and cat.to_pylist() == ["b", "a", "b"]


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


def test_the_scanned_planes_and_the_whole_ranges_tile_the_code_space_once():
    """SCANNED (half-open) and WHOLLY_HIDDEN (inclusive) are meant to split U+0000..U+10FFFF: a scan that
    reaches one code point into a whole range gives overlapping runs, one that stops short of it leaves a
    code point nobody judged."""
    import sys

    pieces = sorted([*hyg.SCANNED, *((a, b + 1) for a, b in hyg.WHOLLY_HIDDEN)])
    assert pieces[0][0] == 0 and pieces[-1][1] == sys.maxunicode + 1
    assert [hi for _, hi in pieces[:-1]] == [lo for lo, _ in pieces[1:]]


def test_hidden_code_points_are_kept_as_maximal_runs():
    assert hyg._ranges([1, 2, 3, 5, 7, 8]) == [(1, 3), (5, 5), (7, 8)]
    assert hyg._ranges([]) == []
    runs = hyg.hidden_codepoints()
    scanned = runs[:-len(hyg.WHOLLY_HIDDEN)]  # (the whole planes are appended as they are)
    assert all(a <= b for a, b in runs) and all(b + 1 < c for (_, b), (c, _) in zip(scanned, scanned[1:]))
    assert (0x40000, 0xDFFFF) in runs and runs[-1][1] == 0x10FFFF
    re2 = hyg.hidden_re2()
    assert "\\x{D7FF}" in re2 and "\\x{E000}" in re2 and "D800" not in re2 and "DFFF-" not in re2


# Each side of the surrogate split, on runs that begin or end at the block's edges. The current Unicode's
# one run across the block is U+D7FC..U+F8FF (unassigned, surrogates, private use), whose ends are far
# from U+D800/U+DFFF, so the real table cannot tell `a < 0xD800` from `a <= 0xD800`; a future Unicode that
# assigns U+D7FC..U+D7FF moves the run's start to the block's edge, where an off-by-one drops a hidden
# character or puts a surrogate (which RE2 refuses) into the pattern.
@pytest.mark.parametrize("runs, re2", [
    (((0xD7FF, 0xDFFF),), r"[\x{D7FF}]"),            # ends on the block's last surrogate: only U+D7FF is kept
    (((0xD7FE, 0xD7FF),), r"[\x{D7FE}-\x{D7FF}]"),  # ends just below the block: kept whole
    (((0xD800, 0xE000),), r"[\x{E000}]"),            # starts on the first surrogate: only U+E000 is kept
    (((0xE000, 0xE001),), r"[\x{E000}-\x{E001}]"),  # starts just above the block: kept whole
    (((0xDFFF, 0xDFFF),), "[]"),                     # a surrogate alone: nothing
    (((0xD800, 0xD800),), "[]"),
    (((0xD7FC, 0xF8FF),), r"[\x{D7FC}-\x{D7FF}\x{E000}-\x{F8FF}]"),  # the current Unicode's run
])
def test_the_re2_class_leaves_out_exactly_the_surrogates_of_a_run_at_the_blocks_edges(monkeypatch, runs, re2):
    monkeypatch.setattr(hyg, "hidden_codepoints", lambda: runs)
    assert hyg.hidden_re2.__wrapped__() == re2  # (the cached function's body, on these runs)


def test_the_whitespace_and_nfc_tests_find_the_same_rows_a_piece_at_a_time(t, monkeypatch):
    """The two tests that copy text (a trimmed column, Python strings of the non-ASCII cells) run on
    pieces of a column so that a million-row evidence column is never copied whole (issue #27): with
    pieces of 2 rows the rows found, in later pieces and later chunks too, are those of one piece."""
    for i, value in ((0, " a"), (3, "Pute\u0301"), (4, "b "), (6, "Pute\u0301")):
        set_cell(t, "events", i, "title", value)
    whole = [(x.rule, x.line) for x in hyg.cell_hygiene(t)]
    assert sorted(whole) == sorted([("whitespace", line(t, "events", 0)), ("unicode-nfc", line(t, "events", 3)),
                                    ("whitespace", line(t, "events", 4)), ("unicode-nfc", line(t, "events", 6))])
    monkeypatch.setattr(hyg, "PIECE_ROWS", 2)
    assert [(x.rule, x.line) for x in hyg.cell_hygiene(t)] == whole
