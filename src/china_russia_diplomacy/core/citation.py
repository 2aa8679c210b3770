"""The citation record: what ``CITATION.cff`` holds, its APA and BibTeX forms, and the release date.

Both sides use it: the build writes ``CITATION.cff`` and ``.zenodo.json`` from it
(:mod:`china_russia_diplomacy.build.generate.citation`), and ``cite()``
(:mod:`china_russia_diplomacy.read.cite`) prints it for the installed or a registered version. All are derived from ``schemas/package.json`` (title, version, contributors, licence, keywords,
description), so that a version bump flows into the citation without anyone editing it.

``schemas/package.json`` is the one place for the citation metadata a person gives: the authors
(``contributors`` with the ``creator`` role: ``givenName``/``familyName`` or ``title``, ``orcid``,
``organization`` as the affiliation), ``homepage``, ``repository``, ``conceptDoi`` (the DOI of all
versions) and ``zenodoCommunity``. CITATION.cff, .zenodo.json, croissant.json, the README's cite block
and the site are generated from it; a field no one has given stays empty, never invented
(``publish-check`` lists what is still missing). A version's own DOI is minted by its deposit and
written back to ``releases.json`` (its ``doi``). The release
date is the one thing the schemas do not know: it is taken from the top entry of ``CHANGELOG.md``
(``## [1.0.0] - 2025-06-01``) when that entry is dated, and left out otherwise, never replaced by
"today" (a build must not depend on the clock).

For a package directory, :func:`installed_record` reads the ``CITATION.cff`` it ships and, failing
that, rebuilds the record from its metadata.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from .metadata import Metadata, SchemaError, load_metadata, metadata_from_descriptor

CFF_VERSION = "1.2.0"
FORMATS = ("apa", "bibtex", "cff")
Format = Literal["apa", "bibtex", "cff"]
MESSAGE = (
    "If you use this dataset, please cite it as below, with the version you used; "
    "every version is a separate, immutable release."
)
_CHANGELOG_ENTRY = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?", re.MULTILINE)


def changelog_release_date(changelog_text: str, version: str) -> str | None:
    """The date of ``version``'s entry in a Keep a Changelog file, or None when it is undated or absent."""
    for m in _CHANGELOG_ENTRY.finditer(changelog_text):
        if m.group("version") == version:
            return m.group("date")
    return None


def cff_authors(meta: Metadata) -> list[dict[str, str]]:
    """CFF authors from the package contributors with the ``creator`` role (or all, if none has roles).

    A contributor with ``givenName``/``familyName`` is a person; otherwise it is an entity named by
    its ``title`` (the project's collective "contributors" is one).
    """
    contributors = meta.package.get("contributors") or []
    creators = [c for c in contributors if "creator" in c.get("roles", [])] or contributors
    out = []
    for c in creators:
        if c.get("familyName"):
            person = {"family-names": c["familyName"]}
            if c.get("givenName"):
                person["given-names"] = c["givenName"]
        else:
            person = {"name": c["title"]}
        if c.get("organization"):
            person["affiliation"] = c["organization"]
        if c.get("orcid"):
            person["orcid"] = orcid_url(c["orcid"])
        out.append(person)
    return out or [{"name": f"{meta.name} contributors"}]


def orcid_url(orcid: str) -> str:
    """An ORCID as CFF and Zenodo's creators want it: ``https://orcid.org/0000-0000-0000-0000``."""
    orcid = orcid.strip()
    return orcid if orcid.startswith("https://") else f"https://orcid.org/{orcid.removeprefix('http://orcid.org/')}"


def bare_doi(doi: str) -> str:
    """``10.5281/zenodo.123`` from a DOI given bare or as a ``https://doi.org/`` URL."""
    doi = doi.strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if doi.lower().startswith(prefix):
            return doi[len(prefix):]
    return doi


def license_name(meta: Metadata) -> str:
    licenses = meta.package.get("licenses") or []
    if not licenses:
        raise SchemaError("schemas/package.json has no licenses; a citable dataset needs one")
    return licenses[0]["name"]


def citation_record(meta: Metadata, date_released: str | None, doi: str = "") -> dict[str, Any]:
    """The CITATION.cff content as an ordered dict (key order is the order written). ``doi`` is this
    version's DOI when its deposit minted one; otherwise the concept DOI (all versions) is cited, when
    there is one."""
    record: dict[str, Any] = {
        "cff-version": CFF_VERSION,
        "message": MESSAGE,
        "type": "dataset",
        "title": meta.package["title"],
        "version": meta.version,
        "authors": cff_authors(meta),
        "license": license_name(meta),
        "abstract": meta.package.get("description", ""),
        "keywords": list(meta.package.get("keywords", [])),
    }
    concept = bare_doi(meta.package.get("conceptDoi") or "")
    doi = bare_doi(doi)
    if doi or concept:
        record["doi"] = doi or concept
    if doi and concept and doi != concept:
        record["identifiers"] = [{"type": "doi", "value": concept, "description": "The concept DOI: every version"}]
    if meta.package.get("repository"):
        record["repository-code"] = meta.package["repository"]
    if meta.package.get("homepage"):
        record["url"] = meta.package["homepage"]
    if date_released:
        record["date-released"] = date_released
    if not record["abstract"]:
        del record["abstract"]
    return record


