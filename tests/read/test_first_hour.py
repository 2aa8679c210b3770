"""What a reader meets in the first hour at the command line and in the first errors (issue 18)."""

from __future__ import annotations

import re

import pytest

import china_russia_diplomacy as crd
from china_russia_diplomacy.cli import main, parser
from china_russia_diplomacy.core import extras


def _subcommands() -> list[str]:
    import argparse

    [sub] = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(sub.choices)


def test_version_flag_prints_the_library_version_and_where_its_data_is(capsys):
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"china-russia-diplomacy {crd.__version__} (data: ")


def test_no_arguments_prints_the_commands_and_where_to_start_not_only_a_usage_line(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    for command in _subcommands():
        assert re.search(rf"^\s+{re.escape(command)}\b", out, re.M), command
    assert "Start here" in out and "cite" in out


@pytest.mark.parametrize("command", [None, *_subcommands()])
def test_help_text_has_no_rest_markup(command, capsys):
    """Regression: --help showed docstrings' raw ``code`` backticks."""
    with pytest.raises(SystemExit):
        main(["--help"] if command is None else [command, "--help"])
    out = capsys.readouterr().out
    assert "`" not in out and ":func:" not in out, out


def test_polars_backend_without_polars_names_the_extra(monkeypatch):
    """Regression: load(backend='polars') without polars ended in a bare ModuleNotFoundError."""
    monkeypatch.setattr(extras, "missing", lambda extra: ["polars"] if extra == "polars" else [])
    with pytest.raises(extras.MissingExtra, match=r"pip install 'china-russia-diplomacy\[polars\]'"):
        crd.load("events", backend="polars")


def test_a_missing_zip_is_named_as_such(tmp_path):
    """Regression: package_dir='missing.zip' reported '.../missing.zip/datapackage.json'."""
    with pytest.raises(FileNotFoundError) as err:
        crd.load("events", package_dir=tmp_path / "missing.zip")
    message = str(err.value)
    assert "missing.zip" in message and "no such release zip" in message and "datapackage.json'" not in message


def test_a_folder_that_is_not_a_data_package_is_named_as_such(tmp_path, capsys):
    """Regression: load(package_dir=) on the folder of `export --format parquet` ended in a bare
    FileNotFoundError on '.../datapackage.json'."""
    out = tmp_path / "tables-parquet"
    assert main(["export", "--format", "parquet", "--output", str(out)]) == 0
    capsys.readouterr()
    with pytest.raises(FileNotFoundError) as err:
        crd.load("events", package_dir=out)
    message = str(err.value)
    assert "tables-parquet" in message and "is not a data package" in message and "export --format csv" in message
    assert "[Errno" not in message


def test_version_error_hint_names_a_recipe_that_exists():
    """The hint for an archive nobody hosts names the rebuild script, which must exist as written."""
    from pathlib import Path

    from china_russia_diplomacy.read import version_download

    source = Path(version_download.__file__).read_text(encoding="utf-8")
    [script] = set(re.findall(r"python (scripts/\w+\.py)", source))
    assert (Path(__file__).resolve().parents[2] / script).is_file()


def test_readme_cites_exactly_what_cite_prints(repo):
    """Regression: the README's hand-written citation said 'version 1.0.0' while 1.1.0 was installed."""
    text = (repo / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- cite:start", 1)[1].split("<!-- cite:end -->", 1)[0]
    assert crd.cite("apa", package_dir=repo) in block
    assert crd.cite("bibtex", package_dir=repo).strip() in block


def test_readme_first_screen_says_what_the_data_is_how_to_get_it_and_how_to_cite_it(repo):
    first_screen = "\n".join((repo / "README.md").read_text(encoding="utf-8").splitlines()[:50])
    assert "What it is not" in first_screen and "Get it" in first_screen
    assert "## Cite" in first_screen and crd.cite("apa", package_dir=repo) in first_screen


def test_versions_says_where_each_version_can_be_had_from_and_when_nowhere(version_cache, monkeypatch, capsys):
    """Regression: versions did not say that a version cannot be downloaded from anywhere."""
    import json

    from china_russia_diplomacy.read import history, version_store

    registered = [r.version for r in version_store.registry().releases if r.version != crd.__version__]
    assert main(["versions", "--json"]) == 0
    rows = {r["version"]: r for r in json.loads(capsys.readouterr().out)}
    for version in registered:
        assert rows[version]["available_from"] == ["shipped history"], rows[version]
    monkeypatch.setenv("CRD_RELEASES_URL", "http://127.0.0.1:9/mirror")
    assert main(["versions", "--json"]) == 0
    rows = {r["version"]: r for r in json.loads(capsys.readouterr().out)}
    for version in registered:
        assert rows[version]["available_from"] == ["shipped history",
                                                   f"http://127.0.0.1:9/mirror/china-russia-diplomacy-{version}.zip"]
    assert rows[crd.__version__]["available_from"][0] == "installed"
    # a copy without the history and without any URL: nowhere, and the way out is said
    monkeypatch.delenv("CRD_RELEASES_URL")
    monkeypatch.setattr(history, "carries", lambda package_dir, version: False)
    assert main(["versions"]) == 0
    out = capsys.readouterr().out
    for version in registered:
        line = next(ln for ln in out.splitlines() if ln.startswith(version + " "))
        assert line.rstrip().endswith("nowhere (no copy here, no URL)"), line
    assert "not downloadable from anywhere yet" in out and "scripts/rebuild_release.py" in out
