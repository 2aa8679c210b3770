"""Build generator: ``CITATION.cff`` and ``.zenodo.json``, from the citation record of the core.

Both are derived from ``schemas/package.json`` and the release date of the CHANGELOG's entry for the
version (never "today": a build must not depend on the clock), so a version bump flows into the
citation without anyone editing it.
"""

from __future__ import annotations

import json
from typing import Any

from ...core.citation import cff_authors, cff_text, license_name, package_citation
from ...core.metadata import Metadata


def zenodo_record(meta: Metadata, date_released: str | None) -> dict[str, Any]:
    """Zenodo deposit metadata (the legacy ``.zenodo.json`` format GitHub-Zenodo integration reads, and
    publish/zenodo.py sends): only what schemas/package.json gives; the version DOI is Zenodo's to mint."""
    creators = []
    for a in cff_authors(meta):
        creator = {"name": a.get("name") or ", ".join(filter(None, [a.get("family-names"), a.get("given-names")]))}
        if a.get("affiliation"):
            creator["affiliation"] = a["affiliation"]
        if a.get("orcid"):
            creator["orcid"] = a["orcid"].rsplit("/", 1)[-1]
        creators.append(creator)
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
    related = []
    if meta.package.get("repository"):
        related.append({"identifier": meta.package["repository"], "relation": "isSupplementedBy", "scheme": "url"})
    if meta.package.get("homepage"):
        related.append({"identifier": meta.package["homepage"], "relation": "isDocumentedBy", "scheme": "url"})
    if related:
        record["related_identifiers"] = related
    if meta.package.get("zenodoCommunity"):
        record["communities"] = [{"identifier": meta.package["zenodoCommunity"]}]
    return record


def generate(ctx) -> dict[str, bytes]:
    """Build generator: ``CITATION.cff`` and ``.zenodo.json``."""
    record = package_citation(ctx.package_dir, ctx.meta)
    date = record.get("date-released")
    return {
        "CITATION.cff": cff_text(record).encode("utf-8"),
        ".zenodo.json": (json.dumps(zenodo_record(ctx.meta, date), indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
    }