def package_citation(package_dir: Path, meta: Metadata) -> dict[str, Any]:
    """The citation record of a source tree's version: dated by its CHANGELOG entry (else its registry
    entry), with the version DOI its registry entry records (else the concept DOI)."""
    from .registry import read_registry

    registered = read_registry(package_dir).get(meta.version)
    date = release_date(package_dir, meta.version) or (registered.date if registered is not None else None)
    return citation_record(meta, date, registered.doi if registered is not None else "")


def cff_text(record: dict[str, Any]) -> str:
    import yaml

    # safe_dump quotes a date-like string ('2025-06-01'), so every YAML reader gets back the string the
    # CFF schema expects rather than a date object.
    return "# Generated by `china-russia-diplomacy build` from schemas/package.json and CHANGELOG.md; do not edit.\n" + yaml.safe_dump(
        record, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )


def release_date(package_dir: Path, version: str) -> str | None:
    changelog = package_dir / "CHANGELOG.md"
    if not changelog.is_file():
        return None
    return changelog_release_date(changelog.read_text(encoding="utf-8"), version)


def installed_record(package_dir: str | Path | None = None) -> dict[str, Any]:
    """The citation record of the installed (or given) package: its CITATION.cff, else its metadata."""
    from .locate import installed_package_dir

    base = Path(package_dir) if package_dir is not None else installed_package_dir()
    cff = base / "CITATION.cff"
    if cff.is_file():
        import yaml

        record = yaml.safe_load(cff.read_text(encoding="utf-8"))
        if record.get("date-released") is not None:
            record["date-released"] = str(record["date-released"])
        return record
    meta = load_metadata(base)
    return package_citation(base, meta)


def registered_record(descriptor: dict[str, Any], date_released: str | None) -> dict[str, Any]:
    """The citation record of a registered version from what ``releases.json`` fixes: the version's
    ``datapackage.json`` (checked against its registered SHA-256 by the caller) and the registered date.
    The same record, and with :func:`cff_text` the same bytes, as the ``CITATION.cff`` the version
    shipped (both are generated from the same metadata), so it can check a ``CITATION.cff`` that no
    registered hash fixes (one rebuilt from the shipped history, or kept in a cache)."""
    return citation_record(metadata_from_descriptor(descriptor), date_released)


def _author_names(record: dict[str, Any]) -> list[str]:
    names = []
    for a in record.get("authors", []):
        if "name" in a:
            names.append(a["name"])
        else:
            given = a.get("given-names", "")
            initials = " ".join(f"{p[0]}." for p in given.split()) if given else ""
            names.append(", ".join(filter(None, [a.get("family-names", ""), initials])))
    return names


def apa_text(record: dict[str, Any]) -> str:
    names = _author_names(record)
    authors = names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]
    year = str(record["date-released"])[:4] if record.get("date-released") else "n.d."
    url = f" https://doi.org/{record['doi']}" if record.get("doi") else (f" {record['url']}" if record.get("url") else "")
    authors = authors if authors.endswith(".") else authors + "."
    return f"{authors} ({year}). {record['title']} (Version {record['version']}) [Data set].{url}"


def bibtex_text(record: dict[str, Any]) -> str:
    def esc(s: str) -> str:
        return s.replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}").replace("&", "\\&").replace("%", "\\%")

    key = re.sub(r"[^A-Za-z0-9]+", "_", f"{record['title'].split(':')[0]}_{record['version']}").strip("_").lower()
    authors = " and ".join(
        "{" + esc(a["name"]) + "}" if "name" in a else esc(f"{a.get('family-names', '')}, {a.get('given-names', '')}".strip(", "))
        for a in record.get("authors", [])
    )
    fields = [("author", authors), ("title", "{" + esc(record["title"]) + "}"), ("version", record["version"])]
    if record.get("date-released"):
        fields.append(("year", str(record["date-released"])[:4]))
    if record.get("doi"):
        fields.append(("doi", record["doi"]))
    if record.get("url"):
        fields.append(("url", record["url"]))
    fields.append(("note", f"Data set, version {record['version']}, licensed {record.get('license', '')}"))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@misc{{{key},\n{body}\n}}"
