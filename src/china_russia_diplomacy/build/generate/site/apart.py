"""Parts of the site made on the machine's other core, each in a forked process, while this one renders
the other pages: the search index (in two halves) and the events pages.

At a million rows the index (every cell of every row cut into terms, ~26,000 small files) and the events
pages (each event with its mentions and participations) are most of the site's time and need nothing the
other pages make, so build forks before the pages: a child writes its files straight into the same
staging folder, hashing them as it writes (the same
:class:`~china_russia_diplomacy.build.outputs.StagedOutputs` writer), and hands back only their sizes
and digests through a pipe; the parent adopts them (:meth:`Outputs.adopt`) once its own pages are made.
The bytes are those made in one process: it is the same code on the same rows. Forking shares the
parent's tables copy-on-write, so a child holds little of its own (one postings block, one page); its
peak is reported apart (a child process) by ``scripts/benchmark.py``.

Only where it is safe and useful: Linux (``fork`` keeps the parent's memory without re-reading the
tables; macOS forbids forking a process that may have used system frameworks, Windows has no fork),
more than one CPU, and files written to a staging folder (``compute_outputs`` keeps files in memory and
makes everything in process). A failure in a child is raised again in the parent (the same exception
when it can be carried over, else a :class:`~china_russia_diplomacy.core.errors.CRDError` naming what
the child was making), and a parent that fails kills its children: the staging folder goes with the
build either way.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import sys
from typing import Callable, Iterator

from ...outputs import StagedOutputs
from ...descriptor import FileDigest


def possible(outputs) -> bool:
    """Whether parts of the site can be made in forked processes here (see the module's docstring)."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and (os.cpu_count() or 1) > 1
            and isinstance(outputs, StagedOutputs))


class Apart:
    """A forked process writing ``files()`` (``(relpath under the package, bytes)``) into ``outputs``'s
    staging folder; :meth:`adopt` waits for it and registers its files in ``outputs``, :meth:`stop`
    kills it (the parent failed). ``what`` names what it makes, in the error if it dies unheard."""

    def __init__(self, outputs: StagedOutputs, files: Callable[[], Iterator[tuple[str, bytes]]],
                 what: str = "the site's search index"):
        self.outputs, self.what = outputs, what
        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: writes, reports and exits, never returning into the build
            os.close(read)
            _child(write, StagedOutputs(outputs.root, outputs.shown_as), files)
        os.close(write)
        self.pid: int | None = pid
        self.read = read

    def adopt(self) -> None:
        """Wait for the child; register its files in the parent's outputs, or raise its failure."""
        with os.fdopen(self.read, "rb") as fh:
            message = fh.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if status != 0 or not message.startswith(b"OK "):
            raise _failure(message, status, self.what)
        for relpath, (size, sha256) in json.loads(message[3:]).items():
            self.outputs.adopt(relpath, FileDigest(size, sha256))

    def stop(self) -> None:
        """Kill the child (the parent failed; its files go with the staging folder)."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = None
            try:
                os.close(self.read)
            except OSError:
                pass


def _child(fd: int, outputs: StagedOutputs, files) -> None:
    status = 0
    try:
        for relpath, data in files():
            outputs.write(relpath, data)
        body = b"OK " + json.dumps({k: [d.size, d.sha256] for k, d in outputs.digests.items()}).encode()
    except BaseException as exc:  # carried to the parent, which raises it
        status = 1
        try:
            body = b"EX " + pickle.dumps(exc)
        except Exception:
            body = b"TX " + f"{type(exc).__name__}: {exc}".encode("utf-8", "replace")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
    finally:
        os._exit(status)  # no atexit handlers, no flushing of the parent's buffers


def _failure(message: bytes, status: int, what: str) -> BaseException:
    from ....core.errors import CRDError

    if message.startswith(b"EX "):
        try:
            exc = pickle.loads(message[3:])
            if isinstance(exc, BaseException):
                return exc
        except Exception:
            pass
    text = message[3:].decode("utf-8", "replace") if message[:3] in (b"TX ", b"EX ") else ""
    return CRDError(f"{what} failed in its process (exit status {status})"
                    + (f": {text}" if text else ""))
