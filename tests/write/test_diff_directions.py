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
# --- what each change says (issue 29: exact words, each branch alone) -------------------------------------------


def whats(old: Version, new: Version) -> list[tuple[str, str, str]]:
    return [(c.level, c.table, c.what) for c in compare_schemas(old, new)]


@pytest.mark.parametrize("name, key, old, new, what", [
    ("num_sources", "minimum", 1, 2, "events.num_sources: minimum 1 -> 2"),
    ("num_sources", "maximum", 50, None, "events.num_sources: maximum 50 -> None"),
    ("title", "required", None, True, "events.title: constraint required added"),
    ("event_id", "unique", True, False, "events.event_id: constraint unique removed"),
    ("title", "enum", None, ["a"], "events.title: enum constraint added"),
    ("status", "enum", ["occurred", "planned"], None, "events.status: enum constraint removed"),
    ("event_id", "pattern", "evt-[0-9]{5,}", "evt-[0-9]{4,}",
     "events.event_id: pattern widened (every value it allowed still matches): 'evt-[0-9]{5,}' -> 'evt-[0-9]{4,}'"),
    ("event_id", "pattern", "evt-[0-9]{4,}", "evt-(?=1)[0-9]{4,}",
     "events.event_id: pattern changed (not provably looser): 'evt-[0-9]{4,}' -> 'evt-(?=1)[0-9]{4,}'"),
    ("event_id", "pattern", "evt-[0-9]{4,}", None, "events.event_id: pattern 'evt-[0-9]{4,}' -> None"),
    ("title", "format", None, "email", "events.title: format None -> 'email'"),
])
def test_each_constraint_change_says_what_changed(name, key, old, new, what):
    [change] = compare_schemas(version(with_constraint(name, key, old)), version(with_constraint(name, key, new)))
    assert (change.table, change.what) == ("events", what)


def test_an_undecidable_pattern_counts_as_tightened():
    before = version(with_constraint("event_id", "pattern", "evt-[0-9]{4,}"))
    after = version(with_constraint("event_id", "pattern", "evt-(?=1)[0-9]{4,}"))
    assert levels(before, after) == ["major"]


def test_an_enum_that_drops_one_value_and_adds_another_says_both():
    before = version(with_constraint("status", "enum", ["occurred", "planned", "x"]))
    after = version(with_constraint("status", "enum", ["occurred", "expected", "y"]))
    assert whats(before, after) == [("major", "events", "events.status: allowed values removed: planned, x"),
                                    ("minor", "events", "events.status: allowed values added: expected, y")]


def test_a_falsy_required_is_no_constraint_both_ways():
    assert levels(version(with_constraint("title", "required", None)), version(with_constraint("title", "required", False))) \
        == ["minor"]
    assert whats(version(with_constraint("title", "unique", False)), version(with_constraint("title", "unique", True))) == [
        ("major", "events", "events.title: constraint unique added")]


def test_a_type_or_format_left_out_is_its_default():
    schema = copy.deepcopy(SCHEMA)
    schema["fields"][1]["type"] = "string"  # title: string either way
    bare = copy.deepcopy(SCHEMA)
    del bare["fields"][1]["type"]
    assert compare_schemas(version(schema), version(bare)) == []
    fmt = copy.deepcopy(SCHEMA)
    fmt["fields"][1]["format"] = "default"
    assert compare_schemas(version(fmt), version()) == []
    typed = copy.deepcopy(SCHEMA)
    typed["fields"][2]["type"] = "number"
    assert whats(version(), version(typed)) == [("major", "events", "events.num_sources: type integer -> number")]


def test_fields_added_removed_and_reordered_say_which():
    schema = copy.deepcopy(SCHEMA)
    schema["fields"] = [schema["fields"][1], schema["fields"][0], *schema["fields"][3:], {"name": "weather"}]
    assert whats(version(), version(schema)) == [
        ("major", "events", "events.num_sources: field removed (or renamed)"),
        ("minor", "events", "events.weather: field added"),
        ("major", "events", "events: fields re-ordered")]


def test_a_field_property_other_than_type_format_and_constraints_is_a_patch_naming_it():
    schema = copy.deepcopy(SCHEMA)
    schema["fields"][0]["title"] = "Event ID"
    assert whats(version(), version(schema)) == [("patch", "events", "events.event_id: title changed")]
    assert whats(version(schema), version()) == [("patch", "events", "events.event_id: title changed")]


