"""Well-formed but wrong: edits that pass every pattern and type yet say something false or incoherent
(issue #10). Code lists, time consistency between tables, duplicate entities and incoherent claims.

Each injector edits one package copy and returns what must be reported (table, rule, CSV line,
column), so the same edits serve the per-class validate tests and one build that must refuse them all.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Callable

import pytest

from .inject import CsvTable, assert_build_refuses, assert_caught, matching, snapshot

defect = pytest.mark.defect
Expected = tuple[str, str, int, str]


def _set(pkg: Path, table: str, pick: Callable[[dict], bool], column: str, value: str) -> Expected:
    """Set ``column`` of the first row ``pick`` accepts; return where the finding must point."""
    t = CsvTable.open(pkg, table)
    i = t.where(pick)
    t.set(i, column, value)
    t.save()
    return table, "", t.line(i), column


def _published(pkg: Path) -> dict[str, str]:
    s = CsvTable.open(pkg, "sources")
    return {r[0]: r[s.header.index("published_date")] for r in s.rows}


def _events(pkg: Path) -> dict[str, dict[str, str]]:
    e = CsvTable.open(pkg, "events")
    return {r[0]: dict(zip(e.header, r)) for r in e.rows}


def _with_rule(where: Expected, rule: str) -> Expected:
    return where[0], rule, where[2], where[3]


# --- code lists ---------------------------------------------------------------------------------

def country_not_iso(pkg):
    return _with_rule(_set(pkg, "participants", lambda r: r["country"] != "", "country", "XYZ"), "country-code")


def former_state_as_location(pkg):
    return _with_rule(_set(pkg, "events", lambda r: r["location_country"] != "", "location_country", "SUN"), "country-code")


def language_not_iso(pkg):
    return _with_rule(_set(pkg, "sources", lambda r: True, "language", "xq"), "language-code")


def cameo_lost_leading_zero(pkg):
    return _with_rule(_set(pkg, "events", lambda r: r["cameo_code"].startswith("0") and len(r["cameo_code"]) == 3,
                           "cameo_code", "42"), "cameo-code")


def cameo_against_crosswalk(pkg):
    return _with_rule(_set(pkg, "events", lambda r: r["event_type"] == "call", "cameo_code", "057"), "crosswalk")


def plover_against_crosswalk(pkg):
    return _with_rule(_set(pkg, "events", lambda r: r["event_type"] == "talks", "plover_type", "ASSAULT"), "crosswalk")


# --- time ---------------------------------------------------------------------------------------

def _move_event(pkg, pick, day: dt.date) -> Expected:
    t = CsvTable.open(pkg, "events")
    i = t.where(pick)
    for col in ("date_start", "date_end", "date_edtf"):
        t.set(i, col, day.isoformat())
    t.save()
    return "events", "", t.line(i), "date_start"


def occurred_after_every_report(pkg):
    pub = max(d for d in _published(pkg).values() if d)
    later = dt.date.fromisoformat(pub) + dt.timedelta(days=120)
    return _with_rule(_move_event(pkg, lambda r: r["status"] == "occurred" and r["date_precision"] == "day"
                                  and r["parent_event_id"] == "", later), "occurred-after-sources")


def planned_mention_of_a_past_event(pkg):
    pub, events = _published(pkg), _events(pkg)

    def past(r):
        end = events[r["event_id"]]["date_end"]
        return r["reported_status"] == "occurred" and end != "" and pub.get(r["source_id"]) and end < pub[r["source_id"]]

    return _with_rule(_set(pkg, "event_mentions", past, "reported_status", "planned"), "mention-status-date")


def quote_spoken_after_its_article(pkg):
    return _with_rule(_set(pkg, "quotes", lambda r: r["spoken_date"] != "", "spoken_date", "2026-01-01"), "spoken-after-source")


def signed_after_its_article(pkg):
    return _with_rule(_set(pkg, "agreements", lambda r: r["signed_date"] != "" and r["status"] == "signed",
                           "signed_date", "2026-01-01"), "signed-after-source")


def resolved_against_an_undated_article(pkg):
    undated = {k for k, v in _published(pkg).items() if not v}
    return _with_rule(_set(pkg, "events", lambda r: r["source_id"] in undated and r["date_basis"] == "inferred",
                           "date_basis", "weekday_resolved"), "basis-undated-source")


def child_outside_its_parent(pkg):
    events = _events(pkg)

    def dated_child(r):
        parent = events.get(r["parent_event_id"])
        return r["date_precision"] == "day" and parent is not None and parent["date_start"] != ""

    t = CsvTable.open(pkg, "events")
    parent_start = events[t.get(t.where(dated_child), "parent_event_id")]["date_start"]
    earlier = dt.date.fromisoformat(parent_start) - dt.timedelta(days=30)
    return _with_rule(_move_event(pkg, dated_child, earlier), "child-outside-parent")


def quote_outside_its_event(pkg):
    events = _events(pkg)

    def dated(r):
        ev = events.get(r["event_id"])
        return r["spoken_date"] != "" and ev is not None and ev["date_start"] != ""

    t = CsvTable.open(pkg, "quotes")  # the last such quote: quote_spoken_after_its_article edits the first
    i = max(k for k, row in enumerate(t.rows) if dated(dict(zip(t.header, row))))
    start = events[t.get(i, "event_id")]["date_start"]
    t.set(i, "spoken_date", (dt.date.fromisoformat(start) - dt.timedelta(days=1)).isoformat())
    t.save()
    return "quotes", "date-outside-event", t.line(i), "spoken_date"


def date_outside_pandas_range(pkg):
    return _with_rule(_set(pkg, "events", lambda r: r["date_start"] != "", "date_start", "1600-05-09"), "date-range")


# --- entities and claims ------------------------------------------------------------------------

def alias_of_another_participant(pkg):
    t = CsvTable.open(pkg, "participants")
    first = t.where(lambda r: r["aliases"] != "")
    taken = t.get(first, "aliases").split(";")[0]
    i = t.where(lambda r: r["name"] != "" and r["participant_id"] > t.get(first, "participant_id") and r["aliases"] == "")
    t.set(i, "aliases", taken)
    t.save()
    return "participants", "duplicate-participant", t.line(i), "aliases"


def party_listed_twice(pkg):
    t = CsvTable.open(pkg, "agreements")
    i = t.filled("parties")
    first = t.get(i, "parties").split(";")[0]
    t.set(i, "parties", f"{t.get(i, 'parties')};{first}")
    t.save()
    return "agreements", "duplicate-party", t.line(i), "parties"


def quote_relayed_by_its_speaker(pkg):
    t = CsvTable.open(pkg, "quotes")
    i = t.filled("via_id")
    t.set(i, "via_id", t.get(i, "speaker_id"))
    t.save()
    return "quotes", "via-is-speaker", t.line(i), "via_id"


def discrepancy_without_disagreement(pkg):
    t = CsvTable.open(pkg, "discrepancies")
    t.set(0, "other_value", t.get(0, "value"))
    t.save()
    return "discrepancies", "discrepancy-same-value", t.line(0), "other_value"


def discrepancy_of_one_span(pkg):
    t = CsvTable.open(pkg, "discrepancies")
    i = t.where(lambda r: r["mention_id"] == "")
    for a, b in (("source_id", "other_source_id"), ("evidence", "other_evidence"),
                 ("evidence_start", "other_evidence_start"), ("evidence_end", "other_evidence_end")):
        t.set(i, b, t.get(i, a))
    t.save()
    return "discrepancies", "discrepancy-same-evidence", t.line(i), "other_evidence"


def discrepancy_citing_another_events_mention(pkg):
    m = CsvTable.open(pkg, "event_mentions")
    t = CsvTable.open(pkg, "discrepancies")
    i = t.filled("mention_id")
    other = m.rows[m.where(lambda r: r["event_id"] != t.get(i, "record_id"))][0]
    t.set(i, "mention_id", other)
    t.save()
    return "discrepancies", "discrepancy-mention", t.line(i), "mention_id"


def event_about_its_own_part(pkg):
    t = CsvTable.open(pkg, "events")
    child = t.where(lambda r: r["parent_event_id"] != "")
    parent_id = t.get(child, "parent_event_id")
    i = t.where(lambda r: r["event_id"] == parent_id)
    t.set(i, "about_event_id", t.get(child, "event_id"))
    t.save()
    return "events", "about-descendant", t.line(i), "about_event_id"


def count_beyond_its_text(pkg):
    t = CsvTable.open(pkg, "agreements")
    i = t.filled("count_low")
    t.set(i, "count_low", str(int(t.get(i, "count_low")) * 10))
    t.save()
    return "agreements", "count-low", t.line(i), "count_low"


def status_not_the_latest_articles(pkg):
    m = CsvTable.open(pkg, "event_mentions")
    statuses: dict[str, set] = {}
    for r in m.rows:
        statuses.setdefault(r[m.header.index("event_id")], set()).add(r[m.header.index("reported_status")])
    return _with_rule(_set(pkg, "events", lambda r: statuses.get(r["event_id"]) == {"occurred"}, "status", "planned"),
                      "status-latest-source")


def discrepancy_claims_swapped(pkg):
    """The second source's claim recorded first: every span stays verbatim, only the order is wrong."""
    t = CsvTable.open(pkg, "discrepancies")
    both = [k for k, row in enumerate(t.rows) if row[t.header.index("mention_id")] and row[t.header.index("other_mention_id")]]
    i = both[-1]  # the last such row: the other discrepancy edits take the first ones
    for a, b in (("source_id", "other_source_id"), ("value", "other_value"), ("mention_id", "other_mention_id"),
                 ("evidence", "other_evidence"), ("evidence_start", "other_evidence_start"),
                 ("evidence_end", "other_evidence_end")):
        first, second = t.get(i, a), t.get(i, b)
        t.set(i, a, second)
        t.set(i, b, first)
    t.save()
    return "discrepancies", "discrepancy-source-order", t.line(i), "other_source_id"


