"""The figures the maintainers' guide states about the test suite are checked, not remembered.

Regression: the README said "507 tests, about 6 minutes" long after the suite had grown past 511 tests
taking 13.5 minutes. The count is checked exactly against what pytest collects; the time cannot be
checked by a unit test (the guide names the machine it was measured on), but it must be stated, and
every whole-suite run prints its own time next to the stated one (``pytest_terminal_summary`` in conftest.py).
"""

from __future__ import annotations

import re
import subprocess
import sys

from suite_figures import stated_figures


def test_readme_and_contributing_state_the_number_of_tests_pytest_collects(repo):
    stated = {}
    for name in ("README.md", "CONTRIBUTING.md"):
        stated[name] = stated_figures(repo / name)
        assert stated[name], f"{name} must state the suite's test count and duration"
    tests, _ = stated["CONTRIBUTING.md"]
    assert stated["README.md"] == stated["CONTRIBUTING.md"], "README.md and CONTRIBUTING.md state different figures"
    collected = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                               capture_output=True, text=True, cwd=repo)
    found = re.search(r"(\d+) tests? collected", collected.stdout)
    assert found, collected.stdout[-2000:] + collected.stderr[-2000:]
    assert tests == int(found.group(1)), (
        f"CONTRIBUTING.md says {tests} tests, pytest collects {found.group(1)}: update the figure")
