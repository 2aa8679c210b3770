"""The parts of the records pages repeated for every row, made in Python: a whole event or quote block,
a record's evidence line, its flags, an event's mentions and participations.

Why not Jinja: at a million rows the events and quotes pages render about 220,000 blocks, and in a
template every cell is a context lookup, a call through Jinja's runtime and a ``Markup`` object (most of
the site's time in its main process was spent there, not in writing HTML). Here a block is one f-string
and a cell one :func:`html` call, which returns the text itself when it has nothing to escape.

The bytes are those the templates gave: :func:`html` is Jinja's ``{{ value }}`` under autoescape
(markupsafe's escape, ``None`` written ``None``), and each block keeps the templates' line breaks
(``trim_blocks``: no line break after an ``{% if %}`` line). ``tests/write/test_site_blocks.py`` renders
hostile and edge-case rows both ways and compares; the committed site checks the real rows.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from markupsafe import Markup, escape

INFERRED_BASIS_COLUMNS = ("date_basis", "spoken_date_basis", "signed_date_basis", "published_date_basis")
_SPECIAL = re.compile(r"[&<>'\"]")  # what markupsafe escapes
_NOT_ANCHOR = re.compile(r"[^\w-]")  # \w: what str.isalnum() accepts, and "_"


def html(value: Any) -> str:
    """``value`` as Jinja writes ``{{ value }}`` with autoescape on: markup (``__html__``) as it is, any
    other value as its ``str`` escaped by markupsafe; a text with nothing to escape is returned itself."""
    if type(value) is not str:
        if hasattr(value, "__html__"):
            return value.__html__()
        value = str(value)
    return value if _SPECIAL.search(value) is None else str(escape(value))


def anchor(text: str) -> str:
    """The ``id`` of a record's block: ``r-`` and its row ID, anything but a word character or ``-`` as ``-``."""
    return "r-" + _NOT_ANCHOR.sub("-", text)


def span_url(source_id: str, start: Any, end: Any, from_depth: int = 1) -> str:
    """The link to a cited span in the evidence viewer, from a page ``from_depth`` folders down."""
    return f"{'../' * from_depth}articles/{source_id}.html#span-{start}-{end}"


def badges(row: dict[str, Any]) -> list[str]:
    """Inferred values and lowered confidence, said in words (not colour alone)."""
    out = []
    for col in INFERRED_BASIS_COLUMNS:
        basis = row.get(col)
        if basis and basis not in ("explicit", "date_line", "undated"):
            label = col.removesuffix("_basis").replace("_", " ")  # "date", "spoken date", ...
            out.append(f"{label} inferred" + ("" if basis == "inferred" else f" ({basis})"))
    if row.get("confidence") and row["confidence"] != "high":
        out.append(f"confidence: {row['confidence']}")
    if row.get("translation_basis") == "inferred_from_speaker":
        out.append("language inferred from the speaker")
    return out


