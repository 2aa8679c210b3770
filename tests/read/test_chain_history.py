"""The history-rebuild chain, one step failing at a time, from every entry point that rebuilds a version
(issue 29).

A registered version that is neither installed nor cached is rebuilt from the history the installed
package carries (``read/history.py``, ``version_store._obtain``). For the oldest one, 1.0.0, the chain runs
from the installed data through every newer link (``history/1.2.1.json`` first) down to its own, and each
step can refuse:

- the link is there, stays inside the package, is JSON and is a history file of that version (format,
  version, files);
- the installed data the newest link applies to is there and stays inside the package;
- each patch applies to the file it was made from (the installed data, or the previous link's output),
  has only known, well-formed operations and produces the bytes it records;
- every CSV and ``datapackage.json`` the rebuild gives has the SHA-256 ``releases.json`` records, and
  none is missing;
- no rebuilt file names a path outside the package, ``CITATION.cff`` is exactly the citation of the
  registered descriptor and date, every table reads and types as its schema says;
- the rebuilt copy passes the cache's integrity check (a twin the registry records is there).

Here the installed package is a copy (``CHINA_RUSSIA_DIPLOMACY_DIR``) in which exactly one step is broken
(a patch rewritten with its own hash, where an earlier step would otherwise hide the one under test; a
registry consistent with a bad table for the schema steps), and no archive, mirror or URL exists, so every
entry point must refuse with the one message ``cannot rebuild 1.0.0 from the shipped history (STEP), and
cannot get 1.0.0: ...``: ``load``, ``load_all``, ``cite``, ``fetch`` and the CLI (``cite --version``,
``fetch``, ``check-version`` outside a git repository: one ``error:`` line, exit 1), leaving nothing in the
cache. When the version's own link is missing or leaves the package, the history is not used at all and
the refusal is the download's alone.

``build`` is no entry point of this chain: it writes the history rather than reading a version from it
(a history that no longer applies is regenerated from git, or kept as it is without git, see
``build/generate/history.py``; what it keeps is then refused as here when a version is read from it).
``diff VERSION ...`` resolves a version as ``check-version`` does (``publish/diff/versions.py``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Callable

import pytest
from entry_points import outcome
from package_edits import copy_readable_package

import china_russia_diplomacy as crd
from china_russia_diplomacy.build.generate.history import make_patch
from china_russia_diplomacy.core.registry import Registry, read_registry, write_registry
from china_russia_diplomacy.read import history

REPO = Path(__file__).resolve().parents[2]
REGISTRY = read_registry(REPO)
OLDER = sorted((r.version for r in history.older_releases(REGISTRY, crd.__version__)), key=history.version_key)
VERSION = OLDER[0]  # the oldest: every link of the history is applied to reach it
FIRST = OLDER[-1]  # the newest older version: its link is the first one applied to the installed data
BEFORE = OLDER[1]  # the version whose files VERSION's own link applies to
EVENTS = "data/events.csv"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """What an installed package holds for reading old versions, never edited (each test copies it)."""
    return copy_readable_package(REPO, tmp_path_factory.mktemp("template") / "pkg")


@pytest.fixture(scope="module")
def states(template) -> dict[str, dict[str, bytes]]:
    """Every older version's files as the intact history rebuilds them (what a patch is rewritten from)."""
    return history.chain(template, REGISTRY, VERSION)


@pytest.fixture()
def home(template, tmp_path, monkeypatch, version_cache) -> Path:
    """A fresh copy of the installed package, the one the library reads from; an empty cache, no mirror."""
    dest = tmp_path / "installed"
    shutil.copytree(template, dest, symlinks=True)
    monkeypatch.setenv("CHINA_RUSSIA_DIPLOMACY_DIR", str(dest))
    return dest


# --- how one step is broken --------------------------------------------------------------------------------


def _link(home: Path, version: str) -> tuple[Path, dict]:
    path = home / "history" / f"{version}.json"
    return path, json.loads(path.read_text(encoding="utf-8"))


def _save(path: Path, link: dict) -> None:
    path.write_text(json.dumps(link, sort_keys=True), encoding="utf-8")


def _edited_link(home: Path, version: str, change: Callable[[dict], None]) -> Path:
    path, link = _link(home, version)
    change(link["files"])
    _save(path, link)
    return path


def _rebuild_as(home: Path, states, rel: str, data: bytes) -> None:
    """VERSION's own link rewritten so that ``rel`` comes out as ``data``, with the patch's recorded hash
    of ``data`` (the patch's own check passes; only a later step can refuse)."""
    _edited_link(home, VERSION, lambda files: files.__setitem__(rel, make_patch(states[BEFORE].get(rel), data)))


def _register(home: Path, changes: dict[str, str]) -> None:
    """The installed ``releases.json`` with VERSION's file hashes updated by ``changes``."""
    registry = read_registry(home)
    write_registry(home, Registry([dataclasses.replace(r, files={**r.files, **changes}) if r.version == VERSION else r
                                   for r in registry.releases]))


def _one_byte_changed(data: bytes) -> bytes:
    i = data.index(b"\n") + 5  # inside the first row's ID cell
    return data[:i] + (b"X" if data[i:i + 1] != b"X" else b"Y") + data[i + 1:]


