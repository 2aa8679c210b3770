"""Relative links inside a release archive: every one must resolve inside it (issue 23: 12 links of the
archive's own README led nowhere).

The archive carries what its README links to (the datasheet, the curation notes, the site, the
figures...). A link of a carried Markdown file to a file the archive does not carry (a developer file of
the checkout, such as ``.ci/run``) is rewritten in the archive's copy: to the same path in the source
repository at the version's tag when the citation record names a repository, else to its plain text
marked "(in the source repository)". ``broken_links`` is the check ``release`` runs before writing:
an archive with a link that leads nowhere is refused.
"""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from typing import Callable
from urllib.parse import unquote

MARKDOWN = (".md",)
HTML = (".html", ".htm")
# [text](target) and ![alt](target), with an optional "title"; the target has no spaces.
_MD_LINK = re.compile(r"(!?\[(?P<text>(?:[^\[\]]|\[[^\]]*\](?:\([^)]*\))?)*)\])\((?P<target>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
_FENCE = re.compile(r"^(```|~~~)")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_ID_ATTR = re.compile(r"""<a\s[^>]*?(?:id|name)=["']([^"']+)["']""", re.IGNORECASE)


def is_relative(target: str) -> bool:
    """A link into the archive: not a URL with a scheme, not protocol-relative, not mail."""
    return not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) and not target.startswith("//")


def _outside_fences(text: str):
    """(line) for every line of Markdown that is not inside a fenced code block."""
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if not fenced:
            yield line


def markdown_targets(text: str) -> list[str]:
    """Every link target of a Markdown text (images included), code blocks and inline code left out."""
    out = []
    for line in _outside_fences(text):
        line = re.sub(r"`[^`]*`", "", line)
        for match in _MD_LINK.finditer(line):
            out.append(match.group("target"))
            out += markdown_targets(match.group("text"))  # [![image](a)](b)
    return out


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`|\*\*|__", "", heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def markdown_anchors(text: str) -> set[str]:
    """Anchors a Markdown file defines: its headings (GitHub's slugs, repeated ones numbered) and
    explicit ``<a id=...>``/``<a name=...>``."""
    seen: dict[str, int] = {}
    anchors = set()
    for line in _outside_fences(text):
        heading = _HEADING.match(line)
        if heading:
            slug = github_slug(heading.group(1))
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            anchors.add(slug if n == 0 else f"{slug}-{n}")
        anchors.update(_ID_ATTR.findall(line))
    return anchors


class _HtmlLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src") and tag != "base":
                self.targets.append(value)
            elif name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)


def html_links(text: str) -> tuple[list[str], set[str]]:
    """(link targets, element ids) of an HTML page."""
    parser = _HtmlLinks()
    parser.feed(text)
    return parser.targets, parser.ids


def _resolve(source: str, target: str) -> tuple[str, str]:
    """(archive path the link points to, its anchor) for a relative ``target`` of the file ``source``."""
    path, _, anchor = target.partition("#")
    path = unquote(path.split("?", 1)[0])
    if not path:
        return source, anchor
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), path)), anchor


def broken_links(contents: dict[str, bytes], *, anchors: bool = True) -> list[str]:
    """Every relative link of the Markdown and HTML files in ``contents`` (archive path -> bytes) that
    does not resolve inside it: a missing file or folder, a path leaving the archive, and (``anchors``)
    a ``#anchor`` of a Markdown file that no heading or ``<a id>`` of the target defines."""
    files = set(contents)
    folders = {posixpath.dirname(p) for p in files}
    folders |= {posixpath.dirname(f) for f in list(folders)}
    while True:  # every ancestor folder
        more = {posixpath.dirname(f) for f in folders} - folders
        if not more:
            break
        folders |= more
    md_anchors: dict[str, set[str]] = {}
    out = []
    for rel in sorted(contents):
        lower = rel.lower()
        if lower.endswith(MARKDOWN):
            text = contents[rel].decode("utf-8")
            targets = markdown_targets(text)
        elif lower.endswith(HTML):
            targets, _ = html_links(contents[rel].decode("utf-8"))
        else:
            continue
        for target in targets:
            if not is_relative(target) or target in ("", "#"):
                continue
            path, anchor = _resolve(rel, target)
            if path.startswith("../") or path == "..":
                out.append(f"{rel}: {target} leads outside the archive")
                continue
            if path.rstrip("/") in folders and path not in files:
                continue
            if path not in files:
                out.append(f"{rel}: {target} -> {path}, not in the archive")
                continue
            if anchors and anchor and path.lower().endswith(MARKDOWN):
                if path not in md_anchors:
                    md_anchors[path] = markdown_anchors(contents[path].decode("utf-8"))
                if anchor not in md_anchors[path]:
                    out.append(f"{rel}: {target}: no heading or anchor #{anchor} in {path}")
    return out


def localize_markdown(text: str, source: str, carried: set[str], *, repository: str = "", tag: str = "",
                      in_repository: Callable[[str], bool] = lambda path: True) -> str:
    """``text`` (the Markdown file ``source`` of the archive) with every relative link to a file the
    archive does not carry but the source tree has (``in_repository(path)``) pointed at the source
    repository (``repository``/blob/``tag``/path) when one is known, else replaced by its text and
    "(in the source repository)". Links into the archive, links to nothing at all (left for
    :func:`broken_links` to refuse), absolute URLs and code are left exactly as they are."""
    folders = {posixpath.dirname(p) for p in carried}

    def carried_target(target: str) -> bool:
        path, _ = _resolve(source, target)
        return path in carried or path.rstrip("/") in folders or path.startswith("../") or not in_repository(path)

    out_lines = []
    fenced = False
    for line in text.split("\n"):
        if _FENCE.match(line.lstrip()):
            fenced = not fenced
            out_lines.append(line)
            continue
        if fenced:
            out_lines.append(line)
            continue

        def replace(match: re.Match) -> str:
            target = match.group("target")
            if not is_relative(target) or target.startswith("#") or carried_target(target):
                return match.group(0)
            path, anchor = _resolve(source, target)
            if repository:
                url = f"{repository.rstrip('/')}/blob/{tag}/{path}" + (f"#{anchor}" if anchor else "")
                return f"{match.group(1)}({url}{match.group('title') or ''})"
            return f"{match.group('text')} (in the source repository)"

        out_lines.append(_MD_LINK.sub(replace, line))
    return "\n".join(out_lines)
