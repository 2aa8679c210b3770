"""Shared fixtures: the repository, and scratch copies of the package for tests that write."""

from __future__ import annotations

from pathlib import Path

import pytest
from package_edits import copy_parts

REPO = Path(__file__).resolve().parents[1]
PACKAGE_PARTS = ("data", "schemas", "sources", "datapackage.json", "README.md")


def copy_package(dest: Path) -> Path:
    """Copy the package's inputs and generated files (not the code) to ``dest``."""
    extras = ("CHANGELOG.md", "CITATION.cff", ".zenodo.json", "croissant.json", "docs", "LICENSE", "LICENSE-DATA")
    return copy_parts(REPO, dest, (*PACKAGE_PARTS, *extras))


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture()
def package_copy(tmp_path: Path) -> Path:
    """A writable copy of the committed package."""
    return copy_package(tmp_path / "pkg")

