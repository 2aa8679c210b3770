"""Reading a handed-over ``datapackage.json``: bounded, UTF-8 JSON, an object with ``resources``.

The descriptor of a folder or zip someone hands over is untrusted input like its tables. Parsed
naively, a 2 GB file is read whole, ``[[[[...]]]]`` nested a hundred thousand deep ends in
``RecursionError``, a file re-saved as UTF-16 in ``UnicodeDecodeError`` and ``[]`` in a ``TypeError`` far
from the cause. :func:`parse_descriptor` refuses each with one :class:`UntrustedInputError` line naming
the file and what it must be instead. Standard library only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .errors import UntrustedInputError

SIZE_LIMIT = 8 << 20  # a real descriptor is tens of kilobytes; 8 MB leaves room for far bigger packages
DEPTH_LIMIT = 32  # a real descriptor nests about 7 levels (resources > schema > fields > constraints > enum)

_BOMS = ((b"\xef\xbb\xbf", "starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without BOM"),
         (b"\xff\xfe\x00\x00", "is UTF-32 encoded; it must be UTF-8"),
         (b"\x00\x00\xfe\xff", "is UTF-32 encoded; it must be UTF-8"),
         (b"\xff\xfe", "is UTF-16 encoded; it must be UTF-8"),
         (b"\xfe\xff", "is UTF-16 encoded; it must be UTF-8"))


def _depth(value: Any) -> int:
    """How deeply ``value`` nests arrays and objects, walked without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            if level > DEPTH_LIMIT:
                return level
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def parse_descriptor(data: bytes, where: str | os.PathLike[str]) -> dict[str, Any]:
    """The descriptor in ``data`` (the bytes of ``where``), or :class:`UntrustedInputError` saying why not."""
    def refuse(why: str) -> UntrustedInputError:
        return UntrustedInputError(f"{where}: {why}; not a data package descriptor this package reads")

    if len(data) > SIZE_LIMIT:
        raise refuse(f"is larger than {SIZE_LIMIT >> 20} MB (a descriptor is kilobytes)")
    for bom, why in _BOMS:
        if data.startswith(bom):
            raise refuse(why)
    if b"\x00" in data[:4]:
        raise refuse("is UTF-16 or UTF-32 encoded (NUL bytes); it must be UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(f"is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    try:
        value = json.loads(text)
    except RecursionError:
        raise refuse(f"nests arrays or objects deeper than {DEPTH_LIMIT} levels") from None
    except ValueError as exc:
        raise refuse(f"is not JSON ({exc})") from None
    if _depth(value) > DEPTH_LIMIT:
        raise refuse(f"nests arrays or objects deeper than {DEPTH_LIMIT} levels")
    if not isinstance(value, dict):
        raise refuse(f"is a JSON {type(value).__name__}, not an object")
    resources = value.get("resources")
    if not isinstance(resources, list) or not resources:
        raise refuse("has no 'resources' list")
    names: set[str] = set()
    for i, res in enumerate(resources):
        if not isinstance(res, dict) or not isinstance(res.get("name"), str):
            raise refuse(f"resource {i} is not an object with a 'name'")
        name = res["name"]
        if name in names:
            raise refuse(f"resource {name!r} is listed twice")
        names.add(name)
        if not isinstance(res.get("parquet", {}), dict):
            raise refuse(f"resource {name!r} has a 'parquet' that is not an object")
        schema = res.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list) or not all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields):
            raise refuse(f"resource {name!r} has no 'schema' object whose 'fields' are objects with a 'name'")
    return value


def read_descriptor(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse the descriptor file at ``path``, reading at most :data:`SIZE_LIMIT` + 1 bytes of it."""
    path = Path(path)
    with path.open("rb") as fh:
        data = fh.read(SIZE_LIMIT + 1)
    return parse_descriptor(data, path)
