"""Helpers for tests of the version registry: rebuild a registered version's archive from git history
with that commit's own release code, and serve archives over HTTP on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import http.server
import sys
import threading
from pathlib import Path

# The rebuild recipe is the maintainers' script (the one error messages point readers to), so every
# test that rebuilds a registered archive runs exactly what RELEASING.md tells people to run.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from rebuild_release import commit_present, export_commit, release_with_own_code  # noqa: E402

__all__ = ["ArchiveServer", "commit_present", "export_commit", "release_with_own_code"]


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