def test_a_primary_key_change_is_major():
    schema = copy.deepcopy(SCHEMA)
    schema["primaryKey"] = ["event_id", "title"]
    assert whats(version(), version(schema)) == [
        ("major", "events", "events: primary key ['event_id'] -> ['event_id', 'title']")]


def test_foreign_keys_added_and_removed_say_which():
    fk = {"fields": "status", "reference": {"resource": "codes", "fields": "code"}}
    schema = copy.deepcopy(SCHEMA)
    schema["foreignKeys"] = [fk]
    text = '{"fields": "status", "reference": {"fields": "code", "resource": "codes"}}'
    assert whats(version(), version(schema)) == [("major", "events", f"events: foreign key added {text}")]
    assert whats(version(schema), version()) == [("minor", "events", f"events: foreign key removed {text}")]


def test_a_schema_level_property_is_a_patch_naming_it():
    schema = copy.deepcopy(SCHEMA)
    schema["missingValues"] = ["", "NA"]
    assert whats(version(), version(schema)) == [("patch", "events", "events: schema missingValues changed")]


def _with_tables(schemas: dict, package: dict | None = None, v="1.0.0") -> Version:
    package = package or {"name": "pkg", "version": v, "resources": [{"name": t} for t in schemas]}
    return Version(v, package, copy.deepcopy(schemas), {t: [] for t in schemas}, set())


def test_a_table_added_is_minor_and_removed_is_major():
    one, two = _with_tables({"events": SCHEMA}), _with_tables({"events": SCHEMA, "quotes": {**SCHEMA, "name": "quotes"}})
    assert whats(one, two) == [("minor", "quotes", "table quotes added")]
    assert whats(two, one) == [("major", "quotes", "table quotes removed")]


def test_a_resource_s_title_changed_is_a_patch_and_a_new_resource_is_not_one():
    old = version()
    new = version()
    new.package["resources"] = [{"name": "events", "title": "All events"}, {"name": "extra"}]
    assert whats(old, new) == [("patch", "events", "events: title or description changed")]


@pytest.mark.parametrize("old, new, changed", [
    (None, "", False), ("", None, False), ([], None, False), (None, [], False), ("", [], False),
    (None, "10.5281/x", True), ("10.5281/x", "", True), ("a", "b", True), ("a", "a", False),
])
def test_a_package_property_absent_or_empty_says_the_same_and_any_other_change_is_a_patch(old, new, changed):
    before, after = version(), version()
    for v, value in ((before, old), (after, new)):
        if value is not None:
            v.package["conceptDoi"] = value
    assert whats(before, after) == ([("patch", "package", "package conceptDoi changed")] if changed else [])


def test_the_version_property_itself_is_not_a_package_change():
    assert compare_schemas(version(v="1.0.0"), version(v="2.0.0")) == []


# --- rows: what each change says ------------------------------------------------------------------------------------


def test_a_corrected_row_carries_its_new_note_as_the_reason():
    diffs, changes, _ = _changes([ROW], [{**ROW, "title": "Talks in Minsk", "notes": "place corrected"}])
    assert diffs[0].reasons == {"evt-0001": "place corrected"}
    assert [(c.level, c.table, c.what) for c in changes] == [("patch", "events", "events: 1 row(s) corrected")]
    diffs, _, _ = _changes([ROW], [{**ROW, "title": "Talks in Minsk"}])
    assert diffs[0].reasons == {}


def test_row_changes_say_how_many_in_each_kind():
    other = {**ROW, "event_id": "evt-0002", "added_in": "1.1.0"}
    third = {**ROW, "event_id": "evt-0003", "added_in": "1.1.0"}
    diffs, changes, unretired = _changes([ROW, other, third], [{**ROW, "title": "Talks"}], retired={"evt-0003"})
    assert [(c.level, c.what) for c in changes] == [
        ("patch", "events: 1 row(s) corrected"),
        ("major", "events: 1 published ID(s) removed without retirement: evt-0002"),
        ("minor", "events: 1 ID(s) retired")]
    assert (diffs[0].old_rows, diffs[0].new_rows, unretired) == (3, 1, ["evt-0002"])
    _, changes, _ = _changes([ROW], [ROW, other, third])
    assert [c.what for c in changes] == ["events: 2 row(s) added"]


