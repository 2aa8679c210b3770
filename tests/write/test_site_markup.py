"""The site's escaping and marking, rendered from hostile text in memory (issue 29).

``test_site_hostile.py`` builds the whole site from hostile cells; this file calls the two modules that
turn untrusted text into HTML directly, so that every branch is tested alone and in seconds: the
evidence viewer's article with its nested and crossing ``<mark>`` spans
(``build/generate/site/evidence.py``), and the Markdown of descriptions and CHANGELOG entries with the
reasons the version pages take from the CHANGELOG and the curation notes (``build/generate/site/text.py``).
Each test asserts the exact HTML (or value) produced, never that it merely contains something.
"""

from __future__ import annotations

from markupsafe import Markup

from china_russia_diplomacy.build.generate.site import evidence, text
from china_russia_diplomacy.build.generate.site.evidence import Span, collect_spans, render

HOSTILE = "<script>alert('x')</script> & \"q\" <img src=x onerror=alert(1)>"
ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;q&#34; &lt;img src=x onerror=alert(1)&gt;"


def _spans(*bounds: tuple[int, int]) -> dict[str, Span]:
    return {f"{s}-{e}": Span(s, e, "") for s, e in bounds}


def _open(key: str) -> str:
    return f'<mark class="ev" id="span-{key}" data-key="{key}" tabindex="-1">'


def _cont(key: str) -> str:
    return f'<mark class="ev cont" data-key="{key}" data-cont="{key}">'


# --- the article with its marks -------------------------------------------------------------------

def test_an_article_without_spans_is_escaped_whole():
    html, cut = render(HOSTILE, {})
    assert isinstance(html, Markup) and str(html) == ESCAPED and cut == []


def test_hostile_text_is_escaped_inside_and_around_a_mark():
    start, end = HOSTILE.index("alert"), HOSTILE.index("</script>")
    html, cut = render(HOSTILE, _spans((start, end)))
    assert str(html) == "&lt;script&gt;" + _open(f"{start}-{end}") + "alert(&#39;x&#39;)</mark>" + ESCAPED[len("&lt;script&gt;alert(&#39;x&#39;)"):]
    assert cut == []


def test_a_span_inside_another_is_a_mark_inside_its_mark():
    html, cut = render("0123456789", _spans((4, 6), (2, 8)))
    assert str(html) == "01" + _open("2-8") + "23" + _open("4-6") + "45</mark>67</mark>89" and cut == []


def test_spans_sharing_a_start_nest_the_longer_outside():
    html, _ = render("0123456789", _spans((2, 4), (2, 8)))
    assert str(html) == "01" + _open("2-8") + _open("2-4") + "23</mark>4567</mark>89"


def test_spans_sharing_an_end_close_together():
    html, cut = render("0123456789", _spans((2, 8), (5, 8)))
    assert str(html) == "01" + _open("2-8") + "234" + _open("5-8") + "567</mark></mark>89" and cut == []


def test_spans_covering_the_whole_article_and_its_edges():
    html, _ = render("abc", _spans((0, 3), (0, 1), (2, 3)))
    assert str(html) == _open("0-3") + _open("0-1") + "a</mark>b" + _open("2-3") + "c</mark></mark>"


def test_a_span_crossing_another_is_cut_where_the_other_closes_and_continues():
    html, cut = render("0123456789", _spans((2, 6), (4, 8)))
    assert str(html) == "01" + _open("2-6") + "23" + _open("4-8") + "45</mark></mark>" + _cont("4-8") + "67</mark>89"
    assert cut == ["4-8"]


def test_two_spans_cut_at_once_reopen_in_their_nesting_order():
    html, cut = render("0123456789", _spans((0, 4), (1, 6), (2, 8)))
    assert str(html) == (_open("0-4") + "0" + _open("1-6") + "1" + _open("2-8") + "23</mark></mark></mark>"
                         + _cont("1-6") + _cont("2-8") + "45</mark></mark>" + _cont("2-8") + "67</mark>89")
    assert cut == ["1-6", "2-8"]


def test_a_span_cut_twice_and_one_closing_while_another_continues():
    html, cut = render("0123456789", _spans((0, 3), (2, 5), (4, 7)))
    assert str(html) == (_open("0-3") + "01" + _open("2-5") + "2</mark></mark>" + _cont("2-5") + "3"
                         + _open("4-7") + "4</mark></mark>" + _cont("4-7") + "56</mark>789")
    assert cut == ["2-5", "4-7"]


def test_an_empty_or_reversed_span_gets_no_mark():
    html, cut = render("0123456789", _spans((3, 3), (6, 4), (1, 2)))
    assert str(html) == "0" + _open("1-2") + "1</mark>23456789" and cut == []


