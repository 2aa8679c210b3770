"""The installed-copy chains, one step failing at a time, from every entry point that goes through them
(issue 29).

pip's copy of the package (``china_russia_diplomacy/_package`` in site-packages) is a published version.
Two chains protect it:

1. **What it holds** (``verify()`` / ``check()``): every table file against ``datapackage.json`` (missing,
   not a regular file, SHA-256, bytes), then every shipped file against the wheel's RECORD (missing,
   size, SHA-256, and any file added after installation). A table file's problem is named once, by
   the descriptor's check (the RECORD's report of the same file is not repeated). Here the installed
   copy is a folder this test writes, with a RECORD stating its files (``installed_files.shipped_dir``
   and the distribution's ``files`` replaced; test_installed_copy.py checks a real wheel, slowly).
   Entry points: ``verify()``, ``verify(package_dir)``, ``check()`` and ``check(package_dir)``
   (``ModifiedFilesError`` listing the problems). ``load()`` of the installed copy does not re-hash it
   (reading stays fast; ``verify`` is the check), so it is no entry point of this chain.
2. **Nothing writes into it** (``core/locate.refuse_installed`` and ``writable_package_dir``): a
   writer pointed at the installed copy, at a folder inside it, at a link to it or at anything else
   pip owns, or run inside it (the walk up from the working directory), or outside any checkout, is
   refused before it writes, with one message naming the command and the path. Entry points: the CLI
   (``build``, ``release``, ``export``: one ``error:`` line, exit code 2) and the Python functions
   (``build``, ``build_release``, ``export``: ``InstalledPackageError``). A fake site-packages stands in
   for pip's (``locate._installed_roots`` replaced).
"""

from __future__ import annotations

import base64
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from record_entries import Entry as _Entry, Hash as _Hash
from package_edits import copy_readable_package

import china_russia_diplomacy as crd
from china_russia_diplomacy import cli
from china_russia_diplomacy.core import locate
from china_russia_diplomacy.core.errors import ModifiedFilesError
from china_russia_diplomacy.core.locate import InstalledPackageError
from china_russia_diplomacy.read import installed_files

REPO = Path(__file__).resolve().parents[2]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A copy of what the wheel installs under ``_package`` (never edited: each test copies it)."""
    return copy_readable_package(REPO, tmp_path_factory.mktemp("template") / "pkg")


@pytest.fixture()
def installed(template, tmp_path, monkeypatch) -> Path:
    """pip's copy, at ``site-packages/china_russia_diplomacy/_package``: the installed package the library
    reads, the one RECORD describes and the one under a folder the write guard treats as pip's."""
    site = tmp_path / "site-packages"
    base = site / "china_russia_diplomacy" / "_package"
    shutil.copytree(template, base, symlinks=True)
    monkeypatch.setenv(locate.ENV_VAR, str(base))
    monkeypatch.setattr(locate, "_installed_roots", lambda: [site.resolve()])
    return base


# --- 1. what the installed copy holds: verify() and check() ------------------------------------------------


@pytest.fixture()
def recorded(installed, template, monkeypatch) -> Path:
    """The installed copy with a RECORD of every file it was installed with (and the dist-info's own
    RECORD line, which has no hash, and a module outside ``_package``)."""
    entries = [_Entry(f"china_russia_diplomacy/_package/{rel}",
                      _Hash("sha256", base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()),
                      len(data)) for rel, data in _tree(template).items()]
    entries += [_Entry("china_russia_diplomacy/__init__.py", _Hash("sha256", "x"), 1),
                _Entry("china_russia_diplomacy-9.9.9.dist-info/RECORD", None, None)]

    class _Distribution:
        files = entries

    monkeypatch.setattr(installed_files, "shipped_dir", lambda: installed.resolve())
    monkeypatch.setattr(installed_files.metadata, "distribution", lambda name: _Distribution())
    return installed


