"""Second validation layer, part two: the rules no Table Schema can say.

Cross-table and provenance rules over the typed frames: foreign keys (which pandera cannot express),
date bounds, precision and EDTF consistency, every evidence span verbatim at its offsets in an archived
article whose SHA-256 matches, quote text inside its evidence, ``num_sources`` derived from the mentions,
acyclic parent events, cell hygiene (NFC, stray spaces, spreadsheet formulas, hidden characters),
code lists (ISO 3166, ISO 639, CAMEO, PLOVER, the crosswalk), time consistency between tables
(chronology), coherent, distinct entities and claims (entities) and confidence that claims no more than
the evidence (confidence).
"""

from __future__ import annotations

from __future__ import annotations

from ..report import Finding
from .base import LAYER, Tables, f
from .chronology import chronology
from .codes import country_codes, event_codes, language_codes
from .confidence import confidence
from .dates import _edtf_bounds, _edtf_fast, edtf_bounds_by_parser, event_dates
from .entities import entities
from .hygiene import cell_hygiene
from .keys import foreign_keys, parent_cycles, retired_ids
from .provenance import archived_texts, event_mentions, evidence
from .rows import row_rules

# The rules that read only the frames, run in this order; the evidence rule also needs the texts.
RULES = (foreign_keys, event_dates, event_mentions, parent_cycles, row_rules, cell_hygiene, retired_ids,
         country_codes, language_codes, event_codes, chronology, entities, confidence)


def run_rules(t: Tables) -> list[Finding]:
    texts, findings = archived_texts(t)
    for rule in RULES:
        findings.extend(rule(t))
    findings.extend(evidence(t, texts))
    return findings


__all__ = ["LAYER", "RULES", "Tables", "f", "run_rules", "archived_texts", "_edtf_bounds", "_edtf_fast",
           "edtf_bounds_by_parser"]
