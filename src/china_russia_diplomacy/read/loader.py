"""Loading the tables: ``load``, ``load_all``, ``tables``, ``package``, ``schema``, ``path``, ``verify``.

Reads the Parquet twins shipped in the wheel (or, in a source checkout, the repository's ``data/``)
with pyarrow and converts them to the requested backend. ``version=`` reads another registered version
instead (fetched once into a cache, see :mod:`.version_store`); ``package_dir=`` may be a package
folder, its ``datapackage.json`` or a release zip (recognised by content). A handed-over folder is
untrusted input: its descriptor is read bounded (:mod:`..core.descriptor_file`), every path it names
goes through :func:`..core.files.package_path`, and its table files are checked against its own
hashes (:mod:`.folder_check`) before its version is put on what is loaded. Every loaded frame says
what it is: dataset, version and table name in pandas ``attrs``, in the Arrow schema metadata and,
for polars, in an ``attrs`` attribute of the frame. Only the
standard library, pyarrow and the chosen backend are imported: never frictionless or pandera, so
loading stays fast.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from ..core.errors import UsageError
from ..core.locate import installed_package_dir

Backend = Literal["pandas", "polars", "arrow"]
BACKENDS = ("pandas", "polars", "arrow")


ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members; an empty zip
ACCEPTED = "a package folder (with datapackage.json), its datapackage.json file, or a release zip"


class UnknownNameError(UsageError, KeyError):
    """A table (or other name) the package does not have; still a ``KeyError`` as in 1.x."""

    def __str__(self) -> str:  # KeyError would print the message quoted
        return str(self.args[0]) if self.args else ""


class NotAPackageError(UsageError, FileNotFoundError):
    """``package_dir`` names nothing, or a folder without ``datapackage.json`` (a ``FileNotFoundError`` as in 1.x)."""


def did_you_mean(name: str, known: list[str]) -> str:
    """``" (did you mean 'events'?)"`` when ``name`` is close to one of ``known``, else ``""``."""
    from difflib import get_close_matches

    close = get_close_matches(str(name), known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _is_zip(path: Path) -> bool:
    """A zip by its content (first bytes), or by its name for a file that tries to be one (cut, fake):
    ``.ZIP`` and ``.zip`` alike; the archive checks then say what is wrong with it."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise UsageError(f"package_dir={str(path)!r} cannot be read ({exc.strerror or exc})") from None
    return head in ZIP_MAGIC or path.suffix.lower() == ".zip"


def _resolve(package_dir: str | Path | None, version: str | None) -> tuple[Path, bool]:
    """(package directory, whether it is a folder the user handed over whose files must be checked
    against its own descriptor before being labelled with its version)."""
    if version is not None:
        if package_dir is not None:
            raise UsageError("give either version= or package_dir=, not both")
        from .version_store import package_dir_for

        return package_dir_for(version), False
    if package_dir is None:
        return installed_package_dir(), False
    p = Path(package_dir)
    if p.is_file():
        if p.name == "datapackage.json":
            return p.parent, True
        if _is_zip(p):
            from .version_store import unpacked_archive

            return unpacked_archive(p), False
        raise UsageError(f"package_dir={str(package_dir)!r} is a file that is neither a datapackage.json nor a zip "
                         f"archive; give {ACCEPTED}")
    if not p.exists():
        what = "release zip" if p.suffix.lower() == ".zip" else "package directory"
        raise NotAPackageError(f"package_dir={str(package_dir)!r}: no such {what}; give {ACCEPTED}")
    if not p.is_dir():
        raise UsageError(f"package_dir={str(package_dir)!r} is neither a folder nor a file (a FIFO or device?); "
                         f"give {ACCEPTED}")
    if not (p / "datapackage.json").exists() and not (p / "datapackage.json").is_symlink():
        # e.g. the folder of `export --format parquet|json`: plain files, read with pyarrow or pandas directly
        raise NotAPackageError(f"package_dir={str(package_dir)!r} is not a data package: it has no datapackage.json; "
                               f"give a checkout, a release zip or an unpacked one, or a CSV export "
                               f"(`export --format csv`); a Parquet or JSON export is plain files, read them directly")
    return p, p.resolve() != installed_package_dir().resolve()


