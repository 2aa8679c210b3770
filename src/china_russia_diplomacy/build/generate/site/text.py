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