def resolved_date_at_high_confidence(pkg):
    """The last weekday-resolved event and its primary mention raised to high (so that only the date rule fires)."""
    events = CsvTable.open(pkg, "events")
    i = max(k for k, row in enumerate(events.rows)
            if row[events.header.index("date_basis")] == "weekday_resolved" and row[events.header.index("confidence")] != "high")
    event_id = events.get(i, "event_id")
    events.set(i, "confidence", "high")
    events.save()
    men = CsvTable.open(pkg, "event_mentions")
    k = men.where(lambda r: r["event_id"] == event_id and r["is_primary"] == "true")
    men.set(k, "confidence", "high")
    men.save()
    return "events", "date-confidence", events.line(i), "confidence"


def inferred_language_at_high_confidence(pkg):
    return _with_rule(_set(pkg, "quotes", lambda r: r["translation_basis"] == "inferred_from_speaker"
                           and r["spoken_date_basis"] == "" and r["confidence"] != "high", "confidence", "high"),
                      "translation-confidence")


def primary_mention_confidence_changed(pkg):
    """The last primary mention (the other mention edits take the first ones) given another confidence."""
    t = CsvTable.open(pkg, "event_mentions")
    i = max(k for k, row in enumerate(t.rows) if row[t.header.index("is_primary")] == "true")
    t.set(i, "confidence", "low" if t.get(i, "confidence") != "low" else "medium")
    t.save()
    return "event_mentions", "primary-confidence", t.line(i), "confidence"


