"""Is pip's copy of the package still what the wheel installed? Every shipped file against RECORD.

``datapackage.json`` vouches for the CSV and Parquet files only; a wheel ships more that readers rely
on: ``CITATION.cff`` (``cite()``), ``releases.json`` (every published version and its hashes), the
schemas and the archived articles. A wheel's ``RECORD`` (PEP 376/627, written by the installer) holds
the SHA-256 and size of every installed file, so it is the reference for all of them: a changed,
missing or added file under ``_package/`` is reported by ``verify()`` whatever it is. This applies
to the installed wheel only: a checkout or an unpacked release has no RECORD and is checked against
its ``datapackage.json`` as before. Standard library only.
"""

from __future__ import annotations

import base64
import hashlib
from importlib import metadata
from pathlib import Path, PurePosixPath

DISTRIBUTION = "china-russia-diplomacy"
SHIPPED_ROOT = PurePosixPath("china_russia_diplomacy/_package")


def shipped_dir() -> Path:
    """Where a wheel installs the data: ``china_russia_diplomacy/_package`` beside this package."""
    return Path(__file__).resolve().parents[1] / "_package"


def _record_digest(path: Path) -> str:
    """The RECORD form of a SHA-256: urlsafe base64 without padding, hashed by streaming."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return base64.urlsafe_b64encode(h.digest()).rstrip(b"=").decode("ascii")


def record_problems(base: Path) -> list[str]:
    """One message per shipped file under ``base`` that differs from the wheel's RECORD, is missing,
    or was added after installation; ``[]`` when ``base`` is not the installed wheel's data."""
    base = Path(base).resolve()
    if base != shipped_dir():
        return []
    try:
        files = metadata.distribution(DISTRIBUTION).files or []
    except metadata.PackageNotFoundError:
        return []
    recorded: dict[str, metadata.PackagePath] = {}
    for entry in files:
        pure = PurePosixPath(str(entry).replace("\\", "/"))
        if pure.parts[: len(SHIPPED_ROOT.parts)] == SHIPPED_ROOT.parts and entry.hash is not None:
            recorded[PurePosixPath(*pure.parts[len(SHIPPED_ROOT.parts):]).as_posix()] = entry
    if not recorded:
        return []  # an installer that wrote no hashes: nothing to compare with
    problems = []
    for rel, entry in sorted(recorded.items()):
        file = base / rel
        if not file.is_file():
            problems.append(f"{rel}: missing (the installed wheel shipped it)")
            continue
        if entry.hash.mode != "sha256":
            continue
        size = file.stat().st_size
        if entry.size is not None and size != entry.size:
            problems.append(f"{rel}: {size} bytes, the installed wheel shipped {entry.size}: the file changed after installation")
        elif _record_digest(file) != entry.hash.value:
            problems.append(f"{rel}: sha256 differs from the installed wheel's RECORD: the file changed after installation")
    for file in sorted(p for p in base.rglob("*") if p.is_file() or p.is_symlink()):
        rel = file.relative_to(base).as_posix()
        if rel not in recorded and "__pycache__" not in file.parts:
            problems.append(f"{rel}: not shipped by the wheel; written after installation")
    return problems
