"""China–Russia leader diplomacy as a citable, typed data package.

>>> import china_russia_diplomacy as crd
>>> events = crd.load("events")                 # pandas, typed
>>> quotes = crd.load("quotes", backend="polars")
>>> lazy = crd.scan("event_mentions")           # polars LazyFrame over the Parquet file
>>> crd.tables(), crd.__version__
>>> cited = crd.load("events", version="1.0.0")  # the version a paper cites, next to the installed one
>>> crd.versions()                              # registered versions, which is installed, which are cached

Attributes are imported lazily so that ``import china_russia_diplomacy`` costs almost nothing and
loading a table never imports frictionless or pandera.
"""

from __future__ import annotations

from typing import Any

# Public attribute -> the module that defines it. DuckDB (connect) and polars (scan) are optional
# extras, imported only when connect() or scan() is first used.
_EXPORTS = {
    **dict.fromkeys(("load", "load_all", "tables", "package", "schema", "describe", "path", "verify", "check"),
                    "read.loader"),
    "connect": "read.sql",
    "scan": "read.lazy",
    "cite": "read.cite",
    "article": "read.article",
    **dict.fromkeys(("versions", "fetch"), "read.version_store"),
    **dict.fromkeys(("CRDError", "UsageError", "UntrustedInputError", "NotFoundError", "UnknownNameError",
                     "RefusedError", "ModifiedFilesError"), "core.errors"),
}
__all__ = [*_EXPORTS, "__version__"]


def _version() -> str:
    import json

    from .core.locate import installed_package_dir

    base = installed_package_dir()
    descriptor = base / "datapackage.json"
    if descriptor.is_file():
        return json.loads(descriptor.read_text(encoding="utf-8"))["version"]
    return json.loads((base / "schemas" / "package.json").read_text(encoding="utf-8"))["version"]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value = _version()
    elif name in _EXPORTS:
        import importlib

        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