# --- which rows cite which span ---------------------------------------------------------------------

def _collect(rows):
    return collect_spans(rows, url_of=lambda t, r: f"{t}/{r['id']}.html", row_id_of=lambda t, r: r["id"],
                         summary_of=lambda t, r: f"{t} {r['id']}")


def _row(id_, source="src-0001", start=2, end=5, ev="abc", **more):
    return {"id": id_, "source_id": source, "evidence": ev, "evidence_start": start, "evidence_end": end, **more}


def test_rows_citing_the_same_span_share_it_and_each_is_listed():
    out = _collect([("events", _row("evt-1", confidence="high")), ("quotes", _row("quo-1")),
                    ("events", _row("evt-2", start=2, end=6, ev="abcd")), ("events", _row("evt-3", source="src-0002"))])
    assert sorted(out) == ["src-0001", "src-0002"] and sorted(out["src-0001"]) == ["2-5", "2-6"]
    span = out["src-0001"]["2-5"]
    assert (span.start, span.end, span.text, span.count, span.key) == (2, 5, "abc", 2, "2-5")
    assert [(c.table, c.row_id, c.url, c.which, c.confidence, c.summary) for c in span.citations] == [
        ("events", "evt-1", "events/evt-1.html", "evidence", "high", "events evt-1"),
        ("quotes", "quo-1", "quotes/quo-1.html", "evidence", None, "quotes quo-1")]


def test_a_discrepancys_two_claims_are_two_spans_of_their_own_sources():
    row = {"id": "dis-1", "source_id": "src-0001", "evidence": "one", "evidence_start": 0, "evidence_end": 3,
           "other_source_id": "src-0002", "other_evidence": "two", "other_evidence_start": 4, "other_evidence_end": 7}
    out = _collect([("discrepancies", row)])
    assert [(c.which, c.row_id) for c in out["src-0001"]["0-3"].citations] == [("evidence", "dis-1")]
    assert [(c.which, c.row_id) for c in out["src-0002"]["4-7"].citations] == [("other evidence", "dis-1")]
    assert out["src-0002"]["4-7"].text == "two"


def test_a_row_without_a_source_a_start_an_end_or_an_evidence_column_cites_no_span():
    rows = [_row("a", source=None), _row("b", start=None), _row("c", end=None),
            ("x", {"id": "d", "source_id": "src-0001", "evidence_start": 1, "evidence_end": 2})]
    out = _collect([r if isinstance(r, tuple) else ("events", r) for r in rows])
    assert out == {}


def test_a_row_whose_first_claim_has_no_span_still_cites_its_second():
    row = {"id": "dis-1", "source_id": "src-0001", "evidence": "one", "evidence_start": None, "evidence_end": None,
           "other_source_id": "src-0002", "other_evidence": "two", "other_evidence_start": 4, "other_evidence_end": 7}
    out = _collect([("discrepancies", row)])
    assert list(out) == ["src-0002"] and [c.which for c in out["src-0002"]["4-7"].citations] == ["other evidence"]


def test_an_evidence_column_left_empty_still_cites_its_span_with_empty_text():
    out = _collect([("events", _row("evt-1", ev=None))])
    assert out["src-0001"]["2-5"].text == "" and out["src-0001"]["2-5"].count == 1


def test_a_span_cited_by_more_rows_than_shown_lists_the_first_50_and_counts_all():
    n = 50
    out = _collect([("events", _row(f"evt-{i}")) for i in range(n + 1)])
    span = out["src-0001"]["2-5"]
    assert span.count == n + 1 and [c.row_id for c in span.citations] == [f"evt-{i}" for i in range(n)]
    exact = _collect([("events", _row(f"evt-{i}")) for i in range(n)])["src-0001"]["2-5"]
    assert exact.count == n and len(exact.citations) == n


# --- Markdown: raw HTML and links off -------------------------------------------------------------

def test_inline_markdown_escapes_html_and_keeps_code_and_no_link():
    assert str(text.inline(HOSTILE)) == ESCAPED.replace("&#34;", "&quot;").replace("&#39;", "'")
    assert str(text.inline("the `cameo_code` [see](https://evil.example) <https://evil.example> ![i](x.png)")) == (
        "the <code>cameo_code</code> [see](https://evil.example) &lt;https://evil.example&gt; ![i](x.png)")
    assert str(text.inline(None)) == "" and isinstance(text.inline("x"), Markup)


