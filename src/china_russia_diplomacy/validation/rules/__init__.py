"""Second validation layer, part two: the rules no Table Schema can say.

Cross-table and provenance rules over the typed frames: foreign keys (which pandera cannot express),
date bounds, precision and EDTF consistency, every evidence span verbatim at its offsets in an archived
article whose SHA-256 matches, quote text inside its evidence, ``num_sources`` derived from the mentions,
acyclic parent events, cell hygiene (NFC, stray spaces, spreadsheet formulas, hidden characters),
code lists (ISO 3166, ISO 639, CAMEO, PLOVER, the crosswalk), time consistency between tables
(chronology), coherent, distinct entities and claims (entities) and confidence that claims no more than
the evidence (confidence).

The rules come in two groups so that a validation can hold one growing table at a time
(:mod:`..by_table`): :data:`TABLE_RULES` read one table (besides the small ``sources`` and
``participants``, see :data:`KEPT_WHOLE`), each declaring the tables its findings are about, and run
in those tables' turns only; :data:`CROSS_RULES` read several growing tables, or every table once, and
each gets only the columns it declares (:func:`cross_columns`), all of them columns that
:func:`released_columns` keeps. :func:`run_rules` runs both groups on whole tables (the tests' way to
run every rule at once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ..report import Finding
from .base import LAYER, Tables, f
from .chronology import (basis_of_undated_sources, children_within_parents, dates_after_source, dates_within_events,
                         event_after_sources, mention_status_dates)
from .codes import country_codes, event_codes, language_codes
from .confidence import (date_confidence, primary_mention_confidence, tie_confidence, tie_explicit,
                         translation_confidence)
from .dates import _edtf_bounds, _edtf_fast, edtf_bounds_by_parser, event_dates
from .entities import (about_descendants, agreement_parties, count_plausible, discrepancy_claims, duplicate_events,
                       duplicate_participants, quote_relays, role_conflicts, status_of_latest_source)
from .hygiene import cell_hygiene
from .keys import _as_list, foreign_keys, parent_cycles, retired_ids
from .provenance import archived_texts, event_mentions, evidence
from .rows import row_rules

if TYPE_CHECKING:
    import pandas as pd

# Tables that do not grow with the curated events (one row per archived article, per person or state):
# table rules may read them beside the table they check, and they are kept whole until the end.
KEPT_WHOLE = ("sources", "participants")

# Each table rule with the tables its findings are about. Such a rule reads those tables (and KEPT_WHOLE ones)
# and runs in the turn of each table it names, never in another's: EACH marks a rule that checks every
# table on that table's frame alone (cell hygiene, row rules), run in each turn with only that table loaded.
# Besides these, the evidence rule (with the archived texts), also on the table alone.
EACH = "each"
TABLE_RULES = {event_dates: ("events",), parent_cycles: ("events",), row_rules: EACH, cell_hygiene: EACH,
               country_codes: ("participants", "events"), language_codes: ("sources", "quotes"),
               event_codes: ("events",), dates_after_source: ("quotes", "agreements"),
               basis_of_undated_sources: ("events", "quotes", "agreements"), children_within_parents: ("events",),
               duplicate_participants: ("participants",), agreement_parties: ("agreements",), quote_relays: ("quotes",),
               about_descendants: ("events",), count_plausible: ("agreements",), role_conflicts: ("event_participants",),
               date_confidence: ("events", "quotes", "agreements"), translation_confidence: ("quotes",)}

# Rules that compare growing tables with each other, or look at every table once (retired IDs, whose
# package-level finding would otherwise come once per table): run once, at the end, each on the columns
# it reads (CROSS_COLUMNS), fetched for it alone.
CROSS_RULES = (foreign_keys, retired_ids, event_mentions, event_after_sources, mention_status_dates,
               dates_within_events, duplicate_events, discrepancy_claims, status_of_latest_source,
               primary_mention_confidence, tie_confidence, tie_explicit)

_MENTION_SPAN = ("event_id", "source_id", "evidence_start", "evidence_end")
# The columns each cross rule reads of each growing table (KEPT_WHOLE ones are always there whole); the
# keys of every table (foreign_keys, retired_ids) come from the metadata (:func:`cross_columns`). A rule
# given only these columns finds what it finds on whole tables; asking for another raises (a test runs
# every rule both ways).
CROSS_COLUMNS = {
    event_mentions: {"events": ("event_id", "num_sources", "source_id", "evidence_start", "evidence_end", "evidence"),
                     "event_mentions": ("event_id", "mention_id", "is_primary", "source_id", "evidence_start",
                                        "evidence_end")},
    event_after_sources: {"events": ("event_id", "status", "date_start"), "event_mentions": ("event_id", "source_id")},
    mention_status_dates: {"events": ("event_id", "date_start", "date_end"),
                           "event_mentions": ("event_id", "source_id", "reported_status")},
    dates_within_events: {"events": ("event_id", "date_start", "date_end"), "quotes": ("spoken_date", "event_id"),
                          "agreements": ("signed_date", "event_id")},
    duplicate_events: {"events": ("event_id", "event_type", "date_start", "date_end", "location_name",
                                  "location_country", "source_id", "evidence_start", "evidence_end"),
                       "event_participants": ("event_id", "participant_id")},
    discrepancy_claims: {"discrepancies": ("value", "other_value", "source_id", "other_source_id", "evidence_start",
                                           "evidence_end", "other_evidence_start", "other_evidence_end", "other_evidence",
                                           "record_table", "record_id", "mention_id", "other_mention_id"),
                         "event_mentions": ("mention_id", "event_id", "source_id")},
    status_of_latest_source: {"events": ("event_id", "status"),
                              "event_mentions": ("event_id", "source_id", "reported_status")},
    primary_mention_confidence: {"events": ("event_id", "confidence"),
                                 "event_mentions": ("event_id", "is_primary", "confidence")},
    tie_confidence: {"events": ("event_id", "confidence"),
                     "event_mentions": ("tie", "confidence_override", "confidence", "span_states", "event_id", "is_primary"),
                     "event_participants": ("tie", "confidence_override", "confidence", "span_states")},
    tie_explicit: {"events": ("event_id", "date_basis", "location_name", "location_country"),
                   "event_mentions": ("span_states", "tie", *_MENTION_SPAN),
                   "event_participants": ("span_states", "tie", *_MENTION_SPAN)},
}


def cross_columns(rule, meta) -> dict[str, tuple[str, ...]]:
    """{table: columns} that cross rule ``rule`` reads (the growing tables; KEPT_WHOLE ones are whole).
    A wrapper made with ``functools.wraps`` (a test's counter, a profiler's timer) stands for its rule."""
    rule = getattr(rule, "__wrapped__", rule)
    if rule is foreign_keys:
        reads: dict[str, list[str]] = {}
        for spec in meta.tables:
            for fk in spec.foreign_keys:
                ref = fk["reference"]  # the fields as foreign_keys itself reads them
                reads.setdefault(spec.name, []).extend(_as_list(fk["fields"]))
                reads.setdefault(ref.get("resource") or spec.name, []).extend(_as_list(ref["fields"]))
        reads.setdefault("agreements", []).append("parties")  # the parties, and the discrepancies' records:
        reads.setdefault("discrepancies", []).extend(["record_table", "record_id"])
        for spec in meta.tables:  # a record_table may name any table with a one-column key
            if len(spec.primary_key) == 1:
                reads.setdefault(spec.name, []).append(spec.primary_key[0])
        columns = {table: tuple(dict.fromkeys(cols)) for table, cols in reads.items()}
    elif rule is retired_ids:
        columns = {spec.name: (spec.primary_key[0],) for spec in meta.tables if len(spec.primary_key) == 1}
    else:
        columns = CROSS_COLUMNS[rule]
    return {table: cols for table, cols in columns.items() if table not in KEPT_WHOLE}


# Columns no cross-table rule reads: the free text (the bulk of a large package's memory) and the codes
# only a table's own rules check. Once a table's own rules ran they are released, except the few in
# CROSS_READS (a finding's value, an evidence comparison); a test checks that no cross rule asks for one.
RELEASED = frozenset({"evidence", "other_evidence", "notes", "date_note", "title", "text", "resolution",
                      "added_in", "reported_date_text", "date_text", "date_edtf", "date_precision", "cameo_code",
                      "plover_type", "quote_type", "carried_value", "attribute"})
CROSS_READS = frozenset({("events", "evidence"), ("discrepancies", "other_evidence")})


def released_columns(table: str, columns) -> frozenset[str]:
    """The columns of ``table`` that the cross-table rules never read (none for a table kept whole)."""
    if table in KEPT_WHOLE:
        return frozenset()
    return frozenset(c for c in columns if c in RELEASED and (table, c) not in CROSS_READS)


def run_table_rules(t: Tables, table: str, texts: dict[str, str]) -> list[Finding]:
    """The findings of the table rules (and the evidence rule) about ``table``: each rule that names it in
    TABLE_RULES runs on ``t`` (``table`` and any of KEPT_WHOLE, whose own findings are left to their own
    turn), each EACH rule and the evidence rule on ``table`` alone. Package-level findings ("package")
    pass: the only table rule that gives them (a code list's problem) runs in one turn."""
    alone = Tables(t.meta, {table: t.frames[table]}, t.lines, t.package_dir,
                   arrow={table: t.arrow[table]} if table in t.arrow else {})
    names = set(t.meta.table_names)
    found: list[Finding] = []
    for rule, about in TABLE_RULES.items():
        if about == EACH:
            found.extend(rule(alone))
        elif table in about:
            found.extend(rule(t))
    found.extend(evidence(alone, texts))
    return [x for x in found if x.table == table or x.table not in names]


Fetch = Callable[[str, tuple[str, ...]], "pd.DataFrame | None"]


def run_cross_rules(t: Tables, fetch: Fetch | None = None) -> list[Finding]:
    """The cross-table rules, each one's intermediate frames given back before the next one runs.

    Without ``fetch`` every rule reads ``t`` (whole tables). With it, ``t`` holds the KEPT_WHOLE tables
    only, and each rule gets the columns it reads (:func:`cross_columns`) as ``fetch(table, columns)``
    gives them (None: the table was not read), released again after it: only one rule's columns are in
    memory at a time. Every other column of a growing table is marked released, so that a rule asking
    for one it does not declare raises instead of finding nothing."""
    from ..memory_pool import release_memory

    findings: list[Finding] = []
    for rule in CROSS_RULES:
        if fetch is None:
            findings.extend(rule(t))
            continue
        reads = cross_columns(rule, t.meta)
        frames, released = dict(t.frames), {}
        for spec in t.meta.tables:
            if spec.name in KEPT_WHOLE:
                continue
            columns = reads.get(spec.name, ())
            released[spec.name] = frozenset(spec.field_names) - set(columns)
            df = fetch(spec.name, columns) if columns else None
            if df is not None:
                frames[spec.name] = df
        findings.extend(rule(Tables(t.meta, frames, t.lines, t.package_dir, arrow=t.arrow, released=released)))
        del frames
        release_memory()
    return findings


def run_rules(t: Tables) -> list[Finding]:
    """Every rule on whole tables."""
    texts, findings = archived_texts(t)
    for rule in TABLE_RULES:
        findings.extend(rule(t))
    findings.extend(run_cross_rules(t))
    findings.extend(evidence(t, texts))
    return findings


__all__ = ["LAYER", "EACH", "TABLE_RULES", "CROSS_RULES", "CROSS_COLUMNS", "cross_columns", "KEPT_WHOLE", "RELEASED", "CROSS_READS", "Tables", "f",
           "run_rules", "run_table_rules", "run_cross_rules", "released_columns", "archived_texts", "_edtf_bounds",
           "_edtf_fast", "edtf_bounds_by_parser"]
