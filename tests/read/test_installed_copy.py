"""Nothing a user runs can change the installed data (issue 18's acceptance test).

In a fresh virtual environment with the wheel and every extra, outside any checkout, every command of
the CLI and every shell and Python command of the README is run from an empty folder; afterwards every
file pip installed (the package, its data under ``_package/`` and its dist-info) has the bytes it had
before. Regression: ``build`` in an empty folder regenerated six files inside site-packages, and
``CITATION.cff`` lost its release date. A second test shows ``verify()`` now reports a shipped file that
changed (it used to check the tables only).
"""

from __future__ import annotations

import hashlib
import re
import shlex
import socket
import subprocess
import time
from pathlib import Path

import pytest

from wheel_env import outside_env, site_packages, venv_with_wheel

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def full_env(wheel, tmp_path_factory) -> Path:
    return venv_with_wheel(wheel, tmp_path_factory.mktemp("all-extras"), "all")


def _installed_files(py: Path) -> list[Path]:
    site = site_packages(py)
    roots = [site / "china_russia_diplomacy", *site.glob("china_russia_diplomacy-*.dist-info")]
    return sorted(p for root in roots for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _hashes(py: Path) -> dict[str, str]:
    site = site_packages(py)
    return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest() for p in _installed_files(py)}


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.S | re.M)


def readme_shell_commands(readme: str) -> list[list[str]]:
    """Every ``china-russia-diplomacy ...`` line of the README's bash blocks, as argv (comments dropped)."""
    out = []
    for block in _blocks(readme, "bash"):
        for line in block.splitlines():
            if line.startswith("china-russia-diplomacy "):
                out.append(shlex.split(line, comments=True)[1:])
    return out


