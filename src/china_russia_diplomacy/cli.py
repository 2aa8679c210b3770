"""Command line: ``china-russia-diplomacy build|validate ...``.

Each subcommand lives in its own module; this file only parses arguments and prints. Exit codes:
0 success, 1 invalid data (a report was printed), 2 usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Callable

Command = Callable[[argparse.Namespace], int]


def print_report(report, as_json: bool) -> None:
    if as_json:
        print(report.to_json())
        return
    if not sys.stdout.isatty():
        print(report.to_text())
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if report.valid:
        console.print(f"[green]valid[/green]: {report.package_dir} ({', '.join(report.layers)})")
        return
    findings = report.sorted_findings()
    if len(findings) > 15:
        # Many findings usually share a cause (one bad ID breaks every reference): count them first.
        from collections import Counter

        summary = Table(title=f"{len(findings)} error(s) by table and rule", title_justify="left")
        for col, justify in (("table", "left"), ("rule", "left"), ("errors", "right")):
            summary.add_column(col, justify=justify, no_wrap=True)
        for (tbl, rule), n in sorted(Counter((f.table, f.rule) for f in findings).items()):
            summary.add_row(tbl, rule, str(n))
        console.print(summary)
    from rich import box

    table = Table(title=f"{len(findings)} error(s) in {report.package_dir}", title_justify="left", show_lines=False,
                  box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0))
    # Locations stay on one line; the value is cut short; the message takes the remaining width.
    table.add_column("layer", no_wrap=True, style="dim")
    table.add_column("table", no_wrap=True, style="bold")
    table.add_column("line", justify="right", no_wrap=True)
    table.add_column("column", no_wrap=True)
    table.add_column("value", max_width=30, overflow="ellipsis", no_wrap=True, style="yellow")
    table.add_column("rule", no_wrap=True, style="red")
    table.add_column("message", ratio=1, overflow="fold")
    for f in findings:
        table.add_row(f.layer, f.table, "" if f.line is None else str(f.line), f.column or "",
                      "" if f.value is None else f.value, f.rule, f.message)
    console.print(table)


@contextlib.contextmanager
def _progress(enabled: bool = True):
    """A rich progress bar fed by build's progress callback, only on a terminal (never in logs or pipes)."""
    if not (enabled and sys.stdout.isatty()):
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]build[/bold] {task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("", total=None)

        def update(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        yield update


def cmd_build(args: argparse.Namespace) -> int:
    from ._locate import find_package_dir
    from .build import build
    from .validation import ValidationError

    package_dir = find_package_dir(args.dir)
    try:
        with _progress(enabled=not args.json) as progress:
            changed, report = build(package_dir, progress)
    except ValidationError as exc:
        print("build refused: the input does not validate; nothing was written.", file=sys.stderr)
        print_report(exc.report, args.json)
        return 1
    if args.json:
        print_report(report, True)
    else:
        print(f"built {package_dir}: {len(changed)} file(s) changed" + (": " + ", ".join(changed) if changed else ""))
        print_report(report, False)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from ._locate import find_package_dir
    from .validation import validate_package

    report = validate_package(find_package_dir(args.dir))
    print_report(report, args.json)
    return 0 if report.valid else 1


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="china-russia-diplomacy", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="validate the CSVs, then write Parquet, datapackage.json and generated files")
    b.add_argument("dir", nargs="?", type=Path, help="package directory (default: the repository around the cwd)")
    b.add_argument("--json", action="store_true", help="print the validation report as JSON")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="run both validation layers and print one report")
    v.add_argument("dir", nargs="?", type=Path, help="package directory (default: the repository, else the installed data)")
    v.add_argument("--json", action="store_true", help="machine-readable report")
    v.set_defaults(func=cmd_validate)

    for register in _extensions():
        register(sub)
    return p


# Modules that add subcommands with a ``register(subparsers)`` function (release, export, ...).
EXTENSION_MODULES: tuple[str, ...] = ("export", "browse", "citation", "diff", "release", "version_store")


def _extensions():
    import importlib

    return [importlib.import_module(f"{__package__}.{m}").register for m in EXTENSION_MODULES]


def main(argv: list[str] | None = None) -> int:
    from .registry import VersionError

    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except VersionError as exc:
        # A version that is unknown, unreachable or fails its hash: the message names the way out.
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        # An optional extra is missing (matplotlib for build, duckdb, datasette, openpyxl): the
        # message names the pip command; a traceback would bury it.
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
