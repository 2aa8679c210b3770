"""Where an export may write, and writing there without ever leaving half a result.

Why a module of its own: every writer (one folder of files, one workbook, one database) must keep the
same promises, and they are easy to get subtly wrong one writer at a time:

- an export never rewrites a data package it did not write: a folder holding a ``datapackage.json``
  (or a checkout's ``schemas/package.json``) that no export left there is refused, so ``export
  --output .`` in a checkout cannot replace its descriptor; nor does it write into the master copy
  (the source package's own folder, or its ``data/``, ``schemas/``, ``sources/``);
- a folder export into something that is a file, or a single-file export over a file of another kind
  (``-o datapackage.json`` for a database), is refused before anything is written;
- everything is written to a staging path *beside* the target (same file system) and moved into
  place at the end; on any failure (a full disk, a read-only folder, Ctrl-C) the staging is removed
  and the files already replaced are put back, so the target is either the old one or the new one;
- an ``OSError`` names the target the user gave, not the staging path they never heard of.

Every folder export leaves :data:`MARKER` (the format and the files it wrote), which is how a later
export recognises a folder as its own.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from ..core.errors import UsageError, named_os_error
from ..core.replace import AllOrNothing

MARKER = ".china-russia-diplomacy-export.json"
DESCRIPTOR = "datapackage.json"
MASTER_DIRS = ("data", "schemas", "sources")

# What the first bytes of a file a single-file export may overwrite must be (its own earlier output).
SIGNATURES = {"sqlite": b"SQLite format 3\x00", "xlsx": b"PK\x03\x04"}


class ExportTargetError(UsageError):
    """An export target the export must not write: a package's own folder, a file where a folder is
    meant, a file of another kind, the master copy."""


def refuse_master_copy(target: Path, package_dir: Path, fmt: str) -> None:
    """The exported package itself, or any folder inside its curated inputs, is never a target."""
    target, package_dir = Path(target).resolve(), Path(package_dir).resolve()
    inputs = [package_dir / d for d in MASTER_DIRS]
    if target == package_dir or any(target == d or d in target.parents for d in inputs):
        raise ExportTargetError(f"export --format {fmt} refused: {target} is the package being exported (or inside "
                                f"its {'/, '.join(MASTER_DIRS)}/); pass --output a folder outside it")


def check_folder(output: Path, fmt: str) -> None:
    """Refuse a folder target that is a file, or a data package no export wrote."""
    if output.exists() and not output.is_dir():
        raise ExportTargetError(f"export --format {fmt} refused: {output} is a file, and {fmt} writes a folder of "
                                f"files; pass --output a folder path (it is created if missing)")
    if not output.is_dir() or (output / MARKER).is_file():
        return
    for rel in (DESCRIPTOR, "schemas/package.json"):
        if (output / rel).exists():
            raise ExportTargetError(f"export --format {fmt} refused: {output} holds a data package ({rel}) that no "
                                    f"export wrote, which the export would overwrite; pass --output another folder")


def check_file(output: Path, fmt: str) -> None:
    """Refuse a single-file target that is a folder or a file of another kind (never overwrite a CSV,
    a descriptor or a document with a database)."""
    if output.is_dir():
        raise ExportTargetError(f"export --format {fmt} refused: {output} is a folder; name the file to write")
    if output.exists():
        with open(output, "rb") as fh:
            head = fh.read(len(SIGNATURES[fmt]))
        if head != SIGNATURES[fmt]:
            raise ExportTargetError(f"export --format {fmt} refused: {output} exists and is not a {fmt} file, which the "
                                    f"export would overwrite; remove it or pass another --output")


def single_file_target(output: Path, default_name: str) -> Path:
    """A single-file export's path: ``output`` itself, or ``output/default_name`` when it is a folder."""
    output = Path(output)
    return output / default_name if output.is_dir() else output


def temp_beside(output: Path) -> Path:
    """A fresh, not yet existing path beside ``output`` (for a writer that must create the file itself)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    except OSError as exc:
        raise named_os_error(exc, output) from None
    os.close(fd)
    os.unlink(tmp)
    return Path(tmp)


def _staging_dir(output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        return Path(tempfile.mkdtemp(prefix=f".{output.name}.export-", dir=output.parent))
    except OSError as exc:
        raise named_os_error(exc, output) from None


def write_folder(output: Path, files: dict[str, bytes], fmt: str) -> list[Path]:
    """Write ``files`` (relative POSIX path -> bytes) into folder ``output``; returns the paths written.

    A new folder is staged whole and renamed into place; an existing one gets each file replaced, with
    the old files restored if a replacement fails. Files already in the folder that the export does
    not write are left alone.
    """
    output = Path(output)
    check_folder(output, fmt)
    staging = _staging_dir(output)
    files = {**files, MARKER: (json.dumps({"format": fmt, "files": sorted(files)}, indent=1) + "\n").encode("utf-8")}
    try:
        for rel, data in files.items():
            try:
                (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                (staging / rel).write_bytes(data)
            except OSError as exc:
                raise named_os_error(exc, output / rel) from None
        if not output.exists():
            os.chmod(staging, 0o777 & ~_umask())  # mkdtemp made it private; the folder is the user's
            os.rename(staging, output)
        else:
            _replace_each(staging, output, sorted(files))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [output / rel for rel in files if rel != MARKER]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _replace_each(staging: Path, output: Path, names: list[str]) -> None:
    """Move the staged files over ``output``'s; on any error put back what was already replaced."""
    with AllOrNothing(staging / ".backup") as swap:
        for rel in names:
            target = output / rel
            if target.is_dir() and not target.is_symlink():
                raise ExportTargetError(f"export refused: {target} is a folder where the export writes a file; "
                                        "remove it or pass another --output")
            swap.replace(staging / rel, target)


def write_file(output: Path, data: bytes, fmt: str | None) -> Path:
    """Write one file atomically: a temporary file beside it, then ``os.replace``. ``fmt`` (a key of
    :data:`SIGNATURES`) refuses overwriting a file of another kind; None for a side file."""
    output = Path(output)
    if fmt is not None:
        check_file(output, fmt)
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    except OSError as exc:
        raise named_os_error(exc, output) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp made it private; the file is the user's
        os.replace(tmp, output)
    except OSError as exc:
        raise named_os_error(exc, output) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return output
