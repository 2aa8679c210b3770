"""The files a reader downloads from the site: every table (CSV and Parquet), the citation file, the
timeline and one zip of the whole current version, all under ``site/`` so that the site is served alone.

The zip holds what a reader needs to use and cite the data without the repository: ``datapackage.json``,
``data/*.csv`` and ``data/*.parquet``, the archived articles (``sources/``, the evidence the rows cite),
the codebook, ``CITATION.cff`` and ``LICENSE-DATA``. It is written with fixed timestamps and modes in
sorted order, so two builds give the same bytes. The registered release archives (with ``changes.json``
and the history) are made by ``release``; this zip is the current data, whatever its release state.
"""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator, Union

FIXED_DATE = (1980, 1, 1, 0, 0, 0)
CHUNK = 1 << 20  # files are copied (into the zip, into site/) a MiB at a time: none is held whole


@dataclass(frozen=True)
class Source:
    """A file to copy: its bytes (a small package's in-memory outputs) or its path on disk (a staged
    output or a package file), so that a table of hundreds of megabytes is never read whole."""

    data: Union[bytes, Path]

    @property
    def size(self) -> int:
        return len(self.data) if isinstance(self.data, bytes) else self.data.stat().st_size

    def chunks(self) -> Iterator[bytes]:
        if isinstance(self.data, bytes):
            yield self.data
            return
        with open(self.data, "rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk


def _file(ctx, rel: str) -> Source | None:
    """A file as this build computes it (``ctx.outputs``), else as the package holds it."""
    if rel in ctx.outputs:
        path_of = getattr(ctx.outputs, "path", None)  # staged outputs are on disk
        return Source(path_of(rel)) if path_of is not None else Source(ctx.outputs[rel])
    path = Path(ctx.package_dir) / rel
    return Source(path) if path.is_file() else None


def zip_name(meta) -> str:
    return f"{meta.name}-{meta.version}-data.zip"


def write_zip(fh: IO[bytes], prefix: str, contents: dict[str, Source]) -> None:
    """The zip of ``contents`` into the seekable ``fh``, each member streamed (its size given first, so the
    headers are those ``writestr`` writes: the same bytes as zipping each file from memory)."""
    with zipfile.ZipFile(fh, "w") as zf:
        for rel in sorted(contents):
            info = zipfile.ZipInfo(f"{prefix}/{rel}", date_time=FIXED_DATE)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = 9  # what writestr(compresslevel=9) sets (a property of that name from 3.13)
            info.file_size = contents[rel].size
            with zf.open(info, "w") as member:
                for chunk in contents[rel].chunks():
                    member.write(chunk)


def _spooled_chunks(fh: IO[bytes]) -> Iterator[bytes]:
    try:
        fh.seek(0)
        while chunk := fh.read(CHUNK):
            yield chunk
    finally:
        fh.close()


def files(ctx) -> Iterator[tuple[str, Iterator[bytes], dict[str, object]]]:
    """``(path under site/, its bytes in chunks, its size and SHA-256)`` of every downloadable file, the
    whole-version zip last (written to a temporary file, then copied: never held in memory)."""
    meta = ctx.meta
    contents: dict[str, Source] = {}
    for spec in meta.tables:
        for rel in (spec.csv_path, spec.parquet_path):
            source = _file(ctx, rel)
            if source is not None:
                contents[rel] = source
                yield rel, source.chunks(), describe(source.chunks())  # site/data/<table>.csv, as in the package
    for rel, site_rel in (("CITATION.cff", "CITATION.cff"), ("docs/timeline.svg", "timeline.svg"),
                          ("releases.json", "releases.json")):
        source = _file(ctx, rel)
        if source is not None:
            yield site_rel, source.chunks(), describe(source.chunks())
    for rel in ("datapackage.json", "CITATION.cff", "LICENSE-DATA", "docs/codebook.md"):
        source = _file(ctx, rel)
        if source is not None:
            contents[rel] = source
    for path in sorted((Path(ctx.package_dir) / "sources").glob("*.txt")):
        contents[f"sources/{path.name}"] = Source(path)
    fh = tempfile.TemporaryFile()
    write_zip(fh, zip_name(meta).removesuffix(".zip"), contents)
    fh.seek(0)
    info = describe(iter(lambda: fh.read(CHUNK), b""))
    yield f"download/{zip_name(meta)}", _spooled_chunks(fh), info


def describe(data: Union[bytes, Iterator[bytes]]) -> dict[str, object]:
    """Size and SHA-256 of a file given whole or in chunks."""
    if isinstance(data, bytes):
        return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    digest, size = hashlib.sha256(), 0
    for chunk in data:
        digest.update(chunk)
        size += len(chunk)
    return {"bytes": size, "sha256": digest.hexdigest()}
