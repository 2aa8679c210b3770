"""Faults in what the read side is handed (issue 15): crafted release zips, unusable caches, a mirror that
never answers, an altered history patch. Each ends in the package's own one-line error (a VersionError
or a subclass) naming the file, with nothing written outside the cache and bounded memory."""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

import china_russia_diplomacy as crd
from china_russia_diplomacy.core.registry import VersionError
from china_russia_diplomacy.read import history, version_download, version_store

REPO = Path(__file__).resolve().parents[3]
defect = pytest.mark.defect


@pytest.fixture()
def v1_zip(registered_archive) -> Path:
    return registered_archive("1.0.0")


def _rewrite(src: Path, dest: Path, edit) -> Path:
    """A copy of the zip ``src`` with ``edit(name, data) -> data | None`` applied to every member (None drops it)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = edit(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data)
    return dest


def _prefix(zip_path: Path) -> str:
    with zipfile.ZipFile(zip_path) as zf:
        return zf.namelist()[0].split("/", 1)[0]


def _changed_cell(name: str, data: bytes) -> bytes:
    if name.endswith("data/events.csv"):
        return data.replace(b"occurred", b"expected", 1)  # same length: only the hash tells
    return data


def _error_of(package_dir: Path) -> str:
    with pytest.raises(VersionError) as err:
        crd.load("events", package_dir=package_dir)
    message = str(err.value)
    assert "\n" not in message and "Traceback" not in message
    return message


@defect("archive: a changed cell, descriptor as published")
def test_a_zip_with_a_changed_cell_is_refused_against_its_own_descriptor(v1_zip, tmp_path, version_cache):
    crafted = _rewrite(v1_zip, tmp_path / v1_zip.name, _changed_cell)
    message = _error_of(crafted)
    assert crafted.name in message and "data/events.csv" in message and "its own datapackage.json" in message
    assert not list((version_cache / "zips").glob("*")) if (version_cache / "zips").exists() else True


@defect("archive: altered and re-hashed")
def test_a_consistently_rehashed_zip_of_a_registered_version_is_refused_against_the_registry(v1_zip, tmp_path, version_cache):
    import hashlib

    with zipfile.ZipFile(v1_zip) as zf:
        events = _changed_cell("data/events.csv", zf.read(f"{_prefix(v1_zip)}/data/events.csv"))

    def edit(name: str, data: bytes) -> bytes:
        if name.endswith("data/events.csv"):
            return events
        if name.endswith("/datapackage.json"):
            descriptor = json.loads(data)
            for res in descriptor["resources"]:
                if res["path"] == "data/events.csv":
                    res["hash"], res["bytes"] = "sha256:" + hashlib.sha256(events).hexdigest(), len(events)
            return json.dumps(descriptor, indent=2).encode()
        return data

    message = _error_of(_rewrite(v1_zip, tmp_path / v1_zip.name, edit))
    assert "releases.json" in message and "data/events.csv" in message


@defect("archive: not a zip, or cut short")
@pytest.mark.parametrize("kind", ["cut in half", "text"])
def test_a_cut_or_fake_zip_is_refused_with_the_packages_own_error(v1_zip, tmp_path, version_cache, kind):
    crafted = tmp_path / "china-russia-diplomacy-1.0.0.zip"
    data = v1_zip.read_bytes()
    crafted.write_bytes(data[: len(data) // 2] if kind == "cut in half" else b"not a zip at all\n")
    message = _error_of(crafted)
    assert "not a zip file, or cut short" in message and crafted.name in message


@defect("archive: member outside the package")
@pytest.mark.parametrize("member", ["../evil.txt", "/tmp/evil.txt", "symlink"])
def test_a_member_that_would_leave_the_package_is_refused_and_nothing_is_written(v1_zip, tmp_path, version_cache, member):
    crafted = shutil.copy(v1_zip, tmp_path / v1_zip.name)
    with zipfile.ZipFile(crafted, "a") as zf:
        if member == "symlink":
            info = zipfile.ZipInfo(f"{_prefix(v1_zip)}/data/link.csv")
            info.create_system = 3
            info.external_attr = (0o120777 << 16)
            zf.writestr(info, "/etc/passwd")
        else:
            zf.writestr(member, "escaped")
    message = _error_of(Path(crafted))
    assert "refused" in message and Path(crafted).name in message
    assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()
    assert not [p for p in version_cache.rglob("*") if p.name in ("evil.txt", "link.csv")]


def _bomb(v1_zip: Path, dest: Path, size: int) -> Path:
    crafted = shutil.copy(v1_zip, dest)
    with zipfile.ZipFile(crafted, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open(f"{_prefix(v1_zip)}/docs/zeros.bin", "w", force_zip64=True) as out:
            chunk = bytes(16 << 20)
            for _ in range(size // len(chunk)):
                out.write(chunk)
    return Path(crafted)


@defect("archive: zip bomb")
def test_a_zip_bomb_is_refused_before_it_inflates_with_bounded_memory(v1_zip, tmp_path, version_cache):
    crafted = _bomb(v1_zip, tmp_path / v1_zip.name, 2 << 30)
    assert crafted.stat().st_size < 20 << 20  # 2 GiB of zeros in a few MB
    script = ("import china_russia_diplomacy as crd, json, resource\n"
              "from china_russia_diplomacy.core.registry import VersionError\n"
              "try:\n"
              f"    crd.load('events', package_dir={str(crafted)!r}); out = 'loaded'\n"
              "except VersionError as exc:\n"
              "    out = str(exc)\n"
              "print(json.dumps({'error': out, 'rss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))\n")
    plain = subprocess.run([sys.executable, "-c", "import china_russia_diplomacy as crd, resource; crd.load('events');"
                            " print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"], capture_output=True, text=True)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=os.environ.copy())
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert "zip bomb" in out["error"] and crafted.name in out["error"], out
    assert out["rss_kb"] - int(plain.stdout) < 64 << 10, f"peak RSS {out['rss_kb']} kB vs {plain.stdout} kB for a plain load"


@defect("archive: zip bomb")
def test_a_table_member_declaring_more_bytes_than_its_descriptor_is_refused(v1_zip, tmp_path, version_cache):
    def edit(name: str, data: bytes) -> bytes:
        return data + b"x" * 1000 if name.endswith("data/quotes.csv") else data

    message = _error_of(_rewrite(v1_zip, tmp_path / v1_zip.name, edit))
    assert "data/quotes.csv" in message and "declares" in message


@defect("archive: altered and re-hashed")
def test_diff_with_a_crafted_zip_is_refused_too(v1_zip, tmp_path, capsys):
    from china_russia_diplomacy.cli import main

    crafted = _rewrite(v1_zip, tmp_path / v1_zip.name, _changed_cell)
    assert main(["diff", str(crafted), str(REPO)]) == 1
    assert "its own datapackage.json" in capsys.readouterr().err


# --- caches -------------------------------------------------------------------------------------------------


@defect("cache: unusable cache directory")
@pytest.mark.parametrize("how", ["a file", "not writable", "disk full"])
def test_an_unusable_cache_is_one_message_naming_crd_cache_dir(tmp_path, monkeypatch, how):
    cache = tmp_path / "cache"
    monkeypatch.setenv("CRD_CACHE_DIR", str(cache))
    if how == "a file":
        cache.write_text("I am a file")
    elif how == "not writable":
        cache.mkdir()
        real_access = os.access
        monkeypatch.setattr(version_store.os, "access", lambda p, mode: False if Path(p).is_relative_to(cache) else real_access(p, mode))
    else:
        real = Path.write_bytes

        def full(self, data):
            if self.is_relative_to(cache):
                raise OSError(errno.ENOSPC, "No space left on device", str(self))
            return real(self, data)

        monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(version_store.CacheError) as err:
        crd.load("events", version="1.0.0")
    message = str(err.value)
    assert "CRD_CACHE_DIR" in message and str(cache) in message and "\n" not in message
    assert {"a file": "is a file", "not writable": "not writable", "disk full": "disk is full"}[how] in message


# --- downloads ----------------------------------------------------------------------------------------------


class SilentServer:
    """Accepts connections on 127.0.0.1 and never sends a byte (a hung mirror)."""

    def __enter__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.conns: list[socket.socket] = []
        self.stop = threading.Event()

        def serve():
            self.sock.settimeout(0.2)
            while not self.stop.is_set():
                try:
                    self.conns.append(self.sock.accept()[0])
                except OSError:
                    continue

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)
        for c in self.conns:
            c.close()
        self.sock.close()


@defect("download: mirror that never answers")
def test_a_mirror_that_accepts_and_never_answers_ends_within_the_read_timeout_naming_the_url(version_cache, monkeypatch):
    import time

    monkeypatch.setattr(history, "carries", lambda package_dir, version: False)  # force the download path
    monkeypatch.setattr(version_download, "READ_TIMEOUT", 2)
    with SilentServer() as url:
        monkeypatch.setenv("CRD_RELEASES_URL", url)
        started = time.monotonic()
        with pytest.raises(VersionError) as err:
            crd.load("events", version="1.0.0")
        elapsed = time.monotonic() - started
    assert elapsed < 20, f"took {elapsed:.0f} s"
    assert url in str(err.value) and "imeout" in str(err.value)


# --- the shipped history ------------------------------------------------------------------------------------


@defect("history: altered patch")
def test_an_altered_history_patch_is_refused_never_served(tmp_path, version_cache, monkeypatch):
    from package_edits import copy_readable_package

    package = copy_readable_package(REPO, tmp_path / "pkg")
    link = package / "history" / "1.0.0.json"
    data = json.loads(link.read_text(encoding="utf-8"))
    patch = data["files"]["data/events.csv"]
    op = next(o for o in patch["ops"] if o[0] == "+")
    op[1][0] = op[1][0].replace("a", "e", 1) if "a" in op[1][0] else op[1][0] + " "
    link.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("CHINA_RUSSIA_DIPLOMACY_DIR", str(package))
    with pytest.raises(VersionError) as err:
        crd.load("events", version="1.0.0")
    message = str(err.value)
    assert "shipped history" in message and "data/events.csv" in message and "refused" in message
    assert not (version_cache / "versions" / "1.0.0").exists(), "a wrong rebuild must not stay in the cache"
