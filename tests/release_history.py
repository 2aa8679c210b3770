"""Helpers for tests of the version registry: rebuild a registered version's archive from git history
with that commit's own release code, and serve archives over HTTP on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import http.server
import io
import os
import subprocess
import sys
import tarfile
import threading
from pathlib import Path


def commit_present(repo: Path, commit: str) -> bool:
    out = subprocess.run(["git", "-C", str(repo), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True)
    return out.returncode == 0


def export_commit(repo: Path, commit: str, dest: Path) -> Path:
    """A clean tree of ``commit`` (tracked files only, as committed), like a fresh checkout of it."""
    archive = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", commit], capture_output=True, check=True)
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tf:
        tf.extractall(dest, filter="data") if hasattr(tarfile, "data_filter") else tf.extractall(dest)
    return dest


def release_with_own_code(tree: Path, out: Path, earlier: dict[str, Path] | None = None) -> Path:
    """Run ``release`` of the exported commit with that commit's own code (its src/ first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    env.pop("CHINA_RUSSIA_DIPLOMACY_DIR", None)
    if earlier:
        # An export has no git history: release reads the previous version (for changes.json) from the
        # version cache, filled here from the archives already rebuilt, as a reader would with fetch --from.
        env["CRD_CACHE_DIR"] = str(out.parent / "cache")
        env.pop("CRD_RELEASES_URL", None)
        for version, archive in earlier.items():
            fetched = subprocess.run([sys.executable, "-m", "china_russia_diplomacy", "fetch", version, "--from", str(archive)],
                                     capture_output=True, text=True, cwd=tree, env=env)
            assert fetched.returncode == 0, fetched.stdout[-2000:] + fetched.stderr[-2000:]
    command = [sys.executable, "-m", "china_russia_diplomacy", "release", str(tree), "--out", str(out)]
    # From 1.1.0 on, release also registers itself, which needs a git checkout; an export only rebuilds.
    code = tree / "src" / "china_russia_diplomacy"
    release_module = next(p for p in (code / "publish" / "release.py", code / "release.py") if p.is_file())
    if "--no-register" in release_module.read_text(encoding="utf-8"):
        command.append("--no-register")
    proc = subprocess.run(command,
                          capture_output=True, text=True, cwd=tree, env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    [archive] = out.glob("*.zip")
    return archive


class ArchiveServer:
    """``http.server`` on 127.0.0.1 (port 0) in a thread, serving ``directory``.

    ``/cut/<name>`` sends the headers of the whole file but only its first half, then closes the
    connection: a transfer cut short. Every requested path is recorded in ``requests``.
    """

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.requests: list[str] = []
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(server.directory), **kwargs)

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                server.requests.append(self.path)
                if self.path.startswith("/cut/"):
                    data = (server.directory / self.path[len("/cut/"):]).read_bytes()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                super().do_GET()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()

    def __enter__(self) -> ArchiveServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
