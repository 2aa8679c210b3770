"""Which files of a package may be read: regular files inside it, nothing else.

A package directory is user input. A symlink in ``data/`` or ``sources/`` could make validation,
build, ``verify()`` or a release read (and ship) a file from anywhere on the machine; a FIFO would
block a read forever; a device or a directory would raise. The write side (validation, build) asks
:func:`not_regular` first and reports its answer as a finding; the read side opens every file a
handed-over package names (tables, descriptor, history, articles, citation) through
:func:`package_path`, which refuses with :class:`~.errors.UntrustedInputError`. Standard library only.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePosixPath

# Magic numbers of files that are sometimes saved under a .csv/.txt/.json name by mistake.
MAGIC = ((b"PK\x03\x04", "a zip archive (an .xlsx workbook?)"), (b"PAR1", "a Parquet file"),
         (b"\xd0\xcf\x11\xe0", "an old Excel/Office file"), (b"%PDF", "a PDF file"),
         (b"\x1f\x8b", "a gzip file"), (b"SQLite format 3", "an SQLite database"))


def not_regular(path: Path, root: Path | None = None) -> str | None:
    """Why ``path`` must not be read (missing, a link, a FIFO, a device, a directory, outside ``root``),
    or None for a regular file."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"cannot be examined ({exc.strerror or exc})"
    if stat.S_ISLNK(st.st_mode):
        return "a symbolic link (only regular files inside the package are read)"
    if stat.S_ISDIR(st.st_mode):
        return "a directory, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "a special file (FIFO, socket or device), not a regular file"
    if root is not None:
        try:
            Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
        except ValueError:
            return "outside the package directory (a linked folder?)"
    return None


def regular_file(package_dir: Path, rel: str) -> Path | None:
    """``package_dir / rel`` when it is a regular file inside the package, else None."""
    path = Path(package_dir) / rel
    return None if not_regular(path, package_dir) else path


def disguised(data: bytes) -> str | None:
    """What a file really is when its first bytes betray another format, else None."""
    for magic, what in MAGIC:
        if data.startswith(magic):
            return what
    return None


def irregular_entries(package_dir: Path, directories: tuple[str, ...]) -> list[tuple[str, str]]:
    """(relative path, problem) for every entry of ``directories`` that is not a regular file or a plain
    sub-directory: build copies these directories into its staging area and must refuse links and
    special files with a finding before it does (copying a FIFO blocks or fails with a traceback)."""
    out = []
    for top in directories:
        root = Path(package_dir) / top
        problem = not_regular(root)
        if problem in ("missing", "a directory, not a file"):
            if problem == "missing":
                continue
        else:
            out.append((top, problem or "a file where a directory is expected"))
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            for name in sorted(dirnames):
                path = Path(dirpath) / name
                if os.path.islink(path):
                    out.append((path.relative_to(package_dir).as_posix(), "a symbolic link (only regular files inside the package are read)"))
            for name in sorted(filenames):
                path = Path(dirpath) / name
                problem = not_regular(path, package_dir)
                if problem and problem != "missing":
                    out.append((path.relative_to(package_dir).as_posix(), problem))
    return sorted(out)


# A scheme such as ``https:``, ``file:`` or ``s3:`` (one letter is a Windows drive, refused as absolute).
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")


def _path_problem(rel: object) -> str | None:
    """Why a resource path written in a descriptor is not a plain relative path, else None."""
    if not isinstance(rel, str) or not rel.strip():
        return "not a path (it must be a non-empty string)"
    if "://" in rel or _SCHEME.match(rel):
        return "a URL; only files inside the package folder are read"
    if rel.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", rel):
        return "an absolute path; it must be relative to the package folder"
    if "\\" in rel:
        return "written with backslashes; it must be a POSIX path relative to the package folder"
    if ".." in PurePosixPath(rel).parts:
        return "a path with '..', which leaves the package folder"
    if "\x00" in rel:
        return "a path with a NUL byte"
    return None


def package_path(root: str | os.PathLike[str], rel: object, *, descriptor: str | os.PathLike[str], resource: str) -> Path:
    """``root / rel`` for a path named by a handed-over package's descriptor, after proving that it stays
    inside ``root``: relative, not a URL, no ``..``, and inside ``root`` once every symbolic link on the way
    is resolved (a link inside the package that points inside it is followed; one leaving it is refused),
    and not a FIFO, device or directory. A missing file is returned as it is (the caller's open reports it).

    The one check every read of a package file goes through (tables, descriptor, history, articles), so
    an edited ``datapackage.json`` or a planted link can never make the package read a file outside itself.
    Raises :class:`UntrustedInputError` naming the descriptor, the resource and the path.
    """
    from .errors import UntrustedInputError

    def refuse(why: str) -> UntrustedInputError:
        return UntrustedInputError(f"{descriptor}: resource {resource!r} names the path {rel!r}, which is {why}; "
                                   f"refused (only regular files inside {root} are read)")

    problem = _path_problem(rel)
    if problem:
        raise refuse(problem)
    path = Path(root) / str(rel)
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    if os.path.commonpath([real_root, real]) != real_root:
        raise refuse(f"a link (or inside a linked folder) that resolves to {real}, outside the package")
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return path
    except OSError as exc:
        raise refuse(f"not readable ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise refuse("a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise refuse("a special file (FIFO, socket or device), not a regular file")
    return path