def _plain(value: Any) -> str:
    """A date as ISO text, anything else as its text (the templates' ``plain``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class Pieces:
    """The repeated parts of the records pages, for one build: the participants' display names, the
    articles' labels, and the build's row IDs, record links and one-line summaries (``records`` and
    ``summary`` are the site's :class:`Records` and :class:`Summaries`; only the blocks of whole events
    and quotes use them)."""

    def __init__(self, names: dict[str, str], labels: dict[str, str], row_id: Callable[[str, dict], str],
                 records=None, summary=None):
        self.names, self.labels, self.row_id = names, labels, row_id
        self.records, self.summary = records, summary

    @staticmethod
    def flags(items: list[str]) -> Markup:
        """Each inferred value or lowered confidence, in words, after a space."""
        return Markup(_flags(items))

    def provenance(self, row: dict[str, Any]) -> Markup:
        """The line under a record: the article and its words that are the row's evidence."""
        return Markup(self._provenance(row))

    def _provenance(self, row: dict[str, Any]) -> str:
        source = row["source_id"]
        url = html(span_url(source, row["evidence_start"], row["evidence_end"]))
        return (f'<p class="prov">Evidence in <a href="{url}" title="{html(self.labels[source])}">'
                f'{html(source)}</a>:\n<a href="{url}"><q>{html(row["evidence"])}</q></a>'
                f'{_flags(badges(row))}</p>\n')

    def participations(self, parts: list[dict[str, Any]], event_id: str) -> Markup:
        """An event's participants, each with its role and the link to its evidence, ``; `` between."""
        return Markup(self._participations(parts, event_id))

    def _participations(self, parts: list[dict[str, Any]], event_id: str) -> str:
        if not parts:
            return "none recorded"
        out = []
        for p in parts:
            pid = p["participant_id"]
            name = html(self.names.get(pid, pid))
            role = html(p["role"])
            url = html(span_url(p["source_id"], p["evidence_start"], p["evidence_end"]))
            rid = self.row_id("event_participants", p)
            out.append(f'<span id="{html(anchor(rid))}"><a href="../participants/{html(pid)}.html">{name}</a> '
                       f'({role}, <a href="{url}" aria-label="evidence of {name} as {role} in {html(event_id)}">'
                       f'evidence</a>{_flags(badges(p))})</span>')
        return "; ".join(out)

    def mentions(self, rows: list[dict[str, Any]]) -> Markup:
        """An event's mentions, a line each."""
        return Markup("".join(self.mention(m) for m in rows))

    def mention(self, m: dict[str, Any]) -> str:
        """One mention of an event, a line of its list."""
        url = html(span_url(m["source_id"], m["evidence_start"], m["evidence_end"]))
        status = f" (reports it {html(m['reported_status'])})" if m["reported_status"] else ""
        primary = ", primary" if m["is_primary"] else ""
        return (f'<li id="{html(anchor(self.row_id("event_mentions", m)))}">{html(m["mention_id"])} in '
                f'<a href="{url}">{html(m["source_id"])}: <q>{html(m["evidence"])}</q></a>{status}{primary}'
                f'{_flags(badges(m))}</li>\n')

    def _event_link(self, label: str, event_id: Any) -> str:
        """A ``<dt>``/``<dd>`` pair linking another event (the one this is part of, or is about)."""
        url = html(self.records.url("events", {"event_id": event_id}))
        return f'<dt>{label}</dt><dd><a href="{url}">{html(self.summary.event(event_id))}</a></dd>'

    def events(self, rows: list[dict[str, Any]], parts_of: dict[str, list[dict]],
               mentions_of: dict[str, list[dict]]) -> Markup:
        """The blocks of a page of events, each with its participations and mentions."""
        return Markup("".join(self.event(e, parts_of.get(e["event_id"], []), mentions_of.get(e["event_id"], []))
                              for e in rows))

    def event(self, e: dict[str, Any], parts: list[dict[str, Any]], mentions: list[dict[str, Any]]) -> str:
        """One event's block (``records_events.html.j2`` gave the same bytes)."""
        eid = e["event_id"]
        if e["date_start"]:
            end = f" to {html(_plain(e['date_end']))}" if e["date_end"] != e["date_start"] else ""
            said = f"; “{html(e['date_text'])}”" if e["date_text"] else ""
            date = f"{html(_plain(e['date_start']))}{end} ({html(e['date_precision'])}{said})"
        else:
            date = "undated"
        where = ""
        if e["location_name"]:
            country = f" ({html(e['location_country'])})" if e["location_country"] else ""
            where = f"<dt>location</dt><dd>{html(e['location_name'])}{country}</dd>"
        parent = self._event_link("part of", e["parent_event_id"]) if e["parent_event_id"] else ""
        about = self._event_link("about", e["about_event_id"]) if e["about_event_id"] else ""
        notes = f'<p class="notes">{html(e["notes"])}</p>' if e["notes"] else ""
        return (f'<article class="record" id="{html(anchor(self.row_id("events", e)))}">\n'
                f'<h2><span class="id">{html(eid)}</span> {html(e["title"])}</h2>\n<dl>\n'
                f'<dt>type, status</dt><dd>{html(e["event_type"])}, {html(e["status"])}</dd>\n'
                f'<dt>date</dt><dd>{date}</dd>\n{where}{parent}{about}'
                f'<dt>participants</dt><dd>{self._participations(parts, eid)}</dd>\n</dl>\n'
                f'{self._provenance(e)}\n<h3>Mentions</h3>\n<ul>\n{"".join(self.mention(m) for m in mentions)}</ul>\n'
                f'{notes}</article>\n')

    def quotes(self, rows: list[dict[str, Any]]) -> Markup:
        """The blocks of a page of quotes."""
        return Markup("".join(self.quote(q) for q in rows))

    def quote(self, q: dict[str, Any]) -> str:
        """One quote's block (``records_quotes.html.j2`` gave the same bytes)."""
        sid, via = q["speaker_id"], q["via_id"]
        speaker = html(self.names.get(sid, sid))
        relayed = (f', relayed by <a href="../participants/{html(via)}.html">{html(self.names.get(via, via))}</a>'
                   if via else "")
        event = self._event_link("event", q["event_id"]) if q["event_id"] else ""
        when = html(_plain(q["spoken_date"])) if q["spoken_date"] else "date not stated"
        translated = ""
        if q["is_translation"]:
            translated = "; translated" + (f" from {html(q['original_language'])}" if q["original_language"] else "")
        notes = f'<p class="notes">{html(q["notes"])}</p>' if q["notes"] else ""
        return (f'<article class="record" id="{html(anchor(self.row_id("quotes", q)))}">\n'
                f'<h2><span class="id">{html(q["quote_id"])}</span> {speaker}</h2>\n'
                f'<blockquote>{html(q["text"])}</blockquote>\n<dl>\n'
                f'<dt>speaker</dt><dd><a href="../participants/{html(sid)}.html">{speaker}</a>{relayed}</dd>\n'
                f'{event}<dt>said</dt><dd>{when}; {html(q["quote_type"])}{translated}</dd>\n</dl>\n'
                f'{self._provenance(q)}\n{notes}</article>\n')


def _flags(items: list[str]) -> str:
    return "".join(f' <span class="flag">({html(b)})</span>' for b in items)
