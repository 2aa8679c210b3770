"""Where build's generators put their files: written (and hashed) as they are made, never all held at once.

At a million rows the generated files add up to more than a gigabyte (the site alone is ~450 MB of
HTML); holding them in a ``{path: bytes}`` dict until staging made build's peak memory grow with
everything it generates. Generators therefore hand each file over as soon as it is made:

- ``ctx.write(relpath, data)`` with ``data`` as ``bytes`` or an iterable of ``bytes`` chunks (a Jinja2
  ``Template.generate()`` encoded piece by piece streams a page without ever joining it);
- ``with ctx.open(relpath) as fh: fh.write(...)`` for a writer that wants a file (Parquet, matplotlib).

Each file's size and SHA-256 are computed while it is written (:class:`FileDigest`): the descriptor,
``croissant.json``, the install step's "unchanged?" check and the stale-file check use them instead of
the bytes. :class:`StagedOutputs` writes into build's staging directory; :class:`MemoryOutputs` keeps
the bytes, for :func:`~china_russia_diplomacy.build.pipeline.compute_outputs` on small packages (tests,
the release check) that want them in hand.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Union

from ..core.errors import named_os_error
from ..core.locate import safe_relative
from .descriptor import FileDigest

Data = Union[bytes, bytearray, memoryview, Iterable[bytes]]
CHUNK = 1 << 20  # small writes (template pieces) are gathered into writes and hash updates of about 1 MiB


class HashingWriter:
    """A binary file-like object that hashes and counts what goes through it (``write``, ``tell``,
    ``flush``: enough for ``pyarrow.parquet.write_table`` and ``matplotlib``'s ``savefig``)."""

    def __init__(self, sink) -> None:
        self._sink = sink  # a raw binary file, or None to keep the bytes (MemoryOutputs)
        self._hash = hashlib.sha256()
        self._size = 0
        self._pending = bytearray()
        self._kept: list[bytes] | None = [] if sink is None else None
        self.closed = False

    def write(self, data) -> int:
        n = len(data)
        self._pending += data
        self._size += n
        if len(self._pending) >= CHUNK:
            self._drain()
        return n

    def _drain(self) -> None:
        if not self._pending:
            return
        block = bytes(self._pending)
        self._pending.clear()
        self._hash.update(block)
        if self._kept is not None:
            self._kept.append(block)
        else:
            self._sink.write(block)

    def tell(self) -> int:
        return self._size

    def flush(self) -> None:
        self._drain()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readable(self) -> bool:
        return False

    def finish(self) -> tuple[FileDigest, bytes | None]:
        self._drain()
        self.closed = True
        kept = b"".join(self._kept) if self._kept is not None else None
        return FileDigest(self._size, self._hash.hexdigest()), kept


class Outputs(Mapping):
    """The files generated so far, in the order they were written. As a mapping it gives each file's
    bytes (read back from staging on demand), so ``ctx.outputs["datapackage.json"]`` keeps working."""

    def __init__(self) -> None:
        self.digests: dict[str, FileDigest] = {}

    # -- writing ------------------------------------------------------------------------------------
    def _claim(self, relpath: str) -> None:
        if not safe_relative(relpath):
            raise ValueError(f"a generated file must have a relative path inside the package, not {relpath!r}")
        if relpath in self.digests:
            raise ValueError(f"{relpath} was generated twice (two generators, or one generator twice)")

    @contextmanager
    def open(self, relpath: str) -> Iterator[HashingWriter]:
        """A writer for ``relpath``; the file counts as generated only if the block ends without error."""
        self._claim(relpath)
        with self._target(relpath) as raw:
            writer = HashingWriter(raw)
            yield writer
            digest, kept = writer.finish()
        self._keep(relpath, kept)
        self.digests[relpath] = digest

    def write(self, relpath: str, data: Data) -> FileDigest:
        """Write one file from its bytes or from an iterable of byte chunks; return its digest."""
        with self.open(relpath) as fh:
            if isinstance(data, (bytes, bytearray, memoryview)):
                fh.write(data)
            else:
                for chunk in data:
                    fh.write(chunk)
        return self.digests[relpath]

    def adopt(self, relpath: str, digest: FileDigest) -> None:
        """Count as generated a file another process wrote into this staging folder, hashed as it wrote
        (the site's search index, made on the second core: ``build/generate/site/apart.py``)."""
        self._claim(relpath)
        self.digests[relpath] = digest

    # -- reading ------------------------------------------------------------------------------------
    def digest(self, relpath: str) -> FileDigest:
        return self.digests[relpath]

    def same_as(self, relpath: str, path: Path) -> bool:
        """Whether the file at ``path`` already has exactly this output's bytes (size first, then hash)."""
        digest = self.digests[relpath]
        return path.is_file() and path.stat().st_size == digest.size and FileDigest.of_file(path) == digest

    def __getitem__(self, relpath: str) -> bytes:
        if relpath not in self.digests:
            raise KeyError(relpath)
        return self._read(relpath)

    def __iter__(self) -> Iterator[str]:
        return iter(self.digests)

    def __len__(self) -> int:
        return len(self.digests)

    def __contains__(self, relpath: object) -> bool:
        return relpath in self.digests

    # -- storage (subclasses) -----------------------------------------------------------------------
    def _target(self, relpath: str):
        raise NotImplementedError

    def _keep(self, relpath: str, kept: bytes | None) -> None:
        pass

    def _read(self, relpath: str) -> bytes:
        raise NotImplementedError


def _open_for_writing(path: Path):
    """The one place a staged file is opened (a test makes it fail as a full disk would)."""
    return open(path, "wb", buffering=0)


class StagedOutputs(Outputs):
    """Files written straight into the staging directory ``root`` (build's case). An ``OSError`` while
    writing one names the file as ``shown_as / relpath`` (the package's file), not the staging path."""

    def __init__(self, root: Path, shown_as: Path | None = None) -> None:
        super().__init__()
        self.root = Path(root)
        self.shown_as = Path(shown_as) if shown_as is not None else self.root

    def path(self, relpath: str) -> Path:
        return self.root / relpath

    @contextmanager
    def _target(self, relpath: str):
        path = self.root / relpath
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with _open_for_writing(path) as raw:
                yield raw
        except OSError as exc:
            path.unlink(missing_ok=True)  # a half-written file is not an output
            raise named_os_error(exc, self.shown_as / relpath) from None
        except BaseException:
            path.unlink(missing_ok=True)
            raise

    def _read(self, relpath: str) -> bytes:
        return (self.root / relpath).read_bytes()


class MemoryOutputs(Outputs):
    """Files kept as bytes (``compute_outputs``: the real package's few megabytes, for comparisons)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, bytes] = {}

    @contextmanager
    def _target(self, relpath: str):
        yield None

    def _keep(self, relpath: str, kept: bytes | None) -> None:
        self.data[relpath] = kept if kept is not None else b""

    def _read(self, relpath: str) -> bytes:
        return self.data[relpath]


def write_all(outputs: Outputs, files: Mapping[str, Data] | None) -> None:
    """Write what a generator returned (generators of a few small files may return ``{path: bytes}``)."""
    for relpath, data in (files or {}).items():
        outputs.write(relpath, data)


__all__ = ["Data", "HashingWriter", "Outputs", "StagedOutputs", "MemoryOutputs", "write_all"]
