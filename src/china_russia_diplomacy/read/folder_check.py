"""Is a handed-over package folder what its own ``datapackage.json`` says? If not, it is not that version.

``load(package_dir=folder)`` used to label whatever the folder held with the descriptor's version: a copy
with one edited cell loaded silently as ``1.2.1``, and a paper could cite it as 1.2.1. Now every table
file the descriptor hashes (CSV and Parquet) is checked, size first and then SHA-256 by streaming, when a
folder is read. A folder whose files differ still loads (it is the user's own folder: a checkout being
edited, a copy being repaired) but never under the registered version's name: one
:class:`ModifiedPackageWarning` line names the files, and the frames are labelled ``<version>+modified``
(pandas ``attrs``, Arrow schema metadata, polars ``attrs``).

Each file is hashed once per process while its path, size and modification time stay the same, so only
the first read of a folder pays for it. Standard library only.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

from ..core.files import package_path
from ..core.registry import sha256_file

MODIFIED = "+modified"

_HASHES: dict[tuple[str, int, int, int, int, int], str] = {}
_WARNED: set[tuple[str, tuple[str, ...]]] = set()


class ModifiedPackageWarning(UserWarning):
    """A package folder's files differ from the hashes its own ``datapackage.json`` records."""


def file_sha256(path: Path) -> str:
    """SHA-256 of ``path``, computed once per process for each state of the file: its path, device and
    inode, size, modification time and status-change time. The last is the one no user can set back
    (``touch -r`` or ``os.utime`` restore an mtime, and any write or rename moves the ctime), so an edit
    that keeps the size and the mtime is still hashed again."""
    st = os.stat(path)
    key = (os.path.realpath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    if key not in _HASHES:
        _HASHES[key] = sha256_file(path)
    return _HASHES[key]


def modified_files(base: Path, descriptor: dict[str, Any]) -> list[str]:
    """One short note per table file of ``base`` that is missing or differs from ``descriptor``; [] when intact."""
    where = Path(base) / "datapackage.json"
    out = []
    for res in descriptor.get("resources", []):
        for entry in (res, res.get("parquet")):
            if not isinstance(entry, dict) or "path" not in entry:
                continue
            file = package_path(base, entry["path"], descriptor=where, resource=res.get("name", "?"))
            if not file.is_file():
                out.append(f"{entry['path']} is missing")
                continue
            size = file.stat().st_size
            if isinstance(entry.get("bytes"), int) and size != entry["bytes"]:
                out.append(f"{entry['path']} has {size} bytes, not {entry['bytes']}")
            elif isinstance(entry.get("hash"), str) and "sha256:" + file_sha256(file) != entry["hash"]:
                out.append(f"{entry['path']} has another SHA-256")
    return out


def version_label(base: Path, descriptor: dict[str, Any]) -> str:
    """The version to label what is read from folder ``base`` with: the descriptor's, or, when the folder's
    files differ from it, ``<version>+modified`` after one warning line naming them."""
    version = str(descriptor.get("version", ""))
    problems = modified_files(base, descriptor)
    if not problems:
        return version
    key = (os.path.realpath(base), tuple(problems))
    if key not in _WARNED:
        _WARNED.add(key)
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        warnings.warn(f"{base}: its files differ from its own datapackage.json ({shown}); read as version "
                      f"{version}{MODIFIED}, not as the published {version} (rebuild it, or use "
                      f"version={version!r} for the published files)", ModifiedPackageWarning, stacklevel=4)
    return version + MODIFIED
