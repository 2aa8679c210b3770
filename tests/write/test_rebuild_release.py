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
