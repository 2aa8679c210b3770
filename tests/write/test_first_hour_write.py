"""Maintainer commands met by a newcomer: plain words, one finding per cause (issue 18)."""

from __future__ import annotations

from china_russia_diplomacy.cli import main


def test_diff_of_a_version_with_itself_says_no_change_not_a_none_bump(repo, capsys, monkeypatch):
    """Regression: diff 1.1.0 1.1.0 printed 'requires a none bump'."""
    from china_russia_diplomacy.core.registry import read_registry

    version = read_registry(repo).releases[-1].version
    monkeypatch.chdir(repo)
    assert main(["diff", version, version]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == f"{version} -> {version}: no change in data or schemas; the version number is the same"
    assert "none bump" not in first


def test_validate_on_an_empty_folder_reports_one_finding_for_one_cause(tmp_path, capsys):
    """Regression: a raw errno from the schema reader and 'run build' from frictionless, for one absence."""
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "1 error(s)" in out and "Errno" not in out and "no data package here" in out
