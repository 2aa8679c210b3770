"""The evidence viewer's model: every span of an article that rows cite, and the article as nested
``<mark>`` elements, one per span, so that a reader arriving at ``#span-<start>-<end>`` sees exactly
those words marked (CSS ``:target``), with or without a mouse.

Spans nest (an event's evidence holds a quote's) and sometimes cross (a mention starts inside one span
and ends after it). A span is one ``<mark id="span-K">`` holding exactly its words when it nests; when it
crosses another, it is cut where the other closes, and the continuing pieces carry ``data-cont="K"`` (the
article page styles them with the first piece through ``:has``, see :func:`crossing_keys`). Every mark,
first piece or not, names its span in ``data-key``, so a click anywhere reaches every span that covers
the clicked words (the innermost mark and its ancestors). Offsets are code points into the UTF-8-decoded
article, as everywhere in the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from markupsafe import Markup, escape

# Tables whose rows carry a span, and for each the columns naming it (discrepancies carry two).
SPAN_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("source_id", "evidence", "evidence_start", "evidence_end"),
    ("other_source_id", "other_evidence", "other_evidence_start", "other_evidence_end"),
)
# every column collect_spans reads of a row
COLUMNS = frozenset({*(c for names in SPAN_COLUMNS for c in names), "confidence"})
ROWS_SHOWN_PER_SPAN = 50  # a span cited by more rows (synthetic copies) lists these and counts the rest


@dataclass
class Citation:
    table: str
    row_id: str
    url: str
    which: str  # "evidence" or "other evidence" (a discrepancy's second claim)
    confidence: str | None
    summary: str  # what the row records, in a line


@dataclass
class Span:
    start: int
    end: int
    text: str
    citations: list[Citation] = field(default_factory=list)
    count: int = 0  # rows citing it (citations keeps the first ROWS_SHOWN_PER_SPAN)

    @property
    def key(self) -> str:
        return f"{self.start}-{self.end}"


def collect_spans(rows: Iterable[tuple[str, dict[str, Any]]], url_of, row_id_of, summary_of) -> dict[str, dict[str, Span]]:
    """``{source_id: {span key: Span}}`` from ``(table, row)`` of every row of every table that cites a span,
    consumed as they come (the caller converts them from Arrow a slice at a time)."""
    out: dict[str, dict[str, Span]] = {}
    for table, row in rows:
        for src_col, ev_col, start_col, end_col in SPAN_COLUMNS:
            source, start, end = row.get(src_col), row.get(start_col), row.get(end_col)
            if source is None or start is None or end is None or ev_col not in row:
                continue
            key = f"{start}-{end}"
            span = out.setdefault(source, {}).setdefault(key, Span(int(start), int(end), row[ev_col] or ""))
            span.count += 1
            if len(span.citations) < ROWS_SHOWN_PER_SPAN:
                which = "evidence" if ev_col == "evidence" else "other evidence"
                span.citations.append(Citation(table, row_id_of(table, row), url_of(table, row), which,
                                               row.get("confidence"), summary_of(table, row)))
    return out


def _ordered(spans: dict[str, Span]) -> list[Span]:
    return sorted((s for s in spans.values() if s.end > s.start), key=lambda s: (s.start, -s.end))


def render(text: str, spans: dict[str, Span]) -> tuple[Markup, list[str]]:
    """The article as escaped HTML with one nested mark per span, and the keys of the spans that had to
    be cut (they cross another span)."""
    ordered = _ordered(spans)
    starts: dict[int, list[Span]] = {}
    for s in ordered:
        starts.setdefault(s.start, []).append(s)
    bounds = sorted({0, len(text), *(s.start for s in ordered), *(s.end for s in ordered)})
    out: list[str] = []
    stack: list[Span] = []
    cut: set[str] = set()

    def open_(s: Span, first: bool) -> str:
        if first:
            return f'<mark class="ev" id="span-{s.key}" data-key="{s.key}" tabindex="-1">'
        cut.add(s.key)
        return f'<mark class="ev cont" data-key="{s.key}" data-cont="{s.key}">'

    pos = 0
    for p in bounds:
        out.append(str(escape(text[pos:p])))
        pos = p
        if any(s.end == p for s in stack):
            reopen = []
            while any(s.end == p for s in stack):
                s = stack.pop()
                out.append("</mark>")
                if s.end != p:
                    reopen.append(s)
            for s in reversed(reopen):
                out.append(open_(s, False))
                stack.append(s)
        for s in starts.get(p, []):
            out.append(open_(s, True))
            stack.append(s)
    out.append(str(escape(text[pos:])))
    out.extend("</mark>" for _ in stack)
    return Markup("".join(out)), sorted(cut)
