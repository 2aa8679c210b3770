"""The architecture contracts: imports follow the data flow (core <- read <- exports; core <- validation <-
build <- publish), the read side never imports the write side or its libraries, and no two modules import
each other. Checked with import-linter (``[tool.importlinter]`` in pyproject.toml), and shown to fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "china_russia_diplomacy"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` on the package under ``root/src`` with ``root/pyproject.toml``'s contracts."""
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "COLUMNS": "250"}  # wide: no wrapped module names
    command = [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()",
               "--config", str(root / "pyproject.toml"), "--no-cache"]
    return subprocess.run(command, capture_output=True, text=True, cwd=root, env=env)


def test_the_import_contracts_hold():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_every_module_is_in_a_wing():
    """A new module lands in core/, a wing or among the faces, never loose beside them."""
    root = REPO / "src" / PACKAGE
    top = sorted(p.name for p in root.iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file())
    assert top == ["__init__.py", "__main__.py", "build", "cli.py", "core", "exports", "publish", "read", "validation"]


@pytest.fixture()
def planted(tmp_path):
    """A copy of the source tree and the contracts, to plant one import against them."""
    shutil.copytree(REPO / "src" / PACKAGE, tmp_path / "src" / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")

    def plant(module: str, line: str) -> subprocess.CompletedProcess:
        path = tmp_path / "src" / PACKAGE / module
        path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # planted\n", encoding="utf-8")
        return lint_imports(tmp_path)

    return plant


@pytest.mark.parametrize("module, line, reported", [
    # the read side importing the write side
    ("read/loader.py", "from ..validation import report",
     ["china_russia_diplomacy.read.loader -> china_russia_diplomacy.validation.report"]),
    # the core importing a side above it
    ("core/metadata.py", "from ..read import loader",
     ["china_russia_diplomacy.core.metadata -> china_russia_diplomacy.read.loader"]),
    # an export importing the build
    ("exports/export.py", "from ..build import pipeline",
     ["china_russia_diplomacy.exports.export -> china_russia_diplomacy.build.pipeline"]),
    # the read side importing a write-side library directly
    ("read/lazy.py", "import pandera", ["china_russia_diplomacy.read.lazy -> pandera"]),
    # two modules importing each other (integrity already imports files): named relative to their package
    ("core/files.py", "from . import integrity",
     ["No cycles are allowed in china_russia_diplomacy.core", ".integrity", ".files"]),
])
def test_an_import_against_the_contracts_fails_naming_both_modules(planted, module, line, reported):
    result = planted(module, line)
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    for text in reported:
        assert text in broken, result.stdout
