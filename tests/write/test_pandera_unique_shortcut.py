"""pandera's uniqueness checks left out only where Arrow shows they cannot fail (issue #27): at a million
rows they turned event_mentions.mention_id into Python strings twice (~60 MB, that table's peak)."""

from __future__ import annotations

import pyarrow as pa

from china_russia_diplomacy.validation.pandera_layer import distinct_in_arrow


def test_only_a_complete_column_without_repeats_of_an_exact_type_is_shown_distinct():
    table = pa.table({"id": ["a", "b", "c"], "n": [1, 2, 3], "dup": ["a", "a", "b"], "gap": ["a", None, "b"],
                      "x": [0.5, 1.5, float("nan")]})
    assert distinct_in_arrow(table, ["id"]) and distinct_in_arrow(table, ["n"])
    assert not distinct_in_arrow(table, ["dup"])  # a repeat: pandera reports it
    assert not distinct_in_arrow(table, ["gap"])  # a null: pandera judges it
    assert not distinct_in_arrow(table, ["x"])  # floats: pandas counts NaN as a repeat, Arrow may not
    assert not distinct_in_arrow(table, ["id", "n"]) and not distinct_in_arrow(table, ["missing"])


def test_a_repeated_key_is_still_reported_by_pandera_with_its_own_findings(tmp_path):
    from china_russia_diplomacy.core.metadata import FieldSpec, TableSpec
    from china_russia_diplomacy.validation.pandera_layer import validate_table

    fields = [{"name": "id", "type": "string", "constraints": {"unique": True}}, {"name": "v", "type": "string"}]
    spec = TableSpec("things", "Things", "", {"fields": fields, "primaryKey": ["id"]}, tuple(FieldSpec(f) for f in fields))
    clean = pa.table({"id": ["a", "b"], "v": ["x", "y"]})
    assert validate_table(spec, clean, [2, 3])[0] == []
    found, _ = validate_table(spec, pa.table({"id": ["a", "a"], "v": ["x", "y"]}), [2, 3])
    assert sorted({(x.rule, x.line) for x in found}) == [("primary-key", 2), ("primary-key", 3), ("unique", 2), ("unique", 3)]
