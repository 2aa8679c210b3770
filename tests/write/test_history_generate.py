"""``build``'s history generator when neither the shipped history nor git can give the registered versions
(case 3 of build/generate/history.py): the history files are kept as they are, through the package's
path check (issue 29).

Regression: the history reader turned a history file that links out of the package into a HistoryError
(so that ``load(version=)`` tries the download); build then fell to case 3 and copied whatever the link
pointed at into the package as its own history. Here the generator is called alone on a copy outside any
git repository, with a context holding only what it reads.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from package_edits import copy_readable_package

from china_russia_diplomacy.build.generate import history as generate_history
from china_russia_diplomacy.core.errors import UntrustedInputError

REPO = Path(__file__).resolve().parents[2]


def _context(package: Path) -> SimpleNamespace:
    written: dict[str, bytes] = {}
    descriptor = (package / "datapackage.json").read_bytes()
    return SimpleNamespace(package_dir=package, meta=SimpleNamespace(version=json.loads(descriptor)["version"]),
                           outputs={"datapackage.json": descriptor}, written=written,
                           write=lambda rel, data: written.__setitem__(rel, bytes(data)))


@pytest.fixture()
def edited(tmp_path) -> Path:
    """A package copy outside git whose data no longer matches its history (so case 3 is taken)."""
    package = copy_readable_package(REPO, tmp_path / "pkg")
    events = package / "data" / "events.csv"
    events.write_bytes(events.read_bytes().replace(b"occurred", b"expected", 1))
    return package


def test_a_history_that_no_longer_applies_is_kept_byte_for_byte_without_git(edited):
    ctx = _context(edited)
    generate_history.generate(ctx)
    assert ctx.written == {f"history/{p.name}": p.read_bytes() for p in sorted((edited / "history").glob("*.json"))}


def test_a_history_file_that_links_out_of_the_package_is_refused_not_copied_in(edited, tmp_path):
    path = edited / "history" / "1.0.0.json"
    outside = tmp_path / "outside.json"
    shutil.move(path, outside)
    path.symlink_to(outside)
    ctx = _context(edited)
    with pytest.raises(UntrustedInputError, match=r"resource 'history of 1\.0\.0' names the path 'history/1\.0\.0\.json', "
                                                  r"which is a link .* outside the package; refused"):
        generate_history.generate(ctx)
    assert "history/1.0.0.json" not in ctx.written