def _cell(data: bytes, column: str, value: str) -> bytes:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    rows[1][rows[0].index(column)] = value
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def installed_data_changed(home, states):
    before = (home / EVENTS).read_bytes()
    (home / EVENTS).write_bytes(_one_byte_changed(before))
    return re.escape(f"{FIRST}: {EVENTS}: the history patch applies to a file with SHA-256 {_sha(before)}, this one "
                     f"has {_sha(_one_byte_changed(before))}")


def installed_table_missing(home, states):
    (home / "data" / "quotes.csv").unlink()
    return re.escape(f"the installed data the history applies to has no data/quotes.csv ({home}/data/quotes.csv is "
                     f"missing)")


def installed_table_outside(home, states):
    path = home / "data" / "quotes.csv"
    target = home.parent / "outside-quotes.csv"
    shutil.move(path, target)
    path.symlink_to(target)
    return re.escape(f"{home}/datapackage.json: resource 'data/quotes.csv' names the path 'data/quotes.csv', which is a "
                     f"link (or inside a linked folder) that resolves to {os.path.realpath(target)}, outside the "
                     f"package; refused (only regular files inside {home} are read)")


def link_missing(home, states):
    (home / "history" / f"{FIRST}.json").unlink()
    return re.escape(f"the package carries no history for {FIRST} ({home}/history/{FIRST}.json is missing)")


def link_outside(home, states):
    path = home / "history" / f"{FIRST}.json"
    target = home.parent / f"outside-{FIRST}.json"
    shutil.move(path, target)
    path.symlink_to(target)
    return re.escape(f"{home}/releases.json: resource 'history of {FIRST}' names the path 'history/{FIRST}.json', "
                     f"which is a link (or inside a linked folder) that resolves to {os.path.realpath(target)}, "
                     f"outside the package; refused (only regular files inside {home} are read)")


def link_not_json(home, states):
    path = home / "history" / f"{FIRST}.json"
    path.write_text("{not json", encoding="utf-8")
    try:
        json.loads("{not json")
    except ValueError as exc:
        return re.escape(f"{path} is unreadable: {exc}")


def _link_field(field: str, value: object):
    def breaks(home, states):
        path, link = _link(home, FIRST)
        link[field] = value
        _save(path, link)
        return re.escape(f"{path} is not a history file of version {FIRST} (format {history.FORMAT})")
    return breaks


def patch_base(home, states):
    _edited_link(home, FIRST, lambda files: files[EVENTS].__setitem__("base_sha256", "0" * 64))
    return re.escape(f"{FIRST}: {EVENTS}: the history patch applies to a file with SHA-256 {'0' * 64}, this one has "
                     f"{_sha((home / EVENTS).read_bytes())}")


def patch_unknown_operation(home, states):
    _edited_link(home, FIRST, lambda files: files[EVENTS]["ops"].insert(0, ["~", 0, 1]))
    return re.escape(f"{FIRST}: {EVENTS}: unknown patch operation '~'")


def patch_malformed(home, states):
    _edited_link(home, FIRST, lambda files: files[EVENTS]["ops"].insert(0, ["="]))
    return re.escape(f"{FIRST}: {EVENTS}: malformed history patch (list index out of range)")


def patch_result(home, states):
    _edited_link(home, FIRST, lambda files: files[EVENTS].__setitem__("sha256", "0" * 64))
    return re.escape(f"{FIRST}: {EVENTS}: the rebuilt file has SHA-256 {_sha(states[FIRST][EVENTS])}, the history "
                     f"records {'0' * 64}; refused")


def _registry_differs(rel: str):
    def breaks(home, states):
        data = _one_byte_changed(states[VERSION][rel])
        _rebuild_as(home, states, rel, data)
        return re.escape(f"the history of {VERSION} rebuilds {rel} with SHA-256 {_sha(data)}, releases.json records "
                         f"{REGISTRY.get(VERSION).files[rel]}; refused")
    return breaks


def file_not_rebuilt(home, states):
    _edited_link(home, VERSION, lambda files: files.pop("data/quotes.csv"))
    return re.escape(f"the history of {VERSION} does not rebuild data/quotes.csv")


def unsafe_path(home, states):
    _edited_link(home, VERSION, lambda files: files.__setitem__("../outside.csv", make_patch(None, b"x\n")))
    return re.escape(f"the history of {VERSION} names an unsafe path '../outside.csv'")


def citation_redated(home, states):
    cff = states[VERSION]["CITATION.cff"]
    date = REGISTRY.get(VERSION).date
    assert f"date-released: '{date}'".encode() in cff
    _rebuild_as(home, states, "CITATION.cff", cff.replace(f"date-released: '{date}'".encode(), b"date-released: '2020-01-01'"))
    return re.escape(f"the history of {VERSION} rebuilds a CITATION.cff of {VERSION} differs from the citation its "
                     f"registered datapackage.json and date in releases.json give; refused")


