"""Publishing to a package index, rehearsed offline: the sdist builds the wheel (what PyPI users and
conda-forge do), ``twine check --strict`` passes on both, and the wheel uploaded with twine to a local
PyPI server (pypiserver on 127.0.0.1, started here) installs by name into a fresh virtual environment
and loads a table. Nothing here talks to the internet."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest
from wheel_env import outside_env

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _clean_copy(dest: Path) -> Path:
    """The files git would publish (tracked, plus new files not ignored), nothing built or cached."""
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = REPO / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    return dest


@pytest.fixture(scope="module")
def built_from_sdist(tmp_path_factory) -> Path:
    """``python -m build`` in a clean copy: the sdist first, then the wheel from the unpacked sdist.
    ``--no-isolation`` uses this environment's hatchling instead of downloading one (offline)."""
    base = tmp_path_factory.mktemp("pybuild")
    tree = _clean_copy(base / "tree")
    out = base / "dist"
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(tree)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def test_the_wheel_builds_from_the_sdist_with_every_shipped_part(built_from_sdist):
    """The failure of issue 23: `Forced include not found: .../history`, the sdist lacked a part the
    wheel hook force-includes."""
    sys.path.insert(0, str(REPO))
    try:
        from hatch_build import SHIPPED
    finally:
        sys.path.remove(str(REPO))
    [wheel] = built_from_sdist.glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    for part in SHIPPED:
        prefix = f"china_russia_diplomacy/_package/{part}"
        assert any(n == prefix or n.startswith(prefix + "/") for n in names), f"{part} missing from the wheel"
    assert any(n.startswith("china_russia_diplomacy/_package/history/") and n.endswith(".json") for n in names)


def test_twine_check_strict_passes_on_the_sdist_and_the_wheel(built_from_sdist):
    files = sorted(str(p) for p in built_from_sdist.iterdir())
    assert len(files) == 2, files
    proc = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *files], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"pypiserver exited: {server.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"pypiserver did not answer at {url}")


@pytest.fixture()
def local_index(tmp_path):
    """A pypiserver on 127.0.0.1 accepting unauthenticated uploads, with no fallback to pypi.org."""
    root = tmp_path / "index"
    root.mkdir()
    port = _free_port()
    command = [sys.executable, "-m", "pypiserver", "run", "--host", "127.0.0.1", "--port", str(port),
               "--authenticate", ".", "--passwords", ".", "--disable-fallback", str(root)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{url}/simple/", server)
        yield url, root
    finally:
        server.terminate()
        server.wait(timeout=30)


def _only_the_local_index(index_url: str) -> dict[str, str]:
    """An environment in which pip sees no index but ``index_url``: no configuration file, no PIP_*."""
    env = {k: v for k, v in outside_env().items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_INDEX_URL=index_url, PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def test_published_to_a_local_pypi_it_installs_by_name_and_loads(built_from_sdist, local_index, tmp_path):
    """The release workflow's PyPI step, rehearsed: twine upload, then `pip install china-russia-diplomacy`
    by name from the index into a fresh environment, outside any checkout, and a table loads."""
    url, root = local_index
    upload = subprocess.run([sys.executable, "-m", "twine", "upload", "--non-interactive", "--repository-url", f"{url}/",
                             "-u", "rehearsal", "-p", "rehearsal", *sorted(str(p) for p in built_from_sdist.iterdir())],
                            capture_output=True, text=True, timeout=300)
    assert upload.returncode == 0, upload.stdout[-2000:] + upload.stderr[-2000:]
    assert sorted(p.name for p in root.iterdir()) == sorted(p.name for p in built_from_sdist.iterdir())

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    pip = [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    [wheel] = built_from_sdist.glob("*.whl")
    # The dependencies (pyarrow, pandas...) come from this machine's usual configuration; the package
    # itself is then removed, so that only the local index can give it back, by name.
    deps = subprocess.run([*pip, str(wheel)], capture_output=True, text=True, cwd=tmp_path, timeout=900)
    assert deps.returncode == 0, deps.stderr[-3000:]
    subprocess.run([str(py), "-m", "pip", "uninstall", "--yes", "--quiet", "china-russia-diplomacy"], check=True)
    by_name = subprocess.run([*pip, "--no-cache-dir", "--index-url", f"{url}/simple/", "china-russia-diplomacy"],
                             capture_output=True, text=True, cwd=tmp_path, env=_only_the_local_index(f"{url}/simple/"),
                             timeout=600)
    assert by_name.returncode == 0, by_name.stdout[-3000:] + by_name.stderr[-3000:]

    script = ("import china_russia_diplomacy as crd; e = crd.load('events'); "
              "print(crd.__version__, len(e), crd.__file__, crd.verify())")
    run = subprocess.run([str(py), "-c", script], capture_output=True, text=True, cwd=tmp_path,
                         env=outside_env(http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9"), timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    version, rows, location, problems = run.stdout.split(" ", 3)
    assert version == wheel.name.split("-")[1] and int(rows) > 0
    assert str(env_dir) in location and problems.strip() == "[]"
