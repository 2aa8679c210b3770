"""Generation of ``datapackage.json`` (Data Package v2) from the metadata and the file bytes.

Each resource is the CSV (the format any tool reads) with its ``bytes`` and ``hash``; its Parquet twin
is described under the ``parquet`` property with its own bytes and hash, so that ``verify()`` and
validation can check both while a plain ``frictionless validate`` needs no Parquet support.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

from ..core.metadata import Metadata

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PACKAGE_KEYS = ("name", "title", "description", "version", "homepage", "keywords", "licenses", "contributors", "sources")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class FileDigest:
    """Size and SHA-256 of a file, computed while streaming it: a large CSV need not be held in memory
    just to be described."""

    size: int
    sha256: str

    @classmethod
    def of_file(cls, path: Path) -> "FileDigest":
        with open(path, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256")
        return cls(path.stat().st_size, digest.hexdigest())

    @classmethod
    def of(cls, data: Union[bytes, "FileDigest"]) -> "FileDigest":
        return data if isinstance(data, FileDigest) else cls(len(data), sha256(data))


def build_descriptor(meta: Metadata, csv_bytes: dict[str, Union[bytes, FileDigest]],
                     parquet: dict[str, Union[bytes, FileDigest]], row_counts: dict[str, int]) -> dict[str, Any]:
    """The descriptor; each file given by its bytes or by its :class:`FileDigest`."""
    out: dict[str, Any] = {"$schema": PROFILE}
    for key in PACKAGE_KEYS:
        if meta.package.get(key) not in (None, "", []):
            out[key] = meta.package[key]
    resources = []
    for t in meta.tables:
        csv_file, parquet_file = FileDigest.of(csv_bytes[t.name]), FileDigest.of(parquet[t.name])
        resources.append({
            "name": t.name,
            "type": "table",
            "title": t.title,
            "description": t.description,
            "path": t.csv_path,
            "scheme": "file",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": csv_file.size,
            "hash": "sha256:" + csv_file.sha256,
            "rowCount": row_counts[t.name],
            "dialect": {"delimiter": ",", "quoteChar": "\"", "doubleQuote": True, "header": True},
            "schema": t.schema,
            "parquet": {
                "path": t.parquet_path,
                "mediatype": "application/vnd.apache.parquet",
                "bytes": parquet_file.size,
                "hash": "sha256:" + parquet_file.sha256,
            },
        })
    out["resources"] = resources
    return out


def dumps(descriptor: dict[str, Any]) -> bytes:
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
