"""Cell hygiene of every text cell: NFC, stray whitespace, spreadsheet formulas, control characters,
and characters that break a line or hide themselves.

One pyarrow.compute kernel per test and column (RE2 regular expressions run in C++), so the cost is a
scan of each column, not Python code per cell or character; only cells with non-ASCII text (for NFC)
and offending cells (to name the character in the message) are looked at one by one.
"""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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


@lru_cache(maxsize=1)
def hidden_codepoints() -> tuple[tuple[int, int], ...]:
    """Inclusive ranges of every hidden or line-breaking code point (computed once per process: both
    the Python and the RE2 pattern are built from it)."""
    scanned = list(itertools.chain.from_iterable(range(lo, hi) for lo, hi in SCANNED))
    categories = map(unicodedata.category, map(chr, scanned))
    cps = {cp for cp, cat in zip(scanned, categories)
           if cat in HIDDEN_CATEGORIES or (cat == "Zs" and cp != 0x20)}  # odd spaces: NBSP, thin, em...
    cps |= {ord(c) for c in HIDDEN_EXTRA}
    return tuple(_ranges(sorted(cps)) + list(WHOLLY_HIDDEN))


@lru_cache(maxsize=1)
def hidden_pattern() -> re.Pattern:
    """A character class of every hidden or line-breaking code point (built once per process)."""
    esc = lambda cp: re.escape(chr(cp))  # noqa: E731
    return re.compile("[" + "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in hidden_codepoints()) + "]")


CONTROL = r"[\x{0}-\x{9}\x{B}-\x{1F}\x{7F}-\x{9F}]"  # Cc except the line feed (RE2 syntax)
NON_ASCII = r"[^\x{0}-\x{7F}]"


@lru_cache(maxsize=1)
def hidden_re2() -> str:
    """The hidden-character class in RE2 syntax for pyarrow.compute (surrogates left out: they cannot
    occur in Arrow's UTF-8 strings, and RE2 refuses them in a pattern)."""
    parts = []
    for a, b in hidden_codepoints():
        if b < 0xD800 or a > 0xDFFF:
            parts.append((a, b))
        else:  # split around the surrogate block
            if a < 0xD800:
                parts.append((a, 0xD7FF))
            if b > 0xDFFF:
                parts.append((0xE000, b))
    return "[" + "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in parts) + "]"


def _name(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, unicodedata.category(ch))}"


def _mask(result) -> np.ndarray:
    return np.asarray(pc.fill_null(result, False).to_numpy(zero_copy_only=False), dtype=bool)


PIECE_ROWS = 65_536  # rows of a column one kernel call sees (see _pieces)


def _pieces(arr: pa.Array | pa.ChunkedArray):
    """(first row, piece) of ``arr`` in order: its own chunks, cut to at most :data:`PIECE_ROWS` rows.

    A test that makes a new text column on the way (the whitespace test trims a copy of every cell), or
    looks at cells in Python (NFC), then never holds more than a piece of it: on the whole column at
    once, the Python strings of the non-ASCII cells of a million-row package's evidence column were this
    rule's peak (~90 MB)."""
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    first = 0
    for chunk in chunks:
        for at in range(0, len(chunk), PIECE_ROWS):
            piece = chunk.slice(at, PIECE_ROWS)
            yield first + at, piece
        first += len(chunk)


def _piecewise(arr: pa.Array | pa.ChunkedArray, test) -> np.ndarray:
    """The mask ``test`` gives on ``arr``, computed a piece at a time (:func:`_pieces`)."""
    masks = [_mask(test(piece)) for _, piece in _pieces(arr)]
    return np.concatenate(masks) if masks else np.zeros(0, dtype=bool)


def _not_nfc(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Where a cell is not in NFC; only cells with non-ASCII text are looked at, a piece at a time."""
    out = np.zeros(len(arr), dtype=bool)
    for first, piece in _pieces(arr):
        idx = np.flatnonzero(_mask(pc.match_substring_regex(piece, NON_ASCII)))
        if len(idx):
            out[first + idx] = [not unicodedata.is_normalized("NFC", v) for v in piece.take(pa.array(idx)).to_pylist()]
    return out


def _arrow(s) -> pa.Array | pa.ChunkedArray:
    """The Arrow strings behind an Arrow-backed column, without a copy (a Python object per cell of a
    million-row evidence column cost ~100 MB and most of this rule's time); other columns are converted."""
    try:
        arr = pa.array(s.array)
    except (TypeError, pa.ArrowInvalid):
        arr = None
    if arr is None or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = pa.array(s.to_numpy(dtype=object, na_value=None), type=pa.string())
    return arr


def cell_hygiene(t: Tables) -> list[Finding]:
    """Each test is one pyarrow.compute kernel (RE2 regexes in C++) over the column; Python looks only at
    cells with non-ASCII characters (for NFC) and at offending cells (to name the character)."""
    out: list[Finding] = []
    hidden, hidden_py = hidden_re2(), hidden_pattern()
    for spec in t.meta.tables:
        df = frame(t, spec.name)
        if df is None:
            continue
        exempt = VERBATIM | VERBATIM_BY_TABLE.get(spec.name, frozenset())
        for col in (fl.name for fl in spec.fields if fl.type == "string"):
            if col not in df.columns:
                continue
            s = text(df[col])
            if not s.notna().any():
                continue
            arr = _arrow(s)
            trimmed = _piecewise(arr, lambda piece: pc.not_equal(piece, pc.utf8_trim_whitespace(piece)))
            out += located(t, spec.name, trimmed, col, "whitespace", "leading or trailing whitespace")
            out += located(t, spec.name, _not_nfc(arr), col, "unicode-nfc", "text is not in Unicode NFC form")
            formula = np.zeros(len(s), dtype=bool)
            for prefix in FORMULA_PREFIXES:
                formula |= _mask(pc.starts_with(arr, prefix))
            out += located(t, spec.name, formula, col, "csv-injection",
                           "a text cell starting with =, +, -, @ would run as a formula in a spreadsheet")
            out += located(t, spec.name, _mask(pc.match_substring_regex(arr, CONTROL)), col, "control-character",
                           "text contains a control character")
            if col in exempt:
                continue
            out += located(t, spec.name, _mask(pc.match_substring_regex(arr, hidden)), col, "hidden-character",
                           lambda i, s=s: (f"text contains {_name(hidden_py.search(s.iloc[i]).group())}, a character that "
                                           "breaks a line or cannot be seen; use a plain space or remove it"))
    return out