def test_removed_rows_of_a_table_without_an_id_column_first_are_a_patch():
    schema = copy.deepcopy(SCHEMA)
    schema["primaryKey"] = ["event_id", "title"]
    old = version(schema, rows=[ROW, {**ROW, "title": "Other"}])
    new = version(schema, rows=[ROW], v="1.1.0")
    diffs, changes, unretired = compare_rows(old, new)
    assert diffs[0].removed == ["evt-0001|Other"] and unretired == []
    assert [(c.level, c.what) for c in changes] == [("patch", "events: 1 row(s) removed")]
    schema["primaryKey"] = "title"  # one key column, but not the first field: no published ID
    old, new = version(schema, rows=[ROW, {**ROW, "title": "Other"}]), version(schema, rows=[ROW], v="1.1.0")
    assert [(c.level, c.what) for c in compare_rows(old, new)[1]] == [("patch", "events: 1 row(s) removed")]


def test_rows_are_matched_by_the_keys_both_versions_share_when_the_primary_key_changed():
    wider = copy.deepcopy(SCHEMA)
    wider["primaryKey"] = ["event_id", "title"]
    diffs, changes, _ = compare_rows(version(rows=[ROW]), version(wider, rows=[{**ROW, "num_sources": "3"}], v="1.1.0"))
    assert list(diffs[0].changed) == ["evt-0001"] and diffs[0].added == [] and diffs[0].removed == []
    other = copy.deepcopy(SCHEMA)
    other["primaryKey"] = ["title"]
    diffs, _, _ = compare_rows(version(rows=[ROW]), version(other, rows=[{**ROW, "num_sources": "3"}], v="1.1.0"))
    assert list(diffs[0].changed) == ["evt-0001"]  # no shared key column: the old key


def test_a_table_gone_from_the_new_version_lists_every_old_row_as_removed():
    old = _with_tables({"events": SCHEMA, "quotes": {**SCHEMA, "name": "quotes"}})
    old.rows["quotes"] = [{**ROW, "event_id": "q2"}, {**ROW, "event_id": "q1"}]
    new = _with_tables({"events": SCHEMA}, v="1.1.0")
    diffs, changes, _ = compare_rows(old, new)
    gone = [d for d in diffs if d.table == "quotes"]
    assert len(gone) == 1 and (gone[0].removed, gone[0].old_rows, gone[0].new_rows) == (["q1", "q2"], 2, 0)
    assert changes == []


def test_a_new_table_s_rows_are_all_added():
    old = _with_tables({"events": SCHEMA})
    new = _with_tables({"events": SCHEMA, "quotes": {**SCHEMA, "name": "quotes"}}, v="1.1.0")
    new.rows["quotes"] = [{**ROW, "event_id": "q1", "added_in": "1.1.0"}]
    diffs, changes, _ = compare_rows(old, new)
    assert [d.added for d in diffs if d.table == "quotes"] == [["q1"]]
    assert [c.what for c in changes] == ["quotes: 1 row(s) added"]


# --- added_in: every branch with its words -------------------------------------------------------------------------


def _added_in(value, old_v="1.0.0", new_v="1.2.0", registered=None):
    old = version(rows=[ROW], v=old_v)
    new = version(rows=[ROW, {**ROW, "event_id": "evt-0002", "added_in": value}], v=new_v)
    new.registered = registered
    return check_added_in(old, new, compare_rows(old, new)[0])


@pytest.mark.parametrize("value, registered, problem", [
    ("1.2.0", None, None), ("1.1.0", None, None), ("1.1.0", {"1.0.0", "1.1.0"}, None), ("1.0.1", None, None),
    ("1.3.0", None, "a version after 1.2.0 (the future); expected a version after 1.0.0 and no later than 1.2.0"),
    ("1.0.0", None, "not after 1.0.0, which did not have the row; expected a version after 1.0.0 and no later than 1.2.0"),
    ("0.9.0", None, "not after 1.0.0, which did not have the row; expected a version after 1.0.0 and no later than 1.2.0"),
    ("1.1.0", {"1.0.0"}, "which is not a registered release; expected a version after 1.0.0 and no later than 1.2.0"),
    ("soon", None, "expected a version after 1.0.0 and no later than 1.2.0"),
    ("", None, "expected a version after 1.0.0 and no later than 1.2.0"),
])
def test_a_new_row_s_added_in_in_every_direction(value, registered, problem):
    assert _added_in(value, registered=registered) == ([] if problem is None else [
        f"events evt-0002: new row has added_in {value!r}, {problem}"])


