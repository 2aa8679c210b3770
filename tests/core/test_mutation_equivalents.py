"""Every entry of tests/mutation_equivalents.toml names exactly one mutant of the code as it is (issue 29).

``scripts/mutation.py`` leaves a listed mutant out of the kill rate, matching it by module, operator,
line and, where given, the mutated line. When the code moves, an entry can silently match nothing (two
csvfile.py entries pointed at lines 135 and 176 after their code had moved to 147 and 197) or, without
``mutated``, cover every mutant of its operator on a line, killable ones included (version_cache.py's
``errno or 1`` is EPERM, not equivalent, and was hidden that way). Only the listed lines are mutated
here, so this takes seconds; it needs cosmic-ray (the dev extra), as the mutation run does.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytest.importorskip("cosmic_ray")


@pytest.fixture(scope="module")
def mutation():
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import mutation
    finally:
        sys.path.remove(str(REPO / "scripts"))
    return mutation


def _entries() -> list[dict]:
    return tomllib.loads((REPO / "tests" / "mutation_equivalents.toml").read_text(encoding="utf-8"))["equivalent"]


@pytest.fixture(scope="module")
def matches(mutation) -> list[tuple[dict, list[str]]]:
    """Each entry with the mutated lines of the mutants it covers."""
    entries = _entries()
    wanted: dict[str, set[tuple[str, int]]] = {}
    for e in entries:
        wanted.setdefault(e["module"], set()).add((e["operator"], int(e["line"])))
    found: dict[tuple[str, str, int], list[str]] = {}
    for module, keys in wanted.items():
        source = (REPO / module).read_text(encoding="utf-8")
        for mutant in mutation.enumerate_mutants(module):
            if (mutant.operator, mutant.line) in keys:
                mutated = mutation.mutate(source, mutant)
                if mutated is not None:
                    after = mutation._changed_lines(source, mutated)[1]
                    found.setdefault((module, mutant.operator, mutant.line), []).append(after)
    return [(e, [after for after in found.get((e["module"], e["operator"], int(e["line"])), [])
                 if e.get("mutated", after) == after]) for e in entries]


def test_every_listed_equivalent_names_exactly_one_mutant_of_the_current_code(matches):
    wrong = [f"{e['module']}:{e['line']} {e['operator']} {e.get('mutated', '(no mutated)')}: matches {len(hits)} "
             f"mutants {hits}" for e, hits in matches if len(hits) != 1]
    assert wrong == [], "stale or too broad (give `mutated`):\n" + "\n".join(wrong)


def test_every_listed_equivalent_says_why():
    assert [e for e in _entries() if len(e.get("why", "").split()) < 8] == []


def test_no_mutant_is_listed_twice(matches):
    keys = [(e["module"], e["operator"], int(e["line"]), hits[0]) for e, hits in matches if hits]
    assert len(keys) == len(set(keys))
