"""Where the package is, each step alone (issue 29; ``core/locate.py``): the installed copy found (the
environment setting, the wheel's data, the checkout), the checkout found by walking up from the working
directory, and a writer refused on what pip owns, with the exact words."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from china_russia_diplomacy.core import locate
from china_russia_diplomacy.core.errors import NotFoundError
from china_russia_diplomacy.core.locate import (ENV_VAR, InstalledPackageError, find_package_dir, installed_package_dir,
                                                is_installed_copy, refuse_installed, writable_package_dir)

REPO = Path(__file__).resolve().parents[2]


def _checkout(root: Path) -> Path:
    (root / "schemas").mkdir(parents=True)
    (root / "schemas" / "package.json").write_text("{}")
    return root


def test_the_environment_setting_comes_first(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert installed_package_dir() == tmp_path
    monkeypatch.setenv(ENV_VAR, "")
    assert installed_package_dir() == REPO  # empty: not set


def _fake_module(monkeypatch, root: Path) -> Path:
    """locate.py as if installed at root/site/china_russia_diplomacy/core/locate.py."""
    module = root / "site" / "china_russia_diplomacy" / "core" / "locate.py"
    module.parent.mkdir(parents=True)
    module.write_text("")
    monkeypatch.setattr(locate, "__file__", str(module))
    monkeypatch.delenv(ENV_VAR, raising=False)
    return module.parents[1]


def test_a_wheel_s_shipped_data_comes_before_a_checkout_around_it(monkeypatch, tmp_path):
    package = _fake_module(monkeypatch, tmp_path)
    (package / "_package").mkdir()
    (package / "_package" / "datapackage.json").write_text("{}")
    (tmp_path / "datapackage.json").write_text("{}")
    assert installed_package_dir() == package / "_package"


@pytest.mark.parametrize("marker", ["datapackage.json", "schemas/package.json"])
def test_a_checkout_is_found_by_either_marker_two_levels_up(marker, monkeypatch, tmp_path):
    _fake_module(monkeypatch, tmp_path)
    (tmp_path / marker).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / marker).write_text("{}")
    assert installed_package_dir() == tmp_path


def test_no_package_anywhere_is_refused_naming_both_places(monkeypatch, tmp_path):
    package = _fake_module(monkeypatch, tmp_path)
    with pytest.raises(NotFoundError) as exc:
        installed_package_dir()
    assert str(exc.value) == (f"no data package found: neither {package / '_package' / 'datapackage.json'} (wheel) nor "
                              f"{tmp_path / 'datapackage.json'} (source checkout); set {ENV_VAR} to a package directory")


# --- find_package_dir: a given folder, or the checkout around the cwd -----------------------------------------------


def test_a_given_folder_is_used_resolved_and_a_file_refused(tmp_path):
    assert find_package_dir(tmp_path / "." ) == tmp_path.resolve()
    (tmp_path / "f").write_text("x")
    with pytest.raises(NotFoundError, match=rf"^{tmp_path / 'f'}: not a directory$"):
        find_package_dir(tmp_path / "f")
    with pytest.raises(NotFoundError, match=r": not a directory$"):
        find_package_dir(tmp_path / "missing")


def test_the_checkout_is_found_from_the_cwd_itself_and_from_any_folder_below_it(monkeypatch, tmp_path):
    top = _checkout(tmp_path / "repo")
    monkeypatch.chdir(top)
    assert find_package_dir() == top
    (top / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(top / "a" / "b")
    assert find_package_dir() == top


def test_the_nearest_checkout_going_up_wins(monkeypatch, tmp_path):
    outer = _checkout(tmp_path / "outer")
    inner = _checkout(outer / "inner")
    (inner / "deep").mkdir()
    monkeypatch.chdir(inner / "deep")
    assert find_package_dir() == inner


def test_a_descriptor_alone_does_not_make_the_cwd_a_checkout(monkeypatch, tmp_path):
    (tmp_path / "datapackage.json").write_text("{}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "elsewhere"))
    assert find_package_dir() == tmp_path / "elsewhere"  # the installed package, not the cwd


# --- the installed copy -----------------------------------------------------------------------------------------------


def test_site_packages_and_the_wheel_s_data_are_installed_copies_and_a_folder_of_one_s_own_is_not(tmp_path):
    purelib = Path(sysconfig.get_paths()["purelib"]).resolve()
    assert is_installed_copy(purelib) and is_installed_copy(purelib / "anything" / "below")
    assert is_installed_copy(Path(locate.__file__).resolve().parents[1] / "_package" / "data")
    assert not is_installed_copy(tmp_path) and not is_installed_copy(REPO)
    assert not is_installed_copy(purelib.parent / (purelib.name + "-other"))  # a sibling with a longer name


def test_a_writer_pointed_at_the_installed_copy_is_refused_in_words(monkeypatch, tmp_path):
    monkeypatch.setattr(locate, "_installed_roots", lambda: [tmp_path.resolve()])
    with pytest.raises(InstalledPackageError) as exc:
        refuse_installed(tmp_path / "data" / "..", "build")
    assert isinstance(exc.value, PermissionError)
    assert str(exc.value) == (f"build refused: {tmp_path.resolve()} is the installed package (pip's copy of a published "
                              f"version), which build must not rewrite; run it in a checkout of the repository or pass a "
                              f"directory of your own")
    other = tmp_path.parent / "mine"
    other.mkdir(exist_ok=True)
    assert refuse_installed(other / ".", "build") == other.resolve()


def test_a_writer_finds_its_checkout_by_walking_up_and_is_refused_if_it_is_installed(monkeypatch, tmp_path):
    top = _checkout(tmp_path / "repo")
    (top / "sub").mkdir()
    monkeypatch.chdir(top / "sub")
    monkeypatch.setattr(locate, "_installed_roots", lambda: [])
    assert writable_package_dir(None, "build") == top
    monkeypatch.setattr(locate, "_installed_roots", lambda: [top.resolve()])
    with pytest.raises(InstalledPackageError, match=rf"^release refused: {top} is the installed package"):
        writable_package_dir(None, "release")
    with pytest.raises(InstalledPackageError, match=rf"^release refused: {top} is the installed package"):
        writable_package_dir(top, "release")


def test_a_writer_with_no_checkout_around_the_cwd_never_falls_back_to_the_installed_package(monkeypatch, tmp_path):
    (tmp_path / "datapackage.json").write_text("{}")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InstalledPackageError) as exc:
        writable_package_dir(None, "build")
    assert str(exc.value) == (f"build refused: no checkout of the repository around {tmp_path.resolve()} (a folder with "
                              f"schemas/package.json), and build never writes into the installed package; run it inside a "
                              f"checkout or pass DIR")


def test_a_writer_given_a_folder_uses_it(monkeypatch, tmp_path):
    monkeypatch.setattr(locate, "_installed_roots", lambda: [])
    assert writable_package_dir(tmp_path, "build") == tmp_path.resolve()
