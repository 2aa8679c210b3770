"""Hostile text rendered, not compared (issue 29): the site built from cells that hold HTML, script,
attribute-breaking quotes, entities, Jinja and TeX-like text shows each as text and injects nothing.

The committed site/ proves nothing here (no cell of the real data is hostile), so the site is rendered
anew from a temporary copy of the package whose cells were edited, with the real build's generators
(in memory), and every page is parsed with html.parser: no element or attribute beyond what the site's
own templates make, no inline script, and every hostile string found back verbatim as text or as the
value of one attribute. The timeline (matplotlib) gets the same cells, TeX included.
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

HOSTILE = {
    ("events", 0, "title"): '<script>alert("title")</script> & <img src=x onerror=alert(1)>',
    ("events", 0, "notes"): '" onmouseover="alert(2)" data-x="',
    ("events", 1, "notes"): "' onfocus='alert(3)' autofocus x='",
    ("events", 2, "title"): "</h2></a></p></div><b>bold</b><!-- comment --><![CDATA[ x ]]>",
    ("events", 3, "notes"): "&lt;b&gt; &amp;amp; &#x3c;i&#x3e; &#60;u&#62;",
    ("events", 4, "notes"): "{{ 7*7 }} {% if true %}jinja{% endif %} ${7*7} #{7*7}",
    ("participants", 1, "notes"): r"\frac{a}{b} \textbf{x} x^2_i \\ \end{document}",
    ("quotes", 0, "notes"): '<a href="javascript:alert(4)">link</a><iframe src="//evil"></iframe>',
    ("agreements", 0, "notes"): '<svg onload=alert(5)><math><style>*{}</style></math>',
    ("discrepancies", 0, "resolution"): "<scr<script>ipt>alert(6)</script>",
}
# what the hostile strings would add if they were not escaped
INJECTED_TAGS = {"img", "b", "iframe", "svg", "math", "style"}
INJECTED_ATTRS = {"onerror", "onmouseover", "onfocus", "onload", "autofocus", "data-x", "x"}


def _edit(pkg: Path, edits: dict) -> None:
    by_table: dict[str, list] = {}
    for (table, row, column), value in edits.items():
        by_table.setdefault(table, []).append((row, column, value))
    for table, cells in by_table.items():
        path = pkg / "data" / f"{table}.csv"
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        for row, column, value in cells:
            rows[1 + row][rows[0].index(column)] = value
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")


class _Page(HTMLParser):
    """Every start tag with its attributes, the text, and what sits inside <script> elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.script_text: list[str] = []
        self.comments: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        (self.script_text if self._in_script else self.text).append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    def unknown_decl(self, data):
        self.comments.append(data)


def _parse(data: bytes) -> _Page:
    page = _Page()
    page.feed(data.decode("utf-8"))
    page.close()
    return page


def _site(pkg: Path) -> dict[str, bytes]:
    from china_russia_diplomacy.build.pipeline import compute_outputs

    outputs, _report = compute_outputs(pkg, skip=("timeline",))
    return {rel: data for rel, data in outputs.items() if rel.startswith("site/")}


@pytest.fixture(scope="module")
def clean_site(tmp_path_factory) -> dict[str, bytes]:
    """The site rendered from an unedited copy: the elements and attributes the templates make."""
    from conftest import copy_package

    return _site(copy_package(tmp_path_factory.mktemp("clean") / "pkg"))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> dict[str, bytes]:
    """The site's files rendered from a package copy with the hostile cells (validated first, as build does)."""
    from conftest import copy_package

    pkg = copy_package(tmp_path_factory.mktemp("hostile") / "pkg")
    _edit(pkg, HOSTILE)
    return _site(pkg)


def test_hostile_cells_pass_validation_so_the_site_must_cope_with_them(hostile_site):
    assert any(rel.endswith(".html") for rel in hostile_site)


def _structure(page: _Page) -> list[tuple[str, tuple[str, ...]]]:
    return [(tag, tuple(name for name, _ in attrs)) for tag, attrs in page.tags]


