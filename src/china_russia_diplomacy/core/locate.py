"""Where the data package lives.

Two layouts must work: a wheel, where hatchling's force-include copied the package into
``china_russia_diplomacy/_package/``, and a source checkout or editable install, where force-include
does not apply and the package is the repository root, two levels above the ``china_russia_diplomacy``
folder. This module imports only the standard library so that it costs nothing at import time.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from .errors import CRDError, NotFoundError

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
    raise NotFoundError(
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
            raise NotFoundError(f"{path}: not a directory")
        return path
    cwd = Path.cwd().resolve()
    for candidate in (cwd, *cwd.parents):
        if (candidate / "schemas" / "package.json").is_file():
            return candidate
    return installed_package_dir()


class InstalledPackageError(CRDError, PermissionError):
    """A write command was pointed at the installed copy of the package (site-packages, a wheel's data).

    A subclass of ``PermissionError`` because it is one: the installed files are a published version
    that ``verify()`` vouches for and ``pip uninstall`` removes by its RECORD; nothing may rewrite them.
    """


def _installed_roots() -> list[Path]:
    """Where pip puts packages: the installed copy of this package's data, and every site-packages."""
    import site
    import sysconfig
    from contextlib import suppress as _suppress

    roots = [Path(__file__).resolve().parents[1] / "_package"]
    paths = sysconfig.get_paths()
    candidates = [paths.get("purelib"), paths.get("platlib")]
    with _suppress(AttributeError):
        candidates += site.getsitepackages()
    with _suppress(AttributeError):
        candidates.append(site.getusersitepackages())
    roots += [Path(c).resolve() for c in candidates if c]
    return roots


def is_installed_copy(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is (inside) the installed package or any site-packages directory.

    A checkout, an editable install's source tree, an unpacked release or any folder the user made are
    not: only what pip owns is protected.
    """
    target = Path(path).resolve()
    return any(target == root or root in target.parents for root in _installed_roots())


def refuse_installed(path: str | os.PathLike[str], command: str) -> Path:
    """``path`` resolved, or :class:`InstalledPackageError` when a writer would write into what pip owns."""
    target = Path(path).resolve()
    if is_installed_copy(target):
        raise InstalledPackageError(
            f"{command} refused: {target} is the installed package (pip's copy of a published version), "
            f"which {command} must not rewrite; run it in a checkout of the repository or pass a directory of your own"
        )
    return target


def writable_package_dir(start: str | os.PathLike[str] | None, command: str) -> Path:
    """The package directory a *write* command (build, release) works on: DIR if given, else the
    checkout around the cwd, and never the installed package.

    ``find_package_dir`` falls back to the installed data, which is right for reading (``validate``
    outside a checkout checks what pip installed) and wrong for writing: ``build`` in an empty folder
    used to regenerate files inside site-packages, so that ``cite()`` lost its year and ``pip
    uninstall`` left files behind.
    """
    if start is not None:
        return refuse_installed(find_package_dir(start), command)
    cwd = Path.cwd().resolve()
    for candidate in (cwd, *cwd.parents):
        if (candidate / "schemas" / "package.json").is_file():
            return refuse_installed(candidate, command)
    raise InstalledPackageError(
        f"{command} refused: no checkout of the repository around {cwd} (a folder with schemas/package.json), "
        f"and {command} never writes into the installed package; run it inside a checkout or pass DIR"
    )


def safe_relative(path: str) -> bool:
    """True for a relative POSIX path that stays inside the package (no ``..``, drive or backslash, and
    no NUL byte, on which every ``os`` call raises ValueError instead of answering): the only kind of
    resource path the loader, ``verify()`` and validation will open."""
    p = PurePosixPath(path)
    return (bool(path) and not p.is_absolute() and ".." not in p.parts and "\\" not in path and ":" not in path
            and "\x00" not in path)