def _one_byte_changed(path: Path) -> tuple[bytes, bytes]:
    """``path`` with one byte changed, its size kept: (before, after)."""
    before = path.read_bytes()
    i = len(before) // 2
    after = before[:i] + (b"X" if before[i:i + 1] != b"X" else b"Y") + before[i + 1:]
    path.write_bytes(after)
    return before, after


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _descriptor_hash(base: Path, rel: str) -> tuple[str, int]:
    import json

    for res in json.loads((base / "datapackage.json").read_text(encoding="utf-8"))["resources"]:
        for entry in (res, res.get("parquet") or {}):
            if entry.get("path") == rel:
                return entry["hash"], entry["bytes"]
    raise AssertionError(rel)


def table_changed(base: Path) -> list[str]:
    recorded_hash, _ = _descriptor_hash(base, "data/events.csv")
    _, after = _one_byte_changed(base / "data" / "events.csv")
    return [f"data/events.csv: sha256 is sha256:{_sha(after)}, datapackage.json says {recorded_hash}: the file "
            f"changed after the build"]


def twin_grew(base: Path) -> list[str]:
    recorded_hash, size = _descriptor_hash(base, "data/events.parquet")
    path = base / "data" / "events.parquet"
    path.write_bytes(path.read_bytes() + b"\0")
    return [f"data/events.parquet: sha256 is sha256:{_sha(path.read_bytes())}, datapackage.json says {recorded_hash}: "
            f"the file changed after the build", f"data/events.parquet: {size + 1} bytes, datapackage.json says {size}"]


def table_missing(base: Path) -> list[str]:
    (base / "data" / "quotes.csv").unlink()
    return ["data/quotes.csv: missing"]


def table_a_link(base: Path) -> list[str]:
    """The right bytes, through a link out of the package: the RECORD's hash matches, the descriptor's
    check of a regular file refuses it."""
    path = base / "data" / "quotes.csv"
    outside = base.parents[2] / "outside-quotes.csv"
    shutil.move(path, outside)
    path.symlink_to(outside)
    return ["data/quotes.csv: a symbolic link (only regular files inside the package are read)"]


def citation_changed(base: Path) -> list[str]:
    _one_byte_changed(base / "CITATION.cff")
    return ["CITATION.cff: sha256 differs from the installed wheel's RECORD: the file changed after installation"]


def citation_regenerated(base: Path) -> list[str]:
    path = base / "CITATION.cff"
    size = path.stat().st_size
    path.write_bytes(path.read_bytes() + b"# rewritten\n")
    return [f"CITATION.cff: {size + 12} bytes, the installed wheel shipped {size}: the file changed after installation"]


def descriptor_changed(base: Path) -> list[str]:
    path = base / "datapackage.json"
    data = path.read_bytes()
    i = data.index(b'"description": "') + len(b'"description": "')
    path.write_bytes(data[:i] + (b"X" if data[i:i + 1] != b"X" else b"Y") + data[i + 1:])
    return ["datapackage.json: sha256 differs from the installed wheel's RECORD: the file changed after installation"]


def registry_missing(base: Path) -> list[str]:
    (base / "releases.json").unlink()
    return ["releases.json: missing (the installed wheel shipped it)"]


def article_changed(base: Path) -> list[str]:
    name = sorted(p.name for p in (base / "sources").iterdir())[-1]
    _one_byte_changed(base / "sources" / name)
    return [f"sources/{name}: sha256 differs from the installed wheel's RECORD: the file changed after installation"]


def file_added(base: Path) -> list[str]:
    (base / "docs").mkdir()
    (base / "docs" / "codebook.md").write_text("written after installation", encoding="utf-8")
    return ["docs/codebook.md: not shipped by the wheel; written after installation"]


def link_added(base: Path) -> list[str]:
    (base / "data" / "extra.csv").symlink_to(base.parents[2] / "nowhere.csv")  # dangling: still a file added
    return ["data/extra.csv: not shipped by the wheel; written after installation"]