def test_hostile_cells_leave_every_page_with_the_elements_and_attributes_of_the_clean_site(clean_site, hostile_site):
    """Element for element, attribute name for attribute name: the same tree as the clean render. (The
    search shards may differ: hostile words are new terms; the pages may not.)"""
    assert sorted(r for r in hostile_site if r.endswith(".html")) == sorted(r for r in clean_site if r.endswith(".html"))
    for rel in sorted(hostile_site):
        if rel.endswith(".html"):
            assert _structure(_parse(hostile_site[rel])) == _structure(_parse(clean_site[rel])), rel


def test_no_hostile_cell_adds_an_element_an_attribute_or_an_inline_script(clean_site, hostile_site):
    for rel, data in sorted(hostile_site.items()):
        if not rel.endswith(".html"):
            continue
        page, clean = _parse(data), _parse(clean_site[rel])
        for tag in INJECTED_TAGS:  # the site's own (an article page's <style> for :target) are in the clean page too
            count = sum(t == tag for t, _ in page.tags)
            assert count == sum(t == tag for t, _ in clean.tags), (rel, tag, count)
        assert not any(tag == "img" and ("src", "x") in attrs for tag, attrs in page.tags), rel
        for tag, attrs in page.tags:
            names = {name for name, _ in attrs}
            assert not names & INJECTED_ATTRS and not any(
                n.startswith("on") for n in names if (tag, n) != ("form", "onsubmit")), (rel, tag, attrs)  # the search form's own
            for name, value in attrs:
                assert not (value or "").strip().lower().startswith("javascript:"), (rel, tag, name, value)
        scripts = [attrs for tag, attrs in page.tags if tag == "script"]
        assert scripts == [attrs for tag, attrs in clean.tags if tag == "script"], (rel, scripts)
        assert page.script_text == clean.script_text, (rel, "inline script")  # the site's own call only
        assert not any("comment" in c or "CDATA" in c for c in page.comments), (rel, page.comments)


def test_every_hostile_string_is_shown_verbatim_as_text_somewhere(hostile_site):
    pages = {rel: _parse(data) for rel, data in hostile_site.items() if rel.endswith(".html")}
    texts = {rel: "".join(p.text) for rel, p in pages.items()}
    values = {rel: [v for _t, attrs in p.tags for _n, v in attrs if v] for rel, p in pages.items()}
    for key, hostile in HOSTILE.items():
        shown = [rel for rel in pages if hostile in texts[rel] or hostile in values[rel]]
        assert shown, f"{key}: {hostile!r} is not on any page as text (escaped twice, dropped, or rendered)"
    assert not any("49" in t and "{{ 7*7 }}" not in t for t in texts.values() if "jinja" in t)


def test_the_search_index_carries_the_hostile_title_as_data(hostile_site):
    """The documents shards are ``crdSearchDocs(block, [[table, id, label, url], ...]);``: the hostile title is
    one JSON string of that array (data), never code."""
    labels = []
    shards = sorted(rel for rel in hostile_site if rel.startswith("site/search/d") and rel.endswith(".js"))
    assert shards
    for rel in shards:
        text = hostile_site[rel].decode("utf-8").strip()
        assert text.startswith("crdSearchDocs(") and text.endswith(");"), rel
        block, entries = json.loads("[" + text[len("crdSearchDocs("):-2] + "]")
        labels += [e[2] for e in entries]
    assert any(HOSTILE[("events", 0, "title")] in label for label in labels)


def test_the_timeline_renders_hostile_and_tex_like_titles(tmp_path):
    """Titles with HTML and TeX (matplotlib's mathtext reads $...$) are drawn as text, never parsed."""
    from conftest import copy_package

    from china_russia_diplomacy.build.pipeline import compute_outputs

    pkg = copy_package(tmp_path / "pkg")
    edits = {("events", 0, "title"): r"Cost of $\frac{a}{b}$ and $x^2$ <script>alert(1)</script>",
             ("events", 1, "title"): r"A single $ dollar, \textbf{bold} and 100% & <b>tags</b>"}
    _edit(pkg, edits)
    outputs, _ = compute_outputs(pkg, skip=("site", "history", "codebook", "citation", "croissant", "readme"))
    assert outputs["docs/timeline.png"].startswith(b"\x89PNG")
    page = _parse(outputs["docs/timeline.svg"])
    assert page.tags[0][0] == "svg" and not {tag for tag, _ in page.tags} & {"script", "b", "foreignobject"}