def mention_above_its_tie(pkg):
    """men-0079 ("The meeting between Putin and Xi comes at a moment ...", the third audit's row): its span
    refers back to the talks (tie refers_back), so the rule gives medium; raised back to high."""
    t = CsvTable.open(pkg, "event_mentions")
    i = t.where(lambda r: r["mention_id"] == "men-0079" and r["tie"] == "refers_back")
    t.set(i, "confidence", "high")
    t.save()
    return "event_mentions", "tie-confidence", t.line(i), "confidence"


def participation_above_its_tie(pkg):
    """(evt-0029, par-0023, reporter): "The Kremlin stated via Telegram" is read as the Sunday announcement
    through the same article (tie same_article, medium); raised back to high."""
    t = CsvTable.open(pkg, "event_participants")
    i = t.where(lambda r: (r["event_id"], r["participant_id"], r["role"]) == ("evt-0029", "par-0023", "reporter"))
    t.set(i, "confidence", "high")
    t.save()
    return "event_participants", "tie-confidence", t.line(i), "confidence"


def explicit_tie_the_span_cannot_make(pkg):
    """men-0095 ("the solemn events in honor of the victory in the Great Patriotic War": no who, when or where)
    recorded as tie explicit at high: the confidence matches the tie, but the span's words cannot make it."""
    t = CsvTable.open(pkg, "event_mentions")
    i = t.where(lambda r: r["mention_id"] == "men-0095" and r["span_states"] == "action")
    t.set(i, "tie", "explicit")
    t.set(i, "confidence", "high")
    t.save()
    return "event_mentions", "tie-explicit", t.line(i), "tie"