def every_cli_command(installed: Path) -> list[list[str]]:
    exports = [["export", "--format", f] for f in ("csv", "parquet", "json", "xlsx", "sqlite")]
    return [[], ["--version"], ["--help"], ["build"], ["build", "."], ["validate"], ["validate", "."], ["release"],
            ["release", "--no-register"], *exports, ["cite"], ["cite", "--format", "bibtex"], ["cite", "--format", "cff"],
            ["versions"], ["fetch", "1.0.0"], ["diff", "1.0.0", "."], ["check-version", "1.1.0"],
            ["changelog-entry", "1.1.0", "."],
            ["build", str(installed)], ["release", str(installed)], ["validate", str(installed)],
            ["export", "--format", "csv", "--output", str(installed / "csv")]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_every_cli_and_readme_command_from_an_empty_folder_changes_no_installed_byte(full_env, repo, tmp_path):
    py = full_env
    cli = py.parent / "china-russia-diplomacy"
    installed = site_packages(py) / "china_russia_diplomacy" / "_package"
    env = outside_env(CRD_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("CRD_RELEASES_URL", None)
    before = _hashes(py)
    readme = (repo / "README.md").read_text(encoding="utf-8")
    commands = every_cli_command(installed) + readme_shell_commands(readme)
    assert len(readme_shell_commands(readme)) >= 10, "the README's commands were not found"
    ran = []
    for i, argv in enumerate(commands):
        if argv[:1] == ["browse"]:
            continue  # served below, it runs until stopped
        cwd = tmp_path / f"empty-{i}"
        cwd.mkdir()
        proc = subprocess.run([str(cli), *argv], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)
        assert "Traceback" not in proc.stderr, (argv, proc.stderr[-2000:])
        if argv[:1] in (["build"], ["release"]):  # an empty folder is no package: refused either way
            assert proc.returncode in (1, 2) and "refused" in proc.stderr, (argv, proc.stdout[-500:], proc.stderr[-1000:])
        if argv[:1] in (["build"], ["release"], ["export"]) and str(installed) in argv:
            assert proc.returncode == 2 and "is the installed package" in proc.stderr, (argv, proc.stderr[-1000:])
        ran.append(argv)
    # browse: Datasette over a temporary SQLite export, stopped once it serves
    cwd = tmp_path / "empty-browse"
    cwd.mkdir()
    server = subprocess.Popen([str(cli), "browse", "--port", str(_free_port())], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, cwd=cwd, env=env)
    try:
        line = server.stdout.readline()
        assert line.startswith("serving"), line
        time.sleep(1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    # the README's Python blocks (those whose libraries the [all] extra brings)
    for j, block in enumerate(_blocks(readme, "python")):
        if re.search(r"^import (dask|mlcroissant)", block, re.M):
            continue  # not in any extra
        cwd = tmp_path / f"python-{j}"
        cwd.mkdir()
        script = "import china_russia_diplomacy as crd\n" + block
        subprocess.run([str(py), "-c", script], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)
    after = _hashes(py)
    changed = sorted(k for k in before if before[k] != after.get(k))
    added = sorted(set(after) - set(before))
    assert not changed and not added, f"installed files changed: {changed}, added: {added}"
    check = subprocess.run([str(py), "-c", "import china_russia_diplomacy as crd; print(crd.verify())"],
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    assert check.stdout.strip() == "[]", check.stdout + check.stderr
    assert len(ran) >= 30


def test_verify_reports_a_changed_citation_and_a_file_added_to_the_installed_package(full_env, tmp_path):
    """Regression: after build rewrote CITATION.cff in site-packages, crd.verify() still returned []."""
    py = full_env
    installed = site_packages(py) / "china_russia_diplomacy" / "_package"
    cff = installed / "CITATION.cff"
    original = cff.read_bytes()
    extra = installed / "docs" / "codebook.md"
    script = "import china_russia_diplomacy as crd; print('\\n'.join(crd.verify()))"
    try:
        cff.write_bytes(original.replace(b"version", b"versioN", 1))  # same size: only the hash tells
        extra.parent.mkdir(exist_ok=True)
        extra.write_text("written after installation")
        proc = subprocess.run([str(py), "-c", script], capture_output=True, text=True, cwd=tmp_path, env=outside_env())
        problems = proc.stdout.splitlines()
    finally:
        cff.write_bytes(original)
        extra.unlink()
        if not any(extra.parent.iterdir()):
            extra.parent.rmdir()
    assert any(p.startswith("CITATION.cff: ") and "RECORD" in p for p in problems), problems
    assert any(p.startswith("docs/codebook.md: not shipped by the wheel") for p in problems), problems


def test_every_registered_version_loads_offline_from_the_wheel_alone(full_env, repo, tmp_path, registered_archive):
    """Issue 15's acceptance: outside any checkout, no network, an empty cache, only the wheel: every
    registered version loads cell for cell as its archive (rebuilt from its commit) holds it, and the
    commands that take a version work; `changelog-entry 1.0.0 1.1.0` prints what 1.1.0's changes.json says."""
    import json
    import zipfile

    from china_russia_diplomacy.core.registry import read_registry
    from china_russia_diplomacy.read.history import older_releases

    py = full_env
    cli = py.parent / "china-russia-diplomacy"
    env = outside_env(CRD_CACHE_DIR=str(tmp_path / "cache"), http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9")
    env.pop("CRD_RELEASES_URL", None)
    version_now = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))["version"]
    registry = read_registry(repo)
    older = [r.version for r in older_releases(registry, version_now)]
    archives = {v: str(registered_archive(v)) for v in older}
    # once the installed version is itself registered, it too must hold what its archive holds
    installed_archive = str(registered_archive(version_now)) if registry.get(version_now) else None
    script = (
        "import json, sys, china_russia_diplomacy as crd\n"
        f"archives = {archives!r}\n"
        "out = {}\n"
        "for v, archive in archives.items():\n"
        "    frames = crd.load_all(version=v, backend='arrow')\n"
        "    same = {t: frames[t].equals(crd.load(t, 'arrow', package_dir=archive)) for t in frames}\n"
        "    scanned = crd.scan('events', version=v).collect().height\n"
        "    out[v] = {'same': same, 'scan': scanned, 'rows': frames['events'].num_rows,\n"
        "              'cite': crd.cite('apa', version=v), 'label': crd.load('events', version=v).attrs['version']}\n"
        f"installed_archive = {installed_archive!r}\n"
        "if installed_archive:\n"
        "    frames = crd.load_all(backend='arrow')\n"
        "    out['installed'] = {t: frames[t].equals(crd.load(t, 'arrow', package_dir=installed_archive)) for t in frames}\n"
        "print(json.dumps(out))\n")
    proc = subprocess.run([str(py), "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    if installed_archive:
        assert all(out["installed"].values()), out["installed"]
    for v in older:
        assert all(out[v]["same"].values()), (v, out[v]["same"])
        assert out[v]["scan"] == out[v]["rows"] and out[v]["label"] == v and f"Version {v}" in out[v]["cite"]
    for argv in ([["fetch", v] for v in older] + [["diff", v, "."] for v in older]
                 + [["check-version", v] for v in older]  # any registered base, not only the previous (issue 23)
                 + [["changelog-entry", older[-1], "."]]):
        run = subprocess.run([str(cli), *argv], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600)
        assert run.returncode == 0, (argv, run.stdout[-1500:], run.stderr[-1500:])
    if len(older) >= 2:
        first, second = older[0], older[1]
        with zipfile.ZipFile(archives[second]) as zf:
            changes = zf.read(f"{Path(archives[second]).stem}/changes.json")
        (tmp_path / "changes.json").write_bytes(changes)
        recorded = subprocess.run([str(cli), "changelog-entry", "--from-json", "changes.json"], capture_output=True,
                                  text=True, cwd=tmp_path, env=env)
        computed = subprocess.run([str(cli), "changelog-entry", first, second], capture_output=True, text=True,
                                  cwd=tmp_path, env=env)
        assert computed.returncode == 0 and computed.stdout == recorded.stdout, computed.stderr[-1500:]
