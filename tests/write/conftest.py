"""Fixtures of the in-memory rule tests (``test_rule_sides.py``, ``test_rules_*.py``): the committed
package's typed tables read once, and a fresh copy for each test to change."""

from __future__ import annotations

import pytest

from china_russia_diplomacy.validation.rules import Tables


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
def t(typed, repo) -> Tables:
    """A fresh copy of the tables for one test to change (frames only: the rules read them)."""
    meta, frames, lines = typed
    return Tables(meta, {k: v.copy(deep=True) for k, v in frames.items()}, lines, repo)
