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
