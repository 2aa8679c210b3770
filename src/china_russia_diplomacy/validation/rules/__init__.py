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
``participants``, see :data:`KEPT_WHOLE`) and each of their findings is about that table;
:data:`CROSS_RULES` read several growing tables, and only columns that :func:`released_columns` keeps.
:func:`run_rules` runs both groups on whole tables (the tests' way to run every rule at once).
"""

from __future__ import annotations

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
from .keys import foreign_keys, parent_cycles, retired_ids
from .provenance import archived_texts, event_mentions, evidence
from .rows import row_rules

# Tables that do not grow with the curated events (one row per archived article, per person or state):
# table rules may read them beside the table they check, and they are kept whole until the end.
KEPT_WHOLE = ("sources", "participants")

# Rules that read one table (and KEPT_WHOLE ones): each finding of theirs is about the table they read,
# whichever other tables are loaded. Besides these, the evidence rule (with the archived texts).
TABLE_RULES = (event_dates, parent_cycles, row_rules, cell_hygiene, retired_ids, country_codes, language_codes,
               event_codes, dates_after_source, basis_of_undated_sources, children_within_parents,
               duplicate_participants, agreement_parties, quote_relays, about_descendants, count_plausible,
               role_conflicts, date_confidence, translation_confidence)

# Rules that compare growing tables with each other: run once, on the columns every table keeps.
CROSS_RULES = (foreign_keys, event_mentions, event_after_sources, mention_status_dates, dates_within_events,
               duplicate_events, discrepancy_claims, status_of_latest_source, primary_mention_confidence,
               tie_confidence, tie_explicit)

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
    """The findings of the table rules (and the evidence rule) about ``table``, and the package-level
    ones (``table`` "package"); ``t`` holds ``table`` and any of KEPT_WHOLE, whose own findings are
    left to their own turn."""
    names = set(t.meta.table_names)
    found: list[Finding] = []
    for rule in TABLE_RULES:
        found.extend(rule(t))
    found.extend(evidence(t, texts))
    return [x for x in found if x.table == table or x.table not in names]


def run_cross_rules(t: Tables) -> list[Finding]:
    """The cross-table rules, each one's intermediate frames given back before the next one runs."""
    from ..memory_pool import release_memory

    findings: list[Finding] = []
    for rule in CROSS_RULES:
        findings.extend(rule(t))
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


__all__ = ["LAYER", "TABLE_RULES", "CROSS_RULES", "KEPT_WHOLE", "RELEASED", "CROSS_READS", "Tables", "f",
           "run_rules", "run_table_rules", "run_cross_rules", "released_columns", "archived_texts", "_edtf_bounds",
           "_edtf_fast", "edtf_bounds_by_parser"]
