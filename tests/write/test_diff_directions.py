"""check-version and diff in every direction (issue 29): each constraint tightened and loosened, each
pattern widened and narrowed, and a cell corrected by whitespace alone, each with the bump it requires.

The comparison runs on in-memory versions (one field, one constraint changed), so every direction of
every key is its own case and ``scripts/mutation.py`` can judge ``publish/diff/`` with this file in
seconds; tests/write/test_diff.py checks the same classification end to end on real package copies.
"""

from __future__ import annotations

import copy

import pytest

from china_russia_diplomacy.publish.diff.model import Change, PackageDiff, version_bump
from china_russia_diplomacy.publish.diff.rows import check_added_in, compare_rows
from china_russia_diplomacy.publish.diff.schemas import compare_schemas
from china_russia_diplomacy.publish.diff.versions import Version

SCHEMA = {
    "name": "events",
    "primaryKey": "event_id",
    "fields": [
        {"name": "event_id", "type": "string", "constraints": {"required": True, "unique": True, "pattern": "evt-[0-9]{4,}"}},
        {"name": "title", "type": "string", "constraints": {"minLength": 3, "maxLength": 300}},
        {"name": "num_sources", "type": "integer", "constraints": {"minimum": 1, "maximum": 50}},
        {"name": "share", "type": "number", "constraints": {"exclusiveMinimum": 0, "exclusiveMaximum": 1}},
        {"name": "status", "type": "string", "constraints": {"enum": ["occurred", "planned"]}},
        {"name": "added_in", "type": "string"},
        {"name": "notes", "type": "string"},
    ],
}


def version(schema=None, rows=None, v="1.0.0", retired=()) -> Version:
    schema = copy.deepcopy(SCHEMA if schema is None else schema)
    return Version(v, {"name": "pkg", "version": v, "resources": [{"name": "events", "title": "Events"}]},
                   {"events": schema}, {"events": [dict(r) for r in (rows or [])]}, set(retired))


def with_constraint(name: str, key: str, value) -> dict:
    schema = copy.deepcopy(SCHEMA)
    field = next(f for f in schema["fields"] if f["name"] == name)
    if value is None:
        field["constraints"].pop(key, None)
    else:
        field["constraints"][key] = value
    return schema


def levels(old: Version, new: Version) -> list[str]:
    return [c.level for c in compare_schemas(old, new)]


# (field, key, old value or None for absent, new value or None for absent, bump)
DIRECTIONS = [
    ("num_sources", "minimum", 1, 2, "major"), ("num_sources", "minimum", 2, 1, "minor"),
    ("num_sources", "minimum", None, 1, "major"), ("num_sources", "minimum", 1, None, "minor"),
    ("num_sources", "maximum", 50, 49, "major"), ("num_sources", "maximum", 49, 50, "minor"),
    ("num_sources", "maximum", None, 50, "major"), ("num_sources", "maximum", 50, None, "minor"),
    ("title", "minLength", 3, 4, "major"), ("title", "minLength", 4, 3, "minor"),
    ("title", "maxLength", 300, 299, "major"), ("title", "maxLength", 299, 300, "minor"),
    ("share", "exclusiveMinimum", 0, 0.5, "major"), ("share", "exclusiveMinimum", 0.5, 0, "minor"),
    ("share", "exclusiveMaximum", 1, 0.5, "major"), ("share", "exclusiveMaximum", 0.5, 1, "minor"),
    ("title", "required", None, True, "major"), ("event_id", "required", True, None, "minor"),
    ("event_id", "required", True, False, "minor"), ("title", "required", False, True, "major"),
    ("title", "unique", None, True, "major"), ("event_id", "unique", True, False, "minor"),
    ("title", "enum", None, ["a", "b"], "major"), ("status", "enum", ["occurred", "planned"], None, "minor"),
    ("status", "enum", ["occurred", "planned"], ["occurred"], "major"),
    ("status", "enum", ["occurred", "planned"], ["occurred", "planned", "expected"], "minor"),
    ("event_id", "pattern", "evt-[0-9]{4,}", "evt-[0-9]{5,}", "major"),
    ("event_id", "pattern", "evt-[0-9]{5,}", "evt-[0-9]{4,}", "minor"),
    ("event_id", "pattern", "evt-[0-9]{4,}", None, "minor"),
    ("title", "pattern", None, "[A-Z].*", "major"),
    ("title", "format", None, "email", "major"),
]


@pytest.mark.parametrize("name, key, old, new, bump", DIRECTIONS,
                         ids=[f"{k}-{o}-to-{n}" for _f, k, o, n, _b in DIRECTIONS])
def test_each_constraint_in_each_direction_requires_its_bump(name, key, old, new, bump):
    before = version(with_constraint(name, key, old))
    after = version(with_constraint(name, key, new))
    assert levels(before, after) == [bump], [c.what for c in compare_schemas(before, after)]


