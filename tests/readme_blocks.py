"""The README's code blocks between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers: the tests run
what the README shows (SQL joins, lazy queries, engine one-liners, R), so the docs cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_blocks(start: str, end: str, language: str) -> list[str]:
    """The fenced ``language`` blocks of README.md between the ``start`` and ``end`` marker lines."""
    text = README.read_text(encoding="utf-8")
    assert start in text and end in text, f"README.md lost its {start} / {end} markers"
    return re.findall(rf"```{language}\n(.*?)```", text.split(start, 1)[1].split(end, 1)[0], flags=re.S)


def readme_block(name: str, language: str) -> str:
    """The one ``language`` block between the ``<!-- name:start -->`` and ``<!-- name:end -->`` markers."""
    blocks = readme_blocks(f"<!-- {name}:start -->", f"<!-- {name}:end -->", language)
    assert len(blocks) == 1, f"README.md has {len(blocks)} {language} blocks between its {name} markers, not one"
    return blocks[0]
