"""``china-russia-diplomacy browse [DIR] [--port N]``: browse and search the tables in Datasette.

Datasette is the standard, well-kept tool for publishing a SQLite database as web pages (table pages,
facets, full-text search, foreign keys as links, JSON and CSV for every query); this command only
exports the package with :mod:`sqlite_export` into a temporary directory and serves it on localhost
with the metadata the export wrote. Nothing is cached between runs, so what is served is always the
package as it is now. Datasette is an optional dependency: ``pip install "china-russia-diplomacy[browse]"``.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

DATABASE_NAME = "china-russia-diplomacy"


def datasette_command(database: Path, metadata: Path, host: str, port: int, open_browser: bool) -> list[str]:
    """The Datasette command line that serves ``database`` read-only (immutable) with its metadata."""
    cmd = [sys.executable, "-m", "datasette", "serve", "--immutable", str(database), "--metadata", str(metadata),
           "--host", host, "--port", str(port)]
    if open_browser:
        cmd.append("--open")
    return cmd


def cmd_browse(args: argparse.Namespace) -> int:
    from ..core.extras import require
    from .export import built_package
    from .sqlite_export import write

    require("browse", "browse")  # MissingExtra: one line with the pip command
    package_dir = built_package(args.dir, "browse")
    with tempfile.TemporaryDirectory(prefix="china-russia-diplomacy-browse-") as tmp:
        database, metadata = write(package_dir, Path(tmp) / f"{DATABASE_NAME}.sqlite")
        print(f"serving {package_dir} at http://{args.host}:{args.port}/{DATABASE_NAME} (Ctrl-C to stop)", flush=True)
        return _serve(datasette_command(database, metadata, args.host, args.port, args.open))


def _serve(cmd: list[str]) -> int:
    """Run Datasette until it exits; on Ctrl-C or SIGTERM stop it too, so the temporary export is removed."""
    proc = subprocess.Popen(cmd)

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def register(subparsers) -> None:
    p = subparsers.add_parser("browse", help="browse and search the tables in Datasette on localhost",
                              description="Export the package to SQLite and serve it with Datasette on localhost.")
    p.add_argument("dir", nargs="?", type=Path, help="package directory (default: the repository, else the installed data)")
    p.add_argument("--port", type=int, default=8001, help="port to listen on (default: 8001)")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--open", action="store_true", help="open a web browser at the database page")
    p.set_defaults(func=cmd_browse)
