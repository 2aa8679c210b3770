"""Replacing a set of files all or nothing: what ``build`` and the folder exports do at the end.

Both write their files into a staging folder first and then move each over its target. A failure part-way
(a full disk, a read-only file, an interrupt) must not leave the target folder half old and half new, so
every file a move replaces is kept aside until the whole set is in place, and an error puts each one back,
in reverse order, before it is raised. The old file is kept by a hard link where the file system allows it
(the target never disappears for a reader, and nothing is copied: at a million rows the site alone is
hundreds of megabytes), else moved aside.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import TracebackType

from .errors import named_os_error


class AllOrNothing:
    """``with AllOrNothing(backup_dir) as swap:`` then ``swap.replace(new, target)`` or
    ``swap.remove(target)`` per file; leaving the block by an exception restores every target touched.

    ``backup_dir`` is a folder of the caller's staging area (removed with it); its relative layout
    mirrors nothing, each kept file gets a numbered name."""

    def __init__(self, backup_dir: Path) -> None:
        self.backup_dir = Path(backup_dir)
        self._done: list[tuple[Path, Path | None]] = []  # (target, its old file kept aside, or None: it was new)

    def __enter__(self) -> AllOrNothing:
        return self

    def _keep(self, target: Path, *, move: bool) -> Path | None:
        if not (target.exists() or target.is_symlink()):
            return None
        self.backup_dir.mkdir(parents=True, exist_ok=True)
        saved = self.backup_dir / f"{len(self._done)}-{target.name}"
        if not move:
            try:
                os.link(target, saved, follow_symlinks=False)
                return saved
            except OSError:  # no hard links here (some file systems, a symlinked target on some systems)
                pass
        os.replace(target, saved)
        return saved

    def replace(self, new: Path, target: Path) -> None:
        """Move ``new`` over ``target`` (its folder made if needed), keeping the old ``target`` aside.
        An ``OSError`` is raised naming ``target``, the user's file, not the staging path."""
        try:
            saved = self._keep(target, move=False)
        except OSError as exc:
            raise named_os_error(exc, target) from None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(new, target)
        except OSError as exc:
            if saved is not None and not (target.exists() or target.is_symlink()):
                os.replace(saved, target)  # moved aside, and the new one never arrived
            raise named_os_error(exc, target) from None
        self._done.append((target, saved))

    def remove(self, target: Path) -> None:
        """Take ``target`` away (a file an earlier run wrote that this one does not), restorable."""
        try:
            saved = self._keep(target, move=True)
        except OSError as exc:
            raise named_os_error(exc, target) from None
        self._done.append((target, saved))

    def rollback(self) -> None:
        """Put back every file this swap replaced or removed, the last first."""
        for target, saved in reversed(self._done):
            if saved is None:
                target.unlink(missing_ok=True)
            else:
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                os.replace(saved, target)
        self._done.clear()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> bool:
        if exc_type is not None:
            self.rollback()
        return False


__all__ = ["AllOrNothing"]