def hidden_character_in_a_title(pkg, ch: str = "\u200b"):
    t = CsvTable.open(pkg, "events")
    title = t.get(0, "title")
    t.set(0, "title", title[:3] + ch + title[3:])
    t.save()
    return "events", "hidden-character", t.line(0), "title"


# class -> injector; each edits other rows or columns than the others. The 1600 date is not among them:
# build refuses it before the rules run (test_date_of_1600_is_a_finding_not_a_traceback).
CELL_EDITS = {
    "code: country not in ISO 3166": country_not_iso,
    "code: former state as a location": former_state_as_location,
    "code: language not in ISO 639": language_not_iso,
    "code: CAMEO code lost its leading zero": cameo_lost_leading_zero,
    "code: CAMEO code the crosswalk refuses": cameo_against_crosswalk,
    "code: PLOVER type the crosswalk refuses": plover_against_crosswalk,
    "time: occurred after every report": occurred_after_every_report,
    "time: planned after it was over": planned_mention_of_a_past_event,
    "time: quote spoken after its article": quote_spoken_after_its_article,
    "time: signed after its article": signed_after_its_article,
    "time: resolved against an undated article": resolved_against_an_undated_article,
    "time: child outside its parent": child_outside_its_parent,
    "time: quote outside its event": quote_outside_its_event,
    "entity: alias of another participant": alias_of_another_participant,
    "claim: party listed twice": party_listed_twice,
    "claim: quote relayed by its speaker": quote_relayed_by_its_speaker,
    "claim: discrepancy without disagreement": discrepancy_without_disagreement,
    "claim: discrepancy of one span": discrepancy_of_one_span,
    "claim: discrepancy citing another event's mention": discrepancy_citing_another_events_mention,
    "claim: event about its own part": event_about_its_own_part,
    "claim: count beyond its count_text": count_beyond_its_text,
    "claim: status not the latest article's": status_not_the_latest_articles,
    "claim: discrepancy sources out of order": discrepancy_claims_swapped,
    "claim: resolved date at high confidence": resolved_date_at_high_confidence,
    "claim: inferred language at high confidence": inferred_language_at_high_confidence,
    "claim: primary mention's confidence not its event's": primary_mention_confidence_changed,
    "claim: confidence not what its tie gives": mention_above_its_tie,
    "claim: participation confidence not what its tie gives": participation_above_its_tie,
    "claim: explicit tie the span cannot make": explicit_tie_the_span_cannot_make,
    "file: hidden character": hidden_character_in_a_title,
}


def _check(pkg, inject) -> None:
    table, rule, line, column = inject(pkg)
    f = assert_caught(pkg, table, rule, line, column)
    assert f.value is not None, f"the finding names no value: {f}"


@defect("code: country not in ISO 3166")
def test_country_code_that_is_no_iso_code_is_reported(pkg):
    _check(pkg, country_not_iso)


@defect("code: former state as a location")
def test_former_state_code_as_a_location_is_reported(pkg):
    _check(pkg, former_state_as_location)


def test_former_state_code_for_a_participant_is_accepted(pkg):
    """The codebook allows ISO 3166-3 codes of former states for participants (the Soviet Union)."""
    from china_russia_diplomacy.validation import validate_package

    t = CsvTable.open(pkg, "participants")
    i = t.where(lambda r: r["participant_type"] == "state")
    t.set(i, "country", "SUN")
    t.save()
    assert not matching(validate_package(pkg).findings, "participants", "country-code")


@defect("code: language not in ISO 639")
def test_language_code_that_is_no_iso_code_is_reported(pkg):
    _check(pkg, language_not_iso)


