"""Every sub-command's ``--help`` says what the command does (issue 23): a description, not only a usage line."""

from __future__ import annotations

import argparse

import pytest

from china_russia_diplomacy import cli


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_the_parser_registers_every_known_subcommand():
    assert {"build", "validate", "export", "browse", "cite", "diff", "check-version", "changelog-entry", "release",
            "versions", "fetch"} <= set(_subcommands())


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_subcommand_help_has_a_description_of_a_sentence_or_two(name, capsys):
    sub = _subcommands()[name]
    assert sub.description and len(sub.description.split()) >= 8, f"{name} --help has no description"
    assert "``" not in sub.description, "reST markup left in a terminal help text"
    with pytest.raises(SystemExit) as exit_:
        cli.main([name, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert sub.description.split()[0] in out