def resolve_package_dir(package_dir: str | Path | None, version: str | None = None) -> Path:
    """The package directory to read: a registered ``version``; a folder, its ``datapackage.json`` or a
    release zip (recognised by its content); else the installed one."""
    return _resolve(package_dir, version)[0]


def _label(frame, backend: str, dataset: str, version: str, table: str):
    """Attach what the frame is (dataset, version, table) where each backend keeps metadata."""
    info = {"dataset": dataset, "version": version, "table": table}
    if backend == "arrow":
        extra = {k.encode(): v.encode() for k, v in info.items()}
        return frame.replace_schema_metadata({**(frame.schema.metadata or {}), **extra})
    if backend == "pandas":
        frame.attrs.update(info)
    else:  # polars frames have no metadata of their own; an attribute survives until the next operation
        try:
            frame.attrs = info
        except AttributeError:  # pragma: no cover - a polars that forbids attributes
            pass
    return frame


def _descriptor_file(package_dir: Path) -> Path:
    """``datapackage.json`` of ``package_dir``, through the same path check as every other file."""
    from ..core.files import package_path

    return package_path(package_dir, "datapackage.json", descriptor=Path(package_dir) / "datapackage.json",
                        resource="datapackage.json")


def _descriptor(package_dir: Path) -> dict[str, Any]:
    """The parsed descriptor (bounded, UTF-8 JSON, an object with resources), cached while the file is unchanged."""
    import os

    file = _descriptor_file(package_dir)
    st = os.stat(file)
    return _parsed(str(file), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=8)
def _parsed(file: str, size: int, mtime_ns: int) -> dict[str, Any]:
    from ..core.descriptor_file import read_descriptor

    return read_descriptor(file)


def package_metadata(base: Path):
    """The schemas of ``base``'s descriptor as :class:`~..core.metadata.Metadata`; a descriptor whose
    schemas do not read as schemas (a field type, constraint or key of the wrong kind) is refused with
    one line naming it, not a ``KeyError`` from deep inside."""
    from ..core.errors import CRDError, UntrustedInputError
    from ..core.metadata import metadata_from_descriptor

    try:
        return metadata_from_descriptor(_descriptor(base))
    except CRDError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise UntrustedInputError(f"{base / 'datapackage.json'}: its table schemas cannot be read "
                                  f"({type(exc).__name__}: {exc}); not a descriptor this package reads") from None


def package(package_dir: str | Path | None = None) -> dict[str, Any]:
    """The Data Package descriptor (``datapackage.json``) as a dict: metadata, files, hashes, schemas."""
    return json.loads(json.dumps(_descriptor(resolve_package_dir(package_dir))))


def tables(package_dir: str | Path | None = None) -> list[str]:
    """Names of the tables, in the package's order (sources, events, event_mentions, ...)."""
    return [r["name"] for r in _descriptor(resolve_package_dir(package_dir))["resources"]]


def _resource(name: str, package_dir: Path) -> dict[str, Any]:
    for r in _descriptor(package_dir)["resources"]:
        if r["name"] == name:
            return r
    names = tables(package_dir)
    raise UnknownNameError(f"unknown table {name!r}{did_you_mean(name, names)}; tables are: {', '.join(names)}")


def schema(table: str, package_dir: str | Path | None = None) -> dict[str, Any]:
    """The Frictionless Table Schema of ``table``: fields with types, constraints and descriptions."""
    return json.loads(json.dumps(_resource(table, resolve_package_dir(package_dir))["schema"]))


