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
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

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
            out.update(_PARTS.split(token))  # never an empty part: a token's separators stand between words
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


@dataclass
class Batch:
    """Documents of one table in a row, as columns: each document's ID, one-line label and link, and its
    parts (the cells of its row, its label among them), each part column as its distinct texts and every
    document's index into them (``-1``: the document has no such part). See :func:`coded`."""

    table: str
    ids: Sequence[str]
    labels: Sequence[str]
    urls: Sequence[str]
    parts: Sequence[tuple[Sequence[str], Any]]  # (distinct texts, numpy int64 codes)

    def __len__(self) -> int:
        return len(self.ids)


def coded(values: Iterable[str | None], count: int) -> tuple[list[str], Any]:
    """A column of ``count`` texts as ``(distinct texts, codes)``, ``None`` as code ``-1``."""
    import numpy as np

    index: dict[str, int] = {}
    codes = np.fromiter((-1 if v is None else index.setdefault(v, len(index)) for v in values), np.int64, count)
    return list(index), codes


def _batches(documents: Iterable) -> Iterator[Batch]:
    """``documents`` as batches: a :class:`Batch` as it is, and a run of documents given one by one
    (``(table, id, label, url, text or its parts)``) as batches of one table and at most
    :data:`DOCS_BLOCK` documents, part ``j`` of each document in column ``j``."""
    run: list[tuple] = []

    def batch() -> Batch:
        texts = [(d[4],) if isinstance(d[4], str) else tuple(d[4]) for d in run]
        width = max(map(len, texts), default=0)
        parts = [coded((t[j] if j < len(t) else None for t in texts), len(texts)) for j in range(width)]
        return Batch(run[0][0], [d[1] for d in run], [d[2] for d in run], [d[3] for d in run], parts)

    for item in documents:
        if isinstance(item, Batch):
            if run:
                yield batch()
                run = []
            yield item
            continue
        if run and (item[0] != run[0][0] or len(run) == DOCS_BLOCK):
            yield batch()
            run = []
        run.append(item)
    if run:
        yield batch()


class _Block:
    """One postings block being gathered: its distinct parts (numbered as first seen) and, per column of
    each batch, the codes ``part * POSTINGS_BLOCK + document`` of the parts its documents hold."""

    def __init__(self):
        self.index: dict[str, int] = {}
        self.pairs: list[Any] = []

    def add(self, parts: Sequence[tuple[Sequence[str], Any]], first: int, stop: int, local: int) -> None:
        """Documents ``first`` to ``stop`` of a batch, numbered from ``local`` within the block."""
        import numpy as np

        numbers = np.arange(local, local + stop - first, dtype=np.int64)
        for texts, codes in parts:
            segment = codes[first:stop]
            held = segment >= 0
            if not held.any():
                continue
            used, inverse = np.unique(segment[held], return_inverse=True)
            ids = np.fromiter((self.index.setdefault(texts[u], len(self.index)) for u in used.tolist()),
                              np.int64, len(used))
            self.pairs.append(ids[inverse] * POSTINGS_BLOCK + numbers[held])

    def holders(self) -> Iterator[tuple[str, list[int]]]:
        """Each distinct part and the documents holding it, ascending and each once."""
        import numpy as np

        if not self.pairs:
            return
        texts = list(self.index)
        keys = np.sort(np.concatenate(self.pairs))  # a sort and a look back: faster than np.unique
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
        parts, documents = keys // POSTINGS_BLOCK, (keys % POSTINGS_BLOCK).tolist()
        cuts = (np.flatnonzero(np.diff(parts)) + 1).tolist()
        starts, ends = [0, *cuts], [*cuts, len(documents)]
        for part, lo, hi in zip(parts[starts].tolist(), starts, ends):
            yield texts[part], documents[lo:hi]


def files(documents: Iterable[Batch | tuple[str, str, str, str, str | Sequence[str]]], start: int = 0,
          last: bool = True) -> Iterator[tuple[str, bytes]]:
    """``(path under site/, bytes)`` of the index of ``documents``: :class:`Batch` es, or documents one by
    one as ``(table, id, label, url, text)``, with ``url`` relative to the site root and ``text`` a string
    or its parts (the cells of a row: a document's terms are those of its parts together, as no term
    crosses the space that would join them). Documents are consumed as they come, one block held at a time.

    Why by part, and by column: most cells repeat (a status, a source ID, the evidence a replicated row
    shares), so a block records which documents hold each distinct part and cuts each part into terms
    once, when the block is written, instead of cutting every cell of every row; and the documents of a
    part are found with numpy over a batch's coded columns, not by a Python step per cell.

    A part of the index: ``documents`` numbered from ``start`` (where a postings block begins: see
    :func:`split_point`), and with ``last`` false a part that ends where a postings block ends, so that it
    writes neither a partial block nor the manifest. The parts' files are those of the whole, byte for
    byte, because each block is made by the same code from the same documents."""
    if start % POSTINGS_BLOCK:
        raise ValueError(f"a part of the index begins where a postings block does, not at document {start}")
    total = start
    blocks = start // POSTINGS_BLOCK
    docs: list[list[str]] = []
    block = _Block()

    def flush_postings(number: int) -> Iterator[tuple[str, bytes]]:
        found: defaultdict[str, list[list[int]]] = defaultdict(list)  # term -> its parts' document lists
        for part, held in block.holders():
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

    for batch in _batches(documents):
        done, n = 0, len(batch)
        while done < n:
            local = total - blocks * POSTINGS_BLOCK
            stop = done + min(POSTINGS_BLOCK - local, n - done)  # up to the end of this postings block
            for i in range(done, stop):
                label = batch.labels[i]
                docs.append([batch.table, batch.ids[i], label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…",
                             batch.urls[i]])
                total += 1
                if len(docs) == DOCS_BLOCK:
                    yield f"search/d{(total - 1) // DOCS_BLOCK}.js", _js("crdSearchDocs", (total - 1) // DOCS_BLOCK, docs)
                    docs = []
            block.add(batch.parts, done, stop, local)
            done = stop
            if total % POSTINGS_BLOCK == 0:
                yield from flush_postings(blocks)
                blocks += 1
                block = _Block()
    if not last:
        if docs or block.index:
            raise ValueError(f"a part of the index that is not the last ends inside a block (document {total})")
        return
    if docs:
        yield f"search/d{total // DOCS_BLOCK}.js", _js("crdSearchDocs", total // DOCS_BLOCK, docs)
    if blocks == 0 or any(terms(part) for part in block.index):  # a last block with terms
        yield from flush_postings(blocks)
        blocks += 1
    yield "search/manifest.js", ("window.CRD_SEARCH_MANIFEST = " + json.dumps(
        {"documents": total, "docs_block": DOCS_BLOCK, "postings_block": POSTINGS_BLOCK, "blocks": blocks},
        separators=(",", ":")) + ";\n").encode("utf-8")
