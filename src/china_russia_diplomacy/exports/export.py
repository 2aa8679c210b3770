"""``china-russia-diplomacy export --format FORMAT [--output PATH] [DIR]``: the tables in another tool's format.

One subcommand for every format, so that users learn one command and each format lives in its own
module. ``FORMATS`` maps a format name to a writer ``(package_dir, output_path) -> list[Path]`` that
reads the built package (its Parquet twins and schemas), writes ``output_path`` (a file or a
directory, as the format needs) and returns every path it wrote; every writer goes through
:mod:`.target`, which refuses a package's own folder and stages beside the target. A new format is one line here.
Writer modules import only the standard library at module level, so that parsing the command line
stays cheap; they import their heavy dependencies inside the writer.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

from . import file_export
from . import sqlite_export

Writer = Callable[[Path, Path], list[Path]]

FORMATS: dict[str, Writer] = {
    "sqlite": sqlite_export.write,
    **file_export.WRITERS,  # csv, parquet, xlsx, json: one file per table + codebook.md in a directory
}

# Where a format goes when ``--output`` is not given (relative to the current directory). Formats not
# listed here write into a directory named after the package and the format.
DEFAULT_OUTPUTS: dict[str, str] = {
    "sqlite": sqlite_export.DEFAULT_OUTPUT,
}


def default_output(fmt: str) -> Path:
    return Path(DEFAULT_OUTPUTS.get(fmt, f"china-russia-diplomacy-{fmt}"))


def export(fmt: str, output: Path | None = None, package_dir: Path | None = None) -> list[Path]:
    """Write the package in ``fmt``; returns the paths written.

    Raises :class:`~..core.errors.UsageError` (a ``ValueError``) for an unknown format, a DIR that
    holds no built package, or a target the export must not write (see :mod:`.target`).
    """
    from ..core.errors import UsageError
    from ..core.locate import refuse_installed
    from .target import refuse_master_copy

    try:
        writer = FORMATS[fmt]
    except KeyError:
        raise UsageError(f"unknown export format {fmt!r}; formats are: {', '.join(sorted(FORMATS))}") from None
    source = built_package(package_dir, "export")
    target = refuse_installed(Path(output) if output is not None else default_output(fmt), "export")
    refuse_master_copy(target, source, fmt)
    return writer(source, target)


DESCRIPTOR = "datapackage.json"


def built_package(package_dir: Path | None, command: str) -> Path:
    """The package DIR names (or the default one), refused in one line when it holds no built package:
    ``export --format csv /tmp`` meant /tmp as the output, and deserves to be told so."""
    from ..core.errors import UsageError
    from ..core.locate import find_package_dir

    source = find_package_dir(package_dir)
    if not (source / DESCRIPTOR).is_file():
        hint = f" (to write the export into {source}, pass --output {source})" if package_dir is not None and command == "export" else ""
        raise UsageError(f"{command} refused: {source} holds no data package (no {DESCRIPTOR}); DIR is the package to "
                         f"{command}, or none for the installed data{hint}")
    return source


def cmd_export(args: argparse.Namespace) -> int:
    written = export(args.format, args.output, args.dir)
    for path in written:
        print(path)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "export",
        help="write the tables in another format (" + ", ".join(sorted(FORMATS)) + ")",
        description="Write the tables in another tool's format: csv (a data package of its own, with the archived "
                    "articles), parquet, json or xlsx (one folder, or the single file -o names for xlsx), or one "
                    "sqlite database. Everything is written beside the target first and moved into place at the end.",
    )
    p.add_argument("dir", nargs="?", type=Path, help="package directory (default: the repository, else the installed data)")
    p.add_argument("--format", required=True, choices=sorted(FORMATS), help="output format")
    p.add_argument("--output", "-o", type=Path,
                   help="output: a folder for csv, parquet and json; a file for sqlite (default "
                        f"{sqlite_export.DEFAULT_OUTPUT}); for xlsx a NAME.xlsx file or a folder "
                        "(default: a folder china-russia-diplomacy-FORMAT in the current directory)")
    p.set_defaults(func=cmd_export)

