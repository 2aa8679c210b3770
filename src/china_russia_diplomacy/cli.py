"""Command line: ``china-russia-diplomacy build|validate|...``.

The build and validate commands are here; every other subcommand is registered by the module that
implements it (read side: export, browse, cite, versions, fetch; write side: diff, check-version,
changelog-entry, release). This file only parses arguments and prints; :func:`main` is the one
error boundary. The exit codes are documented once, in the README ("Errors and exit codes"): each
refusal's class carries its own (``CRDError.exit_code``), an ``OSError``'s is
:func:`~.core.errors.os_error_exit_code`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import Callable

Command = Callable[[argparse.Namespace], int]


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
    from .core.extras import require
    from .core.locate import writable_package_dir

    package_dir = writable_package_dir(args.dir, "build")  # before anything else: never the installed copy
    require("build", "build")
    from .build.pipeline import build
    from .validation import ValidationError
    from .validation.report import print_report

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
    from .core.extras import require
    from .core.locate import find_package_dir

    require("validate", "validate")
    from .validation import validate_package
    from .validation.report import print_report

    report = validate_package(find_package_dir(args.dir))
    print_report(report, args.json)
    return 0 if report.valid else 1


def _version() -> str:
    """The installed library's version and where its data is: what a bug report or a methods section needs."""
    from . import __version__
    from .core.locate import installed_package_dir

    try:
        where = str(installed_package_dir())
    except FileNotFoundError:
        where = "no data package found"
    return f"china-russia-diplomacy {__version__} (data: {where})"


def _plain(text: str | None) -> str | None:
    """Help text without reST markup: docstrings double as help, and ``code`` reads badly in a terminal."""
    return None if text is None else text.replace("``", "").replace(":func:", "").replace(":class:", "").replace("`", "")


def _plain_help(p: argparse.ArgumentParser) -> None:
    """Strip markup from every description and help string of ``p`` and its subcommands (they are
    written once, as docstrings, and shown both in the API docs and here)."""
    p.description = _plain(p.description)
    p.epilog = _plain(p.epilog)
    for action in p._actions:
        action.help = _plain(action.help) if isinstance(action.help, str) else action.help
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                choice.help = _plain(choice.help)
            for sub in set(action.choices.values()):
                _plain_help(sub)


DESCRIPTION = ("China-Russia leader diplomacy (visits, talks, calls, agreements, quotes), every row traceable to a "
               "verbatim span of an archived article: cite, list versions, export and browse the tables; "
               "maintainers build, validate and release them.")

EPILOG = """Start here:
  china-russia-diplomacy cite                 how to cite the installed version
  china-russia-diplomacy versions             every published version and where it can be had from
  china-russia-diplomacy export --format csv  the tables as a CSV data package (for R, Stata, Excel)
  python -c "import china_russia_diplomacy as crd; print(crd.load('events'))"
Run a command with --help for its options."""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="china-russia-diplomacy", description=DESCRIPTION,
                                epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version="%(prog)s")  # replaced lazily in main()
    p.add_argument("--debug", action="store_true", help="show the full traceback of an error instead of one line (for a bug report)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", help="validate the CSVs, then write Parquet, datapackage.json and generated files",
                       description="Validate the curated CSVs, then write their Parquet twins, datapackage.json, the codebook, "
                                   "the site, the history and every other generated file. Nothing is written unless the "
                                   "input validates; a failed build leaves the last good files intact.")
    b.add_argument("dir", nargs="?", type=Path, help="package directory (default: the repository around the cwd)")
    b.add_argument("--json", action="store_true", help="print the validation report as JSON")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="check the package (Frictionless, pandera, domain rules, files) and print one report",
                       description="Check a data package with Frictionless, pandera and the domain rules (evidence verbatim "
                                   "in its article, dates, codes, keys, hashes) and print one report; exit 1 when it is invalid.")
    v.add_argument("dir", nargs="?", type=Path, help="package directory (default: the repository, else the installed data)")
    v.add_argument("--json", action="store_true", help="machine-readable report")
    v.set_defaults(func=cmd_validate)

    for register in _extensions():
        register(sub)
    _plain_help(p)
    return p


def _extensions():
    """The ``register(subparsers)`` of every module that adds subcommands, read side first. Their
    modules import only the standard library at load time, so parsing the command line stays cheap
    and works on a reader's plain install."""
    from .exports import browse, export
    from .publish import release
    from .publish.diff import cli as diff_cli
    from .read import cite, version_store

    return [export.register, browse.register, cite.register, diff_cli.register, release.register,
            version_store.register]


def main(argv: list[str] | None = None) -> int:
    """Run one command; the package's one error boundary.

    Every refusal is a :class:`~.core.errors.CRDError` (its class gives the exit code), every file
    system failure an ``OSError``: both end in one ``error:`` line on stderr, never a traceback.
    Ctrl-C exits 130, a closed pipe (``--json | head``) quietly with 141 (128 + SIGPIPE, what a shell
    reports for a tool killed by it). ``--debug`` re-raises instead, for a bug report.
    """
    from .core.errors import CRDError, describe_os_error, error_line, os_error_exit_code

    p = parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:  # a newcomer's first try: show what the commands are, not only a usage line
        p.print_help()
        return 0
    if argv[0] in ("--version", "-V"):
        print(_version())
        return 0
    args = p.parse_args(argv)
    if not hasattr(args, "func"):
        p.print_help(sys.stderr)
        return 2
    try:
        code = args.func(args)
        sys.stdout.flush()  # a reader gone before the last buffered line: caught here, not at exit
        return code
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        if args.debug:
            raise
        _silence_stdout()
        return 141
    except CRDError as exc:
        # A refusal: the message names what, where and the way out (MissingExtra: the pip line).
        if args.debug:
            raise
        print(error_line(str(exc)), file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        # A full disk, a read-only folder, a path that is a file: the path, the reason, the way out.
        if args.debug:
            raise
        print(error_line(describe_os_error(exc)), file=sys.stderr)
        return os_error_exit_code(exc)


def _silence_stdout() -> None:
    """After a reader closed the pipe: point stdout at devnull, so that the interpreter's final flush
    does not raise a second BrokenPipeError (the fix the Python docs give for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout replaced by something without a file descriptor
        pass


if __name__ == "__main__":
    sys.exit(main())
