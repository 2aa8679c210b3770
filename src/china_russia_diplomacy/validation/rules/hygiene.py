"""Cell hygiene of every text cell: NFC, stray whitespace, spreadsheet formulas, control characters,
and characters that break a line or hide themselves.

One regular expression per column (pandas' vectorised ``str`` methods), so the cost is a scan of each
column, not Python code per character; only offending cells are looked at one by one, to name the
character in the message.
"""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd

from ..report import Finding
from ._vector import frame, located, text
from .base import Tables

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Unicode categories that never belong in a curated cell: format characters (zero-width space, ZWJ/ZWNJ,
# LRM/RLM, BOM, bidi embeddings and isolates, soft hyphen), line/paragraph separators, private use,
# surrogates and unassigned code points.
HIDDEN_CATEGORIES = frozenset({"Cf", "Zl", "Zp", "Co", "Cs", "Cn"})
# Other line breaks (C1 next line; vertical tab and form feed are also control characters).
HIDDEN_EXTRA = "\u0085\u000b\u000c"
# Columns compared character for character with the archived article (evidence-verbatim,
# quote-in-evidence): whatever the article holds they must hold too, so they are exempt from the
# hidden-character rule (an invisible character that is not in the article is caught there).
VERBATIM = frozenset({"evidence", "other_evidence"})
VERBATIM_BY_TABLE = {"quotes": frozenset({"text"})}


def _ranges(codepoints: list[int]) -> list[tuple[int, int]]:
    """Sorted code points -> inclusive (first, last) runs."""
    out: list[tuple[int, int]] = []
    for cp in codepoints:
        if out and cp == out[-1][1] + 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


# Scanning all 1.1 million code points costs over a second per process; planes 4-13, the unassigned
# rest of plane 14 and the private-use planes 15-16 hold only Cn/Co code points (a test checks this
# against the full scan), so they are added as whole ranges and only the assigned planes are scanned.
SCANNED = ((0, 0x40000), (0xE0000, 0xE1000))
WHOLLY_HIDDEN = ((0x40000, 0xDFFFF), (0xE1000, sys.maxunicode))  # inclusive


def hidden_codepoints() -> list[tuple[int, int]]:
    """Inclusive ranges of every hidden or line-breaking code point."""
    scanned = list(itertools.chain.from_iterable(range(lo, hi) for lo, hi in SCANNED))
    categories = map(unicodedata.category, map(chr, scanned))
    cps = {cp for cp, cat in zip(scanned, categories)
           if cat in HIDDEN_CATEGORIES or (cat == "Zs" and cp != 0x20)}  # odd spaces: NBSP, thin, em...
    cps |= {ord(c) for c in HIDDEN_EXTRA}
    return _ranges(sorted(cps)) + list(WHOLLY_HIDDEN)


@lru_cache(maxsize=1)
def hidden_pattern() -> re.Pattern:
    """A character class of every hidden or line-breaking code point (built once per process)."""
    esc = lambda cp: re.escape(chr(cp))  # noqa: E731
    return re.compile("[" + "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in hidden_codepoints()) + "]")


CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # Cc except the line feed


def _name(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, unicodedata.category(ch))}"


def cell_hygiene(t: Tables) -> list[Finding]:
    out: list[Finding] = []
    hidden = hidden_pattern()
    for spec in t.meta.tables:
        df = frame(t, spec.name)
        if df is None:
            continue
        exempt = VERBATIM | VERBATIM_BY_TABLE.get(spec.name, frozenset())
        for col in (fl.name for fl in spec.fields if fl.type == "string"):
            if col not in df.columns:
                continue
            s = text(df[col])
            filled = s.notna().to_numpy()
            if not filled.any():
                continue
            out += located(t, spec.name, s != s.str.strip(), col, "whitespace", "leading or trailing whitespace")
            non_ascii = s.str.contains(r"[^\x00-\x7f]", regex=True)
            nfc = pd.Series(False, index=s.index)
            idx = np.flatnonzero(non_ascii.fillna(False).to_numpy())
            if len(idx):
                nfc.iloc[idx] = [not unicodedata.is_normalized("NFC", v) for v in s.iloc[idx]]
            out += located(t, spec.name, nfc, col, "unicode-nfc", "text is not in Unicode NFC form")
            out += located(t, spec.name, s.str.startswith(FORMULA_PREFIXES), col, "csv-injection",
                           "a text cell starting with =, +, -, @ would run as a formula in a spreadsheet")
            out += located(t, spec.name, s.str.contains(CONTROL, regex=True), col, "control-character",
                           "text contains a control character")
            if col in exempt:
                continue
            bad = s.str.contains(hidden, regex=True)
            out += located(t, spec.name, bad, col, "hidden-character",
                           lambda i, s=s: (f"text contains {_name(hidden.search(s.iloc[i]).group())}, a character that breaks "
                                           "a line or cannot be seen; use a plain space or remove it"))
    return out
