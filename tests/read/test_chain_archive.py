"""The release-zip chain, one step failing at a time, from every entry point that reaches it (issue 29).

A zip a user hands over passes, in order: recognised by its content (a zip, whole) -> every member's
path stays inside the target and no member is a link -> a bounded, parseable ``datapackage.json`` ->
every table member declares the bytes the descriptor gives it, and the rest stay below the bomb
limit -> no table the descriptor lists is missing -> each member's SHA-256 equals its own descriptor's
-> and, for a registered version, the one ``releases.json`` records. ``fetch --from`` checks the whole
archive's SHA-256 against the registry first, which would hide every later step: here each broken zip
is registered with its own archive hash (a local registry, ``CHINA_RUSSIA_DIPLOMACY_DIR``), so that
exactly one step fails and the test sees that step's refusal from ``load``, ``load_all``, ``cite``,
``fetch`` and the CLI (``cite ZIP``, ``fetch VERSION --from ZIP``: one ``error:`` line, exit code 1).
``validate`` and ``build`` take folders only (a zip is refused before any of these steps).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest
from conftest import copy_package

import china_russia_diplomacy as crd
from china_russia_diplomacy import cli
from china_russia_diplomacy.core.registry import Registry, read_registry, release_from_archive, write_registry
from china_russia_diplomacy.read import archive_check
from china_russia_diplomacy.read.archive_check import ArchiveError

VERSION = "9.9.9"  # registered only in this file's own releases.json
PREFIX = f"china-russia-diplomacy-{VERSION}/"
PARTS = ("data", "schemas", "sources", "datapackage.json", "README.md")


@pytest.fixture(scope="module")
def members(tmp_path_factory) -> dict[str, bytes]:
    """Name -> bytes of a consistent release of the committed package, under a version of its own."""
    tree = copy_package(tmp_path_factory.mktemp("tree") / "pkg")
    descriptor = json.loads((tree / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["version"] = VERSION
    (tree / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    out = {}
    for part in PARTS:
        base = tree / part
        for path in sorted([base] if base.is_file() else base.rglob("*")):
            if path.is_file() and path.relative_to(tree).as_posix() != "schemas/package.json":  # a release has none
                out[PREFIX + path.relative_to(tree).as_posix()] = path.read_bytes()
    return out


@pytest.fixture()
def registry_home(tmp_path, monkeypatch, version_cache) -> Path:
    """The 'installed' package whose releases.json registers the zips of each test."""
    home = copy_package(tmp_path / "installed")
    (home / "releases.json").write_bytes((Path(__file__).resolve().parents[2] / "releases.json").read_bytes())
    monkeypatch.setenv("CHINA_RUSSIA_DIPLOMACY_DIR", str(home))
    from china_russia_diplomacy.read import history

    monkeypatch.setattr(history, "carries", lambda package_dir, version: False)
    return home


def write_zip(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = 0o120777 << 16
            zf.writestr(info, target)
    return path


def register(home: Path, archive: Path, files_from: Path | None = None) -> None:
    """Register ``VERSION`` with ``archive``'s own size and SHA-256 and the member hashes of ``files_from``
    (by default the archive itself)."""
    entry = release_from_archive(files_from or archive, version=VERSION, date="2026-12-01", commit="0" * 40)
    data = archive.read_bytes()
    entry = replace(entry, archive=f"china-russia-diplomacy-{VERSION}.zip", size=len(data),
                    sha256=hashlib.sha256(data).hexdigest())
    write_registry(home, Registry([*read_registry(home).releases, entry]))


def edited(members: dict[str, bytes], name: str, change: Callable[[bytes], bytes]) -> dict[str, bytes]:
    out = dict(members)
    out[PREFIX + name] = change(out[PREFIX + name])
    return out


def same_size_edit(data: bytes) -> bytes:
    """One letter of the second row changed, nothing else (the size stays, the hash does not)."""
    i = data.index(b"\n") + 1 + 4  # inside the first row's ID cell ("evt-0001")
    return data[:i] + (b"X" if data[i:i + 1] != b"X" else b"Y") + data[i + 1:]


def rehash(members: dict[str, bytes], table: str) -> dict[str, bytes]:
    """The descriptor's SHA-256 of ``data/<table>.csv`` set to the member's own (a consistent re-hash)."""
    out = dict(members)
    descriptor = json.loads(out[PREFIX + "datapackage.json"])
    for res in descriptor["resources"]:
        if res["path"] == f"data/{table}.csv":
            res["hash"] = "sha256:" + hashlib.sha256(out[PREFIX + res["path"]]).hexdigest()
    out[PREFIX + "datapackage.json"] = (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode()
    return out


ENTRY_POINTS = ["load", "load_all", "cite", "fetch", "cli cite", "cli fetch"]


def refusal(entry: str, archive: Path, capsys) -> str:
    """The message with which ``entry`` refuses ``archive`` (an ArchiveError, or one CLI line and exit 1)."""
    if entry.startswith("cli "):
        argv = ["cite", str(archive)] if entry == "cli cite" else ["fetch", VERSION, "--from", str(archive)]
        capsys.readouterr()
        code = cli.main(argv)
        err = capsys.readouterr().err
        assert code == 1 and err.startswith("error: ") and err.count("\n") == 1, (code, err)
        return err
    call = {"load": lambda: crd.load("events", package_dir=archive),
            "load_all": lambda: crd.load_all(package_dir=archive),
            "cite": lambda: crd.cite("apa", archive),
            "fetch": lambda: crd.fetch(VERSION, archive)}[entry]
    with pytest.raises(ArchiveError) as exc:
        call()
    return str(exc.value)


@pytest.fixture(params=ENTRY_POINTS)
def entry(request) -> str:
    return request.param


def test_the_intact_zip_is_accepted_by_every_entry_point(members, registry_home, tmp_path, entry, capsys):
    """The control: without it, every refusal below could be some other step's."""
    archive = write_zip(tmp_path / "release.zip", members)
    register(registry_home, archive)
    if entry == "load":
        assert crd.load("events", package_dir=archive).attrs["version"] == VERSION
    elif entry == "load_all":
        assert len(crd.load_all(package_dir=archive)) >= 8
    elif entry == "cite":
        assert VERSION in crd.cite("apa", archive)
    elif entry == "fetch":
        assert (crd.fetch(VERSION, archive) / "datapackage.json").is_file()
    else:
        argv = ["cite", str(archive)] if entry == "cli cite" else ["fetch", VERSION, "--from", str(archive)]
        assert cli.main(argv) == 0, capsys.readouterr().err