def test_a_tightened_and_a_loosened_constraint_together_require_the_major_and_refuse_a_minor_bump():
    before = version()
    schema = with_constraint("num_sources", "minimum", 2)
    next(f for f in schema["fields"] if f["name"] == "num_sources")["constraints"]["maximum"] = 99
    changes = compare_schemas(before, version(schema))
    assert sorted(c.level for c in changes) == ["major", "minor"]
    assert PackageDiff("1.0.0", "2.0.0", changes).problems() == []
    refused = PackageDiff("1.0.0", "1.1.0", changes).problems()
    assert len(refused) == 1 and "require a major bump" in refused[0]


@pytest.mark.parametrize("actual, required, ok", [
    ("1.0.1", "patch", True), ("1.0.0", "patch", False), ("1.1.0", "patch", True), ("1.0.1", "minor", False),
    ("1.1.0", "minor", True), ("1.1.0", "major", False), ("2.0.0", "major", True), ("0.9.0", "none", False),
    ("1.0.0", "none", True),
])
def test_a_bump_below_the_required_one_is_refused_and_one_at_or_above_it_accepted(actual, required, ok):
    changes = [] if required == "none" else [Change(required, "events", "x")]
    assert (PackageDiff("1.0.0", actual, changes).problems() == []) is ok


def test_an_unchanged_schema_requires_nothing():
    assert compare_schemas(version(), version()) == []


def test_type_changed_either_way_is_major():
    schema = copy.deepcopy(SCHEMA)
    schema["fields"][2]["type"] = "number"
    assert levels(version(), version(schema)) == ["major"]
    assert levels(version(schema), version()) == ["major"]


def test_field_added_is_minor_and_removed_is_major():
    schema = copy.deepcopy(SCHEMA)
    schema["fields"].append({"name": "weather", "type": "string"})
    assert levels(version(), version(schema)) == ["minor"]
    assert levels(version(schema), version()) == ["major"]


def test_fields_reordered_is_major():
    schema = copy.deepcopy(SCHEMA)
    schema["fields"][1], schema["fields"][2] = schema["fields"][2], schema["fields"][1]
    assert levels(version(), version(schema)) == ["major"]


def test_foreign_key_added_is_major_and_removed_is_minor():
    schema = copy.deepcopy(SCHEMA)
    schema["foreignKeys"] = [{"fields": "status", "reference": {"resource": "codes", "fields": "code"}}]
    assert levels(version(), version(schema)) == ["major"]
    assert levels(version(schema), version()) == ["minor"]


def test_a_description_change_is_a_patch():
    schema = copy.deepcopy(SCHEMA)
    schema["fields"][1]["description"] = "Reworded."
    assert levels(version(), version(schema)) == ["patch"]


# --- rows ---------------------------------------------------------------------------------------------------

ROW = {"event_id": "evt-0001", "title": "Talks in Moscow", "num_sources": "2", "share": "", "status": "occurred",
       "added_in": "1.0.0", "notes": ""}


def _changes(old_rows, new_rows, retired=()):
    return compare_rows(version(rows=old_rows), version(rows=new_rows, v="1.1.0", retired=retired))


@pytest.mark.parametrize("new_title", ["Talks in Moscow ", " Talks in Moscow", "Talks in  Moscow", "Talks in\u00a0Moscow",
                                       "Talks in Moscow\n"])
def test_a_whitespace_only_correction_is_a_change_that_requires_a_patch(new_title):
    diffs, changes, _ = _changes([ROW], [{**ROW, "title": new_title}])
    assert [(c.column, c.old, c.new) for c in diffs[0].changed["evt-0001"]] == [("title", ROW["title"], new_title)]
    assert [c.level for c in changes] == ["patch"]


def test_a_number_rewritten_in_another_form_is_a_change():
    diffs, changes, _ = _changes([ROW], [{**ROW, "num_sources": "2.0"}])
    assert list(diffs[0].changed) == ["evt-0001"] and [c.level for c in changes] == ["patch"]


def test_identical_rows_are_no_change():
    diffs, changes, _ = _changes([ROW], [dict(ROW)])
    assert diffs[0].empty and changes == []


def test_added_row_is_minor_and_removed_id_is_major_unless_retired():
    other = {**ROW, "event_id": "evt-0002", "added_in": "1.1.0"}
    diffs, changes, _ = _changes([ROW], [ROW, other])
    assert diffs[0].added == ["evt-0002"] and [c.level for c in changes] == ["minor"]
    diffs, changes, unretired = _changes([ROW, other], [ROW])
    assert diffs[0].removed == ["evt-0002"] and [c.level for c in changes] == ["major"] and unretired == ["evt-0002"]
    diffs, changes, unretired = _changes([ROW, other], [ROW], retired={"evt-0002"})
    assert [c.level for c in changes] == ["minor"] and unretired == []


