"""Fresh virtual environments with the built wheel, outside the repository: what a pip user has."""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path


def venv_with_wheel(wheel: Path, where: Path, extras: str = "") -> Path:
    """A fresh virtual environment in ``where/venv`` with the wheel (``extras``: e.g. ``"polars"`` or
    ``"all"``) installed from ``where``; returns its python."""
    env_dir = where / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    target = f"{wheel}[{extras}]" if extras else str(wheel)
    install = subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", target],
                             capture_output=True, text=True, cwd=where)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    return py


def outside_env(**extra: str) -> dict[str, str]:
    """This process's environment without what would point the installed package back at the repository."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CHINA_RUSSIA_DIPLOMACY_DIR", "VIRTUAL_ENV")}
    env.update(extra)
    return env


def installed_distributions(py: Path) -> dict[str, str]:
    """``{name: version}`` of every distribution in the environment of ``py`` but pip and setuptools."""
    listing = subprocess.run([str(py), "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"],
                             capture_output=True, text=True, check=True).stdout
    pairs = (line.split("==", 1) for line in listing.splitlines() if "==" in line)
    return {name.lower(): version for name, version in pairs if name.lower() not in ("pip", "setuptools", "wheel")}


def site_packages(py: Path) -> Path:
    return Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())


def tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
