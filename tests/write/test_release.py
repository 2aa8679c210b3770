"""Release: the archive is byte-identical twice and checks itself (sha256sum, frictionless); the
wheel and sdist pass twine, the wheel carries the data and none of tests/ or scripts/, and in a fresh
virtual environment outside the repository cite(), verify() and load_all() work."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import copy_package
from wheel_env import outside_env, venv_with_wheel

from china_russia_diplomacy import cli
from china_russia_diplomacy.core.metadata import read_metadata
from china_russia_diplomacy.publish.release import archive_name, build_release

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]


def _tool(name: str) -> str:
    """A console script of this environment (frictionless, hatch, twine), else one on PATH."""
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed; install the test extra")
    return found


def _release_candidate(dest: Path) -> Path:
    """A copy of the committed package as it stands just before its version is released: the registry of
    the versions before it (the site's versions page links to it), the current version not yet in it."""
    from china_russia_diplomacy.core.registry import read_registry

    pkg = copy_package(dest)
    (pkg / "releases.json").write_bytes(read_registry(REPO).before(read_metadata(REPO).version).to_bytes())
    return pkg


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """The release archive of the committed package, built with the full readiness check."""
    pkg = _release_candidate(tmp_path_factory.mktemp("rel") / "pkg")
    return build_release(pkg, tmp_path_factory.mktemp("dist"))


def test_release_archive_is_byte_identical_when_built_twice(archive, tmp_path, repo):
    pkg = _release_candidate(tmp_path / "other")
    os.utime(pkg / "README.md", (0, 0))  # file times must not leak into the archive
    second = build_release(pkg, tmp_path / "dist2", check=False)
    assert second.name == archive.name == f"{archive_name(read_metadata(repo))}.zip"
    assert second.read_bytes() == archive.read_bytes()


def test_archive_entries_are_normalised(archive):
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    prefix = archive.stem + "/"
    assert all(n.startswith(prefix) for n in names)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}


def test_archive_carries_everything_needed_to_use_and_recheck_the_data(archive, repo):
    meta = read_metadata(repo)
    with zipfile.ZipFile(archive) as zf:
        names = {n.split("/", 1)[1] for n in zf.namelist()}
    expected = {"datapackage.json", "README.md", "LICENSE", "LICENSE-DATA", "CITATION.cff", "docs/codebook.md",
                "SHA256SUMS", "schemas/retired_ids.json", "schemas/codelists/cameo.csv", "schemas/codelists/plover.csv",
                "schemas/codelists/crosswalk.csv"}
    expected |= {t.csv_path for t in meta.tables} | {t.parquet_path for t in meta.tables}
    expected |= {f"sources/{p.name}" for p in (repo / "sources").glob("*.txt")}
    assert expected <= names, expected - names
    assert not any(n.startswith(("src/", "tests/", "scripts/")) for n in names)


def test_archive_carries_what_its_readme_points_readers_to(archive, repo):
    """Issue 23: the 1.2.1 archive had no curation notes, no site and no croissant.json."""
    with zipfile.ZipFile(archive) as zf:
        names = {n.split("/", 1)[1] for n in zf.namelist()}
    expected = {"curation/NOTES.md", "DATASHEET.md", "croissant.json", "LICENSE", "LICENSE-DATA", "CITATION.cff",
                "CHANGELOG.md", "docs/timeline.svg", "site/index.html"}
    expected |= {f"site/{p.relative_to(repo / 'site').as_posix()}" for p in (repo / "site").rglob("*") if p.is_file()}
    assert expected <= names, sorted(expected - names)


def _unpacked(archive: Path, where: Path) -> Path:
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(where)
    return where / archive.stem


def test_every_relative_link_of_the_unpacked_archive_resolves_inside_it(archive, tmp_path):
    """Walk every Markdown and HTML file of a freshly built archive, on disk: each relative link (images,
    scripts and stylesheets included) names a file or folder inside the unpacked archive, and a
    Markdown #anchor names a heading or an <a id> of its target."""
    from china_russia_diplomacy.publish.archive_links import html_links, is_relative, markdown_anchors, markdown_targets

    root = _unpacked(archive, tmp_path).resolve()
    checked, broken = 0, []
    pages = sorted(p for p in root.rglob("*") if p.suffix in (".md", ".html"))
    assert {"README.md", "site/index.html", "curation/NOTES.md"} <= {p.relative_to(root).as_posix() for p in pages}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        targets = markdown_targets(text) if page.suffix == ".md" else html_links(text)[0]
        for target in targets:
            if not is_relative(target) or target in ("", "#"):
                continue
            checked += 1
            path, _, anchor = target.partition("#")
            path = unquote(path.split("?", 1)[0])  # search.html?q=par-0001 is the file search.html, as a browser reads it
            resolved = (page.parent / path).resolve() if path else page
            if not (resolved == root or root in resolved.parents) or not resolved.exists():
                broken.append(f"{page.relative_to(root)}: {target}")
            elif anchor and resolved.suffix == ".md" and anchor not in markdown_anchors(resolved.read_text(encoding="utf-8")):
                broken.append(f"{page.relative_to(root)}: {target} (no such anchor)")
    assert checked > 500, checked
    assert broken == [], broken


