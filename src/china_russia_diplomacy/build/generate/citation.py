"""Build generator: ``CITATION.cff`` and ``.zenodo.json``, from the citation record of the core.

Both are derived from ``schemas/package.json`` and the release date of the CHANGELOG's entry for the
version (never "today": a build must not depend on the clock), so a version bump flows into the
citation without anyone editing it.
"""

from __future__ import annotations

import json
from typing import Any

from ...core.citation import cff_authors, license_name, cff_text, citation_record, release_date
from ...core.metadata import Metadata


def zenodo_record(meta: Metadata, date_released: str | None) -> dict[str, Any]:
    """Zenodo deposit metadata (the legacy ``.zenodo.json`` format GitHub-Zenodo integration reads)."""
    creators = [{"name": a.get("name") or ", ".join(filter(None, [a.get("family-names"), a.get("given-names")]))}
                for a in cff_authors(meta)]
    record: dict[str, Any] = {
        "title": f"{meta.package['title']} (version {meta.version})",
        "upload_type": "dataset",
        "version": meta.version,
        "description": meta.package.get("description", ""),
        "creators": creators,
        "license": license_name(meta).lower(),
        "access_right": "open",
        "keywords": list(meta.package.get("keywords", [])),
    }
    if date_released:
        record["publication_date"] = date_released
    return record



def generate(ctx) -> dict[str, bytes]:
    """Build generator: ``CITATION.cff`` and ``.zenodo.json``."""
    date = release_date(ctx.package_dir, ctx.meta.version)
    return {
        "CITATION.cff": cff_text(citation_record(ctx.meta, date)).encode("utf-8"),
        ".zenodo.json": (json.dumps(zenodo_record(ctx.meta, date), indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
    }
