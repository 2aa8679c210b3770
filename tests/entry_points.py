"""Reading one registered version through each public entry point, for the chain tests (a step of a
verification chain broken, the same refusal expected from every way in)."""

from __future__ import annotations

from typing import Sequence

import china_russia_diplomacy as crd
from china_russia_diplomacy import cli
from china_russia_diplomacy.core.registry import VersionError


def outcome(entry: str, version: str, capsys, argv: Sequence[str] = ()) -> str | None:
    """Read ``version`` through ``entry`` (``load``, ``load_all``, ``cite``, ``fetch``, or ``cli …`` run with
    ``argv``): None when it succeeds, else its refusal: a VersionError's text, or the one ``error:`` line a
    command prints with exit code 1 (anything else fails the test)."""
    if entry.startswith("cli "):
        capsys.readouterr()
        code = cli.main(list(argv))
        err = capsys.readouterr().err
        if code == 0:
            return None
        assert code == 1 and err.startswith("error: ") and err.count("\n") == 1, (code, err)
        return err.removeprefix("error: ").rstrip("\n")
    call = {"load": lambda: crd.load("events", version=version),
            "load_all": lambda: crd.load_all(version=version),
            "cite": lambda: crd.cite("apa", version=version),
            "fetch": lambda: crd.fetch(version)}[entry]
    try:
        call()
    except VersionError as exc:
        return str(exc)
    return None
