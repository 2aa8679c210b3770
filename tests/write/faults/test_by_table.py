"""Validation one table at a time (issue 27) finds exactly what the rules find on the whole package.

``check_by_table`` runs each table's rules while only that table (and the small sources and
participants) is loaded, releases its free text, and runs the cross-table rules last on what was kept.
Here a copy of the package gets defects for table rules and cross-table rules at once (several on the
free-text columns that are released before the cross-table rules), and the findings must equal, one for
one, those of every rule run on every table held whole, the way validation worked before.
"""

from __future__ import annotations

import functools
from collections import Counter

import pytest

from china_russia_diplomacy.core.metadata import load_metadata
from china_russia_diplomacy.validation.by_table import check_by_table

from .inject import CsvTable


def whole_package_findings(pkg, meta) -> list:
    """Strict reader, date guard, pandera and every rule with all tables in memory at once."""
    from china_russia_diplomacy.validation import read_tables
    from china_russia_diplomacy.validation.date_range import guard_dates
    from china_russia_diplomacy.validation.pandera_layer import validate_table
    from china_russia_diplomacy.validation.rules import Tables, run_rules

    tables, lines, findings = read_tables(pkg, meta)
    guarded, found = guard_dates(tables, lines)
    findings += found
    frames = {}
    for name, table in guarded.items():
        found, frames[name] = validate_table(meta.table(name), table, lines[name])
        findings += found
    findings += run_rules(Tables(meta, frames, lines, pkg, arrow=guarded))
    out_of_range = {(x.table, x.line) for x in findings if x.rule == "date-range"}
    return [x for x in findings if not (x.rule == "date-bounds-pair" and (x.table, x.line) in out_of_range)]


def break_many(pkg) -> None:
    """Defects for table rules and cross-table rules, in several tables, in one package."""
    ev = CsvTable.open(pkg, "events")
    i = ev.where(lambda r: r["num_sources"] != "" and r["date_start"] != "")
    ev.set(i, "num_sources", str(int(ev.get(i, "num_sources")) + 1))  # num-sources (cross)
    j = ev.where(lambda r: r["evidence"] != "" and r["event_id"] != ev.get(i, "event_id"))
    ev.set(j, "evidence", ev.get(j, "evidence") + " ")  # whitespace, evidence-verbatim
    ev.set(j, "evidence_end", str(int(ev.get(j, "evidence_end")) + 1))  # primary-mention, valued by the evidence (cross)
    k = ev.where(lambda r: r["notes"] != "")
    ev.set(k, "notes", "=" + ev.get(k, "notes"))  # csv-injection on a released column
    d = ev.where(lambda r: r["date_start"] != "" and r["event_id"] not in (ev.get(i, "event_id"), ev.get(j, "event_id")))
    ev.set(d, "date_start", "1500-01-01")  # date-range, and the date-bounds-pair echo it hides
    s = ev.where(lambda r: r["status"] == "occurred")
    ev.set(s, "status", "planned")  # status-latest-source (cross)
    ev.save()
    men = CsvTable.open(pkg, "event_mentions")
    m = men.filled("evidence")
    men.set(m, "evidence", "\u200b" + men.get(m, "evidence"))  # evidence-verbatim on a released column
    n = men.where(lambda r: r["is_primary"] == "true" and r["confidence"] == "high")
    men.set(n, "confidence", "low")  # tie-confidence, primary-confidence (cross)
    o = men.where(lambda r: r["tie"] == "explicit")
    men.set(o, "span_states", "actor")  # tie-explicit (cross)
    men.rows.append(list(men.rows[m]))
    men.set(len(men.rows) - 1, "mention_id", "men-99999")
    men.set(len(men.rows) - 1, "event_id", "evt-99999")  # foreign-key (cross)
    men.save()
    par = CsvTable.open(pkg, "event_participants")
    p = par.filled("evidence")
    par.set(p, "evidence_end", str(int(par.get(p, "evidence_end")) + 1))  # evidence-verbatim
    par.save()
    agr = CsvTable.open(pkg, "agreements")
    a = agr.filled("parties")
    agr.set(a, "parties", agr.get(a, "parties") + ";par-9999")  # foreign-key of a party (cross)
    agr.save()
    q = CsvTable.open(pkg, "quotes")
    b = q.filled("text")
    q.set(b, "text", q.get(b, "text") + " (sic)")  # quote-in-evidence on a released column
    q.save()
    dis = CsvTable.open(pkg, "discrepancies")
    c = dis.filled("other_evidence_start")
    dis.set(c, "other_evidence_start", str(int(dis.get(c, "other_evidence_start")) + 1))  # other evidence shifted
    e = dis.where(lambda r: r["record_table"] == "events")
    dis.set(e, "record_id", "evt-99998")  # dangling discrepancy record (cross)
    dis.save()


