"""The records blocks made in Python (site/blocks.py) give the bytes the Jinja templates they replaced gave.

The templates' loop bodies are kept here as the reference and rendered with the site's Jinja settings
(autoescape, trim_blocks, lstrip_blocks) beside ``Pieces.event`` and ``Pieces.quote``, on rows that
reach every branch: values absent, empty and present, equal and different dates, markup and quotes in
every cell, non-text values (dates, numbers, booleans, None where the template would print "None").
The committed site checks the real rows; this checks the rows the real data does not have.
"""

from __future__ import annotations

import datetime as dt
import itertools

import jinja2
import pytest

from china_russia_diplomacy.build.generate.site import blocks

EVENT_TEMPLATE = """{% for e in rows %}
{% set eid = e["event_id"] %}
<article class="record" id="{{ anchor(row_id('events', e)) }}">
<h2><span class="id">{{ eid }}</span> {{ e["title"] }}</h2>
<dl>
<dt>type, status</dt><dd>{{ e["event_type"] }}, {{ e["status"] }}</dd>
<dt>date</dt><dd>{% if e["date_start"] %}{{ plain(e["date_start"]) }}{% if e["date_end"] != e["date_start"] %} to {{ plain(e["date_end"]) }}{% endif %} ({{ e["date_precision"] }}{% if e["date_text"] %}; “{{ e["date_text"] }}”{% endif %}){% else %}undated{% endif %}</dd>
{% if e["location_name"] %}<dt>location</dt><dd>{{ e["location_name"] }}{% if e["location_country"] %} ({{ e["location_country"] }}){% endif %}</dd>{% endif %}
{% if e["parent_event_id"] %}<dt>part of</dt><dd><a href="{{ records.url('events', {'event_id': e["parent_event_id"]}) }}">{{ summary.event(e["parent_event_id"]) }}</a></dd>{% endif %}
{% if e["about_event_id"] %}<dt>about</dt><dd><a href="{{ records.url('events', {'event_id': e["about_event_id"]}) }}">{{ summary.event(e["about_event_id"]) }}</a></dd>{% endif %}
<dt>participants</dt><dd>{{ pieces.participations(parts_of.get(eid, []), eid) }}</dd>
</dl>
{{ pieces.provenance(e) }}
<h3>Mentions</h3>
<ul>
{{ pieces.mentions(mentions_of.get(eid, [])) }}</ul>
{% if e["notes"] %}<p class="notes">{{ e["notes"] }}</p>{% endif %}
</article>
{% endfor %}
"""

QUOTE_TEMPLATE = """{% for q in rows %}
<article class="record" id="{{ anchor(row_id('quotes', q)) }}">
<h2><span class="id">{{ q["quote_id"] }}</span> {{ names.get(q["speaker_id"], q["speaker_id"]) }}</h2>
<blockquote>{{ q["text"] }}</blockquote>
<dl>
<dt>speaker</dt><dd><a href="../participants/{{ q["speaker_id"] }}.html">{{ names.get(q["speaker_id"], q["speaker_id"]) }}</a>{% if q["via_id"] %}, relayed by <a href="../participants/{{ q["via_id"] }}.html">{{ names.get(q["via_id"], q["via_id"]) }}</a>{% endif %}</dd>
{% if q["event_id"] %}<dt>event</dt><dd><a href="{{ records.url('events', {'event_id': q["event_id"]}) }}">{{ summary.event(q["event_id"]) }}</a></dd>{% endif %}
<dt>said</dt><dd>{% if q["spoken_date"] %}{{ plain(q["spoken_date"]) }}{% else %}date not stated{% endif %}; {{ q["quote_type"] }}{% if q["is_translation"] %}; translated{% if q["original_language"] %} from {{ q["original_language"] }}{% endif %}{% endif %}</dd>
</dl>
{{ pieces.provenance(q) }}
{% if q["notes"] %}<p class="notes">{{ q["notes"] }}</p>{% endif %}
</article>
{% endfor %}
"""

HOSTILE = "<b>\"x\" & 'y'</b>"


class _Records:
    def url(self, table, row, from_depth=1):
        return f"{'../' * from_depth}{table}/page-1.html#r-{row['event_id']}&x=\"1\""


class _Summary:
    def event(self, event_id):
        return f"{event_id} (<i>title</i> & “more”)"


def _pieces() -> blocks.Pieces:
    names = {"p-1": "Xi <Jinping>", "p-2": "O'Brien \"Jr\""}
    labels = {"src-1": "A <headline> & 'quotes'", "src&2": "plain"}

    def row_id(table, row):
        key = {"events": "event_id", "quotes": "quote_id", "event_mentions": "mention_id"}.get(table)
        if key:
            return str(row[key])
        return f"{row['event_id']}/{row['participant_id']}/{row['role']}"

    return blocks.Pieces(names, labels, row_id, _Records(), _Summary())