@defect("code: CAMEO code lost its leading zero")
def test_cameo_code_without_its_leading_zero_is_reported(pkg):
    table, rule, line, column = cameo_lost_leading_zero(pkg)
    f = assert_caught(pkg, table, rule, line, column)
    assert "leading zero" in f.message and "'042'" in f.message


@defect("code: CAMEO code the crosswalk refuses")
def test_cameo_code_of_another_event_type_is_reported(pkg):
    _check(pkg, cameo_against_crosswalk)


@defect("code: PLOVER type the crosswalk refuses")
def test_plover_type_of_another_event_type_is_reported(pkg):
    _check(pkg, plover_against_crosswalk)


@defect("code: code list missing")
def test_missing_code_list_is_reported(pkg):
    (pkg / "schemas" / "codelists" / "cameo.csv").unlink()
    assert_caught(pkg, "package", "codelist")


@defect("time: occurred after every report")
def test_occurred_event_dated_after_every_report_is_reported(pkg):
    _check(pkg, occurred_after_every_report)


@defect("time: planned after it was over")
def test_planned_mention_of_an_event_already_over_is_reported(pkg):
    _check(pkg, planned_mention_of_a_past_event)


@defect("time: quote spoken after its article")
def test_quote_spoken_after_its_article_is_reported(pkg):
    _check(pkg, quote_spoken_after_its_article)


@defect("time: signed after its article")
def test_signing_after_its_article_is_reported(pkg):
    _check(pkg, signed_after_its_article)


@defect("time: resolved against an undated article")
def test_weekday_resolved_in_an_undated_article_is_reported(pkg):
    _check(pkg, resolved_against_an_undated_article)


@defect("time: child outside its parent")
def test_child_event_after_its_parent_is_reported(pkg):
    _check(pkg, child_outside_its_parent)


@defect("time: quote outside its event")
def test_quote_dated_outside_its_event_is_reported(pkg):
    _check(pkg, quote_outside_its_event)


@defect("time: date outside the pandas range")
def test_date_of_1600_is_a_finding_not_a_traceback(pkg):
    table, rule, line, column = date_outside_pandas_range(pkg)
    assert_caught(pkg, table, rule, line, column, build=True)


@defect("entity: alias of another participant")
def test_alias_shared_by_two_participants_is_reported(pkg):
    _check(pkg, alias_of_another_participant)


@defect("entity: duplicate participant")
def test_participant_recorded_twice_is_reported(pkg):
    t = CsvTable.open(pkg, "participants")
    i = t.where(lambda r: r["name"] != "")
    copy = list(t.rows[i])
    copy[0] = "par-0999"
    t.rows.append(copy)
    t.save()
    assert_caught(pkg, "participants", "duplicate-participant", t.line(len(t.rows) - 1), "name")


@defect("entity: duplicate event")
def test_event_recorded_twice_is_reported(pkg):
    """A copy under a new ID, with its participants and mentions: unique keys, one real event twice."""
    events, ep, men = (CsvTable.open(pkg, n) for n in ("events", "event_participants", "event_mentions"))
    source = events.rows[0][0]
    copy = list(events.rows[0])
    copy[0] = "evt-0999"
    events.rows.append(copy)
    ep.rows += [["evt-0999", *r[1:]] for r in ep.rows if r[0] == source]
    k = men.header.index("event_id")
    extra = [list(r) for r in men.rows if r[k] == source]
    for n, r in enumerate(extra):
        r[0], r[k] = f"men-{9000 + n}", "evt-0999"
    men.rows += extra
    for t in (events, ep, men):
        t.save()
    assert_caught(pkg, "events", "duplicate-event", events.line(len(events.rows) - 1), "event_id")


@defect("claim: party listed twice")
def test_agreement_party_listed_twice_is_reported(pkg):
    _check(pkg, party_listed_twice)


@defect("claim: quote relayed by its speaker")
def test_quote_relayed_by_its_own_speaker_is_reported(pkg):
    _check(pkg, quote_relayed_by_its_speaker)


@defect("claim: discrepancy without disagreement")
def test_discrepancy_between_equal_values_is_reported(pkg):
    _check(pkg, discrepancy_without_disagreement)


@defect("claim: discrepancy of one span")
def test_discrepancy_whose_two_claims_are_one_span_is_reported(pkg):
    _check(pkg, discrepancy_of_one_span)