def test_links_to_files_the_archive_does_not_carry_are_rewritten_not_left_broken():
    from china_russia_diplomacy.publish.archive_links import broken_links, localize_markdown

    text = "CI runs [`.ci/run`](.ci/run); see [the data](data/) and [R](README.md#r).\n```\n[x](nowhere.md)\n```\n"
    carried = {"README.md", "data/events.csv", "CONTRIBUTING.md"}
    assert localize_markdown(text, "CONTRIBUTING.md", carried) == text.replace("[`.ci/run`](.ci/run)", "`.ci/run` (in the source repository)")
    linked = localize_markdown(text, "CONTRIBUTING.md", carried, repository="https://github.com/o/r", tag="v1.3.0")
    assert "[`.ci/run`](https://github.com/o/r/blob/v1.3.0/.ci/run)" in linked and "[the data](data/)" in linked
    contents = {"README.md": b"# Title\n\n## R\n", "CONTRIBUTING.md": text.encode(), "data/events.csv": b""}
    assert broken_links(contents) == ["CONTRIBUTING.md: .ci/run -> .ci/run, not in the archive"]
    contents["CONTRIBUTING.md"] = text.replace("README.md#r", "README.md#s").encode()
    assert any("no heading or anchor #s" in b for b in broken_links(contents))


def test_release_refuses_an_archive_whose_links_lead_nowhere(tmp_path, capsys):
    package_copy = _release_candidate(tmp_path / "pkg")
    notes = package_copy / "curation" / "NOTES.md"
    notes.write_text(notes.read_text(encoding="utf-8") + "\nSee [the old notes](../data/gone.csv).\n", encoding="utf-8")
    assert cli.main(["release", str(package_copy), "--out", str(tmp_path / "dist"), "--no-register"]) == 1
    err = capsys.readouterr().err
    assert "links that lead nowhere" in err and "curation/NOTES.md: ../data/gone.csv" in err
    assert not (tmp_path / "dist").exists()


def test_unpacked_archive_passes_sha256sum_and_frictionless(archive, tmp_path):
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path)
    root = tmp_path / archive.stem
    check = subprocess.run(["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=root, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    listed = {line.split("  ", 1)[1] for line in (root / "SHA256SUMS").read_text().splitlines()}
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert listed == on_disk
    fl = subprocess.run([_tool("frictionless"), "validate", "datapackage.json"], cwd=root, capture_output=True, text=True)
    assert fl.returncode == 0, fl.stdout[-3000:] + fl.stderr[-3000:]


def test_tampered_archive_fails_sha256sum(archive, tmp_path):
    """The checksum file really checks: one changed byte in a CSV makes sha256sum -c fail."""
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path)
    root = tmp_path / archive.stem
    csv_file = root / "data" / "sources.csv"
    csv_file.write_bytes(csv_file.read_bytes().replace(b"src-", b"srx-", 1))
    check = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=root, capture_output=True, text=True)
    assert check.returncode != 0 and "data/sources.csv" in check.stdout


def test_release_refuses_a_stale_package(package_copy, tmp_path, capsys):
    readme = package_copy / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nhand edit\n", encoding="utf-8")
    (package_copy / "docs" / "codebook.md").write_text("# stale\n", encoding="utf-8")
    assert cli.main(["release", str(package_copy), "--out", str(tmp_path / "dist")]) == 1
    assert "stale" in capsys.readouterr().err
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())


# --- wheel, sdist and a fresh environment (slow; the dists and wheel fixtures are in conftest.py) -------


