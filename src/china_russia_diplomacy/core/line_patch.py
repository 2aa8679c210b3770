"""Line patches: rebuild a text file of an earlier version from the file of the version after it.

The package carries its own history (see :mod:`china_russia_diplomacy.read.history`) as one reverse
patch per file per registered version, like a version-control pack: what a release adds grows with
the lines that changed, not with the size of the data. A patch is computed on the write side
(:func:`china_russia_diplomacy.build.generate.history.make_patch`, with Google's diff-match-patch) over the
files' lines and stored as JSON-ready operations:

- ``["=", i, j]``: copy lines ``i:j`` of the base (the newer file);
- ``["+", [line, ...]]``: insert these lines of the target (the older file).

Lines are split on ``\\n`` only, so that ``"\\n".join`` gives back the exact bytes (a CSV cell may hold
any other line-breaking character). Every patch records the SHA-256 of the base it applies to and of
the target it must produce: :func:`apply_patch` refuses a wrong base and a result that differs, so a
rebuilt file is either byte-exact or not served. Applying a patch uses the standard library only:
rebuilding a version is reading, and runs on a reader's plain install.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .errors import CRDError

Patch = dict[str, Any]


class PatchError(CRDError, ValueError):
    """A patch does not apply to this base, or does not produce the file it promises."""

    exit_code = 1


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lines(data: bytes) -> list[str]:
    """A file's lines as patches count them: split on ``\\n`` only, the last one after the final newline."""
    return data.decode("utf-8").split("\n")


def apply_patch(base: bytes | None, patch: Patch, what: str = "file") -> bytes:
    """``target`` from ``base`` and its patch; :class:`PatchError` naming ``what`` when the base is not the
    one the patch was made from or the result's SHA-256 differs from the recorded one."""
    expected_base = patch.get("base_sha256")
    actual_base = sha256(base) if base is not None else None
    if expected_base != actual_base:
        raise PatchError(f"{what}: the history patch applies to a file with SHA-256 {expected_base}, "
                         f"this one has {actual_base}")
    old = lines(base) if base is not None else []
    out: list[str] = []
    try:
        for op in patch["ops"]:
            if op[0] == "=":
                out.extend(old[op[1]:op[2]])
            elif op[0] == "+":
                out.extend(op[1])
            else:
                raise PatchError(f"{what}: unknown patch operation {op[0]!r}")
    except (IndexError, TypeError, KeyError) as exc:
        raise PatchError(f"{what}: malformed history patch ({exc})") from None
    result = "\n".join(out).encode("utf-8")
    if sha256(result) != patch.get("sha256"):
        raise PatchError(f"{what}: the rebuilt file has SHA-256 {sha256(result)}, the history records "
                         f"{patch.get('sha256')}; refused")
    return result
