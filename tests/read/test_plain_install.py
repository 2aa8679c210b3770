"""A reader's plain ``pip install``: the read side's dependencies only, and with them the package loads,
scans (with polars added), cites, lists, fetches and compares versions; a write-side command says which
extra it needs. The figures the README gives for the plain install are checked here."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from wheel_env import installed_distributions, outside_env, site_packages, tree_bytes, venv_with_wheel

WRITE_SIDE = {"frictionless", "pandera", "matplotlib", "edtf", "pycountry", "rich", "jinja2"}


@pytest.fixture(scope="module")
def plain(wheel, tmp_path_factory):
    """A fresh virtual environment outside the repository with only the wheel installed (no extra)."""
    return venv_with_wheel(wheel, tmp_path_factory.mktemp("plain"))


@pytest.mark.slow
def test_a_plain_install_brings_no_write_side_library(plain):
    assert not set(installed_distributions(plain)) & (WRITE_SIDE | {"polars", "duckdb", "datasette", "openpyxl"})


@pytest.mark.slow
def test_the_readme_states_the_plain_install_as_measured(plain, repo):
    """The README's package count is exact; its size may drift with dependency releases by a fifth."""
    text = (repo / "README.md").read_text(encoding="utf-8")
    m = re.search(r"A plain install brings (\d+) packages \(about (\d+) MB", text)
    assert m, "the README must state the plain install's package count and size"
    count, size_mb = len(installed_distributions(plain)), tree_bytes(site_packages(plain)) / 1e6
    assert int(m.group(1)) == count, f"README says {m.group(1)} packages, a plain install has {count}"
    assert abs(size_mb - int(m.group(2))) <= 0.2 * size_mb, f"README says about {m.group(2)} MB, measured {size_mb:.0f} MB"


@pytest.mark.slow
def test_a_plain_install_loads_cites_and_fetches_a_registered_version(plain, repo, tmp_path, registered_archive):
    from china_russia_diplomacy.core.registry import read_registry

    old = read_registry(repo).releases[0]
    archive = registered_archive(old.version)
    env = outside_env(CRD_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("CRD_RELEASES_URL", None)
    cli = str(plain.parent / "china-russia-diplomacy")
    fetched = subprocess.run([cli, "fetch", old.version, "--from", str(archive)], capture_output=True, text=True,
                             cwd=tmp_path, env=env)
    assert fetched.returncode == 0, fetched.stderr
    script = (
        "import json, sys, china_russia_diplomacy as crd\n"
        f"old = crd.load_all(version={old.version!r})\n"
        "print(json.dumps({'rows': len(crd.load('events')), 'old': old['events'].attrs['version'],"
        f" 'cite': crd.cite('bibtex'), 'old_cite': crd.cite('apa', version={old.version!r}),"
        " 'verify': crd.verify(), 'versions': [v['version'] for v in crd.versions()],"
        " 'write_side': sorted({m.split('.')[0] for m in sys.modules} & %r)}))\n" % (WRITE_SIDE,)
    )
    proc = subprocess.run([str(plain), "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    assert out["rows"] > 0 and out["old"] == old.version and out["verify"] == []
    assert f"Version {old.version}" in out["old_cite"] and "@misc" in out["cite"]
    assert old.version in out["versions"] and out["write_side"] == []
    diff = subprocess.run([cli, "diff", old.version, read_registry(repo).releases[-1].version, "--json"],
                          capture_output=True, text=True, cwd=tmp_path, env=env)
    # the newest registered version may not be fetched here: then diff says how to get it, never a traceback
    assert diff.returncode in (0, 1) and "Traceback" not in diff.stderr, diff.stderr


@pytest.mark.slow
@pytest.mark.parametrize("command, extra", [(["validate"], "validate"), (["build"], "build"), (["release"], "build")])
def test_a_write_side_command_without_its_extra_names_it_in_one_line(plain, tmp_path, repo, command, extra):
    if command[0] in ("build", "release"):  # in a checkout: outside one they refuse first (see test_installed_copy)
        import shutil

        shutil.copytree(repo / "schemas", tmp_path / "schemas")
    proc = subprocess.run([str(plain.parent / "china-russia-diplomacy"), *command], capture_output=True, text=True,
                          cwd=tmp_path, env=outside_env())
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert f"pip install 'china-russia-diplomacy[{extra}]'" in line


@pytest.mark.slow
def test_scan_works_once_polars_is_added(plain, tmp_path):
    added = subprocess.run([str(plain), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "polars>=1.0"],
                           capture_output=True, text=True)
    assert added.returncode == 0, added.stderr[-2000:]
    script = ("import china_russia_diplomacy as crd, polars as pl\n"
              "print(crd.scan('events').filter(pl.col('event_type') == 'visit').select(pl.len()).collect().item())")
    proc = subprocess.run([str(plain), "-c", script], capture_output=True, text=True, cwd=tmp_path, env=outside_env())
    assert proc.returncode == 0 and int(proc.stdout) > 0, proc.stderr[-2000:]
