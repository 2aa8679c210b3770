"""The package's one error family: every refusal of user input is a :class:`CRDError`.

Why one base class: callers (and the CLI's single boundary) catch one type instead of a growing list,
and a new code path that refuses something cannot leak a bare ``ValueError`` or ``KeyError`` by
accident without a test noticing. Each subclass also keeps the builtin base it always had
(``VersionError`` is still a ``RuntimeError``, ``SchemaError`` a ``ValueError``...), so code written
against 1.x keeps catching what it caught.

``exit_code`` is the CLI's exit status for the kind: 1 for data that is invalid or cannot be trusted
(a report or a hash said so), 2 for a usage error (a path, a name, an option that is wrong).
"""

from __future__ import annotations


class CRDError(Exception):
    """Base of every error the package raises on purpose; the message names what, where and the way out."""

    exit_code: int = 2


class UsageError(CRDError, ValueError):
    """An argument, name, path or option the package cannot use (a table that does not exist, a path
    that is not a package, an output that would overwrite something it must not)."""

    exit_code = 2


class UntrustedInputError(CRDError, ValueError):
    """A handed-over folder, archive, descriptor or cache entry is malformed or tries to read outside itself."""

    exit_code = 1


class NotFoundError(UsageError, FileNotFoundError):
    """A path, folder or file the user named does not exist or holds no package. Also a
    ``FileNotFoundError``, which is what these refusals were before the family existed."""


class UnknownNameError(UsageError, KeyError):
    """A table, field or other name the package does not have. Also a ``KeyError`` (what
    ``meta.table("nope")`` raised in 1.x), but printed as its message, not as a quoted repr."""

    __str__ = BaseException.__str__


class ModifiedFilesError(UntrustedInputError, RuntimeError):
    """Files of a package do not match the sizes and SHA-256 its ``datapackage.json`` (or the wheel's
    RECORD) records (``crd.check()``). Also a ``RuntimeError``, as ``check()`` raised in 1.x."""


class RefusedError(UsageError, RuntimeError):
    """A maintainer command refuses the state it finds (stale generated files, uncommitted changes, a
    version already registered differently). Also a ``RuntimeError``, as these refusals were in 1.x."""


def named_os_error(exc: OSError, path) -> OSError:
    """The same error naming ``path`` (the file the user knows) instead of a staging or temporary path,
    which is gone by the time the user reads the message."""
    return exc if exc.errno is None else type(exc)(exc.errno, exc.strerror, str(path))


# What an errno means to someone who has to do something about it; the CLI adds the path and errno.
_WAY_OUT: dict[str, str] = {
    "ENOSPC": "free space on that disk or write somewhere else",
    "EDQUOT": "free space within your quota or write somewhere else",
    "EFBIG": "the file is larger than this process may write (ulimit -f); raise the limit or write elsewhere",
    "EROFS": "that file system is mounted read-only; write somewhere else",
    "EACCES": "you lack permission there; pick a folder you can write to, or fix its permissions",
    "EPERM": "the operation is not permitted there; pick another path",
    "ENOENT": "check the path",
    "ENOTDIR": "a part of the path is a file, not a folder; check the path",
    "EISDIR": "that is a folder; name a file",
    "EEXIST": "something is already there; remove it or pick another path",
    "ENOTEMPTY": "the folder is not empty; remove it or pick another path",
    "ELOOP": "too many symbolic links; check the path",
    "ENAMETOOLONG": "the name is too long; use a shorter path",
    "EMFILE": "too many open files; raise the limit (ulimit -n)",
}


def describe_os_error(exc: OSError) -> str:
    """One line for an ``OSError``: the path, the reason in words, the errno and the way out.

    e.g. ``cannot write /x/y: no space left on device (errno 28); free space on that disk or write
    somewhere else``. Why here and not in the CLI: the wording is the package's, and a test checks it
    without running a command.
    """
    import errno as _errno
    import os as _os

    code = exc.errno
    if code is None:  # raised with a message only (FileNotFoundError("x: not a directory")): it is the message
        return str(exc) or type(exc).__name__
    reason = (exc.strerror or _os.strerror(code)).rstrip(".")
    reason = reason[:1].lower() + reason[1:]
    paths = [p for p in (exc.filename, exc.filename2) if p is not None]
    where = " -> ".join(_os.fsdecode(p) for p in paths)
    verb = "cannot write" if code in (_errno.ENOSPC, _errno.EFBIG, _errno.EROFS, getattr(_errno, "EDQUOT", -1)) else "cannot use"
    head = f"{verb} {where}: {reason}" if where else reason
    name = _errno.errorcode.get(code, "")
    way = _WAY_OUT.get(name)
    return f"{head} (errno {code})" + (f"; {way}" if way else "")


def os_error_exit_code(exc: OSError) -> int:
    """The CLI's exit status for an ``OSError``: 2 when the path given was wrong (missing, a file where
    a folder was meant, already there), as for any usage error; 1 when the system refused a right one
    (full disk, read-only, no permission)."""
    import errno as _errno

    return 2 if exc.errno in (None, _errno.ENOENT, _errno.ENOTDIR, _errno.EISDIR, _errno.EEXIST) else 1


def error_line(message: str) -> str:
    """``error: MESSAGE`` as the CLI prints it: one line starting with ``error:``; a message that runs
    over several lines (the URLs a download tried, a path with a newline in it) continues on indented
    lines, so that ``grep '^error:'`` finds one line per failure and no detail poses as another error."""
    first, *rest = message.split("\n")
    return "\n".join([f"error: {first}"] + [line if line[:1].isspace() else f"  {line}" for line in rest])
