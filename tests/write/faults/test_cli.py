"""The command line a contributor runs: ``validate --json`` exits non-zero and names where and why."""

from __future__ import annotations

import json

import pytest

from china_russia_diplomacy.cli import main

from .inject import CsvTable

defect = pytest.mark.defect


@defect("cell: date bounds reversed")
def test_validate_command_reports_table_line_column_value_and_rule(pkg, capsys):
    t = CsvTable.open(pkg, "events")
    i = t.filled("date_end")
    t.set(i, "date_start", "2099-01-01")
    t.save()
    assert main(["validate", str(pkg), "--json"]) != 0
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert {"table": "events", "line": t.line(i), "column": "date_start", "value": "2099-01-01", "rule": "date-order"}.items() \
        <= next(e for e in report["errors"] if e["rule"] == "date-order").items()


def test_validate_command_accepts_the_pristine_copy(pkg, capsys):
    assert main(["validate", str(pkg)]) == 0, capsys.readouterr().out
