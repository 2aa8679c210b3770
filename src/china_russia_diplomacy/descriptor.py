"""Generation of ``datapackage.json`` (Data Package v2) from the metadata and the file bytes.

Each resource is the CSV (the format any tool reads) with its ``bytes`` and ``hash``; its Parquet twin
is described under the ``parquet`` property with its own bytes and hash, so that ``verify()`` and
validation can check both while a plain ``frictionless validate`` needs no Parquet support.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .metadata import Metadata

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PACKAGE_KEYS = ("name", "title", "description", "version", "homepage", "keywords", "licenses", "contributors", "sources")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_descriptor(meta: Metadata, csv_bytes: dict[str, bytes], parquet: dict[str, bytes],
                     row_counts: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {"$schema": PROFILE}
    for key in PACKAGE_KEYS:
        if meta.package.get(key) not in (None, "", []):
            out[key] = meta.package[key]
    resources = []
    for t in meta.tables:
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
            "bytes": len(csv_bytes[t.name]),
            "hash": "sha256:" + sha256(csv_bytes[t.name]),
            "rowCount": row_counts[t.name],
            "dialect": {"delimiter": ",", "quoteChar": "\"", "doubleQuote": True, "header": True},
            "schema": t.schema,
            "parquet": {
                "path": t.parquet_path,
                "mediatype": "application/vnd.apache.parquet",
                "bytes": len(parquet[t.name]),
                "hash": "sha256:" + sha256(parquet[t.name]),
            },
        })
    out["resources"] = resources
    return out


def dumps(descriptor: dict[str, Any]) -> bytes:
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
