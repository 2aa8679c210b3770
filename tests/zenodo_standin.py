"""A local stand-in of Zenodo's deposit REST API (https://developers.zenodo.org/), the endpoints
publish/zenodo.py uses, on 127.0.0.1 in a thread, with injectable failures.

Endpoints: ``GET /api/deposit/depositions?q=`` (``conceptrecid:N`` or ``title:"..."``), ``POST
/api/deposit/depositions``, ``GET``/``PUT /api/deposit/depositions/{id}``, ``POST
.../{id}/actions/newversion`` (answers with the old record and ``links.latest_draft``, as Zenodo does),
``DELETE .../{id}/files/{file_id}``, ``PUT /api/files/{bucket}/{name}`` and ``POST .../{id}/actions/publish``.

``fail(method, pattern, kind, when)`` makes the next matching request fail once: ``kind`` is ``"5xx"``
(HTTP 503), ``"timeout"`` (the answer comes after the client gave up) or ``"cut"`` (the connection is
closed without an answer); ``when="after"`` performs the action first (the server did it, the client
never heard), ``"before"`` fails without doing anything.
"""

from __future__ import annotations

import hashlib
import http.server
import itertools
import json
import re
import threading
import time
import urllib.parse
import uuid


class ZenodoStandIn:
    TOKEN = "test-token"

    def __init__(self, slow_seconds: float = 1.5):
        self.depositions: dict[int, dict] = {}
        self.buckets: dict[str, int] = {}
        self.calls: list[tuple[str, str]] = []
        self.failures: list[dict] = []
        self.slow_seconds = slow_seconds
        self._ids = itertools.count(1001)
        self._lock = threading.Lock()
        stand_in = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _dispatch(self):
                stand_in.handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = _dispatch

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # --- what tests look at -------------------------------------------------------------------------------

    def fail(self, method: str, pattern: str, kind: str, when: str = "before") -> None:
        self.failures.append({"method": method, "pattern": re.compile(pattern), "kind": kind, "when": when})

    def published(self) -> list[dict]:
        return [d for d in self.depositions.values() if d["submitted"]]

    def drafts(self) -> list[dict]:
        return [d for d in self.depositions.values() if not d["submitted"]]

    def seed_published(self, version: str, title: str, files: dict[str, bytes]) -> dict:
        """A published first version, as if deposited by hand before: the concept to add versions to."""
        d = self._new({}, None)
        d["metadata"] = {"title": f"{title} (version {version})", "version": version}
        for name, data in files.items():
            self._store(d, name, data)
        self._publish(d)
        return d

    # --- the model --------------------------------------------------------------------------------------

    def _new(self, metadata: dict, concept: int | None) -> dict:
        i = next(self._ids)
        bucket = uuid.uuid4().hex
        self.buckets[bucket] = i
        d = {"id": i, "conceptrecid": str(concept or next(self._ids)), "submitted": False, "state": "unsubmitted",
             "metadata": dict(metadata), "files": [], "doi": "", "conceptdoi": "",
             "links": {"self": f"{self.url}/api/deposit/depositions/{i}", "bucket": f"{self.url}/api/files/{bucket}"}}
        self.depositions[i] = d
        return d

    def _store(self, d: dict, name: str, data: bytes) -> None:
        d["files"] = [f for f in d["files"] if f["filename"] != name]
        d["files"].append({"id": uuid.uuid4().hex, "filename": name, "filesize": len(data),
                           "checksum": hashlib.md5(data).hexdigest(), "data": data})  # noqa: S324

    def _publish(self, d: dict) -> None:
        d.update(submitted=True, state="done", doi=f"10.5072/zenodo.{d['id']}", conceptdoi=f"10.5072/zenodo.{d['conceptrecid']}",
                 record_id=d["id"])

    @staticmethod
    def view(d: dict) -> dict:
        out = {k: v for k, v in d.items() if k != "files"}
        out["files"] = [{k: v for k, v in f.items() if k != "data"} for f in d["files"]]
        return out

    # --- HTTP ---------------------------------------------------------------------------------------------

    def handle(self, h: http.server.BaseHTTPRequestHandler) -> None:
        parsed = urllib.parse.urlsplit(h.path)
        path, query = parsed.path, urllib.parse.parse_qs(parsed.query)
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        self.calls.append((h.command, path))
        if h.headers.get("Authorization") != f"Bearer {self.TOKEN}":
            return self._send(h, 401, {"message": "bad token"})
        failure = next((f for f in self.failures if f["method"] == h.command and f["pattern"].search(path)), None)
        if failure is not None:
            self.failures.remove(failure)
            if failure["when"] == "before":
                return self._fail(h, failure["kind"], None)
        with self._lock:
            status, answer = self._route(h.command, path, query, body)
        if failure is not None:
            return self._fail(h, failure["kind"], (status, answer))
        self._send(h, status, answer)

    def _fail(self, h, kind: str, done) -> None:
        if kind == "5xx":
            return self._send(h, 503, {"message": "service unavailable"})
        if kind == "timeout":
            time.sleep(self.slow_seconds)
            status, answer = done if done is not None else (504, {"message": "gateway timeout"})
            try:
                return self._send(h, status, answer)
            except OSError:
                return None
        h.close_connection = True  # "cut": no answer at all
        h.wfile.flush()
        h.connection.shutdown(2)

    @staticmethod
    def _send(h, status: int, answer) -> None:
        data = json.dumps(answer).encode() if answer is not None else b""
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def _route(self, method: str, path: str, query: dict, body: bytes):
        m = re.fullmatch(r"/api/deposit/depositions(?:/(\d+))?(?:/(files/\w+|actions/\w+))?", path)
        b = re.fullmatch(r"/api/files/(\w+)/(.+)", path)
        if b and method == "PUT":
            d = self.depositions.get(self.buckets.get(b.group(1), -1))
            if d is None or d["submitted"]:
                return 403, {"message": "bucket locked"}
            self._store(d, urllib.parse.unquote(b.group(2)), body)
            f = d["files"][-1]
            return 201, {"key": f["filename"], "checksum": "md5:" + f["checksum"], "size": f["filesize"]}
        if not m:
            return 404, {"message": f"no route {path}"}
        ident, action = m.group(1), m.group(2)
        if ident is None:
            if method == "GET":
                q = query.get("q", [""])[0]
                concept = re.fullmatch(r"conceptrecid:(\d+)", q)
                title = re.fullmatch(r'title:"(.*)"', q)
                found = [d for d in self.depositions.values()
                         if not q or (concept and d["conceptrecid"] == concept.group(1))
                         or (title and str(d["metadata"].get("title", "")).startswith(title.group(1)))]
                return 200, [self.view(d) for d in sorted(found, key=lambda d: -d["id"])]
            if method == "POST":
                return 201, self.view(self._new({}, None))
        d = self.depositions.get(int(ident))
        if d is None:
            return 404, {"message": "no such deposition"}
        if action is None:
            if method == "GET":
                return 200, self.view(d)
            if method == "PUT":
                if d["submitted"]:
                    return 400, {"message": "published depositions cannot be edited"}
                d["metadata"] = json.loads(body)["metadata"]
                return 200, self.view(d)
        if action == "actions/newversion" and method == "POST":
            if not d["submitted"]:
                return 400, {"message": "only a published deposition gets a new version"}
            if any(x["conceptrecid"] == d["conceptrecid"] and not x["submitted"] for x in self.depositions.values()):
                return 400, {"message": "the concept already has a draft"}
            draft = self._new(d["metadata"], int(d["conceptrecid"]))
            draft["files"] = [dict(f, id=uuid.uuid4().hex) for f in d["files"]]
            answer = self.view(d)
            answer["links"] = dict(answer["links"], latest_draft=draft["links"]["self"])
            return 201, answer
        if action and action.startswith("files/") and method == "DELETE":
            d["files"] = [f for f in d["files"] if f["id"] != action[len("files/"):]]
            return 204, None
        if action == "actions/publish" and method == "POST":
            if d["submitted"]:
                return 400, {"message": "already published"}
            if not d["files"] or not d["metadata"].get("version"):
                return 400, {"message": "missing files or metadata"}
            self._publish(d)
            return 202, self.view(d)
        return 405, {"message": f"{method} {path} not allowed"}
