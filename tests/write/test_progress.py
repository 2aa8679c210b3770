"""Progress reporting: build's optional callback, and the CLI bar only on a terminal."""

from __future__ import annotations

import pytest

from china_russia_diplomacy.build import pipeline as build_module
from china_russia_diplomacy.cli import _progress


@pytest.mark.slow
def test_build_reports_every_step_in_order_and_ends_done(package_copy):
    steps = []
    build_module.build(package_copy, lambda step, done, total: steps.append((step, done, total)))
    total = 4 + len(build_module.GENERATOR_NAMES)
    assert {t for _, _, t in steps} == {total}
    assert [d for _, d, _ in steps] == list(range(total + 1))
    assert [s for s, _, _ in steps if s.startswith("generate: ")] == [f"generate: {m}" for m in build_module.GENERATOR_NAMES]
    assert steps[-1] == ("done", total, total)


def test_no_progress_bar_when_stdout_is_not_a_terminal(capsys):
    with _progress(enabled=True) as progress:
        assert progress is None
    assert capsys.readouterr().out == ""


def test_no_progress_bar_with_json_output_even_on_a_terminal(monkeypatch):
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    with _progress(enabled=False) as progress:
        assert progress is None


def test_terminal_report_counts_findings_by_table_and_rule_then_lists_each(monkeypatch, capsys):
    from china_russia_diplomacy.validation.report import print_report
    from china_russia_diplomacy.validation import Finding, Report

    findings = [Finding("rules", "event_mentions", n, "event_id", "evt-0999", "foreign-key", "no row of events has it")
                for n in range(2, 20)]
    findings.append(Finding("pandera", "events", 7, "status", "happened", "enum", "not an allowed value"))
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "160")
    print_report(Report("/pkg", ["rules", "pandera"], findings), as_json=False)
    out = capsys.readouterr().out
    summary, _, details = out.partition("19 error(s) in /pkg")
    assert "by table and rule" in summary and "18" in summary and "enum" in summary
    for needle in ("event_mentions", "evt-0999", "happened", "not an allowed value", " 19 "):
        assert needle in details