# step -> how the installed copy is broken (returns exactly what verify() must list)
HELD: dict[str, Callable[[Path], list[str]]] = {
    "table changed": table_changed,
    "twin grew": twin_grew,
    "table missing": table_missing,
    "table a link out of the package": table_a_link,
    "citation changed": citation_changed,
    "citation regenerated": citation_regenerated,
    "descriptor changed": descriptor_changed,
    "registry missing": registry_missing,
    "article changed": article_changed,
    "file added": file_added,
    "link added": link_added,
}
CHECKS = ["verify()", "verify(package_dir)", "check()", "check(package_dir)"]


def _problems(entry: str, base: Path) -> list[str]:
    """What ``entry`` reports for the installed copy: verify()'s list, or the lines of check()'s refusal."""
    arg = () if entry.endswith("()") else (str(base),)
    if entry.startswith("verify"):
        return crd.verify(*arg)
    try:
        crd.check(*arg)
    except ModifiedFilesError as exc:
        head, *lines = str(exc).split("\n  ")
        assert head == "data package files do not match datapackage.json:", str(exc)
        return lines
    return []


@pytest.mark.parametrize("entry", CHECKS)
def test_the_intact_installed_copy_passes_every_check(recorded, entry):
    """The control: every file is in RECORD with its hash, so each problem below is its step's alone."""
    assert _problems(entry, recorded) == []


@pytest.mark.parametrize("entry", CHECKS)
def test_bytecode_caches_written_beside_the_installed_copy_are_no_problem(recorded, entry):
    (recorded / "__pycache__").mkdir()
    (recorded / "__pycache__" / "x.cpython-312.pyc").write_bytes(b"\0")
    assert _problems(entry, recorded) == []


@pytest.mark.parametrize("step", list(HELD))
@pytest.mark.parametrize("entry", CHECKS)
def test_each_broken_step_of_what_the_copy_holds_is_named_exactly_once_by_every_check(recorded, entry, step):
    expected = HELD[step](recorded)
    assert _problems(entry, recorded) == expected


# --- 2. nothing writes into the installed copy ----------------------------------------------------------------


def _hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _refused(command: str, target: Path) -> str:
    return (f"{command} refused: {target} is the installed package (pip's copy of a published version), which "
            f"{command} must not rewrite; run it in a checkout of the repository or pass a directory of your own")


# step -> (where the writer is pointed, given the installed copy; None: no DIR, run from the folder
# ``cwd`` gives), and the target the refusal names
@dataclass
class Aim:
    pointed: Callable[[Path], Path] | None
    cwd: Callable[[Path], Path]
    named: Callable[[Path, str], str]


def _outside(base: Path) -> Path:
    out = base.parents[2] / "own"
    out.mkdir(exist_ok=True)
    return out


def _link_to_it(base: Path) -> Path:
    link = base.parents[2] / "link-to-installed"
    if not link.is_symlink():
        link.symlink_to(base)
    return link


def _other_site_folder(base: Path) -> Path:
    other = base.parents[1] / "another_package"
    other.mkdir(exist_ok=True)
    return other


def _empty(base: Path) -> Path:
    out = base.parents[2] / "empty"
    out.mkdir(exist_ok=True)
    return out


AIMS: dict[str, Aim] = {
    "the installed copy": Aim(lambda b: b, _outside, lambda b, cmd: _refused(cmd, b.resolve())),
    "a folder inside it": Aim(lambda b: b / "data", _outside, lambda b, cmd: _refused(cmd, (b / "data").resolve())),
    "a link to it": Aim(_link_to_it, _outside, lambda b, cmd: _refused(cmd, b.resolve())),
    "another folder pip owns": Aim(_other_site_folder, _outside,
                                   lambda b, cmd: _refused(cmd, _other_site_folder(b).resolve())),
    "run inside it": Aim(None, lambda b: b / "data", lambda b, cmd: _refused(cmd, b.resolve())),
    "run outside any checkout": Aim(None, _empty, lambda b, cmd: (
        f"{cmd} refused: no checkout of the repository around {_empty(b).resolve()} (a folder with "
        f"schemas/package.json), and {cmd} never writes into the installed package; run it inside a checkout or "
        f"pass DIR")),
}


