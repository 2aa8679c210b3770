"""The version-cache chain, one step failing at a time, from every entry point that reads a cached version
(issue 29).

A cached copy of a registered version is read only after, in order: its ``datapackage.json`` is there ->
every file ``releases.json`` hashes is there and is no symbolic link -> each CSV (and the descriptor) has the
registered SHA-256 -> its ``CITATION.cff`` (when present) is no link and is exactly the citation the
registered descriptor and date give -> a Parquet twin of other bytes is exactly the one its verified CSV
derives. Here the copy is put in the cache by ``fetch VERSION --from ZIP`` of a consistent release
registered in a local ``releases.json`` (``CHINA_RUSSIA_DIPLOMACY_DIR``), then exactly one step is broken:

- with the verified archive still in the cache, every entry point repairs the copy from it silently;
- with the archive gone (and no URL, no mirror), every entry point refuses, naming the step that failed:
  ``load(version=)``, ``load_all(version=)``, ``cite(version=)``, ``fetch(VERSION)`` and the CLI
  (``cite --version``, ``fetch VERSION``: one ``error:`` line, exit code 1).
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest
from conftest import copy_package
from entry_points import outcome

import china_russia_diplomacy as crd
from china_russia_diplomacy.core.citation import cff_text, registered_record
from china_russia_diplomacy.core.registry import Registry, read_registry, release_from_archive, write_registry

VERSION = "9.9.9"  # registered only in this file's own releases.json
DATE = "2026-12-01"
NAME = f"china-russia-diplomacy-{VERSION}"
PARTS = ("data", "schemas", "sources", "datapackage.json", "README.md")


@pytest.fixture(scope="module")
def release_zip(tmp_path_factory) -> Path:
    """A consistent release of the committed package under a version of its own, with its citation."""
    tree = copy_package(tmp_path_factory.mktemp("tree") / "pkg")
    descriptor = json.loads((tree / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["version"] = VERSION
    (tree / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    archive = tmp_path_factory.mktemp("zip") / f"{NAME}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in PARTS:
            base = tree / part
            for path in sorted([base] if base.is_file() else base.rglob("*")):
                rel = path.relative_to(tree).as_posix()
                if path.is_file() and rel != "schemas/package.json":
                    zf.writestr(f"{NAME}/{rel}", path.read_bytes())
        zf.writestr(f"{NAME}/CITATION.cff", cff_text(registered_record(descriptor, DATE)))
    return archive


@pytest.fixture()
def cached(release_zip, tmp_path, monkeypatch, version_cache) -> Path:
    """The root of the cached copy of VERSION, fetched from the registered zip (which stays cached)."""
    home = copy_package(tmp_path / "installed")
    (home / "releases.json").write_bytes((Path(__file__).resolve().parents[2] / "releases.json").read_bytes())
    entry = release_from_archive(release_zip, version=VERSION, date=DATE, commit="0" * 40)
    data = release_zip.read_bytes()
    entry = replace(entry, archive=release_zip.name, size=len(data), sha256=hashlib.sha256(data).hexdigest())
    write_registry(home, Registry([*read_registry(home).releases, entry]))
    monkeypatch.setenv("CHINA_RUSSIA_DIPLOMACY_DIR", str(home))
    from china_russia_diplomacy.read import history

    monkeypatch.setattr(history, "carries", lambda package_dir, version: False)
    root = crd.fetch(VERSION, release_zip)
    assert root == version_cache / "versions" / VERSION / NAME
    return root


def _changed(path: Path) -> None:
    """One byte of ``path`` changed, its size kept (a new mtime, so no hash memo vouches for it)."""
    data = bytearray(path.read_bytes())
    data[-2] = ord("X") if data[-2] != ord("X") else ord("Y")
    path.write_bytes(bytes(data))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def _linked(path: Path) -> None:
    """``path`` replaced by a symbolic link to a copy of its own bytes outside the cache."""
    target = path.parents[3] / f"outside-{path.name}"
    target.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(target)


# step -> (how the copy is broken, the problem the refusal names)
STEPS: dict[str, tuple[Callable[[Path], None], str]] = {
    "table missing": (lambda root: (root / "data" / "events.csv").unlink(), "data/events.csv is missing"),
    "table a link": (lambda root: _linked(root / "data" / "events.csv"), "data/events.csv is a symbolic link"),
    "table changed": (lambda root: _changed(root / "data" / "events.csv"),
                      "data/events.csv differs from the SHA-256 in releases.json"),
    "descriptor changed": (lambda root: _changed(root / "datapackage.json"),
                           "datapackage.json differs from the SHA-256 in releases.json"),
    "citation changed": (lambda root: _changed(root / "CITATION.cff"),
                         f"CITATION.cff of {VERSION} differs from the citation its registered datapackage.json and "
                         f"date in releases.json give"),
    "citation a link": (lambda root: _linked(root / "CITATION.cff"), "CITATION.cff is a symbolic link"),
    "twin changed": (lambda root: _changed(root / "data" / "events.parquet"),
                     "data/events.parquet differs from the SHA-256 in releases.json and from the twin its verified "
                     "CSV derives"),
}
ENTRY_POINTS = ["load", "load_all", "cite", "fetch", "cli cite", "cli fetch"]


def _use(entry: str, capsys) -> str | None:
    """Read VERSION through ``entry``: None when it succeeds, else its refusal (a VersionError, or one
    CLI ``error:`` line and exit code 1)."""
    argv = ["cite", "--version", VERSION] if entry == "cli cite" else ["fetch", VERSION]
    return outcome(entry, VERSION, capsys, argv)


@pytest.fixture(params=ENTRY_POINTS)
def entry(request) -> str:
    return request.param


@pytest.fixture(params=list(STEPS))
def step(request) -> str:
    return request.param


def test_the_intact_cached_copy_is_read_by_every_entry_point_without_its_archive(cached, entry, capsys):
    """The control: without it, every refusal below could be some other step's (or the missing archive's)."""
    (cached.parents[2] / "archives" / f"{NAME}.zip").unlink()
    assert _use(entry, capsys) is None


def test_each_broken_step_is_repaired_from_the_cached_archive_by_every_entry_point(cached, entry, step, capsys):
    before = {p.relative_to(cached): p.read_bytes() for p in cached.rglob("*") if p.is_file()}
    STEPS[step][0](cached)
    assert _use(entry, capsys) is None
    after = {p.relative_to(cached): p.read_bytes() for p in cached.rglob("*") if p.is_file() and not p.is_symlink()}
    assert after == before


def test_each_broken_step_with_no_archive_to_get_again_is_refused_naming_it_by_every_entry_point(cached, entry, step,
                                                                                                 capsys):
    (cached.parents[2] / "archives" / f"{NAME}.zip").unlink()
    STEPS[step][0](cached)
    message = _use(entry, capsys)
    assert message is not None
    assert message.startswith(f"the cached copy of {VERSION} in {cached} was changed after it was verified "
                              f"({STEPS[step][1]}); it was removed and a fresh copy could not be fetched: "
                              f"cannot get {VERSION}: nothing is cached in "), message
    assert not cached.exists()