@defect("claim: discrepancy citing another event's mention")
def test_discrepancy_citing_a_mention_of_another_event_is_reported(pkg):
    _check(pkg, discrepancy_citing_another_events_mention)


@defect("claim: event about its own part")
def test_event_about_its_own_child_is_reported(pkg):
    _check(pkg, event_about_its_own_part)


@defect("claim: count beyond its count_text")
def test_count_low_beyond_its_count_text_is_reported(pkg):
    _check(pkg, count_beyond_its_text)


@defect("claim: one participant in conflicting roles")
def test_visitor_who_is_also_host_is_reported(pkg):
    t = CsvTable.open(pkg, "event_participants")
    i = t.where(lambda r: r["role"] == "visitor")
    copy = list(t.rows[i])
    copy[t.header.index("role")] = "host"
    t.rows.append(copy)
    t.save()
    assert_caught(pkg, "event_participants", "role-conflict", t.line(len(t.rows) - 1), "role")


@defect("claim: status not the latest article's")
def test_status_other_than_the_latest_articles_is_reported(pkg):
    _check(pkg, status_not_the_latest_articles)


@defect("claim: discrepancy sources out of order")
def test_discrepancy_with_its_claims_swapped_is_reported(pkg):
    _check(pkg, discrepancy_claims_swapped)


@defect("claim: discrepancy sources out of order")
def test_discrepancy_within_one_article_is_reported(pkg):
    """Both claims from one article (another, verbatim span of it): not a disagreement between two articles."""
    t = CsvTable.open(pkg, "discrepancies")
    i = t.where(lambda r: " " in r["evidence"])
    evidence, start = t.get(i, "evidence"), int(t.get(i, "evidence_start"))
    word = evidence[:evidence.index(" ")]
    for column, value in (("other_source_id", t.get(i, "source_id")), ("other_mention_id", ""), ("other_evidence", word),
                          ("other_evidence_start", str(start)), ("other_evidence_end", str(start + len(word)))):
        t.set(i, column, value)
    t.save()
    f = assert_caught(pkg, "discrepancies", "discrepancy-source-order", t.line(i), "other_source_id")
    assert "two articles" in f.message


@defect("claim: resolved date at high confidence")
def test_resolved_date_at_high_confidence_is_reported(pkg):
    _check(pkg, resolved_date_at_high_confidence)


@defect("claim: inferred language at high confidence")
def test_inferred_language_at_high_confidence_is_reported(pkg):
    _check(pkg, inferred_language_at_high_confidence)


def test_stated_language_may_be_high(pkg):
    """The rule is about the inference: a language the article states (`stated`) may carry high confidence."""
    from china_russia_diplomacy.validation import validate_package

    t = CsvTable.open(pkg, "quotes")
    i = t.where(lambda r: r["translation_basis"] == "inferred_from_speaker" and r["spoken_date_basis"] == "")
    t.set(i, "translation_basis", "stated")
    t.set(i, "confidence", "high")
    t.save()
    assert not matching(validate_package(pkg).findings, "quotes", "translation-confidence")


@defect("claim: primary mention's confidence not its event's")
def test_primary_mention_with_another_confidence_than_its_event_is_reported(pkg):
    _check(pkg, primary_mention_confidence_changed)


@defect("claim: confidence not what its tie gives")
def test_mention_raised_above_its_tie_is_reported_with_codes_and_expected_confidence(pkg):
    table, rule, line, column = mention_above_its_tie(pkg)
    f = assert_caught(pkg, table, rule, line, column)
    assert "'refers_back'" in f.message and "gives 'medium'" in f.message and f.value == "high"


@defect("claim: participation confidence not what its tie gives")
def test_participation_raised_above_its_tie_is_reported(pkg):
    table, rule, line, column = participation_above_its_tie(pkg)
    f = assert_caught(pkg, table, rule, line, column)
    assert "'same_article'" in f.message and "gives 'medium'" in f.message


@defect("claim: explicit tie the span cannot make")
def test_explicit_tie_without_the_words_for_it_is_reported(pkg):
    table, rule, line, column = explicit_tie_the_span_cannot_make(pkg)
    f = assert_caught(pkg, table, rule, line, column)
    assert "'action'" in f.message