def _build_api(where: Path | None) -> None:
    from china_russia_diplomacy.build.pipeline import build

    build(where)


def _release_api(where: Path | None) -> None:
    from china_russia_diplomacy.publish.release import build_release

    build_release(where)


def _export_api(where: Path | None) -> None:
    from china_russia_diplomacy.exports.export import export

    export("json", where)


# entry -> (command name, its argv for a DIR or None (no DIR), else the Python call). Not every way of
# aiming applies to every writer: a Python function has no working-directory walk, and export reads the
# installed copy from outside any checkout (and writes into the working directory, which is allowed).
Argv = Callable[[Path | None], list[str]]
Call = Callable[[Path | None], None]
WRITERS: dict[str, tuple[str, Argv | None, Call | None]] = {
    "cli build": ("build", lambda w: ["build"] + ([str(w)] if w else []), None),
    "cli release": ("release", lambda w: ["release"] + ([str(w)] if w else []), None),
    "cli export": ("export", lambda w: ["export", "--format", "json"] + (["--output", str(w)] if w else []), None),
    "build()": ("build", None, _build_api),
    "build_release()": ("release", None, _release_api),
    "export()": ("export", None, _export_api),
}
NOT_APPLICABLE = {("build()", "run inside it"), ("build()", "run outside any checkout"),
                  ("build_release()", "run inside it"), ("build_release()", "run outside any checkout"),
                  ("cli export", "run outside any checkout"), ("export()", "run outside any checkout")}
PAIRS = [(w, a) for w in WRITERS for a in AIMS if (w, a) not in NOT_APPLICABLE]


def _named(aim: str, writer: str, base: Path) -> str:
    command = WRITERS[writer][0]
    message = AIMS[aim].named(base, command)
    if writer == "build_release()" and AIMS[aim].pointed is not None:
        # the Python function is given the package; what it refuses to write is its dist/ folder
        message = _refused(command, Path(AIMS[aim].pointed(base)).resolve() / "dist")
    if command == "export" and aim == "run inside it":
        # without --output, export writes its default folder into the working directory
        from china_russia_diplomacy.exports.export import default_output

        message = _refused(command, (AIMS[aim].cwd(base) / default_output("json")).resolve())
    return message


@pytest.mark.parametrize(("writer", "aim"), PAIRS)
def test_each_way_of_aiming_a_writer_at_the_installed_copy_is_refused_before_writing(installed, writer, aim,
                                                                                  monkeypatch, capsys):
    before = _hashes(installed)
    where = AIMS[aim].pointed(installed) if AIMS[aim].pointed else None
    monkeypatch.chdir(AIMS[aim].cwd(installed))
    expected = _named(aim, writer, installed)
    _command, argv, call = WRITERS[writer]
    if argv is not None:
        capsys.readouterr()
        assert cli.main(argv(where)) == 2
        err = capsys.readouterr().err
        assert err == f"error: {expected}\n"
    else:
        with pytest.raises(InstalledPackageError) as info:
            call(where)
        assert str(info.value) == expected
    assert _hashes(installed) == before
    assert not (installed.parents[2] / "own" / "dist").exists()


def test_a_folder_of_one_s_own_beside_the_installed_copy_is_written(installed, monkeypatch):
    """The control of part 2: the guard refuses what pip owns, not every folder (export writes here)."""
    from china_russia_diplomacy.exports.export import export

    monkeypatch.chdir(_outside(installed))
    written = export("json", _outside(installed) / "out")
    assert written and all(p.is_file() and installed not in p.parents for p in written)