def test_findings_one_table_at_a_time_equal_those_of_every_rule_on_the_whole_package(pkg):
    break_many(pkg)
    meta = load_metadata(pkg)
    whole = whole_package_findings(pkg, meta)
    _, _, by_table = check_by_table(pkg, meta)
    assert Counter(by_table) == Counter(whole)
    rules = {x.rule for x in whole}
    # the defects reached table rules, cross-table rules and the echo filter alike
    assert {"num-sources", "primary-mention", "csv-injection", "date-range", "evidence-verbatim", "foreign-key",
            "tie-confidence", "primary-confidence", "tie-explicit", "quote-in-evidence"} <= rules, sorted(rules)


def test_a_valid_package_keeps_every_table_for_build_and_finds_nothing(pkg):
    meta = load_metadata(pkg)
    tables, lines, findings = check_by_table(pkg, meta, keep_tables=True)
    assert findings == []
    assert list(tables) == list(lines) == [spec.name for spec in meta.tables]  # build writes in the schemas' order
    assert all(tables[name].num_rows == len(lines[name]) for name in tables)


def test_every_rule_runs_in_one_group():
    from china_russia_diplomacy.validation import rules
    from china_russia_diplomacy.validation.rules import chronology, confidence, entities

    table, cross = set(rules.TABLE_RULES), set(rules.CROSS_RULES)
    assert not table & cross
    documented = set(chronology.DOCUMENTED) | set(confidence.DOCUMENTED) | set(entities.DOCUMENTED)
    assert documented <= table | cross, sorted(r.__name__ for r in documented - table - cross)
    for name in ("foreign_keys", "event_dates", "event_mentions", "parent_cycles", "row_rules", "cell_hygiene",
                 "retired_ids", "country_codes", "language_codes", "event_codes"):
        assert getattr(rules, name) in table | cross, name


def test_a_cross_rule_asking_for_a_released_column_raises_instead_of_finding_nothing(pkg):
    from china_russia_diplomacy.validation.rules import Tables, released_columns
    from china_russia_diplomacy.validation.rules._vector import frame

    meta = load_metadata(pkg)
    gone = released_columns("event_mentions", meta.table("event_mentions").field_names)
    assert "evidence" in gone and "event_id" not in gone
    assert released_columns("sources", meta.table("sources").field_names) == frozenset()
    t = Tables(meta, {}, {}, pkg, released={"event_mentions": gone})
    with pytest.raises(KeyError, match="CROSS_READS"):
        frame(t, "event_mentions", "event_id", "evidence")
    assert frame(t, "event_mentions", "event_id") is None  # not loaded at all: the rule has nothing to check


def _whole_tables(pkg, meta):
    """Every table read, guarded and typed at once: the Tables every rule sees in ``run_rules``."""
    from china_russia_diplomacy.validation import read_tables
    from china_russia_diplomacy.validation.date_range import guard_dates
    from china_russia_diplomacy.validation.pandera_layer import validate_table
    from china_russia_diplomacy.validation.rules import Tables

    tables, lines, _ = read_tables(pkg, meta)
    guarded, _ = guard_dates(tables, lines)
    frames = {name: validate_table(meta.table(name), table, lines[name])[1] for name, table in guarded.items()}
    return Tables(meta, frames, lines, pkg, arrow=guarded), guarded


