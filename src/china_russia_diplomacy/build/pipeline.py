"""``build``: curated CSVs + schemas -> Parquet, ``datapackage.json`` and every other generated file.

Validate first, write last. The inputs are validated once (strict CSV reading, pandera and every
cross-table rule); then each generator writes its files straight into a staging directory next to
the package (same file system), hashing them as it writes (:mod:`.outputs`), so that no output family
is ever held in memory whole. Only what build wrote is then checked (the descriptor's bytes and hashes
against the staged files, each Parquet twin read back equal to its typed table), not the inputs again;
only then are the outputs moved into place with ``os.replace``, unchanged files left untouched. If
anything fails before that point the package directory is not touched at all (the staging directory
is removed); if moving fails half-way, the files already replaced are restored from the staging
backup; a staging directory left by a killed build is removed by the next one. An ``OSError`` (a full
disk, a read-only folder) names the package's file it was writing, never the staging path, which is
gone by the time the user reads the message. Outputs depend only on the inputs (sorted rows, fixed writer options, no timestamps), so two
builds give byte-identical files.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pyarrow as pa

from ..core.errors import UsageError, named_os_error
from ..core.extras import require
from ..core.replace import AllOrNothing
from ..core.files import irregular_entries
from ..core.metadata import Metadata, SchemaError, read_metadata
from ..core.parquet_io import write_parquet
from .descriptor import FileDigest, build_descriptor, dumps
from ..validation import Finding, Report, ValidationError, check_inputs, check_outputs
from .generate import GENERATORS, Generator
from .outputs import Data, HashingWriter, MemoryOutputs, Outputs, StagedOutputs, write_all


@dataclass
class BuildContext:
    """What generators may read (the metadata, typed tables, the files generated so far) and the one
    way they hand files over: :meth:`write` / :meth:`open`, which write each file as it is made."""

    package_dir: Path
    meta: Metadata
    tables: dict[str, pa.Table]
    outputs: Outputs

    def write(self, relpath: str, data: Data) -> FileDigest:
        """Generate ``relpath`` (relative to the package) from bytes or an iterable of byte chunks."""
        return self.outputs.write(relpath, data)

    def open(self, relpath: str) -> AbstractContextManager[HashingWriter]:
        """``with ctx.open(relpath) as fh: fh.write(...)``: for writers that want a file object."""
        return self.outputs.open(relpath)

    def read(self, relpath: str) -> bytes:
        """The bytes of a file generated earlier in this build (e.g. ``datapackage.json``)."""
        return self.outputs[relpath]

    def digest(self, relpath: str) -> FileDigest:
        """Size and SHA-256 of a file generated earlier in this build, without reading it again."""
        return self.outputs.digest(relpath)

    @property
    def descriptor(self) -> dict:
        return json.loads(self.outputs["datapackage.json"])


# Optional progress callback: ``progress(step_description, steps_done, steps_total)``, called before each
# step. Build itself prints nothing; the CLI draws a progress bar with it when stdout is a terminal.
Progress = Callable[[str, int, int], None]


def _steps() -> int:
    """Steps reported to a progress callback: read, core outputs, each generator, stage+check, install."""
    return 4 + len(GENERATOR_NAMES)


def core_outputs(ctx: BuildContext) -> None:
    """Parquet twins (streamed to their files) and the descriptor (which records their sizes and hashes)."""
    csv_bytes, parquet, rows = {}, {}, {}
    for spec in ctx.meta.tables:
        with ctx.open(spec.parquet_path) as fh:
            write_parquet(ctx.tables[spec.name], spec, fh)
        parquet[spec.name] = ctx.digest(spec.parquet_path)
        csv_bytes[spec.name] = FileDigest.of_file(ctx.package_dir / spec.csv_path)
        rows[spec.name] = ctx.tables[spec.name].num_rows
    ctx.write("datapackage.json", dumps(build_descriptor(ctx.meta, csv_bytes, parquet, rows)))


# The generators' names, in the order they run (the registry is build/generate/__init__.py).
GENERATOR_NAMES: tuple[str, ...] = tuple(GENERATORS)


def generators() -> list[Generator]:
    """The generator functions, in :data:`GENERATOR_NAMES` order (a test swaps in a failing one)."""
    return list(GENERATORS.values())


def compute_outputs(package_dir: Path, progress: Progress | None = None,
                    skip: tuple[str, ...] = ()) -> tuple[dict[str, bytes], Report]:
    """Everything build would write, as ``{path: bytes}`` in memory; raises ValidationError on invalid input.

    For small packages and comparisons (the stale-file test, the release check): build itself streams
    its files to disk instead. ``skip`` names generators (of :data:`GENERATOR_NAMES`) not to run, for
    benchmarks that time a build without one of them; their files are then left as they are.
    """
    outputs = MemoryOutputs()
    report = _compute(Path(package_dir).resolve(), outputs, progress, skip)[0]
    return dict(outputs.data), report


def _compute(package_dir: Path, outputs: Outputs, progress: Progress | None, skip: tuple[str, ...]):
    """Validate the inputs, then run every generator into ``outputs``: (report, typed tables, metadata);
    build checks the staged outputs against the tables and metadata."""
    require("validate", "build")  # the inputs are validated first; the timeline says itself that it needs matplotlib
    unknown = set(skip) - set(GENERATOR_NAMES)
    if unknown:
        raise UsageError(f"unknown generator(s) to skip: {', '.join(sorted(unknown))}")
    note = progress or (lambda *_: None)
    package_dir = Path(package_dir).resolve()
    note("read and check the CSVs", 0, _steps())
    try:
        meta = read_metadata(package_dir)
    except SchemaError as exc:
        raise ValidationError(Report(str(package_dir), ["files"], [
            Finding("files", "package", None, None, None, "schema-error", str(exc))])) from None
    tables, _lines, findings = check_inputs(package_dir, meta)
    findings += [Finding("files", "package", None, None, rel, "file-type", f"{rel} is {problem}")
                 for rel, problem in irregular_entries(package_dir, INPUT_DIRS)]
    if findings:
        raise ValidationError(Report(str(package_dir), ["files", "pandera", "rules"], findings))
    ctx = BuildContext(package_dir, meta, tables, outputs)
    note("Parquet and datapackage.json", 1, _steps())
    core_outputs(ctx)
    for i, (name, gen) in enumerate(zip(GENERATOR_NAMES, generators()), start=2):
        note(f"generate: {name}", i, _steps())
        if name not in skip:
            write_all(outputs, gen(ctx))  # a generator writes through ctx; one of a few small files may return them
    return Report(str(package_dir), ["files", "pandera", "rules"]), tables, meta


# The directories build reads its inputs from (the staged copy holds only outputs).
INPUT_DIRS = ("data", "schemas", "sources")


STAGING_PREFIX = ".staging-"


def _staging_dir(package_dir: Path) -> Path:
    """A fresh staging directory inside the package (same file system, so installing is a rename)."""
    try:
        return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=package_dir))
    except OSError as exc:
        raise named_os_error(exc, package_dir) from None


def remove_leftover_staging(package_dir: Path) -> list[str]:
    """Remove the ``.staging-*`` folders a killed build (SIGKILL, power loss) left in ``package_dir``.

    Only real folders with the prefix build gives them are removed (never a symbolic link, nor what it
    points to); returns their names. Two builds of one folder at the same time are not supported.
    """
    removed = []
    for entry in sorted(Path(package_dir).glob(STAGING_PREFIX + "*")):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    return removed


def _install(package_dir: Path, staging: Path, outputs: Outputs) -> list[str]:
    """Move changed outputs into place; on any error restore what was already replaced.

    "Changed" is decided from the size and hash recorded while the output was written against the file
    in place (read in blocks), so neither is ever held in memory whole."""
    changed = []
    with AllOrNothing(staging / ".backup") as swap:
        for rel in sorted(outputs):
            target = package_dir / rel
            if outputs.same_as(rel, target):
                continue
            swap.replace(staging / rel, target)
            changed.append(rel)
        for rel in _stale_generated(package_dir, outputs):  # after the new files, so a failure restores both
            swap.remove(package_dir / rel)
            changed.append(rel)
    _remove_empty_dirs(package_dir, outputs)
    return changed


# Folders whose every file is build's output: a file there that this build did not generate is left from an
# earlier build (a renamed download, a search shard whose terms are gone) and is removed, so that a folder
# built over an old one equals a folder built from nothing (reproducible, and nothing stale is published).
OWNED_DIRS = ("site",)


def _owned(outputs: Outputs) -> list[str]:
    """The owned folders this build generated (a build that skipped the site leaves site/ alone)."""
    return [d for d in OWNED_DIRS if any(rel.startswith(d + "/") for rel in outputs)]


def _stale_generated(package_dir: Path, outputs: Outputs) -> list[str]:
    stale = []
    for folder in _owned(outputs):
        root = package_dir / folder
        if root.is_symlink() or not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(package_dir).as_posix()
            if (path.is_file() or path.is_symlink()) and rel not in outputs:
                stale.append(rel)
    return stale


def _remove_empty_dirs(package_dir: Path, outputs: Outputs) -> None:
    for folder in _owned(outputs):
        root = package_dir / folder
        if root.is_symlink() or not root.is_dir():
            continue
        for path in sorted((p for p in root.rglob("*") if p.is_dir() and not p.is_symlink()), reverse=True):
            with contextlib.suppress(OSError):
                path.rmdir()  # only if empty


def build(package_dir: str | Path, progress: Progress | None = None,
          skip: tuple[str, ...] = ()) -> tuple[list[str], Report]:
    """Build the package in ``package_dir``; return the changed files and the report.

    Raises :class:`ValidationError` (nothing written) when the input or the staged result is invalid.
    ``skip``: generators not to run (see :func:`compute_outputs`).
    """
    from ..core.locate import refuse_installed

    note = progress or (lambda *_: None)
    package_dir = refuse_installed(package_dir, "build")  # pip's copy of a published version is read-only
    remove_leftover_staging(package_dir)
    staging = _staging_dir(package_dir)
    try:  # whatever fails from here on (invalid input, a generator, a full disk), the staging dir goes
        outputs = StagedOutputs(staging, shown_as=package_dir)
        report, tables, meta = _compute(package_dir, outputs, progress, tuple(skip))
        note("check the staged outputs", _steps() - 2, _steps())
        report.extend(check_outputs(package_dir, staging, json.loads(outputs["datapackage.json"]), tables, meta))
        if not report.valid:
            raise ValidationError(report)
        note("install changed files", _steps() - 1, _steps())
        changed = _install(package_dir, staging, outputs)
        note("done", _steps(), _steps())
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return changed, report
