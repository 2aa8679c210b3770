"""Which files of a package may be read: regular files inside it, nothing else.

A package directory is user input. A symlink in ``data/`` or ``sources/`` could make validation,
build, ``verify()`` or a release read (and ship) a file from anywhere on the machine; a FIFO would
block a read forever; a device or a directory would raise. Every reader of package files asks
:func:`not_regular` first and reports its answer as a finding. Standard library only.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

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
