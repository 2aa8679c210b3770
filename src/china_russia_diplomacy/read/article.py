"""``crd.article(source_id)``: the archived text a row's evidence offsets point into, and its ``sources`` row.

Checking a row by hand means ``text[evidence_start:evidence_end] == evidence``. ``text`` must be exactly
what validation checks the offsets against: the archived file's bytes decoded as strict UTF-8, nothing
stripped or normalised, newlines as stored. Guessing the file's path (``sources/`` next to what?
in a wheel, a cache, an unpacked zip?) and decoding it (a text-mode read on Windows turns nothing into
``\\r\\n``, but ``errors="replace"`` or a BOM-stripping codec would shift every offset) is where readers
went wrong; this returns the text for the installed version, a registered ``version`` or a ``package_dir``,
after checking the file's SHA-256 against the ``sources`` row.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Article:
    """An archived article: ``text`` (what the evidence offsets index), ``metadata`` (its ``sources`` row:
    headline, publisher, dates, language, sha256, char_count...), ``path`` (the file it was read from) and
    ``version`` (of the package it belongs to). ``str(article)`` is the text."""

    source_id: str
    text: str
    metadata: dict[str, Any]
    path: Path
    version: str

    def __str__(self) -> str:
        return self.text


def article(source_id: str, package_dir: str | Path | None = None, *, version: str | None = None) -> Article:
    """The archived article ``source_id`` of the installed package, a registered ``version`` or ``package_dir``.

    >>> m = crd.load("event_mentions").iloc[0]
    >>> a = crd.article(m.source_id)
    >>> a.text[m.evidence_start:m.evidence_end] == m.evidence
    True
    """
    from ..core.errors import UntrustedInputError
    from ..core.files import package_path
    from .loader import UnknownNameError, _load, _resolve, did_you_mean, version_of

    base, handed_over = _resolve(package_dir, version)
    label = version_of(base, handed_over)
    sources = _load("sources", "arrow", base, label).to_pylist()
    rows = {str(r["source_id"]): r for r in sources}
    if str(source_id) not in rows:
        known = sorted(rows)
        raise UnknownNameError(f"unknown source_id {source_id!r}{did_you_mean(str(source_id), known)}; the package "
                               f"in {base} has {len(known)} sources ({', '.join(known[:5])}{', ...' if len(known) > 5 else ''})")
    row = rows[str(source_id)]
    file = package_path(base, f"sources/{row['file_name']}", descriptor=base / "data" / "sources.csv",
                        resource=f"sources row {source_id}")
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise UntrustedInputError(f"{file}: the archived article of {source_id} is missing from {base}") from None
    if row.get("sha256") and hashlib.sha256(data).hexdigest() != row["sha256"]:
        raise UntrustedInputError(f"{file}: its SHA-256 differs from sources.sha256 of {source_id}; the archived "
                                  f"article was altered, and its evidence offsets cannot be trusted")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UntrustedInputError(f"{file}: not UTF-8 (byte offset {exc.start}); the evidence offsets count "
                                  f"code points of the UTF-8 text") from None
    return Article(str(source_id), text, row, file, label)
