"""The defect catalogue, the fault tests and CONTRIBUTING.md's list of defect classes stay in step."""

from __future__ import annotations

import re
from pathlib import Path

from .catalogue import DEFECT_CLASSES, README_HEADING, readme_list

# The maintainers' guide holds the table (it moved there from the README, which is for readers).
README = Path(__file__).resolve().parents[3] / "CONTRIBUTING.md"


def test_readme_lists_every_defect_class_of_the_catalogue():
    text = README.read_text(encoding="utf-8")
    assert README_HEADING in text, f"CONTRIBUTING.md lacks the {README_HEADING!r} subsection of 'Validation'"
    assert readme_list() in text, "CONTRIBUTING.md's defect list is out of step with tests/write/faults/catalogue.py"


def test_every_catalogued_class_has_a_fault_test():
    """Read from the test sources, so that a -k selection cannot make a class look untested."""
    marked = set()
    for path in Path(__file__).parent.glob("test_*.py"):
        marked.update(re.findall(r'@defect\("([^"]+)"\)', path.read_text(encoding="utf-8")))
    assert marked <= set(DEFECT_CLASSES), f"unknown classes: {sorted(marked - set(DEFECT_CLASSES))}"
    missing = set(DEFECT_CLASSES) - marked
    assert not missing, f"defect classes without a fault test: {sorted(missing)}"