def path(table: str, format: Literal["csv", "parquet"] = "csv", package_dir: str | Path | None = None) -> Path:
    """Filesystem path of a table's CSV or Parquet file (for readers in other tools)."""
    base = resolve_package_dir(package_dir)
    res = _resource(table, base)
    if format not in ("csv", "parquet"):
        raise UsageError(f"format must be 'csv' or 'parquet', not {format!r}")
    if format == "parquet" and "parquet" not in res:
        raise UsageError(f"{table}: the package in {base} has no Parquet twins (a CSV export?); use format='csv'")
    rel = res.get("path") if format == "csv" else res["parquet"].get("path")
    # An edited datapackage.json (or a planted link) must not make load() read files outside the package.
    from ..core.files import package_path

    return package_path(base, rel, descriptor=base / "datapackage.json", resource=f"{table} ({format})")


def _arrow_from_csv(table: str, base: Path):
    """A table of a package without Parquet twins, read strictly and typed exactly as ``build`` types
    it for Parquet (same reader, same conversion, same storage types), so both load the same frame."""
    from ..core.convert import to_arrow
    from ..core.csvfile import read_raw
    from ..core.parquet_io import to_storage

    spec = package_metadata(base).table(table)
    raw, findings = read_raw(path(table, "csv", base), spec)
    typed, more = to_arrow(raw, spec) if raw is not None else (None, [])
    problem = str((findings + more)[0]) if findings or more else None
    if problem is None:
        try:
            return to_storage(typed, spec)
        except ValueError as exc:  # a value outside a code list
            problem = str(exc)
    from ..core.errors import UntrustedInputError

    raise UntrustedInputError(f"{table}: the CSV of {base} does not read as its schema says ({problem}); "
                     f"run: china-russia-diplomacy validate {base}")


def load(table: str, backend: Backend = "pandas", package_dir: str | Path | None = None, *, version: str | None = None):
    """Load one table, typed.

    Parameters
    ----------
    table:
        One of :func:`tables`: ``sources``, ``events``, ``event_mentions``, ``participants``,
        ``event_participants``, ``agreements``, ``quotes``, ``discrepancies``.
    backend:
        ``"pandas"`` (nullable ``Int64``/``boolean``/``string`` columns, ``category`` for controlled
        vocabularies, ``datetime64[ns]`` for dates), ``"polars"`` (``Date``, ``Categorical``...) or
        ``"arrow"`` (a ``pyarrow.Table``: ``date32``, dictionary-encoded enums, field descriptions in the
        field metadata).
    package_dir:
        Read another copy of the package (a release zip or an unpacked one, an edited checkout).
    version:
        Read a registered version (``"1.0.0"``, see :func:`versions`) instead of the installed one: the
        version a paper cites, next to the one installed. Downloaded and verified once, then offline.

    Every row of every table but ``sources`` carries its provenance: ``source_id``, the verbatim
    ``evidence`` and its offsets into the archived article, ``confidence`` and ``added_in``.
    """
    if backend not in BACKENDS:
        raise UsageError(f"backend must be one of {BACKENDS}, not {backend!r}")
    if backend == "polars":
        from ..core.extras import require

        require("polars", "load(..., backend='polars')")  # one line naming the extra, not a bare ModuleNotFoundError
    base, handed_over = _resolve(package_dir, version)
    return _load(table, backend, base, version_of(base, handed_over))


def version_of(base: Path, handed_over: bool) -> str:
    """The version what is read from ``base`` is: its descriptor's, or ``<version>+modified`` for a folder
    handed over whose files differ from its own descriptor (see :mod:`.folder_check`)."""
    descriptor = _descriptor(base)
    if not handed_over:
        return str(descriptor.get("version", ""))
    from .folder_check import version_label

    return version_label(base, descriptor)


def _load(table: str, backend: str, base: Path, version: str):
    import pyarrow.parquet as pq

    if "parquet" in _resource(table, base):
        # ParquetFile, not read_table: read_table imports pyarrow.dataset (~15 ms of a cold start).
        arrow = pq.ParquetFile(path(table, "parquet", base)).read()
    else:  # a CSV-only package (export --format csv): typed the way build types the CSV
        arrow = _arrow_from_csv(table, base)
    label = (_descriptor(base).get("name", ""), version, table)
    if backend == "arrow":
        return _label(arrow, backend, *label)
    from ..core import frames

    frame = frames.to_pandas(arrow) if backend == "pandas" else frames.to_polars(arrow)
    return _label(frame, backend, *label)