def _environment() -> jinja2.Environment:
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True)


def _span(source="src-1", confidence="high"):
    return {"source_id": source, "evidence_start": 3, "evidence_end": 9, "evidence": f"said {HOSTILE}",
            "confidence": confidence, "date_basis": None}


def _events() -> list[dict]:
    """Every combination of the event block's branches, and markup in every text cell."""
    out = []
    branches = itertools.product(
        [None, dt.date(2025, 5, 8)],  # date_start
        ["same", "later"],  # date_end
        [None, "", "on Thursday <b>"],  # date_text
        [None, "Moscow & <Kremlin>"],  # location_name
        [None, "RU"],  # location_country
        [None, "evt-0002"],  # parent and about
        [None, "", HOSTILE],  # notes
    )
    for n, (start, end, said, place, country, other, notes) in enumerate(branches):
        out.append({"event_id": f"evt-{n:04d}", "title": f"Talks {HOSTILE}", "event_type": "talks<",
                    "status": "held'", "date_start": start,
                    "date_end": start if end == "same" or start is None else dt.date(2025, 5, 9),
                    "date_precision": None if n % 5 == 0 else "day", "date_text": said, "location_name": place,
                    "location_country": country, "parent_event_id": other, "about_event_id": other if n % 2 else None,
                    "notes": notes, **_span("src-1" if n % 3 else "src&2", "medium" if n % 4 == 0 else "high"),
                    "date_basis": "inferred_weekday" if n % 7 == 0 else "explicit"})
    return out


def _parts_and_mentions(events: list[dict]):
    parts_of, mentions_of = {}, {}
    for n, e in enumerate(events):
        eid = e["event_id"]
        if n % 3:
            parts_of[eid] = [{"event_id": eid, "participant_id": pid, "role": "host<" if k else "guest", **_span()}
                             for k, pid in enumerate(["p-1", "p-2", "p-9"][: n % 4])]
        if n % 2:
            mentions_of[eid] = [{"event_id": eid, "mention_id": f"men-{n}-{k}", "reported_status": s, "is_primary": k == 0,
                                 **_span(confidence="low" if k else "high")}
                                for k, s in enumerate([None, "", "planned & <held>"][: n % 4])]
    return parts_of, mentions_of


def test_the_event_block_is_byte_for_byte_what_the_events_template_gave():
    pieces = _pieces()
    events = _events()
    parts_of, mentions_of = _parts_and_mentions(events)
    context = {"rows": events, "parts_of": parts_of, "mentions_of": mentions_of, "pieces": pieces,
               "anchor": blocks.anchor, "row_id": pieces.row_id, "records": pieces.records, "summary": pieces.summary,
               "plain": blocks._plain}
    expected = _environment().from_string(EVENT_TEMPLATE).render(**context)
    made = str(pieces.events(events, parts_of, mentions_of))
    assert len(events) > 200 and "None" in expected and "undated" in expected and " to " in expected
    for want, got in zip(expected.split("</article>\n"), made.split("</article>\n")):
        assert got == want
    assert made == expected


def _quotes() -> list[dict]:
    out = []
    branches = itertools.product([None, "p-2", "p-unknown"], [None, "evt-0001"], [None, dt.date(2025, 5, 9)],
                                 [False, True], [None, "", "ru<"], [None, "", HOSTILE])
    for n, (via, event, spoken, translated, language, notes) in enumerate(branches):
        out.append({"quote_id": f"q-{n}", "speaker_id": "p-1" if n % 2 else "p-<9>", "via_id": via, "event_id": event,
                    "text": f"We {HOSTILE}", "spoken_date": spoken, "quote_type": None if n % 6 == 0 else "direct",
                    "is_translation": translated, "original_language": language, "notes": notes,
                    "spoken_date_basis": "inferred" if n % 5 == 0 else None,
                    "translation_basis": "inferred_from_speaker" if n % 3 == 0 else None, **_span()})
    return out


def test_the_quote_block_is_byte_for_byte_what_the_quotes_template_gave():
    pieces = _pieces()
    quotes = _quotes()
    context = {"rows": quotes, "pieces": pieces, "anchor": blocks.anchor, "row_id": pieces.row_id,
               "records": pieces.records, "summary": pieces.summary, "plain": blocks._plain, "names": pieces.names}
    expected = _environment().from_string(QUOTE_TEMPLATE).render(**context)
    made = str(pieces.quotes(quotes))
    assert "relayed by" in expected and "translated from" in expected and "date not stated" in expected
    for want, got in zip(expected.split("</article>\n"), made.split("</article>\n")):
        assert got == want
    assert made == expected


