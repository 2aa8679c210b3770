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
import io
import zipfile
from pathlib import Path
from typing import Iterator

FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def _file(ctx, rel: str) -> bytes | None:
    """A file as this build computes it (``ctx.outputs``), else as the package holds it."""
    if rel in ctx.outputs:
        return ctx.outputs[rel]
    path = Path(ctx.package_dir) / rel
    return path.read_bytes() if path.is_file() else None


def zip_name(meta) -> str:
    return f"{meta.name}-{meta.version}-data.zip"


def zip_bytes(prefix: str, contents: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for rel in sorted(contents):
            info = zipfile.ZipInfo(f"{prefix}/{rel}", date_time=FIXED_DATE)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, contents[rel], compresslevel=9)
    return buffer.getvalue()


def files(ctx) -> Iterator[tuple[str, bytes]]:
    """``(path under site/, bytes)`` of every downloadable file, the whole-version zip last."""
    meta = ctx.meta
    contents: dict[str, bytes] = {}
    for spec in meta.tables:
        for rel in (spec.csv_path, spec.parquet_path):
            data = _file(ctx, rel)
            if data is not None:
                contents[rel] = data
                yield rel, data  # site/data/<table>.csv, as in the package
    for rel, site_rel in (("CITATION.cff", "CITATION.cff"), ("docs/timeline.svg", "timeline.svg"),
                          ("releases.json", "releases.json")):
        data = _file(ctx, rel)
        if data is not None:
            yield site_rel, data
    for rel in ("datapackage.json", "CITATION.cff", "LICENSE-DATA", "docs/codebook.md"):
        data = _file(ctx, rel)
        if data is not None:
            contents[rel] = data
    for path in sorted((Path(ctx.package_dir) / "sources").glob("*.txt")):
        contents[f"sources/{path.name}"] = path.read_bytes()
    yield f"download/{zip_name(meta)}", zip_bytes(zip_name(meta).removesuffix(".zip"), contents)


def describe(data: bytes) -> dict[str, object]:
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
