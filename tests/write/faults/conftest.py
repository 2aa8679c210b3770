"""Fixtures of the fault-injection suite and its summary table.

``pristine`` copies the real package (data/, schemas/, sources/, README.md, datapackage.json) once per
session and builds it with the real ``build``; ``pkg`` gives each test its own copy of that build to
break. Each fault test names the defect class it injects with ``@pytest.mark.defect("<class>")`` (the
classes are listed in :mod:`catalogue`); at the end of the run a table says, per class, whether every
test of the class passed ("caught") or not. ``CRD_FAULTS_SOURCE`` may point at another package directory
to inject faults into (by default the repository this suite lives in).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from package_edits import copy_parts

from .catalogue import DEFECT_CLASSES

REPO = Path(__file__).resolve().parents[3]
COPIED = ("data", "schemas", "sources", "README.md", "datapackage.json")
_RESULTS: dict[str, list[str]] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "defect(name): the defect class a fault-injection test injects (see tests/write/faults/catalogue.py)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for mark in item.iter_markers("defect"):
            if mark.args[0] not in DEFECT_CLASSES:
                raise pytest.UsageError(f"{item.nodeid}: defect class {mark.args[0]!r} is not in tests/write/faults/catalogue.py")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" or (report.when == "setup" and not report.passed):
        for mark in item.iter_markers("defect"):
            _RESULTS.setdefault(mark.args[0], []).append("passed" if report.passed else report.outcome)


def defect_results() -> dict[str, str]:
    """Per defect class of the catalogue: "caught", "NOT CAUGHT" or "not run" in this session."""
    out = {}
    for name in DEFECT_CLASSES:
        outcomes = _RESULTS.get(name)
        if not outcomes:
            out[name] = "not run"
        elif all(o == "passed" for o in outcomes):
            out[name] = "caught"
        else:
            out[name] = "NOT CAUGHT"
    return out


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not _RESULTS:
        return
    results = defect_results()
    width = max(len(n) for n in results)
    tr = terminalreporter
    tr.section("defect classes (fault-injection suite)")
    tr.write_line(f"{'defect class'.ljust(width)}  result      tests")
    for name, result in results.items():
        n = len(_RESULTS.get(name, []))
        tr.write_line(f"{name.ljust(width)}  {result.ljust(10)}  {n}", red=result == "NOT CAUGHT", green=result == "caught")
    counts = {r: sum(1 for v in results.values() if v == r) for r in ("caught", "NOT CAUGHT", "not run")}
    tr.write_line(f"{counts['caught']} caught, {counts['NOT CAUGHT']} not caught, {counts['not run']} not run "
                  f"of {len(results)} defect classes")


def source_dir() -> Path:
    return Path(os.environ.get("CRD_FAULTS_SOURCE") or REPO)


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built copy of the real package, made once; tests copy it, never modify it."""
    from china_russia_diplomacy.build.pipeline import build
    from china_russia_diplomacy.validation import ValidationError

    src = source_dir()
    if not sorted((src / "data").glob("*.csv")):
        pytest.fail(f"{src}/data has no CSV: the fault suite needs the curated tables to break")
    dest = copy_parts(src, tmp_path_factory.mktemp("pristine") / "pkg", COPIED)
    for p in (dest / "sources").iterdir():
        p.chmod(0o644)  # the archive is read-only in the repository; copies must be breakable
    try:
        build(dest)
    except ValidationError as exc:
        pytest.fail(f"the real package does not build, so no fault can be injected into it:\n{exc}")
    return dest


@pytest.fixture
def pkg(pristine: Path, tmp_path: Path) -> Path:
    """This test's own copy of the built package."""
    dest = tmp_path / "pkg"
    shutil.copytree(pristine, dest)
    return dest
