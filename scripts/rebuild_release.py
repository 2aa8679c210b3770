"""Rebuild the archive of a registered version from its commit, with that commit's own code.

    python scripts/rebuild_release.py 1.0.0 [--out DIR]

Run in a checkout of the repository (the registered commits are in ``main``'s history). Each version's
archive is made by the ``release`` code of its own commit, never by today's (today's code may pack
differently); a version's ``changes.json`` compares with the previous version, so the earlier versions
are rebuilt first and handed to the commit's code through a private version cache, as a reader would
with ``fetch --from``. The result is checked against ``releases.json`` (size and SHA-256) and refused
when it differs. This is the recipe the package's error messages point to; the test suite's
``registered_archive`` fixture runs it, so it is exercised on every run.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


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
            if fetched.returncode != 0:
                raise RuntimeError(f"fetch {version} --from {archive} failed:\n{fetched.stdout[-2000:]}{fetched.stderr[-2000:]}")
    command = [sys.executable, "-m", "china_russia_diplomacy", "release", str(tree), "--out", str(out)]
    # From 1.1.0 on, release also registers itself, which needs a git checkout; an export only rebuilds.
    code = tree / "src" / "china_russia_diplomacy"
    release_module = next(p for p in (code / "publish" / "release.py", code / "release.py") if p.is_file())
    if "--no-register" in release_module.read_text(encoding="utf-8"):
        command.append("--no-register")
    proc = subprocess.run(command, capture_output=True, text=True, cwd=tree, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"release at {tree} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    [archive] = out.glob("*.zip")
    return archive


def _registry(repo: Path) -> dict:
    import json

    return json.loads((repo / "releases.json").read_text(encoding="utf-8"))


def rebuild(version: str, out: Path, repo: Path = REPO, work: Path | None = None) -> Path:
    """The archive of registered ``version`` in ``out``, rebuilt (with every earlier version) and
    checked against ``releases.json``; raises ``RuntimeError`` naming what differs."""
    releases = _registry(repo)["releases"]
    versions = [r["version"] for r in releases]
    if version not in versions:
        raise RuntimeError(f"{version} is not registered in {repo / 'releases.json'}; registered: {', '.join(versions)}")
    work = Path(work) if work is not None else Path(tempfile.mkdtemp(prefix="crd-rebuild-"))
    earlier: dict[str, Path] = {}
    for entry in releases[: versions.index(version) + 1]:
        if not commit_present(repo, entry["commit"]):
            raise RuntimeError(f"commit {entry['commit']} of {entry['version']} is not in {repo} (a shallow clone? "
                               f"run git fetch --unshallow)")
        base = work / entry["version"]
        tree = export_commit(repo, entry["commit"], base / "tree")
        dist = out if entry["version"] == version else base / "dist"
        archive = release_with_own_code(tree, dist, dict(earlier))
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        want = entry["archive"]
        if digest != want["sha256"] or archive.stat().st_size != want["size"]:
            raise RuntimeError(f"{archive}: SHA-256 {digest} ({archive.stat().st_size} bytes), releases.json records "
                               f"{want['sha256']} ({want['size']} bytes) for {entry['version']}: not the published archive")
        earlier[entry["version"]] = archive
    return earlier[version]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("version", help="a version registered in releases.json, e.g. 1.0.0")
    p.add_argument("--out", type=Path, default=Path("dist-rebuilt"), help="where the archive goes (default: dist-rebuilt/)")
    args = p.parse_args(argv)
    try:
        archive = rebuild(args.version, args.out.resolve())
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{archive}\nmatches releases.json; load it with: china-russia-diplomacy fetch {args.version} --from {archive}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
