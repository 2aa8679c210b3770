"""Table-level defects: keys, every foreign key relation, parent cycles, derived counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .inject import CsvTable, assert_caught, assert_reported

defect = pytest.mark.defect
SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"


def _relations() -> list[tuple[str, str, str]]:
    """(table, column, referenced table) for every single-column foreign key of every schema."""
    out = []
    package = json.loads((SCHEMAS / "package.json").read_text(encoding="utf-8"))
    for res in package["resources"]:
        schema = json.loads((SCHEMAS / f"{res['name']}.json").read_text(encoding="utf-8"))
        for fk in schema.get("foreignKeys", []):
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            assert len(fields) == 1, "composite foreign keys need their own fault"
            out.append((res["name"], fields[0], fk["reference"].get("resource") or res["name"]))
    return out


def _missing_id(existing: str) -> str:
    """An ID of the same shape (`evt-0003` -> `evt-9999`) that no row has."""
    prefix = existing.split("-")[0]
    return f"{prefix}-9999"


@defect("table: duplicate primary key")
def test_duplicate_participant_id_is_reported(pkg):
    t = CsvTable.open(pkg, "participants")
    t.rows.append(list(t.rows[0]))
    t.set(len(t.rows) - 1, "notes", "a second row with the same ID")
    t.save()
    # Both findings, each asserted alone (issue 29: accepting either let one of them go unnoticed).
    from china_russia_diplomacy.validation import validate_package

    report = validate_package(pkg)
    for rule in ("primary-key", "unique"):
        assert_reported(report, "participants", rule, t.line(len(t.rows) - 1), "participant_id")


@defect("table: duplicate composite key")
def test_duplicate_event_participant_is_reported(pkg):
    t = CsvTable.open(pkg, "event_participants")
    t.rows.append(list(t.rows[0]))
    t.save()
    assert_caught(pkg, "event_participants", "primary-key", t.line(len(t.rows) - 1))


def test_every_schema_relation_has_a_dangling_key_fault():
    """Guards the parametrisation below: a new foreign key in a schema gets its fault automatically."""
    assert len(_relations()) >= 15


@defect("table: dangling foreign key")
@pytest.mark.parametrize("table,column,target", _relations(), ids=lambda v: str(v))
def test_dangling_foreign_key_is_reported(pkg, table, column, target):
    t = CsvTable.open(pkg, table)
    filled = [i for i, r in enumerate(t.rows) if r[t.header.index(column)]]
    i = filled[0] if filled else 0
    sample = t.get(i, column) or CsvTable.open(pkg, target).rows[0][0]
    t.set(i, column, _missing_id(sample))
    t.save()
    f = assert_caught(pkg, table, "foreign-key", t.line(i), column)
    assert target in f.message


@defect("table: dangling agreement party")
def test_unknown_party_in_agreement_is_reported(pkg):
    t = CsvTable.open(pkg, "agreements")
    i = t.filled("parties")
    t.set(i, "parties", t.get(i, "parties") + ";par-9999")
    t.save()
    assert_caught(pkg, "agreements", "foreign-key", t.line(i), "parties")


@defect("table: dangling discrepancy record")
def test_unknown_record_in_discrepancy_is_reported(pkg):
    t = CsvTable.open(pkg, "discrepancies")
    t.set(0, "record_id", _missing_id(t.get(0, "record_id")))
    t.save()
    assert_caught(pkg, "discrepancies", "foreign-key", t.line(0), "record_id")


@defect("table: parent event cycle")
def test_event_that_is_its_own_parent_is_reported(pkg):
    t = CsvTable.open(pkg, "events")
    t.set(0, "parent_event_id", t.get(0, "event_id"))
    t.save()
    assert_caught(pkg, "events", "parent-cycle", t.line(0), "parent_event_id")


@defect("table: parent event cycle")
def test_two_events_parent_of_each_other_is_reported(pkg):
    t = CsvTable.open(pkg, "events")
    a, b = t.get(0, "event_id"), t.get(1, "event_id")
    t.set(0, "parent_event_id", b)
    t.set(1, "parent_event_id", a)
    t.save()
    first = 0 if a < b else 1
    f = assert_caught(pkg, "events", "parent-cycle", t.line(first), "parent_event_id")
    assert a in f.message and b in f.message


@defect("table: event about itself")
def test_event_about_itself_is_reported(pkg):
    t = CsvTable.open(pkg, "events")
    t.set(0, "about_event_id", t.get(0, "event_id"))
    t.save()
    assert_caught(pkg, "events", "self-reference", t.line(0), "about_event_id")


@defect("table: num_sources out of step")
def test_num_sources_not_matching_mentions_is_reported(pkg):
    t = CsvTable.open(pkg, "events")
    t.set(0, "num_sources", str(int(t.get(0, "num_sources")) + 1))
    t.save()
    assert_caught(pkg, "events", "num-sources", t.line(0), "num_sources")


@defect("table: num_sources out of step")
def test_deleted_mention_leaves_num_sources_stale(pkg):
    events = CsvTable.open(pkg, "events")
    i = events.where(lambda r: int(r["num_sources"]) >= 2)
    eid = events.get(i, "event_id")
    m = CsvTable.open(pkg, "event_mentions")
    secondary = [k for k, r in enumerate(m.rows) if r[m.header.index("event_id")] == eid
                 and r[m.header.index("is_primary")] == "false"]
    mine = {r[m.header.index("source_id")] for r in m.rows if r[m.header.index("event_id")] == eid}
    # drop every secondary mention from one source that is not the primary's
    primary_src = next(r[m.header.index("source_id")] for r in m.rows
                       if r[m.header.index("event_id")] == eid and r[m.header.index("is_primary")] == "true")
    drop = next(s for s in sorted(mine) if s != primary_src)
    m.rows = [r for k, r in enumerate(m.rows) if not (k in secondary and r[m.header.index("source_id")] == drop)]
    m.save()
    assert_caught(pkg, "events", "num-sources", events.line(i), "num_sources")


@defect("table: primary mention")
def test_event_without_primary_mention_is_reported(pkg):
    m = CsvTable.open(pkg, "event_mentions")
    i = m.where(lambda r: r["is_primary"] == "true")
    eid = m.get(i, "event_id")
    m.set(i, "is_primary", "false")
    m.save()
    events = CsvTable.open(pkg, "events")
    e = events.where(lambda r: r["event_id"] == eid)
    assert_caught(pkg, "events", "primary-mention", events.line(e), "event_id")