@defect("claim: confidence not what its tie gives")
def test_every_row_the_rule_puts_below_high_is_refused_at_high(pkg):
    """The third audit's complaint was rows rated high one at a time while their siblings were lowered: now
    raising ANY mention or participation row whose tie gives less than high to high is a finding on that
    row's confidence (all raised in one copy, one validation)."""
    from china_russia_diplomacy.validation import validate_package

    raised = {}
    for table in ("event_mentions", "event_participants"):
        t = CsvTable.open(pkg, table)
        rows = [i for i, row in enumerate(t.rows) if dict(zip(t.header, row))["confidence"] != "high"]
        assert len(rows) > 50, f"{table}: expected many rows below high"
        for i in rows:
            t.set(i, "confidence", "high")
        t.save()
        raised[table] = [t.line(i) for i in rows]
    findings = validate_package(pkg).findings
    for table, lines in raised.items():
        caught = {f.line for f in matching(findings, table, "tie-confidence", column="confidence")}
        missed = [line for line in lines if line not in caught]
        assert not missed, f"{table}: raised to high without a tie-confidence finding on lines {missed}"


@defect("claim: explicit tie the span cannot make")
def test_participation_explicit_without_an_explicit_anchor_is_reported(pkg):
    """(evt-0036, par-0001, speaker), "Putin, for his part, said": participant and role are in the span, but the
    span neither identifies the event itself nor lies in an explicit mention (its anchor men-0084 is
    refers_back): an explicit tie there claims more than the words do."""
    t = CsvTable.open(pkg, "event_participants")
    i = t.where(lambda r: (r["event_id"], r["participant_id"], r["role"]) == ("evt-0036", "par-0001", "speaker")
                and r["span_states"] == "actor+action")
    t.set(i, "tie", "explicit")
    t.set(i, "confidence", "high")
    t.save()
    f = assert_caught(pkg, "event_participants", "tie-explicit", t.line(i), "tie")
    assert "overlaps" in f.message

def test_primary_mention_is_capped_by_its_event(pkg):
    """An explicit tie gives high, but a primary mention is no higher than its event (whose confidence also
    covers the event's date): men-0106 is explicit, its event evt-0040 low (a vague period), so low is right and
    high is refused, naming the event."""
    t = CsvTable.open(pkg, "event_mentions")
    i = t.where(lambda r: r["mention_id"] == "men-0106" and r["tie"] == "explicit" and r["is_primary"] == "true")
    assert t.get(i, "confidence") == "low"
    t.set(i, "confidence", "high")
    t.save()
    f = assert_caught(pkg, "event_mentions", "tie-confidence", t.line(i), "confidence")
    assert "evt-0040" in f.message and "gives 'low'" in f.message


def test_hedged_override_gives_low_and_curator_override_must_depart_from_the_rule(pkg):
    """`hedged` lowers to low whatever the tie; `curator` is the recorded overruling: accepted when it
    departs from the rule, refused when the rule gives the same value anyway (an override that overrides
    nothing)."""
    from china_russia_diplomacy.validation import validate_package

    t = CsvTable.open(pkg, "event_participants")
    hedged = t.where(lambda r: r["confidence_override"] == "hedged")
    assert t.get(hedged, "confidence") == "low"
    explicit = [k for k, row in enumerate(t.rows) if dict(zip(t.header, row))["tie"] == "explicit"]
    departs, same = explicit[0], explicit[1]
    t.set(departs, "confidence_override", "curator")
    t.set(departs, "confidence", "medium")
    t.set(same, "confidence_override", "curator")
    t.save()
    findings = matching(validate_package(pkg).findings, "event_participants", "tie-confidence")
    assert [f.line for f in findings] == [t.line(same)], findings
    assert "drop the override" in findings[0].message


@defect("file: hidden character")
@pytest.mark.parametrize("ch", ["\u200b", "\u200d", "\u200e", "\u202e", "\u2066", "\ufeff", "\u00ad", "\u2028",
                                "\u2029", "\u0085", "\u00a0", "\u2009", "\ue000", "\U000e0001", "\u0378"],
                         ids=lambda c: f"U+{ord(c):04X}")
