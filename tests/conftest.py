"""Shared fixtures: the repository, and scratch copies of the package for tests that write."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from package_edits import copy_parts

REPO = Path(__file__).resolve().parents[1]
PACKAGE_PARTS = ("data", "schemas", "sources", "datapackage.json", "README.md")


def copy_package(dest: Path) -> Path:
    """Copy the package's inputs and generated files (not the code) to ``dest``."""
    extras = ("CHANGELOG.md", "CITATION.cff", ".zenodo.json", "croissant.json", "docs", "LICENSE", "LICENSE-DATA",
              "DATASHEET.md", "CONTRIBUTING.md", "RELEASING.md", "curation", "site",  # what a release archive carries
              ".ci", ".github")  # developer files CONTRIBUTING.md links to (the archive points them at the repository)
    return copy_parts(REPO, dest, (*PACKAGE_PARTS, *extras))


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture()
def package_copy(tmp_path: Path) -> Path:
    """A writable copy of the committed package."""
    return copy_package(tmp_path / "pkg")



@pytest.fixture(scope="session")
def registered_archive(tmp_path_factory):
    """``archive_of(version)``: the release archive of a registered version, rebuilt from its registered
    commit by that commit's own release code in a clean export (never downloaded, never committed)."""
    from release_history import commit_present, export_commit, release_with_own_code

    from china_russia_diplomacy.core.registry import read_registry

    built: dict[str, Path] = {}

    def archive_of(version: str) -> Path:
        if version not in built:
            release = read_registry(REPO).get(version)
            assert release is not None, f"{version} is not in releases.json"
            if not commit_present(REPO, release.commit):
                pytest.skip(f"commit {release.commit} of {version} is not in this clone (shallow?); cannot rebuild its archive")
            base = tmp_path_factory.mktemp(f"release-{version}")
            tree = export_commit(REPO, release.commit, base / "tree")
            registry = read_registry(REPO)
            earlier = {r.version: archive_of(r.version) for r in registry.releases[:registry.versions.index(version)]}
            built[version] = release_with_own_code(tree, base / "dist", earlier)
        return built[version]

    return archive_of


@pytest.fixture()
def version_cache(tmp_path, monkeypatch) -> Path:
    """An empty version cache of this test's own, and no mirror set from outside."""
    cache = tmp_path / "crd-cache"
    monkeypatch.setenv("CRD_CACHE_DIR", str(cache))
    monkeypatch.delenv("CRD_RELEASES_URL", raising=False)
    return cache


@pytest.fixture(scope="session")
def dists(tmp_path_factory) -> Path:
    """The wheel and the sdist of this checkout, built once per session with hatch (the release tool)."""
    hatch = Path(sys.executable).parent / "hatch"
    command = str(hatch) if hatch.exists() else shutil.which("hatch")
    if command is None:
        pytest.fail("hatch is not installed; install the test extra")
    out = tmp_path_factory.mktemp("hatch-dist")
    proc = subprocess.run([command, "build", "-t", "wheel", "-t", "sdist", str(out)], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="session")
def wheel(dists) -> Path:
    """The built wheel, as ``pip install`` takes it."""
    [built] = dists.glob("*.whl")
    return built



def pytest_sessionstart(session) -> None:
    import time

    session.config._crd_started = time.monotonic()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """After a whole-suite run, print its duration next to the one the README and CONTRIBUTING state.

    A figure, not a test: the suite's speed depends on the machine (the guide names the two-core one it
    was measured on), so a timed assertion would fail for the wrong reasons. Printed in every CI log, a
    stated time that has drifted (the README once said 6 minutes for a 13.5-minute suite) is seen at once.
    """
    import time

    from suite_figures import stated_figures

    started = getattr(config, "_crd_started", None)
    figures = stated_figures(REPO / "CONTRIBUTING.md")
    ran = sum(len(terminalreporter.stats.get(k, [])) for k in ("passed", "failed", "skipped", "error"))
    if started is None or figures is None or ran < figures[0]:
        return  # a partial run says nothing about the whole suite's time
    minutes = (time.monotonic() - started) / 60
    stated = figures[1]
    drift = "" if 0.8 * stated <= minutes <= 1.25 * stated else "; update the figure in README.md and CONTRIBUTING.md"
    terminalreporter.write_line(f"suite time: {minutes:.1f} minutes for {ran} tests; "
                                f"README.md and CONTRIBUTING.md state about {stated} minutes{drift}")


# --- the in-memory rule tests (test_rule_sides.py, test_rules_*.py) ------------------------------------------
# Here and not in tests/write/conftest.py: a second module named conftest would shadow this one for the
# tests that import its helpers (`from conftest import copy_package`).

@pytest.fixture(scope="session")
def typed(repo):
    """(metadata, typed pandas frames, CSV line numbers) of the committed package, read once."""
    from china_russia_diplomacy.core.metadata import load_metadata
    from china_russia_diplomacy.validation import read_tables
    from china_russia_diplomacy.validation.pandera_layer import validate_table

    meta = load_metadata(repo)
    tables, lines, findings = read_tables(repo, meta)
    assert findings == []
    frames = {}
    for name, table in tables.items():
        found, frames[name] = validate_table(meta.table(name), table, lines[name])
        assert found == [], name
    return meta, frames, lines


@pytest.fixture()
def t(typed, repo):
    """A fresh copy of the tables for one test to change (frames only: the rules read them)."""
    from china_russia_diplomacy.validation.rules import Tables

    meta, frames, lines = typed
    return Tables(meta, {k: v.copy(deep=True) for k, v in frames.items()}, lines, repo)
