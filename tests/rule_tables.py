"""Helpers of the in-memory rule tests (``tests/write/test_rule_sides.py``, ``test_rules_*.py``):
pick a row, change one cell, name a finding by (rule, table, CSV line, column)."""

from __future__ import annotations

import pandas as pd

from china_russia_diplomacy.validation.rules import Tables


def where(found) -> list[tuple]:
    return sorted((x.rule, x.table, x.line, x.column) for x in found)


def day(s: str) -> pd.Timestamp:
    return pd.Timestamp(s)


def row(t: Tables, table: str, pick) -> int:
    """Position of the first row ``pick`` accepts (a dict of the row)."""
    frame = t.frames[table]
    for i, rec in enumerate(frame.to_dict("records")):
        if pick(rec):
            return i
    raise AssertionError(f"no row of {table} fits")


def set_cell(t: Tables, table: str, i: int, column: str, value) -> None:
    t.frames[table].iloc[i, t.frames[table].columns.get_loc(column)] = value


def line(t: Tables, table: str, i: int) -> int:
    return t.line(table, i)


def event_row(t: Tables, eid: str) -> int:
    return list(t.frames["events"]["event_id"]).index(eid)


def mention_row(t: Tables, mid: str) -> int:
    return int((t.frames["event_mentions"]["mention_id"] == mid).values.argmax())