def load_all(backend: Backend = "pandas", package_dir: str | Path | None = None, *,
             version: str | None = None) -> dict[str, Any]:
    """Every table, as ``{name: frame}`` in package order (of the installed package, ``package_dir`` or ``version``)."""
    if backend not in BACKENDS:
        raise UsageError(f"backend must be one of {BACKENDS}, not {backend!r}")
    base, handed_over = _resolve(package_dir, version)
    label = version_of(base, handed_over)
    return {name: _load(name, backend, base, label) for name in tables(base)}


def verify(package_dir: str | Path | None = None) -> list[str]:
    """Re-hash every shipped file: the CSV and Parquet files against ``datapackage.json`` and, for the
    installed wheel, every file it shipped (``CITATION.cff``, ``releases.json``, schemas, articles, the
    descriptor itself) against the wheel's RECORD.

    Returns an empty list when everything matches; otherwise one message per file that is missing,
    added after installation, or whose SHA-256 or size differs (a tampered, truncated or regenerated
    file). Use :func:`check` to raise instead.
    """
    from ..core.integrity import file_problems
    from .installed_files import record_problems

    base = resolve_package_dir(package_dir)
    problems = []
    # Read afresh, not through the load() cache: after a rebuild the cached descriptor has old hashes.
    from ..core.descriptor_file import read_descriptor

    descriptor = read_descriptor(_descriptor_file(base))
    for res in descriptor["resources"]:
        for entry in (res, res.get("parquet")):
            # file_problems never reads a path that leaves the package: an edited descriptor must not
            # make verify() vouch for a file outside it.
            if entry:
                problems += [f"{entry.get('path')}: {detail}" for _, detail in file_problems(base, entry)]
    reported = {message.split(":", 1)[0] for message in problems}
    return problems + [m for m in record_problems(base) if m.split(":", 1)[0] not in reported]


def check(package_dir: str | Path | None = None) -> None:
    """Raise :class:`~china_russia_diplomacy.core.errors.ModifiedFilesError` (a ``RuntimeError``) listing
    every file that fails :func:`verify`."""
    problems = verify(package_dir)
    if problems:
        from ..core.errors import ModifiedFilesError

        raise ModifiedFilesError("data package files do not match datapackage.json:\n  " + "\n  ".join(problems))


def describe(table: str, package_dir: str | Path | None = None) -> str:
    """A plain-text codebook of ``table``: what one row is, then each column's type, whether it is
    required, its meaning and its allowed values. ``print(crd.describe("events"))``."""
    base = resolve_package_dir(package_dir)
    res = _resource(table, base)
    try:
        out = _codebook_lines(res)
    except (KeyError, TypeError, AttributeError) as exc:
        from ..core.errors import UntrustedInputError

        raise UntrustedInputError(f"{base / 'datapackage.json'}: resource {table!r} has a schema that cannot be "
                                  f"read ({type(exc).__name__}: {exc})") from None
    return "\n".join(out)


def _codebook_lines(res: dict[str, Any]) -> list[str]:
    """The lines of :func:`describe` for one resource of the descriptor."""
    out = [f"{res['name']}: {res.get('title', '')}", "", res.get("description", ""), ""]
    pk = res["schema"].get("primaryKey", [])
    out.append(f"primary key: {', '.join(pk) if isinstance(pk, list) else pk}; rows: {res.get('rowCount', '?')}")
    for fk in res["schema"].get("foreignKeys", []):
        ref = fk["reference"]
        out.append(f"foreign key: {fk['fields']} -> {ref.get('resource') or res['name']}.{ref['fields']}")
    out.append("")
    for f in res["schema"]["fields"]:
        required = "required" if f.get("constraints", {}).get("required") else "optional"
        out.append(f"{f['name']} ({f.get('type', 'string')}, {required})")
        out.append(f"    {f.get('description', '')}")
        for value, meaning in f.get("enumDescriptions", {}).items():
            out.append(f"    - {value}: {meaning}")
    return out