def test_added_in_of_a_new_row_must_be_after_the_old_version_and_of_an_old_row_never_changes():
    old = version(rows=[ROW])
    new = version(rows=[ROW, {**ROW, "event_id": "evt-0002", "added_in": "1.0.0"}], v="1.1.0")
    diffs, _, _ = compare_rows(old, new)
    assert [p.split(":")[0] for p in check_added_in(old, new, diffs)] == ["events evt-0002"]
    new = version(rows=[ROW, {**ROW, "event_id": "evt-0002", "added_in": "1.1.0"}], v="1.1.0")
    diffs, _, _ = compare_rows(old, new)
    assert check_added_in(old, new, diffs) == []
    new = version(rows=[{**ROW, "added_in": "1.1.0"}], v="1.1.0")
    diffs, _, _ = compare_rows(old, new)
    problems = check_added_in(old, new, diffs)
    assert len(problems) == 1 and "never changes" in problems[0]


@pytest.mark.parametrize("old, new, bump", [
    ("1.0.0", "1.0.1", "patch"), ("1.0.1", "1.0.0", "downgrade"), ("1.0.0", "1.1.0", "minor"), ("1.1.0", "1.0.9", "downgrade"),
    ("1.9.9", "2.0.0", "major"), ("2.0.0", "1.9.9", "downgrade"), ("1.0.0", "1.0.0", "none"), ("1.0.0", "1.1.1", "minor"),
    ("1.0.0", "2.1.3", "major"),
])
def test_version_bump_in_every_direction(old, new, bump):
    assert version_bump(old, new) == bump


def test_a_foreign_key_written_with_its_keys_in_another_order_is_no_change():
    fk = {"fields": "status", "reference": {"resource": "codes", "fields": "code"}}
    a, b = copy.deepcopy(SCHEMA), copy.deepcopy(SCHEMA)
    a["foreignKeys"] = [fk]
    b["foreignKeys"] = [{"reference": {"fields": "code", "resource": "codes"}, "fields": "status"}]
    assert compare_schemas(version(a), version(b)) == []


def test_a_narrowed_pattern_says_that_values_it_allowed_are_refused_now():
    before = version(with_constraint("event_id", "pattern", "evt-[0-9]{4,}"))
    after = version(with_constraint("event_id", "pattern", "evt-[0-9]{5,}"))
    [change] = compare_schemas(before, after)
    assert change.level == "major" and "some values it allowed are refused now" in change.what


def test_a_corrected_row_without_notes_gets_its_reason_from_its_confidence_codes():
    """The CHANGELOG gives a reason for every changed row (issue 28): a mention or participation row has no
    notes column, so its line states the codes it now carries, from which tie-confidence gives confidence;
    a row with a note keeps the note, and a table without codes gives no invented reason."""
    from china_russia_diplomacy.publish.diff.render import changelog_section
    from china_russia_diplomacy.publish.diff.rows import coded_reason

    schema = {"name": "event_mentions", "primaryKey": "mention_id",
              "fields": [{"name": n, "type": "string"} for n in
                         ("mention_id", "is_primary", "span_states", "tie", "confidence_override", "confidence")]}
    old_row = {"mention_id": "men-0001", "is_primary": "false", "span_states": "actor+action", "tie": "same_article",
               "confidence_override": None, "confidence": "high"}
    new_row = {**old_row, "confidence": "medium"}
    primary = {**new_row, "mention_id": "men-0002", "is_primary": "true", "tie": "explicit",
               "confidence_override": "hedged", "span_states": None}
    def version(v, schemas, rows):
        return Version(v, {"name": "pkg", "version": v}, schemas, rows, set())

    old = version("1.0.0", {"event_mentions": schema}, {"event_mentions": [old_row, {**primary, "confidence": "high"}]})
    new = version("1.1.0", {"event_mentions": schema}, {"event_mentions": [new_row, primary]})
    [d], _, _ = compare_rows(old, new)
    assert d.reasons == {
        "men-0001": "coded tie `same_article`, the span stating actor, action; confidence follows by rule `tie-confidence`",
        "men-0002": "coded tie `explicit`, the span stating nothing of the event, override `hedged`; a primary mention, "
                    "no higher than its event; confidence follows by rule `tie-confidence`"}
    text = changelog_section(PackageDiff("1.0.0", "1.1.0", tables=[d]))
    assert ("- `event_mentions` `men-0001`: `confidence` 'high' → 'medium' (coded tie `same_article`, the span stating "
            "actor, action; confidence follows by rule `tie-confidence`)") in text.splitlines()
    assert coded_reason({"event_id": "evt-0001", "title": "x"}) is None
    noted = {**new_row, "notes": "re-read"}
    assert coded_reason(noted) is not None  # the codes are there, but a note wins:
    schema_n = {**schema, "fields": [*schema["fields"], {"name": "notes", "type": "string"}]}
    [d], _, _ = compare_rows(version("1.0.0", {"event_mentions": schema_n}, {"event_mentions": [{**old_row, "notes": None}]}),
                             version("1.1.0", {"event_mentions": schema_n}, {"event_mentions": [noted]}))
    assert d.reasons == {"men-0001": "re-read"}
