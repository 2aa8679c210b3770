"""The evidence viewer's model: every span of an article that rows cite, and the article cut into
segments at every span boundary, each segment knowing the spans that cover it.

Spans overlap and nest (an event's evidence holds a quote's, a mention's is a participant's), so the text
is segmented at every start and end; a segment is highlighted when any span covers it and links to the
innermost one (the shortest), while every covering span is named in its ``data-spans``. Offsets are code
points into the UTF-8-decoded article, as everywhere in the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Tables whose rows carry a span, and for each the columns naming it (discrepancies carry two).
SPAN_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("source_id", "evidence", "evidence_start", "evidence_end"),
    ("other_source_id", "other_evidence", "other_evidence_start", "other_evidence_end"),
)
ROWS_SHOWN_PER_SPAN = 50  # a span cited by more rows (synthetic copies) lists these and counts the rest


@dataclass
class Citation:
    table: str
    row_id: str
    url: str
    which: str  # "evidence" or "other evidence" (a discrepancy's second claim)
    confidence: str | None


@dataclass
class Span:
    start: int
    end: int
    text: str
    citations: list[Citation] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.start}-{self.end}"


@dataclass
class Segment:
    text: str
    spans: list[str]  # keys of the spans covering it, innermost first
    opens: list[str]  # keys of the spans that start here (anchor targets)


def collect_spans(rows_by_table: dict[str, list[dict]], url_of, row_id_of) -> dict[str, dict[str, Span]]:
    """``{source_id: {span key: Span}}`` from every row of every table that cites a span."""
    out: dict[str, dict[str, Span]] = {}
    for table, rows in rows_by_table.items():
        for row in rows:
            for src_col, ev_col, start_col, end_col in SPAN_COLUMNS:
                source, start, end = row.get(src_col), row.get(start_col), row.get(end_col)
                if source is None or start is None or end is None or ev_col not in row:
                    continue
                key = f"{start}-{end}"
                span = out.setdefault(source, {}).setdefault(key, Span(int(start), int(end), row[ev_col] or ""))
                which = "evidence" if ev_col == "evidence" else "other evidence"
                span.citations.append(Citation(table, row_id_of(table, row), url_of(table, row), which, row.get("confidence")))
    return out


def segments(text: str, spans: dict[str, Span]) -> list[Segment]:
    """The article cut at every span boundary, in order."""
    bounds = sorted({0, len(text), *(s.start for s in spans.values()), *(s.end for s in spans.values())})
    ordered = sorted(spans.values(), key=lambda s: (s.start, -s.end))
    out = []
    for a, b in zip(bounds, bounds[1:]):
        if a == b:
            continue
        covering = [s for s in ordered if s.start <= a and s.end >= b]
        covering.sort(key=lambda s: (s.end - s.start, s.start))
        opens = [s.key for s in ordered if s.start == a]
        out.append(Segment(text[a:b], [s.key for s in covering], opens))
    return out
