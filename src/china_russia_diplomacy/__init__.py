"""China–Russia leader diplomacy as a citable, typed data package.

>>> import china_russia_diplomacy as crd
>>> events = crd.load("events")                 # pandas, typed
>>> quotes = crd.load("quotes", backend="polars")
>>> crd.tables(), crd.__version__

Attributes are imported lazily so that ``import china_russia_diplomacy`` costs almost nothing and
loading a table never imports frictionless or pandera.
"""

from __future__ import annotations

from typing import Any

_LOADER = ("load", "load_all", "tables", "package", "schema", "describe", "path", "verify", "check")
_SQL = ("connect",)  # DuckDB, an optional extra: imported only when connect() is called
_CITATION = ("cite",)
__all__ = [*_LOADER, *_SQL, *_CITATION, "__version__"]


def _version() -> str:
    import json

    from ._locate import installed_package_dir

    base = installed_package_dir()
    descriptor = base / "datapackage.json"
    if descriptor.is_file():
        return json.loads(descriptor.read_text(encoding="utf-8"))["version"]
    return json.loads((base / "schemas" / "package.json").read_text(encoding="utf-8"))["version"]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value = _version()
        globals()[name] = value
        return value
    if name in _LOADER:
        from . import loader

        value = getattr(loader, name)
        globals()[name] = value
        return value
    if name in _SQL:
        from . import sql

        value = getattr(sql, name)
        globals()[name] = value
        return value
    if name in _CITATION:
        from . import citation

        value = getattr(citation, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
