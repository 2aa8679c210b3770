"""Text shown on the site that comes as Markdown (schema descriptions, CHANGELOG entries), rendered with
markdown-it-py (CommonMark): raw HTML off, so whatever the text holds is escaped, and links off, so the
site never links outside itself (a link's words stay). And the CHANGELOG read into one entry per version,
with the line each entry gives a corrected row (the reason of a version page's change)."""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup

_ENTRY = re.compile(r"^## \[([^\]]+)\][^\n]*\n", re.M)
_ROW_LINE = re.compile(r"^- `([a-z_]+)` `([^`]+)`: .*?\((.+)\)$", re.M)


@lru_cache(maxsize=1)
def _md():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").disable(["link", "autolink", "image"])


def inline(text: str | None) -> Markup:
    """One line of Markdown (a column's description): backticks become ``<code>``."""
    return Markup(_md().renderInline(text or ""))


def block(text: str | None) -> Markup:
    """Markdown paragraphs, lists and tables; a table scrolls inside its own box on a narrow screen."""
    html = _md().render(text or "")
    html = html.replace("<table>", '<div class="scroll" role="region" aria-label="Table" tabindex="0"><table>')
    return Markup(html.replace("</table>", "</table></div>"))


def changelog_entries(text: str) -> dict[str, str]:
    """``{version: the entry's Markdown below its heading}`` of a Keep-a-Changelog file."""
    heads = list(_ENTRY.finditer(text))
    return {m.group(1): text[m.end():heads[i + 1].start() if i + 1 < len(heads) else len(text)].strip()
            for i, m in enumerate(heads)}


def changelog_rows(entry: str) -> dict[tuple[str, str], str]:
    """``{(table, row key): the reason}`` from the entry's list of corrections, where a line gives one (in
    parentheses after the change: the row's curator note when the release was made)."""
    return {(m.group(1), m.group(2)): m.group(3) for m in _ROW_LINE.finditer(entry)}


_KEY_LINE = re.compile(r"^- `([^`]+)`: (.+)$", re.M)


def changelog_words(entry: str) -> dict[str, str]:
    """``{row key: the curator's words}`` from an entry's hand-written list of reasons for rows that have no
    note of their own ("- `men-0007`: names the victory ..."): one backticked key, not a table and a key."""
    return {m.group(1): m.group(2) for m in _KEY_LINE.finditer(entry)}


_ID = re.compile(r"\b(?:evt|men|par|quo|agr|dis|src)-[0-9]{4,}\b")
_SECTION = re.compile(r"^## (.+)$", re.M)


def _parenthetical(text: str, at: int) -> str:
    """The balanced ``( ... )`` starting at ``text[at]``, without its parentheses, or ``""``."""
    if at >= len(text) or text[at] != "(":
        return ""
    depth = 0
    for i in range(at, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return text[at + 1:i]
    return ""


def notes_reasons(notes: str, version: str) -> dict[str, tuple[str, str]]:
    """``{row ID: (section heading, reason)}`` from the curation notes' sections decided for ``version``
    (headings ending "for 1.2.1"): a bullet's bold title when it has one ("**Quotes with an inferred
    language kept `high`. Applied.**"), else the bullet's lead and the parenthesis after the ID
    ("A phrase referring back to the event: men-0074 ("During the talks", ...)"). Used where a changed
    row has no note of its own and the CHANGELOG gives no reason for it."""
    out: dict[str, tuple[str, str]] = {}
    decided: set[str] = set()  # rows a bullet lists under "Touched:"
    heads = list(_SECTION.finditer(notes))
    for i, head in enumerate(heads):
        if not re.search(rf"\bfor {re.escape(version)}\s*$", head.group(1)):
            continue
        body = notes[head.end():heads[i + 1].start() if i + 1 < len(heads) else len(notes)]
        for bullet in re.split(r"\n(?=\* )", body):
            if not bullet.startswith("* "):
                continue
            text = " ".join(bullet[2:].split())
            bold = re.match(r"\*\*(.+?)\*\*", text)
            lead = text.split(":", 1)[0] if ":" in text[:120] and not bold else ""
            touched = set(_ID.findall(text.split("Touched:", 1)[1])) if "Touched:" in text else set()
            for m in _ID.finditer(text):
                if bold:
                    # a bullet that names the row among those it touched is its reason, over any mention
                    if m.group(0) not in decided and (m.group(0) in touched or m.group(0) not in out):
                        out[m.group(0)] = (head.group(1), bold.group(1))
                        if m.group(0) in touched:
                            decided.add(m.group(0))
                    continue
                if m.group(0) in out:
                    continue
                rest = m.end()
                while True:  # "men-0039 and men-0041 (...)": the parenthesis after the last ID
                    more = re.match(r" and (?:evt|men|par|quo|agr|dis)-[0-9]{4,}", text[rest:])
                    if not more:
                        break
                    rest += more.end()
                paren = _parenthetical(text, rest + 1) if text[rest:rest + 2] == " (" else ""
                if paren:
                    out[m.group(0)] = (head.group(1), f"{lead}: {paren}" if lead else paren)
    return out
