"""One version everywhere: schemas/package.json is the only place it is written; every other place
(hatch's version source, the installed metadata, __version__, datapackage.json, CITATION.cff,
.zenodo.json, the top CHANGELOG entry, the release archive name) must agree with it."""

from __future__ import annotations

import importlib.metadata
import json
import re
import sys

import pytest
import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TOP_ENTRY = re.compile(r"^## \[(?P<version>[^\]]+)\]", re.MULTILINE)


def _package_version(repo) -> str:
    return json.loads((repo / "schemas" / "package.json").read_text(encoding="utf-8"))["version"]


def _hatch_version(repo) -> str:
    """The version hatchling computes from pyproject's [tool.hatch.version] (its own regex source)."""
    from hatchling.version.source.regex import RegexSource

    config = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["version"]
    return RegexSource(str(repo), dict(config)).get_version_data()["version"]


def top_changelog_version(text: str) -> str | None:
    """The version of the first entry that is not ``[Unreleased]``."""
    for m in TOP_ENTRY.finditer(text):
        if m.group("version").lower() != "unreleased":
            return m.group("version")
    return None


def test_version_is_semantic(repo):
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", _package_version(repo))


def test_one_version_everywhere(repo):
    import china_russia_diplomacy as crd
    from china_russia_diplomacy.core.metadata import read_metadata
    from china_russia_diplomacy.publish.release import archive_name

    version = _package_version(repo)
    found = {
        "hatch version source": _hatch_version(repo),
        "installed metadata (reinstall after a bump)": importlib.metadata.version("china-russia-diplomacy"),
        "__version__": crd.__version__,
        "datapackage.json": json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))["version"],
        "CITATION.cff": str(yaml.safe_load((repo / "CITATION.cff").read_text(encoding="utf-8"))["version"]),
        ".zenodo.json": json.loads((repo / ".zenodo.json").read_text(encoding="utf-8"))["version"],
        "CHANGELOG.md top entry": top_changelog_version((repo / "CHANGELOG.md").read_text(encoding="utf-8")),
        "release archive name": archive_name(read_metadata(repo)).rsplit("-", 1)[1],
    }
    wrong = {where: v for where, v in found.items() if v != version}
    assert not wrong, f"schemas/package.json says {version}, but: {wrong}"


def test_changelog_follows_keep_a_changelog(repo):
    text = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert "keepachangelog.com" in text and "semver.org" in text
    versions = [m.group("version") for m in TOP_ENTRY.finditer(text) if m.group("version").lower() != "unreleased"]
    assert versions, "no released entry"
    assert len(versions) == len(set(versions)), "a version has two entries"


@pytest.mark.parametrize(("text", "expected"), [
    ("# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2025-07-01\n\n## [1.1.0]\n", "1.2.0"),
    ("# Changelog\n\n## [2.0.0]\n", "2.0.0"),
    ("# Changelog\n\nnothing yet\n", None),
])
def test_top_changelog_entry_parsing(text, expected):
    assert top_changelog_version(text) == expected


def test_top_changelog_entry_states_the_current_row_counts(repo):
    """The data table of the top entry (pasted from `changelog-entry`) must match the CSVs being released."""
    import csv

    from china_russia_diplomacy.core.metadata import read_metadata

    text = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    version = top_changelog_version(text)
    entry = text.split(f"## [{version}]", 1)[1].split("\n## [", 1)[0]
    stated = dict(re.findall(r"^\| `(\w+)` \| (\d+) \|", entry, re.MULTILINE))
    actual = {}
    for t in read_metadata(repo).tables:
        with (repo / t.csv_path).open(encoding="utf-8", newline="") as fh:
            actual[t.name] = str(sum(1 for _ in csv.DictReader(fh)))
    assert stated == actual, "paste `china-russia-diplomacy changelog-entry PREV .` into the top CHANGELOG entry"