def test_added_in_when_either_side_is_no_version_or_the_versions_do_not_rise():
    assert _added_in("1.1.0", old_v="dev") == ["events evt-0002: new row has added_in '1.1.0', expected '1.2.0'"]
    assert _added_in("1.1.0", new_v="1.0.0") == [
        "events evt-0002: new row has added_in '1.1.0', a version after 1.0.0 (the future); expected '1.0.0'"]
    assert _added_in("0.9.0", new_v="1.0.0") == [
        "events evt-0002: new row has added_in '0.9.0', not after 1.0.0, which did not have the row; expected '1.0.0'"]
    assert _added_in("1.1.0", new_v="dev") == ["events evt-0002: new row has added_in '1.1.0', expected 'dev'"]
    assert _added_in("1.1.0", new_v="1.1.0", old_v="1.1.0") == []  # its own version is always right


def test_added_in_is_not_checked_in_a_table_without_it_and_an_old_row_s_never_changes():
    schema = copy.deepcopy(SCHEMA)
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "added_in"]
    old, new = version(schema, rows=[ROW]), version(schema, rows=[ROW, {**ROW, "event_id": "e2", "added_in": "x"}], v="1.1.0")
    assert check_added_in(old, new, compare_rows(old, new)[0]) == []
    old, new = version(rows=[ROW]), version(rows=[{**ROW, "added_in": "1.1.0"}], v="1.1.0")
    assert check_added_in(old, new, compare_rows(old, new)[0]) == [
        "events evt-0001: added_in changed from '1.0.0' to '1.1.0'; it never changes"]


# --- pattern_order: the dash escaping and the three answers --------------------------------------------------------


@pytest.mark.parametrize("pattern, escaped", [
    ("[._-]", r"[._\-]"), ("[-a]", r"[\-a]"), ("[^-a]", r"[^\-a]"), ("[]a-]", r"[]a\-]"), (r"[a\-]", r"[a\-]"),
    ("[a-z]", "[a-z]"), ("a-b", "a-b"), (r"\[-", r"\[-"), ("[-][x-]", r"[\-][x\-]"), (r"[\]-]x", r"[\]\-]x"),
    ("[a-", r"[a\-"), ("x\\", "x\\"), ("[^]-]", r"[^]\-]"), ("", ""),
])
def test_a_dash_first_or_last_in_a_class_is_escaped_and_nothing_else(pattern, escaped):
    from china_russia_diplomacy.publish.pattern_order import _literal_dashes

    assert _literal_dashes(pattern) == escaped


@pytest.mark.parametrize("old, new, answer", [
    ("[a-c]{2}", "[a-z]{2}", True), ("[a-z]{2}", "[a-c]{2}", False), ("abc", "abc", True), ("[._-]x", "[._-]x", True),
    ("[a_-]", "[a_]", False), ("[a_]", "[_a-]", True), ("a(?=b)", "a", None), ("(a)\\1", "a", None), ("a", "(?<=x)a", None),
])
def test_pattern_loosened_answers_true_false_or_undecided(old, new, answer):
    from china_russia_diplomacy.publish.pattern_order import pattern_loosened

    assert pattern_loosened(old, new) is answer


def test_a_new_table_listed_before_a_changed_one_does_not_hide_its_changes():
    changed = with_constraint("num_sources", "minimum", 2)
    old = _with_tables({"events": SCHEMA})
    new = _with_tables({"quotes": {**SCHEMA, "name": "quotes"}, "events": changed})
    assert whats(old, new) == [("minor", "quotes", "table quotes added"),
                               ("major", "events", "events.num_sources: minimum 1 -> 2")]


def test_a_table_without_added_in_does_not_stop_the_check_of_the_next_one():
    plain = copy.deepcopy(SCHEMA)
    plain["fields"] = [f for f in plain["fields"] if f["name"] != "added_in"]
    plain["name"] = "notes_table"
    old = _with_tables({"notes_table": plain, "events": SCHEMA}, v="1.0.0")
    old.rows["events"] = [ROW]
    new = _with_tables({"notes_table": plain, "events": SCHEMA}, v="1.1.0")
    new.rows["notes_table"] = [{"event_id": "n1"}]
    new.rows["events"] = [ROW, {**ROW, "event_id": "evt-0002", "added_in": "2.0.0"}]
    assert check_added_in(old, new, compare_rows(old, new)[0]) == [
        "events evt-0002: new row has added_in '2.0.0', a version after 1.1.0 (the future); "
        "expected a version after 1.0.0 and no later than 1.1.0"]


def test_the_new_version_written_with_a_leading_zero_is_not_the_future():
    """The upper bound is inclusive: a value equal to NEW as a version (not as a string) is no future one."""
    assert _added_in("01.2.0") == []
