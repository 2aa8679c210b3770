"""Cell hygiene of every text cell: NFC, stray whitespace, spreadsheet formulas, control characters."""

from __future__ import annotations

import unicodedata
from typing import Iterator

from ..report import Finding
from .base import Tables, f

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

def cell_hygiene(t: Tables) -> Iterator[Finding]:
    for spec in t.meta.tables:
        text_fields = [fl.name for fl in spec.fields if fl.type == "string"]
        for line, row in t.rows(spec.name):
            for col in text_fields:
                v = row.get(col)
                if not isinstance(v, str):
                    continue
                if v != v.strip():
                    yield f(spec.name, line, col, v, "whitespace", "leading or trailing whitespace")
                if unicodedata.normalize("NFC", v) != v:
                    yield f(spec.name, line, col, v, "unicode-nfc", "text is not in Unicode NFC form")
                if v.startswith(FORMULA_PREFIXES):
                    yield f(spec.name, line, col, v, "csv-injection",
                            "a text cell starting with =, +, -, @ would run as a formula in a spreadsheet")
                if any(unicodedata.category(ch) == "Cc" for ch in v if ch not in "\n"):
                    yield f(spec.name, line, col, v, "control-character", "text contains a control character")

