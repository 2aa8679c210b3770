"""Each verification of the history alone (issue 29): the registry's hashes, checked after the patches.

A history patch carries the SHA-256 of the file it must produce, so a patch that rebuilds the wrong
file is refused by the patch itself; that hid the second step, the check of every rebuilt file
against releases.json (``check_release``), which a mutation run could remove unnoticed. Here the
patches are left intact and only the registry's record changes, so only that step can refuse, from the
entry points that rebuild: ``chain`` (the loader's path) and ``rebuild_version`` (what ``fetch`` and
``load(version=...)`` write to the cache).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import china_russia_diplomacy as crd
from china_russia_diplomacy.core.registry import Registry, read_registry
from china_russia_diplomacy.read import history
from china_russia_diplomacy.read.history import HistoryError, chain, rebuild_version

REPO = Path(__file__).resolve().parents[2]
REGISTRY = read_registry(REPO)
OLDEST = min((r for r in history.older_releases(REGISTRY, crd.__version__)), key=lambda r: history.version_key(r.version))


def _registry_with(version: str, files: dict[str, str]) -> Registry:
    return Registry([dataclasses.replace(r, files=files) if r.version == version else r for r in REGISTRY.releases])


def test_the_intact_history_passes_every_check():
    assert OLDEST.version in chain(REPO, REGISTRY, OLDEST.version)


@pytest.mark.parametrize("rel", ["data/agreements.csv", "data/sources.csv", "datapackage.json"])
def test_a_rebuilt_file_the_registry_records_with_another_hash_is_refused(rel, tmp_path):
    """The first CSV, one after a Parquet entry (a loop that stopped there would miss it), and the last."""
    assert rel in OLDEST.files
    registry = _registry_with(OLDEST.version, {**OLDEST.files, rel: "0" * 64})
    with pytest.raises(HistoryError, match=rf"the history of {OLDEST.version} rebuilds {rel} with SHA-256 [0-9a-f]{{64}}, "
                                           rf"releases.json records 0{{64}}; refused"):
        chain(REPO, registry, OLDEST.version)
    with pytest.raises(HistoryError, match=rf"rebuilds {rel} with SHA-256"):
        rebuild_version(REPO, registry, OLDEST.version, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # refused before writing anything


def test_a_file_the_registry_records_but_the_history_does_not_rebuild_is_refused():
    registry = _registry_with(OLDEST.version, {**OLDEST.files, "data/treaties.csv": "0" * 64})
    with pytest.raises(HistoryError, match=rf"the history of {OLDEST.version} does not rebuild data/treaties.csv"):
        chain(REPO, registry, OLDEST.version)


def test_parquet_twins_are_not_compared_with_the_history_they_are_rebuilt_from_the_csv():
    parquet = [rel for rel in OLDEST.files if rel.endswith(".parquet")]
    assert parquet
    registry = _registry_with(OLDEST.version, {**OLDEST.files, parquet[0]: "0" * 64})
    assert OLDEST.version in chain(REPO, registry, OLDEST.version)


def test_a_version_that_is_not_registered_is_refused_by_name():
    with pytest.raises(HistoryError, match="0.0.1 is not a registered version"):
        chain(REPO, REGISTRY, "0.0.1")


@pytest.mark.parametrize("breakage", ["format", "version", "files"])
def test_a_history_file_wrong_in_one_field_alone_is_refused(breakage, tmp_path):
    """Its format, the version it claims, or its files: each alone makes it no history of that version."""
    import json
    import shutil

    pkg = tmp_path / "pkg"
    shutil.copytree(REPO / "history", pkg / "history")
    path = history.history_path(pkg, OLDEST.version)
    link = json.loads(path.read_text(encoding="utf-8"))
    link[breakage] = {"format": "crd-history/0", "version": "0.0.1", "files": ["data/events.csv"]}[breakage]
    path.write_text(json.dumps(link), encoding="utf-8")
    with pytest.raises(HistoryError, match=rf"is not a history file of version {OLDEST.version}"):
        history.read_link(pkg, OLDEST.version)


def test_a_history_file_that_is_not_json_or_missing_is_refused_by_name(tmp_path):
    pkg = tmp_path / "pkg"
    with pytest.raises(HistoryError, match=rf"carries no history for {OLDEST.version}"):
        history.read_link(pkg, OLDEST.version)
    path = history.history_path(pkg, OLDEST.version)
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(HistoryError, match="is unreadable"):
        history.read_link(pkg, OLDEST.version)


def test_a_version_is_rebuilt_from_the_links_down_to_it_only(tmp_path):
    """The chain stops at the version asked for: a broken link of an older version (here missing) does
    not stop a newer one from rebuilding, and no older state is returned (a loop that went on past it
    would read, and could be refused by, every older link)."""
    import shutil

    newer = sorted((r.version for r in history.older_releases(REGISTRY, crd.__version__)), key=history.version_key)
    assert len(newer) > 2, "needs a version with an older one below it"
    pkg = tmp_path / "pkg"
    shutil.copytree(REPO / "history", pkg / "history")
    for part in ("data", "datapackage.json", "CITATION.cff", "schemas"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copy2)(REPO / part, pkg / part)
    (pkg / "history" / f"{OLDEST.version}.json").unlink()
    assert list(chain(pkg, REGISTRY, newer[1])) == newer[:0:-1]  # newest first, down to newer[1], not below