def test_step_content_a_file_that_is_not_a_zip_is_refused(members, registry_home, tmp_path, entry, capsys):
    archive = tmp_path / "release.zip"
    archive.write_bytes(write_zip(tmp_path / "real.zip", members).read_bytes()[:-200])  # cut short
    register(registry_home, archive, files_from=tmp_path / "real.zip")
    assert "not a zip file, or cut short" in refusal(entry, archive, capsys)


@pytest.mark.parametrize("name", [f"{PREFIX}../evil.txt", f"{PREFIX}data/../../evil.txt", "{tmp}/evil.txt",
                                  f"{PREFIX}./../evil.txt", f"{PREFIX}data\\..\\..\\evil.txt", "C:/evil.txt",
                                  "C:evil.txt", f"{PREFIX}..\\evil.txt"])
def test_step_member_paths_a_member_leaving_the_target_in_any_form_is_refused(members, registry_home, tmp_path,
                                                                               entry, capsys, name):
    name = name.replace("{tmp}", str(tmp_path))  # absolute: a path of this test's own
    archive = write_zip(tmp_path / "release.zip", {**members, name: b"planted"})
    register(registry_home, archive)
    message = refusal(entry, archive, capsys)
    assert "would be written outside the package" in message
    assert not (tmp_path / "evil.txt").exists()


