"""The site's search index: every record and every article, searched in the reader's browser.

Why hand-written and not Pagefind or lunr: the site must search from an unpacked archive opened from
disk, and a ``file://`` page cannot ``fetch`` (Pagefind loads its index that way). A ``<script src>``
can load from ``file://``, so the index is a set of small JavaScript files, each calling a function of
``site.js`` with its part of the index. So that no single file grows with the dataset:

- documents (one per record, one per article) are numbered; their table, ID, one-line label and link are
  in ``search/d<n>.js``, :data:`DOCS_BLOCK` documents each (a result loads only the files of its documents);
- the postings (``{term: [document, ...]}``) are cut by document into blocks of :data:`POSTINGS_BLOCK`
  documents and by the first two characters of the term (:func:`key_of`): ``search/p<b>/<key>.js``, with
  ``search/p<b>/keys.js`` listing the keys block ``b`` has (so no missing file is ever requested);
- ``search/manifest.js`` says only how many documents and blocks there are.

A query is cut into words as the index was (lowercase, accents removed, IDs such as ``men-0001`` kept
whole); a document matches when every word is the start of one of its terms (AND, anywhere in the row:
IDs, titles, names, quotes, evidence, notes, and the whole text of an article). The browser reads block
after block, loading only the postings files of the query's words, until it has enough results, so a
query downloads a bounded amount per block whatever the size of the dataset (measured by
``scripts/benchmark_site.py``).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections import defaultdict
from typing import Iterable, Iterator, Sequence

DOCS_BLOCK = 1000  # documents per docs file (a label is at most LABEL_CHARS): about 0.2 MB at most
POSTINGS_BLOCK = 10_000  # documents per postings block: its largest postings file (IDs: ``me``) about 0.25 MB
LABEL_CHARS = 160
KEY_CHARS = 2
_TERM = re.compile(r"\w+(?:[-.]\w+)*")
_PARTS = re.compile(r"[-.]")
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def normalize(text: str) -> str:
    """Lowercase, accents removed (``Martínez`` is found as ``martinez``), as site.js does (it removes
    ``\\p{M}``; the blocks of combining marks below are the marks NFKD leaves in Latin, Greek and Cyrillic)."""
    text = text.lower()
    if text.isascii():
        return text
    return _MARKS.sub("", unicodedata.normalize("NFKD", text))


def terms(text: str) -> set[str]:
    """The terms of a text: words and IDs whole (``men-0001``, ``2025-05-08``) and their parts."""
    tokens = set(_TERM.findall(normalize(text)))
    out = set(tokens)
    for token in tokens:
        if "-" in token or "." in token:
            out.update(p for p in _PARTS.split(token) if p)
    return out


SHORT_PART = 80  # parts up to this many characters (statuses, IDs, dates, names, titles) keep their terms


@functools.lru_cache(maxsize=1 << 14)
def _short_terms(part: str) -> tuple[str, ...]:
    return tuple(terms(part))


def _terms_of(part: str) -> Iterable[str]:
    """:func:`terms`, remembered for short parts: a block cuts each distinct part once, but the same short
    cells (a status, a source ID, a date, a name) come back in every block, a hundred blocks at a million
    rows. The cache is bounded (16,384 parts of at most :data:`SHORT_PART` characters and their terms: about
    20 MB at the very most, in the index's own process)."""
    return _short_terms(part) if len(part) <= SHORT_PART else terms(part)


def key_of(term: str) -> str:
    """The postings file a term lives in: its first two characters, each kept when an ASCII letter or
    digit and written ``_<hex code point>`` otherwise (a file name every host serves), as site.js does."""
    key = term[:KEY_CHARS]
    if key.isascii() and key.isalnum():
        return key
    return "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}" for c in key)


def _js(call: str, *args) -> bytes:
    return (f"{call}(" + ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
            + ");\n").encode("utf-8")


def split_point(documents: int) -> int:
    """Where the index of ``documents`` documents may be cut in two parts made by two processes: the
    document number nearest the middle at which a postings block begins, or 0 (too few to cut)."""
    half = round(documents / 2 / POSTINGS_BLOCK) * POSTINGS_BLOCK
    return half if 0 < half < documents else 0


def files(documents: Iterable[tuple[str, str, str, str, str | Sequence[str]]], start: int = 0,
          last: bool = True) -> Iterator[tuple[str, bytes]]:
    """``(path under site/, bytes)`` of the index of ``documents``: ``(table, id, label, url, text)``, with
    ``url`` relative to the site root and ``text`` a string or its parts (the cells of a row: a document's
    terms are those of its parts together, as no term crosses the space that would join them). Documents
    are consumed as they come, one block held at a time.

    Why by part: most cells repeat (a status, a source ID, the evidence a replicated row shares), so a
    block records which documents hold each distinct part and cuts each part into terms once, when the
    block is written, instead of cutting every cell of every row and appending every term of it.

    A part of the index: ``documents`` numbered from ``start`` (where a postings block begins: see
    :func:`split_point`), and with ``last`` false a part that ends where a postings block ends, so that it
    writes neither a partial block nor the manifest. The parts' files are those of the whole, byte for
    byte, because each block is made by the same code from the same documents."""
    if start % POSTINGS_BLOCK:
        raise ValueError(f"a part of the index begins where a postings block does, not at document {start}")
    total = start
    blocks = start // POSTINGS_BLOCK
    docs: list[list[str]] = []
    holders: defaultdict[str, list[int]] = defaultdict(list)  # part -> documents of this block holding it

    def flush_postings(number: int) -> Iterator[tuple[str, bytes]]:
        found: defaultdict[str, list[list[int]]] = defaultdict(list)  # term -> its parts' document lists
        for part, held in holders.items():
            for term in _terms_of(part):
                found[term].append(held)
        by_key: dict[str, dict[str, list[int]]] = {}
        for term in sorted(found):
            lists = found[term]
            ids = lists[0] if len(lists) == 1 else sorted(set().union(*lists))
            by_key.setdefault(key_of(term), {})[term] = ids
        yield f"search/p{number}/keys.js", _js("crdSearchKeys", number, sorted(by_key))
        for key in sorted(by_key):
            yield f"search/p{number}/{key}.js", _js("crdSearchTerms", number, key, by_key[key])

    for table, rid, label, url, text in documents:
        local = total - blocks * POSTINGS_BLOCK
        for part in ((text,) if isinstance(text, str) else set(text)):  # once a document: ascending, no repeats
            holders[part].append(local)
        docs.append([table, rid, label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…", url])
        total += 1
        if len(docs) == DOCS_BLOCK:
            yield f"search/d{(total - 1) // DOCS_BLOCK}.js", _js("crdSearchDocs", (total - 1) // DOCS_BLOCK, docs)
            docs = []
        if total % POSTINGS_BLOCK == 0:
            yield from flush_postings(blocks)
            blocks += 1
            holders = defaultdict(list)
    if not last:
        if docs or holders:
            raise ValueError(f"a part of the index that is not the last ends inside a block (document {total})")
        return
    if docs:
        yield f"search/d{total // DOCS_BLOCK}.js", _js("crdSearchDocs", total // DOCS_BLOCK, docs)
    if blocks == 0 or any(terms(part) for part in holders):  # a last block with terms
        yield from flush_postings(blocks)
        blocks += 1
    yield "search/manifest.js", ("window.CRD_SEARCH_MANIFEST = " + json.dumps(
        {"documents": total, "docs_block": DOCS_BLOCK, "postings_block": POSTINGS_BLOCK, "blocks": blocks},
        separators=(",", ":")) + ";\n").encode("utf-8")
