"""Write commands never write into an installed package (issue 18).

Regression: ``china-russia-diplomacy build`` run in an empty folder fell back to the installed data and
regenerated files inside site-packages (CITATION.cff lost its date, so ``cite()`` printed "(n.d.)").
Here a fake site-packages stands in for pip's copy; the fresh-venv test in
tests/read/test_installed_copy.py checks the real one byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from china_russia_diplomacy.cli import main
from china_russia_diplomacy.core import locate
from china_russia_diplomacy.core.locate import InstalledPackageError, writable_package_dir


@pytest.fixture()
def fake_site_packages(tmp_path, monkeypatch, repo) -> Path:
    """A copy of the package inside a directory the guard treats as pip's site-packages."""
    site = tmp_path / "site-packages"
    installed = site / "china_russia_diplomacy" / "_package"
    installed.parent.mkdir(parents=True)
    shutil.copytree(repo, installed, ignore=shutil.ignore_patterns(".git", ".venv", "src", "tests", "dist", "build",
                                                                   "*.egg-info", ".import_linter_cache"))
    monkeypatch.setattr(locate, "_installed_roots", lambda: [site.resolve()])
    monkeypatch.setenv(locate.ENV_VAR, str(installed))
    return installed


def _hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_build_in_an_empty_folder_refuses_instead_of_rebuilding_the_installed_copy(fake_site_packages, tmp_path,
                                                                                  monkeypatch, capsys):
    before = _hashes(fake_site_packages)
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "build refused" in err and "pass DIR" in err, err
    assert _hashes(fake_site_packages) == before


@pytest.mark.parametrize("argv", [["build", "{pkg}"], ["release", "{pkg}"], ["release", "{pkg}", "--no-register"]])
def test_a_writer_pointed_at_the_installed_copy_refuses_before_writing(fake_site_packages, tmp_path, monkeypatch,
                                                                        capsys, argv):
    before = _hashes(fake_site_packages)
    monkeypatch.chdir(tmp_path)
    assert main([a.format(pkg=fake_site_packages) for a in argv]) == 2
    err = capsys.readouterr().err
    assert "is the installed package" in err and err.count("\n") == 1, err
    assert _hashes(fake_site_packages) == before


def test_export_into_the_installed_copy_is_refused(fake_site_packages, tmp_path, monkeypatch, capsys):
    before = _hashes(fake_site_packages)
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--format", "json", "--output", str(fake_site_packages / "json")]) == 2
    assert "export refused" in capsys.readouterr().err
    assert _hashes(fake_site_packages) == before


def test_export_and_validate_still_read_the_installed_copy(fake_site_packages, tmp_path, monkeypatch, capsys):
    """Reading commands keep falling back to the installed data: only writing into it is refused."""
    monkeypatch.chdir(tmp_path)
    before = _hashes(fake_site_packages)
    assert main(["export", "--format", "json", "--output", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "events.json").is_file()
    capsys.readouterr()
    assert main(["validate", "--json"]) == 0  # validate too reads the installed copy: it is valid, and untouched
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is True and Path(report["package_dir"]).resolve() == fake_site_packages.resolve(), report
    assert _hashes(fake_site_packages) == before


def test_build_api_refuses_the_installed_copy_too(fake_site_packages):
    from china_russia_diplomacy.build.pipeline import build

    before = _hashes(fake_site_packages)
    with pytest.raises(InstalledPackageError, match="build refused"):
        build(fake_site_packages)
    assert _hashes(fake_site_packages) == before


def test_a_checkout_or_a_named_folder_of_ones_own_is_writable(repo, tmp_path, monkeypatch):
    monkeypatch.chdir(repo / "data")
    assert writable_package_dir(None, "build") == repo.resolve()
    assert writable_package_dir(tmp_path, "build") == tmp_path.resolve()


def test_build_run_inside_the_installed_copy_finds_it_by_walking_up_and_refuses(fake_site_packages, monkeypatch, capsys):
    """The walk up from the working directory (no DIR given) reaches the installed copy from a folder
    deep inside it: the walk's find must be refused like a DIR pointing there."""
    before = _hashes(fake_site_packages)
    deep = fake_site_packages / "data"
    monkeypatch.chdir(deep)
    with pytest.raises(InstalledPackageError, match=r"build refused: .* is the installed package"):
        writable_package_dir(None, "build")
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert "is the installed package" in err and str(fake_site_packages.resolve()) in err and err.count("\n") == 1, err
    assert _hashes(fake_site_packages) == before


def test_the_walk_up_stops_at_the_nearest_checkout(repo, tmp_path, monkeypatch):
    """A checkout inside another (a package copy in a project of one's own) is the one a writer works on."""
    inner = tmp_path / "outer" / "inner"
    (inner / "schemas").mkdir(parents=True)
    (inner / "schemas" / "package.json").write_text("{}", encoding="utf-8")
    (tmp_path / "outer" / "schemas").mkdir()
    (tmp_path / "outer" / "schemas" / "package.json").write_text("{}", encoding="utf-8")
    (inner / "data" / "deep").mkdir(parents=True)
    monkeypatch.chdir(inner / "data" / "deep")
    assert writable_package_dir(None, "build") == inner.resolve()