def test_hidden_or_line_breaking_character_is_reported(pkg, ch):
    table, rule, line, column = hidden_character_in_a_title(pkg, ch)
    f = assert_caught(pkg, table, rule, line, column)
    assert f"U+{ord(ch):04X}" in f.message


def test_verbatim_evidence_is_exempt_from_the_hidden_character_rule(pkg):
    """Evidence must keep whatever the article holds; an invisible character not in it is caught as an edit."""
    t = CsvTable.open(pkg, "events")
    ev = t.get(0, "evidence")
    t.set(0, "evidence", ev[:3] + "\u00a0" + ev[4:] if ev[3] == " " else ev[:3] + "\u200b" + ev[3:])
    t.save()
    from china_russia_diplomacy.validation import validate_package

    report = validate_package(pkg)
    assert not matching(report.findings, "events", "hidden-character", column="evidence")
    assert matching(report.findings, "events", "evidence-verbatim", t.line(0), "evidence")


@defect("fault: invalid input refused by build")
def test_build_refuses_every_semantic_defect_with_a_located_message(pkg):
    """All cell edits of this module in one copy; one build must refuse each at its line and column."""
    from china_russia_diplomacy.build.pipeline import build
    from china_russia_diplomacy.validation import ValidationError

    expected = [inject(pkg) for inject in CELL_EDITS.values()]
    before = snapshot(pkg)
    with pytest.raises(ValidationError) as exc:
        build(pkg)
    assert snapshot(pkg) == before, "build changed files although it refused"
    report = exc.value.report
    for table, rule, line, column in expected:
        hits = matching(report.findings, table, rule, line, column)
        assert hits, f"build did not report {rule} at {table} line {line} column {column}:\n{report.to_text()}"
        assert hits[0].value is not None and hits[0].message.strip()


# --- files that are not what their name says -----------------------------------------------------

@defect("file: link instead of a file")
def test_csv_replaced_by_a_symlink_is_refused(pkg, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    shutil.copy(pkg / "data" / "quotes.csv", outside)
    (pkg / "data" / "quotes.csv").unlink()
    (pkg / "data" / "quotes.csv").symlink_to(outside)
    f = assert_caught(pkg, "quotes", "file-type", build=True)
    assert "symbolic link" in f.message


@defect("file: link instead of a file")
def test_archived_article_replaced_by_a_fifo_is_refused_without_blocking(pkg):
    import os

    name = sorted((pkg / "sources").iterdir())[0]
    name.unlink()
    os.mkfifo(name)
    assert_caught(pkg, "sources", "file-type", column="file_name")
    assert_build_refuses(pkg, "package", "file-type")


@defect("file: not what its name says")
def test_csv_that_is_a_zip_archive_is_reported(pkg):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("quotes.csv", (pkg / "data" / "quotes.csv").read_text(encoding="utf-8"))
    (pkg / "data" / "quotes.csv").write_bytes(buf.getvalue())
    f = assert_caught(pkg, "quotes", "file-type", 1, build=True)
    assert "zip" in f.message


@defect("file: not what its name says")
def test_csv_that_is_a_parquet_file_is_reported(pkg):
    shutil.copy(pkg / "data" / "events.parquet", pkg / "data" / "events.csv")
    f = assert_caught(pkg, "events", "file-type", 1, build=True)
    assert "Parquet" in f.message


@defect("file: not what its name says")
@pytest.mark.parametrize("text", ["[]", "42", '"datapackage"', '{"resources": 3}', '{"resources": [1]}'])
def test_descriptor_that_is_json_but_no_package_is_reported(pkg, text):
    (pkg / "datapackage.json").write_text(text, encoding="utf-8")
    assert_caught(pkg, "package", "descriptor-error")


def test_date_of_1600_is_reported_once_not_echoed_as_an_unpaired_bound(pkg):
    """The emptied out-of-range date used to add a date-bounds-pair finding on the same row: one defect,
    two messages. A curator sees the date-range finding only."""
    from china_russia_diplomacy.validation import validate_package

    table, rule, line, column = date_outside_pandas_range(pkg)
    on_row = [x for x in validate_package(pkg).findings if x.table == table and x.line == line and x.layer != "frictionless"]
    assert [x.rule for x in on_row if x.layer == "rules"] == ["date-range"], [(x.layer, x.rule, x.message) for x in on_row]
