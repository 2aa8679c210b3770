"""Is a file of a package what ``datapackage.json`` says it is? Bytes and SHA-256 of one descriptor entry.

Shared by validation (a finding per problem) and the loader's ``verify()`` (one message per file), so
both check files the same way. The file is hashed by streaming, never read whole. Standard library only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .files import not_regular
from .locate import safe_relative
from .registry import sha256_file


def file_problems(package_dir: Path, entry: dict[str, Any]) -> list[tuple[str, str]]:
    """(rule, what is wrong) for one file entry of ``datapackage.json``: an unsafe path (not read),
    a missing file, or bytes and SHA-256 that differ from the entry. Shared by validation and the
    loader's ``verify()``, so both check files the same way."""
    path = entry.get("path", "")
    if not isinstance(path, str) or not safe_relative(path):
        return [("unsafe-path", "unsafe path; it must be relative and stay inside the package")]
    file = package_dir / path
    problem = not_regular(file, package_dir)
    if problem == "missing":
        return [("file-missing", "missing")]
    if problem:
        return [("file-type", problem)]
    size, digest = file.stat().st_size, "sha256:" + sha256_file(file)
    out = []
    if entry.get("hash") is not None and digest != entry["hash"]:
        out.append(("hash", f"sha256 is {digest}, datapackage.json says {entry['hash']}: the file changed after the build"))
    if entry.get("bytes") is not None and size != entry["bytes"]:
        out.append(("bytes", f"{size} bytes, datapackage.json says {entry['bytes']}"))
    return out