def test_step_member_paths_a_url_encoded_dot_dot_is_an_ordinary_name_that_stays_inside(members, registry_home,
                                                                                       tmp_path, version_cache):
    """``%2e%2e`` is not decoded by anything that unpacks: the member is a file named so, inside the target."""
    archive = write_zip(tmp_path / "release.zip", {**members, f"{PREFIX}%2e%2e/evil.txt": b"planted"})
    register(registry_home, archive)
    root = crd.fetch(VERSION, archive)
    assert (root / "%2e%2e" / "evil.txt").read_bytes() == b"planted"
    assert not (root.parent / "evil.txt").exists() and not (tmp_path / "evil.txt").exists()


def test_step_member_paths_a_symbolic_link_member_is_refused(members, registry_home, tmp_path, entry, capsys):
    archive = write_zip(tmp_path / "release.zip", members, links={f"{PREFIX}sources/link.txt": "/etc/hostname"})
    register(registry_home, archive)
    assert "is a symbolic link; refused" in refusal(entry, archive, capsys)


def test_step_descriptor_a_zip_without_datapackage_json_is_refused(members, registry_home, tmp_path, entry, capsys):
    archive = write_zip(tmp_path / "release.zip", {k: v for k, v in members.items() if not k.endswith("datapackage.json")})
    register(registry_home, archive, files_from=write_zip(tmp_path / "real.zip", members))
    assert "holds no datapackage.json" in refusal(entry, archive, capsys)


def test_step_descriptor_a_datapackage_json_that_is_not_utf8_json_is_refused(members, registry_home, tmp_path,
                                                                              entry, capsys):
    archive = write_zip(tmp_path / "release.zip", edited(members, "datapackage.json", lambda b: b"\xff" + b))
    register(registry_home, archive, files_from=write_zip(tmp_path / "real.zip", members))
    message = refusal(entry, archive, capsys)
    assert "datapackage.json" in message and "UTF-8" in message


def test_step_declared_size_a_table_member_of_other_bytes_than_the_descriptor_gives_is_refused(
        members, registry_home, tmp_path, entry, capsys):
    archive = write_zip(tmp_path / "release.zip", edited(members, "data/events.csv", lambda b: b + b"evt-9999\n"))
    register(registry_home, archive)
    message = refusal(entry, archive, capsys)
    assert "data/events.csv" in message and "declares" in message and "bytes, datapackage.json" in message


def test_step_bomb_limit_other_files_inflating_beyond_the_limit_are_refused(members, registry_home, tmp_path, entry,
                                                                            capsys, monkeypatch):
    archive = write_zip(tmp_path / "release.zip", members)
    register(registry_home, archive)
    monkeypatch.setattr(archive_check, "OTHER_FILES_LIMIT", 1000)  # the README alone is more
    assert "a zip bomb? refused" in refusal(entry, archive, capsys)


def test_step_listed_files_a_table_the_descriptor_lists_but_the_zip_lacks_is_refused(members, registry_home, tmp_path,
                                                                                     entry, capsys):
    archive = write_zip(tmp_path / "release.zip", {k: v for k, v in members.items() if not k.endswith("quotes.parquet")})
    register(registry_home, archive, files_from=write_zip(tmp_path / "real.zip", members))
    message = refusal(entry, archive, capsys)
    assert "lacks data/quotes.parquet" in message


def test_step_own_hashes_a_member_changed_with_its_size_kept_is_refused_against_its_own_descriptor(
        members, registry_home, tmp_path, entry, capsys):
    archive = write_zip(tmp_path / "release.zip", edited(members, "data/events.csv", same_size_edit))
    register(registry_home, archive)  # the registry agrees with the edited member: only the descriptor's hash differs
    message = refusal(entry, archive, capsys)
    assert "data/events.csv differs from the SHA-256 its own datapackage.json gives" in message


def test_step_registry_hashes_a_member_re_hashed_in_its_descriptor_is_refused_against_releases_json(
        members, registry_home, tmp_path, entry, capsys):
    archive = write_zip(tmp_path / "release.zip", rehash(edited(members, "data/events.csv", same_size_edit), "events"))
    register(registry_home, archive, files_from=write_zip(tmp_path / "real.zip", members))
    message = refusal(entry, archive, capsys)
    assert "differs from the SHA-256 releases.json records for this version" in message