@pytest.mark.parametrize("value", ["plain", "", "a & b", "<tag>", "it's", 'say "x"', None, 0, 2.5, True,
                                   dt.date(2025, 5, 8), "&amp; already", "\u00e9\u4e2d"])
def test_html_escapes_exactly_as_jinja_autoescape_writes_a_value(value):
    expected = _environment().from_string("{{ v }}").render(v=value)
    assert blocks.html(value) == expected


def test_html_leaves_markup_as_it_is():
    from markupsafe import Markup

    assert blocks.html(Markup("<b>x</b>")) == "<b>x</b>"


# --- the shared pieces, pinned to their exact text (the reference templates above call them too) ---------


def test_span_url_links_the_evidence_viewer_from_each_depth():
    assert blocks.span_url("src-1", 3, 9) == "../articles/src-1.html#span-3-9"
    assert blocks.span_url("src-1", 3, 9, 0) == "articles/src-1.html#span-3-9"
    assert blocks.span_url("src-1", 3, 9, 2) == "../../articles/src-1.html#span-3-9"


@pytest.mark.parametrize("row,expected", [
    ({}, []),
    ({"date_basis": "explicit", "spoken_date_basis": "date_line", "signed_date_basis": "undated",
      "confidence": "high", "translation_basis": "stated"}, []),
    ({"date_basis": "inferred"}, ["date inferred"]),
    ({"date_basis": "inferred_weekday"}, ["date inferred (inferred_weekday)"]),
    ({"spoken_date_basis": "inferred", "published_date_basis": "period_bounds"},
     ["spoken date inferred", "published date inferred (period_bounds)"]),
    ({"signed_date_basis": ""}, []),
    ({"confidence": "medium"}, ["confidence: medium"]),
    ({"confidence": None}, []),
    ({"translation_basis": "inferred_from_speaker"}, ["language inferred from the speaker"]),
    ({"date_basis": "inferred", "confidence": "low", "translation_basis": "inferred_from_speaker"},
     ["date inferred", "confidence: low", "language inferred from the speaker"]),
])
def test_badges_say_each_inference_and_lowered_confidence_in_words(row, expected):
    assert blocks.badges(row) == expected


@pytest.mark.parametrize("value,expected", [(None, ""), (True, "true"), (False, "false"), (0, "0"), (5, "5"),
                                            (dt.date(2025, 5, 8), "2025-05-08"), ("x", "x")])
def test_plain_writes_dates_as_iso_and_booleans_in_lowercase(value, expected):
    assert blocks._plain(value) == expected


def test_participations_and_mentions_are_written_exactly():
    pieces = _pieces()
    assert str(pieces.participations([], "evt-1")) == "none recorded"
    parts = [{"event_id": "evt-1", "participant_id": "p-1", "role": "host", **_span()},
             {"event_id": "evt-1", "participant_id": "p-2", "role": "guest", **_span(confidence="low")}]
    assert str(pieces.participations(parts, "evt-1")) == (
        '<span id="r-evt-1-p-1-host"><a href="../participants/p-1.html">Xi &lt;Jinping&gt;</a> (host, '
        '<a href="../articles/src-1.html#span-3-9" aria-label="evidence of Xi &lt;Jinping&gt; as host in evt-1">'
        'evidence</a>)</span>; <span id="r-evt-1-p-2-guest"><a href="../participants/p-2.html">'
        'O&#39;Brien &#34;Jr&#34;</a> (guest, <a href="../articles/src-1.html#span-3-9" aria-label="evidence of '
        'O&#39;Brien &#34;Jr&#34; as guest in evt-1">evidence</a> <span class="flag">(confidence: low)</span>)</span>')
    held = {"event_id": "evt-1", "mention_id": "men-1", "reported_status": "held", "is_primary": True, **_span()}
    quiet = {**held, "mention_id": "men-2", "reported_status": None, "is_primary": False}
    assert str(pieces.mentions([held, quiet])) == (
        '<li id="r-men-1">men-1 in <a href="../articles/src-1.html#span-3-9">src-1: <q>said &lt;b&gt;&#34;x&#34; '
        '&amp; &#39;y&#39;&lt;/b&gt;</q></a> (reports it held), primary</li>\n'
        '<li id="r-men-2">men-2 in <a href="../articles/src-1.html#span-3-9">src-1: <q>said &lt;b&gt;&#34;x&#34; '
        '&amp; &#39;y&#39;&lt;/b&gt;</q></a></li>\n')
