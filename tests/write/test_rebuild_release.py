"""scripts/rebuild_release.py: the recipe error messages give for a version nobody hosts works as written."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys

import pytest

from release_history import commit_present


@pytest.mark.slow
def test_the_rebuild_command_from_the_unreachable_version_error_works_as_written(repo, tmp_path, version_cache):
    from china_russia_diplomacy.core.registry import VersionError, read_registry
    from china_russia_diplomacy.read import version_store

    release = read_registry(repo).releases[0]
    if not commit_present(repo, release.commit):
        pytest.skip(f"commit {release.commit} is not in this clone")
    with pytest.raises(VersionError) as err:
        version_store._obtain_archive(release, None)  # nothing cached, no URL, no mirror
    message = str(err.value)
    rebuild = re.search(r"with: python (scripts/rebuild_release\.py \S+) \(RELEASING\.md\)", message)
    fetch = re.search(r"then run: china-russia-diplomacy (fetch \S+ --from) PATH_OR_URL", message)
    assert rebuild and fetch, message
    out = tmp_path / "rebuilt"
    proc = subprocess.run([sys.executable, *rebuild.group(1).split(), "--out", str(out)], capture_output=True,
                          text=True, cwd=repo)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    archive = out / release.archive
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == release.sha256
    fetched = subprocess.run([sys.executable, "-m", "china_russia_diplomacy", *fetch.group(1).split(), str(archive)],
                             capture_output=True, text=True, cwd=tmp_path)
    assert fetched.returncode == 0, fetched.stderr[-2000:]


def test_the_rebuild_script_refuses_a_version_that_is_not_registered(repo, tmp_path):
    proc = subprocess.run([sys.executable, "scripts/rebuild_release.py", "9.9.9", "--out", str(tmp_path)],
                          capture_output=True, text=True, cwd=repo)
    assert proc.returncode == 1 and "9.9.9 is not registered" in proc.stderr and "Traceback" not in proc.stderr


def _rebuild_script():
    import importlib.util

    from conftest import REPO

    spec = importlib.util.spec_from_file_location("rebuild_release_under_test", REPO / "scripts" / "rebuild_release.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("wrong", ["bytes", "size"])
def test_a_rebuild_that_is_not_the_published_archive_is_refused(repo, tmp_path, monkeypatch, capsys, wrong):
    """The refusal itself: a rebuilt archive whose SHA-256 (or size alone) differs from releases.json is an
    error naming both digests, never a success (the test above only sees a rebuild that matches)."""
    import json

    script = _rebuild_script()
    entry = json.loads((repo / "releases.json").read_text(encoding="utf-8"))["releases"][0]
    published = b"published archive bytes"
    rebuilt = b"Published archive bytes" if wrong == "bytes" else published + b"\0"
    registry = {"releases": [{**entry, "archive": {**entry["archive"], "sha256": hashlib.sha256(published).hexdigest(),
                                                  "size": len(published)}}]}
    if wrong == "size":  # the same digest but another size: the size check alone must refuse it
        registry["releases"][0]["archive"]["sha256"] = hashlib.sha256(rebuilt).hexdigest()
    fake_repo = tmp_path / "repo"
    fake_repo.mkdir()
    (fake_repo / "releases.json").write_text(json.dumps(registry), encoding="utf-8")

    def fake_release(tree, out, earlier=None):
        out.mkdir(parents=True, exist_ok=True)
        archive = out / entry["archive"].get("name", "pkg.zip")
        archive = archive if archive.suffix == ".zip" else out / "pkg.zip"
        archive.write_bytes(rebuilt)
        return archive

    monkeypatch.setattr(script, "commit_present", lambda repo_, commit: True)
    monkeypatch.setattr(script, "export_commit", lambda repo_, commit, dest: dest)
    monkeypatch.setattr(script, "release_with_own_code", fake_release)
    monkeypatch.setattr(script, "REPO", fake_repo)
    with pytest.raises(RuntimeError, match="not the published archive") as err:
        script.rebuild(entry["version"], tmp_path / "out", repo=fake_repo, work=tmp_path / "work")
    assert hashlib.sha256(rebuilt).hexdigest() in str(err.value)
    assert registry["releases"][0]["archive"]["sha256"] in str(err.value)
    monkeypatch.setattr(script, "rebuild", lambda version, out: (_ for _ in ()).throw(RuntimeError("not the published archive")))
    assert script.main([entry["version"], "--out", str(tmp_path / "o2")]) == 1
    assert "not the published archive" in capsys.readouterr().err
