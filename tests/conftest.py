"""Shared fixtures: the repository, and scratch copies of the package for tests that write."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE_PARTS = ("data", "schemas", "sources", "datapackage.json", "README.md")


def copy_package(dest: Path) -> Path:
    """Copy the package's inputs and generated files (not the code) to ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PACKAGE_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.is_file():
            shutil.copy2(src, dest / part)
    for extra in ("CHANGELOG.md", "CITATION.cff", ".zenodo.json", "croissant.json", "docs", "LICENSE", "LICENSE-DATA"):
        src = REPO / extra
        if src.is_dir():
            shutil.copytree(src, dest / extra)
        elif src.is_file():
            shutil.copy2(src, dest / extra)
    return dest


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture()
def package_copy(tmp_path: Path) -> Path:
    """A writable copy of the committed package."""
    return copy_package(tmp_path / "pkg")

