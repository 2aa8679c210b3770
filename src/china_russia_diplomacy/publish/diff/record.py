"""Reading a saved changes record (``changelog-entry --from-json FILE``) and checking its shape.

Why check: the file is whatever a maintainer hands over, and the JSON files lying around a checkout
are many (``datapackage.json``, ``check-version --json`` output, ``releases.json``). Given the wrong
one, the CHANGELOG renderer died in a ``KeyError: 'tables'``; now every such file is one
:class:`~...core.errors.UsageError` naming the file, what it is (when recognisable) and what was
expected. Only the parts the CHANGELOG section reads are required, so a record from an older or
newer ``diff --json`` with extra keys still prints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ...core.errors import NotFoundError, UsageError

EXPECTED = "a changes record: a release's changes.json or the output of `diff --json`"


def _what_it_is(doc: Any) -> str:
    """A guess at the file's kind, for the message (the common wrong files a checkout holds)."""
    if isinstance(doc, dict):
        if "resources" in doc and "profile" in doc or "resources" in doc and "name" in doc:
            return "a datapackage.json descriptor"
        if "ok" in doc and "required_bump" in doc:
            return "check-version --json output"
        if "releases" in doc:
            return "a release registry (releases.json)"
        return "a JSON object without the record's keys"
    return f"a JSON {type(doc).__name__.replace('dict', 'object').replace('list', 'array').replace('str', 'string')}"


def _problem(doc: Any) -> str | None:
    """The first way ``doc`` is not a changes record (the parts the CHANGELOG section reads), or None."""
    if not isinstance(doc, dict) or not isinstance(doc.get("tables"), dict) or not isinstance(doc.get("schema_changes"), list):
        return f"it is {_what_it_is(doc)}, with no 'tables' object and 'schema_changes' list"
    for name, t in doc["tables"].items():
        if not isinstance(t, dict):
            return f"tables.{name} is not an object"
        if not isinstance(t.get("new_rows"), int) or isinstance(t.get("new_rows"), bool):
            return f"tables.{name}.new_rows is not a whole number"
        for key in ("added", "removed"):
            if not isinstance(t.get(key), list):
                return f"tables.{name}.{key} is not a list"
        for key in ("changed", "reasons"):
            if not isinstance(t.get(key, {}), dict):
                return f"tables.{name}.{key} is not an object"
        for row, cells in t.get("changed", {}).items():
            if not isinstance(cells, list) or not all(isinstance(c, dict) and {"column", "old", "new"} <= set(c) for c in cells):
                return f"tables.{name}.changed.{row} is not a list of {{column, old, new}} cells"
    for i, c in enumerate(doc["schema_changes"]):
        if not isinstance(c, dict) or not {"what", "level"} <= set(c):
            return f"schema_changes[{i}] is not an object with 'what' and 'level'"
    return None


def read_changes(path: str | Path) -> dict[str, Any]:
    """The changes record in ``path``, checked; :class:`UsageError` naming the file otherwise."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"{path}: no such file; --from-json expects {EXPECTED}") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder; --from-json expects {EXPECTED}") from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text; --from-json expects {EXPECTED}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                         f"--from-json expects {EXPECTED}") from None
    problem = _problem(doc)
    if problem:
        raise UsageError(f"{path} is not a changes record: {problem}; --from-json expects {EXPECTED}")
    for t in doc["tables"].values():
        t.setdefault("changed", {})
        t.setdefault("reasons", {})
    return doc