def test_block_markdown_escapes_html_blocks_and_boxes_each_table():
    assert str(text.block("<div onclick=alert(1)>x</div>\n\n*a*")) == (
        "<p>&lt;div onclick=alert(1)&gt;x&lt;/div&gt;</p>\n<p><em>a</em></p>\n")
    box = '<div class="scroll" role="region" aria-label="Table" tabindex="0">'
    html = str(text.block("| a | b |\n|---|---|\n| <b>1</b> | 2 |\n"))
    assert html.startswith(box + "<table>") and html.count("</table></div>") == 1 and "&lt;b&gt;1&lt;/b&gt;" in html
    assert str(text.block(None)) == ""


def test_tex_like_text_stays_text():
    assert str(text.inline(r"$\frac{a}{b}$ x^2_i")) == r"$\frac{a}{b}$ x^2_i"


# --- the CHANGELOG and the curation notes ---------------------------------------------------------

CHANGELOG = """# Changelog

## [Unreleased]

- nothing yet

## [1.2.0] - 2026-01-02

### Changed
- `events` `evt-0001`: `confidence` 'high' → 'medium' (the span says (roughly) so)
- `quotes` `quo-0002`: `text` corrected
- `event_mentions` `men-0003`: `confidence` 'low' → 'high' (a reason)

## [1.0.0] - 2025-06-01

First release.
"""


def test_changelog_entries_are_cut_at_each_version_heading():
    entries = text.changelog_entries(CHANGELOG)
    assert list(entries) == ["Unreleased", "1.2.0", "1.0.0"]
    assert entries["Unreleased"] == "- nothing yet" and entries["1.0.0"] == "First release."
    assert entries["1.2.0"].startswith("### Changed\n- `events`") and entries["1.2.0"].endswith("(a reason)")
    assert text.changelog_entries("no headings") == {}


def test_changelog_rows_give_the_reason_in_the_last_parenthesis_of_a_line():
    assert text.changelog_rows(text.changelog_entries(CHANGELOG)["1.2.0"]) == {
        ("events", "evt-0001"): "the span says (roughly) so",
        ("event_mentions", "men-0003"): "a reason"}


def test_a_balanced_parenthesis_is_read_whole_and_an_unbalanced_one_not_at_all():
    assert text._parenthetical("x (a (b) c) d", 2) == "a (b) c"
    assert text._parenthetical("x (a (b c", 2) == ""
    assert text._parenthetical("x a", 1) == "" and text._parenthetical("x (", 3) == ""
    assert text._parenthetical("()", 0) == ""
    assert text._parenthetical("(a)", 0) == "a"


NOTES = """# Notes

## Audit of 1.0.0, decided for 1.1.0

* **evt-0049 notes called it a REQUEST. Applied.** Text naming men-0001. Touched: evt-0049 (notes).
* **A second decision. Applied.** Also about evt-0049 and men-0001; Touched: men-0002.
* **A third.** Names men-0002 again, not touched here.

## After 1.1.0: a re-read, for 1.1.1

A paragraph before the bullets: men-0098 (not a bullet, not a reason).

* A phrase referring back: men-0074 ("During the talks", src-0003), men-0086 and men-0087
  ("both sides"), men-0090 no parenthesis, men-0091 (unclosed
* men-0074 (a second reason is not taken)
* No colon in the lead men-0095 (kept whole)

## Something for 1.1.10

* **Other.** evt-0001.
"""


def test_notes_reasons_take_a_bullets_bold_title_and_prefer_the_bullet_that_touched_the_row():
    assert text.notes_reasons(NOTES, "1.1.0") == {
        "evt-0049": ("Audit of 1.0.0, decided for 1.1.0", "evt-0049 notes called it a REQUEST. Applied."),
        "men-0001": ("Audit of 1.0.0, decided for 1.1.0", "evt-0049 notes called it a REQUEST. Applied."),
        "men-0002": ("Audit of 1.0.0, decided for 1.1.0", "A second decision. Applied."),
    }


def test_notes_reasons_take_the_lead_and_the_parenthesis_after_the_last_id_of_a_group():
    head = "After 1.1.0: a re-read, for 1.1.1"
    assert text.notes_reasons(NOTES, "1.1.1") == {
        "men-0074": (head, 'A phrase referring back: "During the talks", src-0003'),
        "men-0086": (head, 'A phrase referring back: "both sides"'),
        "men-0087": (head, 'A phrase referring back: "both sides"'),
        "men-0095": (head, "kept whole"),
    }


def test_notes_reasons_match_the_version_exactly_and_find_nothing_for_another():
    assert text.notes_reasons(NOTES, "1.1.10") == {"evt-0001": ("Something for 1.1.10", "Other.")}
    assert text.notes_reasons(NOTES, "1.1") == {} and text.notes_reasons(NOTES, "2.0.0") == {}