def table_unreadable(home, states):
    data = b"\xef\xbb\xbf" + states[VERSION][EVENTS]
    _rebuild_as(home, states, EVENTS, data)
    _register(home, {EVENTS: _sha(data)})  # the registry agrees: only the schema read can refuse
    return re.escape(f"{VERSION}: {EVENTS} does not read as its schema says ([files] events, line 1: utf8-no-bom: {EVENTS}: the "
                     f"file starts with a UTF-8 byte order mark; save as UTF-8 without BOM)")


def table_untyped(home, states):
    data = _cell(states[VERSION][EVENTS], "evidence_start", "many")
    _rebuild_as(home, states, EVENTS, data)
    _register(home, {EVENTS: _sha(data)})
    return re.escape(f"{VERSION}: {EVENTS} does not type as its schema says ([pandera] events, line 2, column "
                     f"evidence_start: type-integer: not a whole number (type integer) (value: 'many'))")


def twin_not_rebuilt(home, states):
    _register(home, {"data/extra.parquet": "0" * 64})
    return re.escape(f"the copy of {VERSION} rebuilt from the history fails its check: data/extra.parquet is missing")


# step -> how the installed copy is broken (returns the regular expression of the step's own message)
STEPS: dict[str, Callable[[Path, dict], str]] = {
    "installed data changed": installed_data_changed,
    "installed table missing": installed_table_missing,
    "installed table leaves the package": installed_table_outside,
    "link missing": link_missing,
    "link leaves the package": link_outside,
    "link not json": link_not_json,
    "link of another format": _link_field("format", history.FORMAT + 1),
    "link of another version": _link_field("version", "0.0.1"),
    "link without files": _link_field("files", [EVENTS]),
    "patch base recorded wrong": patch_base,
    "patch unknown operation": patch_unknown_operation,
    "patch malformed": patch_malformed,
    "patch result recorded wrong": patch_result,
    "table rebuilt other than registered": _registry_differs(EVENTS),
    "descriptor rebuilt other than registered": _registry_differs("datapackage.json"),
    "registered file not rebuilt": file_not_rebuilt,
    "rebuilt path outside the package": unsafe_path,
    "citation re-dated": citation_redated,
    "table does not read": table_unreadable,
    "table does not type": table_untyped,
    "registered twin not rebuilt": twin_not_rebuilt,
}
ENTRY_POINTS = ["load", "load_all", "cite", "fetch", "cli cite", "cli fetch", "cli check-version"]


def _use(entry: str, home: Path, capsys) -> str | None:
    """Read VERSION through ``entry``: None when it succeeds, else its refusal (a VersionError, or one CLI
    ``error:`` line and exit code 1); ``check-version`` runs outside any git repository."""
    nogit = home.parent / "not-a-repository"
    nogit.mkdir(exist_ok=True)
    argv = {"cli cite": ["cite", "--version", VERSION], "cli fetch": ["fetch", VERSION],
            "cli check-version": ["check-version", VERSION, str(home), "--repo", str(nogit)]}.get(entry, [])
    return outcome(entry, VERSION, capsys, argv)


def _download_refusal(cache: Path) -> str:
    return re.escape(f"cannot get {VERSION}: nothing is cached in {cache}, releases.json lists no URL for it and "
                     f"CRD_RELEASES_URL is not set. Get china-russia-diplomacy-{VERSION}.zip (SHA-256 "
                     f"{REGISTRY.get(VERSION).sha256}), or rebuild it from commit ") + ".*"


def _nothing_cached(cache: Path) -> bool:
    versions = cache / "versions"
    return not versions.exists() or not any(versions.iterdir())


@pytest.fixture(params=ENTRY_POINTS)
def entry(request) -> str:
    return request.param


@pytest.fixture(params=list(STEPS))
def step(request) -> str:
    return request.param


def test_the_intact_history_rebuilds_the_version_for_every_entry_point(home, entry, version_cache, capsys):
    """The control: without it, every refusal below could be some other step's (or the missing archive's)."""
    assert _use(entry, home, capsys) is None
    assert (version_cache / "versions" / VERSION).is_dir()


def test_each_broken_step_is_refused_naming_it_by_every_entry_point(home, states, entry, step, version_cache, capsys):
    expected = STEPS[step](home, states)
    message = _use(entry, home, capsys)
    assert message is not None, f"{step}: {entry} read {VERSION}"
    assert re.fullmatch(rf"cannot rebuild {re.escape(VERSION)} from the shipped history \({expected}\), and "
                        + _download_refusal(version_cache), message), message
    assert _nothing_cached(version_cache)
    assert not (home.parent / "outside.csv").exists()


@pytest.mark.parametrize("breakage", ["missing", "a link out of the package"])
def test_without_the_version_s_own_link_the_history_is_not_used_and_the_download_refuses(home, entry, breakage,
                                                                                        version_cache, capsys):
    path = home / "history" / f"{VERSION}.json"
    if breakage == "missing":
        path.unlink()
    else:
        shutil.move(path, home.parent / "outside.json")
        path.symlink_to(home.parent / "outside.json")
    message = _use(entry, home, capsys)
    assert message is not None and re.fullmatch(_download_refusal(version_cache), message), message
    assert _nothing_cached(version_cache)