@pytest.mark.slow
def test_wheel_and_sdist_pass_twine_check(dists):
    files = sorted(str(p) for p in dists.iterdir())
    assert any(f.endswith(".whl") for f in files) and any(f.endswith(".tar.gz") for f in files)
    proc = subprocess.run([_tool("twine"), "check", "--strict", *files], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_wheel_carries_the_data_and_nothing_of_tests_or_scripts(dists, repo):
    meta = read_metadata(repo)
    [wheel] = dists.glob("*.whl")
    assert f"-{meta.version}-" in wheel.name
    names = set(zipfile.ZipFile(wheel).namelist())
    base = "china_russia_diplomacy/_package/"
    expected = {base + "datapackage.json", base + "CITATION.cff", base + "releases.json"} | {base + t.csv_path for t in meta.tables} | {base + t.parquet_path for t in meta.tables}
    expected |= {base + f"sources/{p.name}" for p in (repo / "sources").glob("*.txt")}
    assert expected <= names, expected - names
    assert not [n for n in names if n.startswith(("tests/", "scripts/")) or "/tests/" in n or "conftest" in n]


@pytest.mark.slow
def test_fresh_venv_outside_the_repository_can_cite_verify_and_load(wheel, repo, tmp_path):
    py = venv_with_wheel(wheel, tmp_path)
    script = (
        "import json, china_russia_diplomacy as crd\n"
        "frames = crd.load_all()\n"
        "print(json.dumps({'version': crd.__version__, 'verify': crd.verify(), 'cite': crd.cite('bibtex'),"
        " 'cff': crd.cite('cff'), 'rows': {k: len(v) for k, v in frames.items()}, 'file': crd.__file__}))\n"
    )
    env = outside_env()
    proc = subprocess.run([str(py), "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    assert str(repo) not in out["file"], "imported the repository, not the installed wheel"
    assert out["verify"] == []
    version = read_metadata(repo).version
    assert out["version"] == version and version in out["cite"]
    import yaml

    assert yaml.safe_load(out["cff"]) == yaml.safe_load((repo / "CITATION.cff").read_text(encoding="utf-8"))
    expected_rows = {}
    for t in read_metadata(repo).tables:
        with (repo / t.csv_path).open(encoding="utf-8", newline="") as fh:
            expected_rows[t.name] = sum(1 for _ in csv.DictReader(fh))
    assert out["rows"] == expected_rows
    cite_cli = subprocess.run([str(py.parent / "china-russia-diplomacy"), "cite"], capture_output=True,
                              text=True, cwd=tmp_path, env=env)
    assert cite_cli.returncode == 0 and version in cite_cli.stdout


@pytest.mark.slow
def test_fresh_venv_loads_a_cited_version_from_a_local_mirror_then_offline(wheel, repo, tmp_path, registered_archive):
    """Issue #9's acceptance: the installed wheel of the new version loads 1.0.0 through CRD_RELEASES_URL
    (a server on 127.0.0.1), again with the server stopped, and refuses an altered archive without caching it."""
    from release_history import ArchiveServer

    from china_russia_diplomacy.core.registry import read_registry

    old = read_registry(repo).releases[0]
    archive = registered_archive(old.version)
    py = venv_with_wheel(wheel, tmp_path)
    # A wheel released before `old` carries no history for it (the case downloads are still for): remove
    # the shipped history so that the version must come from the mirror.
    from wheel_env import site_packages

    shutil.rmtree(site_packages(py) / "china_russia_diplomacy" / "_package" / "history")
    www = tmp_path / "www"
    www.mkdir()
    shutil.copy(archive, www / archive.name)
    script = (
        "import json, sys, china_russia_diplomacy as crd\n"
        "from china_russia_diplomacy.core.registry import VersionError\n"
        "try:\n"
        f"    events = crd.load('events', version={old.version!r})\n"
        "except VersionError as exc:\n"
        "    print(json.dumps({'error': str(exc)})); sys.exit(0)\n"
        "print(json.dumps({'ids': sorted(events['event_id'].astype(str)), 'version': events.attrs['version'],"
        " 'installed': crd.__version__, 'file': crd.__file__}))\n"
    )
    old_ids = sorted(r["event_id"] for r in csv.DictReader(io.StringIO(subprocess.run(
        ["git", "-C", str(repo), "show", f"{old.commit}:data/events.csv"], capture_output=True, text=True, check=True).stdout)))

    def run(cache: Path, url: str) -> dict:
        env = outside_env()
        env.update(CRD_CACHE_DIR=str(cache), CRD_RELEASES_URL=url)
        proc = subprocess.run([str(py), "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return json.loads(proc.stdout)

    with ArchiveServer(www) as server:
        first = run(tmp_path / "cache", server.url)
        url = server.url
    assert str(repo) not in first["file"] and first["installed"] != old.version
    assert first["ids"] == old_ids and first["version"] == old.version
    assert run(tmp_path / "cache", url)["ids"] == old_ids, "the cached version must load with the server stopped"

    altered = bytearray(archive.read_bytes())
    altered[len(altered) // 3] ^= 1
    (www / archive.name).write_bytes(bytes(altered))
    with ArchiveServer(www) as server:
        refused = run(tmp_path / "cache2", server.url)
    assert "SHA-256" in refused["error"]
    assert not [p for p in (tmp_path / "cache2").rglob("*") if p.is_file()]


def test_unpacked_archive_validates_against_the_code_lists_it_carries(archive, tmp_path):
    """A release has no schemas/package.json but carries schemas/codelists/: the code rules still run on it."""
    from package_edits import edit_cell

    from china_russia_diplomacy.validation import validate_package

    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path)
    root = tmp_path / archive.stem
    assert validate_package(root).valid
    events = (root / "data" / "events.csv").read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(events[1:]) if ",042," in line)
    edit_cell(root / "data" / "events.csv", row, "cameo_code", "42")
    assert any(f.rule == "cameo-code" for f in validate_package(root).findings)
