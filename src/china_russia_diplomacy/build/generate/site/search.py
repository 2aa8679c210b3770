"""The site's search index: every record and every article, searched in the reader's browser.

Why hand-written and not Pagefind or lunr: the site must search from an unpacked archive opened from
disk, and a ``file://`` page cannot ``fetch`` (Pagefind loads its index that way). A ``<script src>``
can load from ``file://``, so the index is a set of small JavaScript files, each calling a function of
``site.js`` with its part of the index. So that no single file grows with the dataset:

- documents (one per record, one per article) are numbered and cut into blocks of :data:`BLOCK` documents;
- block ``b`` has ``search/<b>/docs.js`` (each document's table, ID, one-line label and link) and one
  postings file per first character of its terms, ``search/<b>/<key>.js`` (``{term: [doc, ...]}``, doc
  numbers inside the block);
- ``search/manifest.js`` lists, per block, the keys it has (so no missing file is ever requested).

A query is cut into words as the index was (lowercase, accents removed, IDs such as ``men-0001`` kept
whole); a document matches when every word is a prefix of one of its terms (AND, anywhere in the row:
IDs, titles, names, quotes, evidence, notes, and the whole text of an article). The browser loads block
after block, and only the postings files of the query's first characters, until it has enough results:
a query downloads a bounded amount per block, whatever the size of the dataset.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Iterable, Iterator

BLOCK = 2000  # documents per block: a block's docs.js stays under about 0.5 MB
LABEL_CHARS = 160
_TERM = re.compile(r"\w+(?:[-.]\w+)*")


def normalize(text: str) -> str:
    """Lowercase, accents removed (``Martínez`` is found as ``martinez``), as site.js does."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def terms(text: str) -> set[str]:
    """The terms of a text: words and IDs whole (``men-0001``, ``2025-05-08``) and their parts."""
    out: set[str] = set()
    for token in _TERM.findall(normalize(text)):
        out.add(token)
        if "-" in token or "." in token:
            out.update(p for p in re.split(r"[-.]", token) if p)
    return out


def key_of(term: str) -> str:
    """The postings file a term lives in: its first character, or ``u`` + its code point in hex."""
    c = term[0]
    return c if c.isascii() and c.isalnum() else f"u{ord(c):x}"


def _js(call: str, *args) -> bytes:
    return (f"{call}(" + ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
            + ");\n").encode("utf-8")


def files(documents: Iterable[tuple[str, str, str, str, str]]) -> Iterator[tuple[str, bytes]]:
    """``(path under site/, bytes)`` of the index of ``documents``: ``(table, id, label, url, text)``, with
    ``url`` relative to the site root. Documents are consumed one block at a time."""
    manifest: list[list[str]] = []
    block: list[tuple[str, str, str, str, str]] = []
    total = 0

    def flush(number: int, docs: list) -> Iterator[tuple[str, bytes]]:
        postings: dict[str, dict[str, list[int]]] = {}
        for i, (_table, _id, _label, _url, text) in enumerate(docs):
            for term in terms(text):
                postings.setdefault(key_of(term), {}).setdefault(term, []).append(i)
        yield f"search/{number}/docs.js", _js("crdSearchDocs", number, [
            [t, rid, label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…", url]
            for t, rid, label, url, _ in docs])
        for key in sorted(postings):
            yield f"search/{number}/{key}.js", _js("crdSearchTerms", number, key, dict(sorted(postings[key].items())))
        manifest.append(sorted(postings))

    for doc in documents:
        block.append(doc)
        total += 1
        if len(block) == BLOCK:
            yield from flush(len(manifest), block)
            block = []
    if block or not manifest:
        yield from flush(len(manifest), block)
    yield "search/manifest.js", ("window.CRD_SEARCH_MANIFEST = " + json.dumps(
        {"documents": total, "block": BLOCK, "keys": manifest}, separators=(",", ":")) + ";\n").encode("utf-8")
