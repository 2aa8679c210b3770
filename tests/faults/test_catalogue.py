"""The defect catalogue, the fault tests and the README's list of defect classes stay in step."""

from __future__ import annotations

from pathlib import Path

import pytest

from .catalogue import DEFECT_CLASSES, README_HEADING, readme_list

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_lists_every_defect_class_of_the_catalogue():
    text = README.read_text(encoding="utf-8")
    assert README_HEADING in text, f"README.md lacks the {README_HEADING!r} subsection of 'Data quality'"
    assert readme_list() in text, "README.md's defect list is out of step with tests/faults/catalogue.py"


def test_every_catalogued_class_has_a_fault_test(request: pytest.FixtureRequest):
    marked = set()
    for item in request.session.items:
        marked.update(m.args[0] for m in item.iter_markers("defect"))
    if not marked:
        pytest.skip("run with the rest of tests/faults to see which classes have tests")
    missing = set(DEFECT_CLASSES) - marked
    assert not missing, f"defect classes without a fault test: {sorted(missing)}"