def test_each_table_rule_reports_only_on_the_tables_it_declares(pkg):
    """A table rule runs only in the turns of the tables TABLE_RULES names for it: a finding of it about
    another table would be lost one table at a time. On whole tables of a broken package, every finding
    of every rule is about a table it declares (or the package)."""
    from china_russia_diplomacy.validation import rules

    break_many(pkg)
    par = CsvTable.open(pkg, "participants")
    par.set(par.filled("country"), "country", "XXA")  # country-code, on participants...
    par.save()
    ev = CsvTable.open(pkg, "events")
    ev.set(ev.filled("location_country"), "location_country", "XXA")  # ... and on events: one rule, two tables
    ev.save()
    q = CsvTable.open(pkg, "quotes")
    v = q.filled("speaker_id")
    q.set(v, "via_id", q.get(v, "speaker_id"))  # via-is-speaker
    q.save()
    agr = CsvTable.open(pkg, "agreements")
    a = agr.filled("parties")
    agr.set(a, "parties", agr.get(a, "parties") + ";" + agr.get(a, "parties").split(";")[0])  # duplicate-party
    agr.save()
    meta = load_metadata(pkg)
    t, _ = _whole_tables(pkg, meta)
    names = set(meta.table_names)
    reached = set()
    for rule, about in rules.TABLE_RULES.items():
        if about == rules.EACH:
            continue
        tables = {x.table for x in rule(t)} & names
        reached |= {(rule.__name__, table) for table in tables}
        assert tables <= set(about), (rule.__name__, sorted(tables - set(about)))
    assert {("country_codes", "participants"), ("country_codes", "events"), ("quote_relays", "quotes"),
            ("agreement_parties", "agreements")} <= reached, sorted(reached)


def test_each_cross_rule_given_only_its_declared_columns_finds_what_it_finds_on_whole_tables(pkg):
    """``run_cross_rules`` hands each cross rule only the columns ``cross_columns`` names (fetched for it,
    the rest marked released): an undeclared column it reads would raise, or a ``column in frame`` test
    would silently take the other branch. Each rule, run both ways on a broken package, finds the same."""
    from china_russia_diplomacy.validation import rules
    from china_russia_diplomacy.validation.pandera_layer import validation_frame

    break_many(pkg)
    meta = load_metadata(pkg)
    t, guarded = _whole_tables(pkg, meta)
    whole = {n: t.frames[n] for n in rules.KEPT_WHOLE if n in t.frames}
    fetched = []

    def fetch(name, columns):
        fetched.append((name, columns))
        gone = rules.released_columns(name, guarded[name].column_names)
        assert not gone & set(columns), (name, sorted(gone & set(columns)))  # the spill would not hold them
        return validation_frame(guarded[name].select([c for c in guarded[name].column_names if c in columns]))

    for rule in rules.CROSS_RULES:
        one = rules.CROSS_RULES
        try:
            rules.CROSS_RULES = (rule,)
            on_whole = rules.run_cross_rules(t)
            by_columns = rules.run_cross_rules(rules.Tables(meta, dict(whole), t.lines, pkg, arrow={n: guarded[n] for n in whole}),
                                               fetch=fetch)
        finally:
            rules.CROSS_RULES = one
        assert Counter(by_columns) == Counter(on_whole), rule.__name__
    assert {name for name, _ in fetched} == set(meta.table_names) - set(rules.KEPT_WHOLE)


def test_rules_run_once_per_declared_table_and_package_checks_once(pkg, monkeypatch):
    """``run_table_rules`` ran every table rule in each of the eight tables' turns and kept the findings
    about that table (and a package-level finding eight times, de-duplicated after). Now a declared rule
    runs in its tables' turns only, an EACH rule once per table, and the retired IDs once: an invalid
    schemas/retired_ids.json gives one package finding without any de-duplication."""
    from china_russia_diplomacy.validation import rules

    (pkg / "schemas" / "retired_ids.json").write_text("[1, 2", encoding="utf-8")
    meta = load_metadata(pkg)
    calls: Counter = Counter()

    def counted(rule):
        @functools.wraps(rule)
        def run(t, *args):
            calls[rule.__name__] += 1
            return rule(t, *args)
        return run

    monkeypatch.setattr(rules, "TABLE_RULES", {counted(rule): about for rule, about in rules.TABLE_RULES.items()})
    monkeypatch.setattr(rules, "CROSS_RULES", tuple(counted(rule) for rule in rules.CROSS_RULES))
    _, _, findings = check_by_table(pkg, meta)
    n = len(meta.tables)
    for rule, about in rules.TABLE_RULES.items():
        name = rule.__name__
        assert calls[name] == (n if about == rules.EACH else len(about)), (name, calls[name])
    assert calls["retired_ids"] == 1 and calls["foreign_keys"] == 1
    assert [x.rule for x in findings if x.table == "package"] == ["retired-ids"]
