"""Where the data package lives.

Two layouts must work: a wheel, where hatchling's force-include copied the package into
``china_russia_diplomacy/_package/``, and a source checkout or editable install, where force-include
does not apply and the package is the repository root, two levels above the ``china_russia_diplomacy``
folder. This module imports only the standard library so that it costs nothing at import time.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

DESCRIPTOR = "datapackage.json"
ENV_VAR = "CHINA_RUSSIA_DIPLOMACY_DIR"


def installed_package_dir() -> Path:
    """The package directory the installed library reads from (wheel first, then checkout)."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    package = Path(__file__).resolve().parents[1]  # china_russia_diplomacy/ (this file is core/locate.py)
    shipped = package / "_package"
    if (shipped / DESCRIPTOR).is_file():
        return shipped
    checkout = package.parents[1]  # src/china_russia_diplomacy -> the repository
    if (checkout / DESCRIPTOR).is_file() or (checkout / "schemas" / "package.json").is_file():
        return checkout
    raise FileNotFoundError(
        f"no data package found: neither {shipped / DESCRIPTOR} (wheel) nor {checkout / DESCRIPTOR} "
        f"(source checkout); set {ENV_VAR} to a package directory"
    )


def find_package_dir(start: str | os.PathLike[str] | None = None) -> Path:
    """The package directory a command should work on: DIR if given, else the repository around the cwd.

    A package directory is recognised by ``schemas/package.json`` (an editable source tree) or, for a
    downloaded release, ``datapackage.json``.
    """
    if start is not None:
        path = Path(start).resolve()
        if not path.is_dir():
            raise FileNotFoundError(f"{path}: not a directory")
        return path
    cwd = Path.cwd().resolve()
    for candidate in (cwd, *cwd.parents):
        if (candidate / "schemas" / "package.json").is_file():
            return candidate
    return installed_package_dir()


def safe_relative(path: str) -> bool:
    """True for a relative POSIX path that stays inside the package (no ``..``, drive or backslash):
    the only kind of resource path the loader, ``verify()`` and validation will open."""
    p = PurePosixPath(path)
    return bool(path) and not p.is_absolute() and ".." not in p.parts and "\\" not in path and ":" not in path
