"""Build generator: ``history/<version>.json``, the reverse patches that rebuild every registered version.

The format and the reader are in :mod:`china_russia_diplomacy.read.history`. This side computes the
patches: for each version in ``releases.json``, newest first, the line patches from the files of the
state after it (the current data for the newest, else the next registered version) to its own files.

Where the registered versions' files come from, in order:

1. the history already in the tree, applied to the current data and checked against the registry
   (no git needed: this is what happens in an exported release tree, in CI and whenever the data
   has not changed since the last build, and it reproduces the same bytes);
2. otherwise git: each version's files at its registered commit (``git cat-file``), checked against the
   registry (after an edit of the data in a checkout);
3. otherwise (a scratch copy with edited data and no git) the history files are left as they are: they
   no longer apply to this data, and a reader refuses them rather than serving a wrong version.

Every patch between two registered versions is therefore the same bytes at every build; only the
newest one follows the data.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ...core.line_patch import Patch, lines, sha256
from ...core.registry import Registry, read_registry, version_key
from ...read.history import (EXTRA_FILES, FORMAT, HISTORY_DIR, Files, HistoryError, chain, check_release,
                             history_path, older_releases, tracked_paths)


def _current(ctx) -> Files:
    """The current data as this build writes it (descriptor and citation from the outputs generated so far,
    read back from staging). The line diffs need every tracked file whole; history is made only for a
    package with registered versions, never for the synthetic copies of the scale benchmark."""
    descriptor = json.loads(ctx.outputs["datapackage.json"])
    present = {p for p in EXTRA_FILES if p in ctx.outputs or (ctx.package_dir / p).is_file()}
    files = {}
    for rel in tracked_paths(descriptor, present):
        files[rel] = ctx.outputs[rel] if rel in ctx.outputs else (ctx.package_dir / rel).read_bytes()
    return files


def _git_blob(package_dir: Path, commit: str, rel: str) -> bytes | None:
    proc = subprocess.run(["git", "-C", str(package_dir), "cat-file", "blob", f"{commit}:{rel}"], capture_output=True)
    return proc.stdout if proc.returncode == 0 else None


def _from_git(package_dir: Path, registry: Registry) -> dict[str, Files] | None:
    """Every registered version's files read from its commit and checked; None without git or a commit."""
    out: dict[str, Files] = {}
    for release in registry.releases:
        descriptor_bytes = _git_blob(package_dir, release.commit, "datapackage.json")
        if descriptor_bytes is None:
            return None
        descriptor = json.loads(descriptor_bytes)
        files: Files = {"datapackage.json": descriptor_bytes}
        for rel in tracked_paths(descriptor, set(EXTRA_FILES)):
            if rel not in files:
                blob = _git_blob(package_dir, release.commit, rel)
                if blob is not None:
                    files[rel] = blob
        check_release(files, release)
        out[release.version] = files
    return out


def _states(package_dir: Path, registry: Registry, current: Files) -> dict[str, Files] | None:
    oldest = registry.releases[0].version
    try:
        return chain(package_dir, registry, oldest, start=current)
    except HistoryError:
        pass
    try:
        return _from_git(package_dir, registry)
    except (OSError, HistoryError, ValueError):
        return None


def make_patch(base: bytes | None, target: bytes) -> Patch:
    """The operations that turn ``base`` (``None``: no such file) into ``target``, with both hashes (format
    in :mod:`china_russia_diplomacy.core.line_patch`).

    The line diff is diff-match-patch's (Myers' O(ND) algorithm, the diff of version-control tools) in
    its line mode: each distinct line becomes one character, the two strings are diffed, and the runs
    are read back as line ranges. The standard library's ``difflib`` gives the same patches but needs a
    minute for a 100,000-line table with 1% of its lines changed; this takes seconds.
    """
    from diff_match_patch import diff_match_patch

    old = lines(base) if base is not None else []
    new = lines(target)
    codes: dict[str, str] = {}

    def encode(seq: list[str]) -> str:
        return "".join(codes.setdefault(line, chr(len(codes))) for line in seq)

    if len(set(old) | set(new)) >= 0x10FFFF:
        raise ValueError("a file with more than 1,114,110 distinct lines cannot be diffed line by line")
    a, b = encode(old), encode(new)
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0  # the exact, minimal diff: a patch must not depend on the machine's speed
    ops: list[list] = []
    i = j = 0
    for op, run in dmp.diff_main(a, b, False):
        n = len(run)
        if op == 0:
            ops.append(["=", i, i + n])
            i, j = i + n, j + n
        elif op == -1:
            i += n
        else:
            ops.append(["+", new[j:j + n]])
            j += n
    return {"base_sha256": sha256(base) if base is not None else None, "sha256": sha256(target), "ops": ops}


def link_bytes(version: str, base_label: str, base: Files, target: Files) -> bytes:
    link = {"format": FORMAT, "version": version, "base": base_label,
            "files": {rel: make_patch(base.get(rel), data) for rel, data in sorted(target.items())}}
    return (json.dumps(link, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def generate(ctx) -> None:
    # Only versions older than the current data: the current data is its own version (no link to itself).
    registry = Registry(older_releases(read_registry(ctx.package_dir), ctx.meta.version))
    if not registry.releases:
        return
    current = _current(ctx)
    states = _states(ctx.package_dir, registry, current)
    if states is None:  # case 3 of the module docstring: keep what is there
        for p in sorted((ctx.package_dir / HISTORY_DIR).glob("*.json")):
            # through the package's path check: a history file that links out of the package is refused,
            # never read and written back as the package's own
            ctx.write(f"{HISTORY_DIR}/{p.name}", history_path(ctx.package_dir, p.stem).read_bytes())
        return
    base, label = current, f"the current data ({ctx.meta.version})"
    for release in sorted(registry.releases, key=lambda r: version_key(r.version), reverse=True):
        target = states[release.version]
        ctx.write(f"{HISTORY_DIR}/{release.version}.json", link_bytes(release.version, label, base, target))
        base, label = target, f"version {release.version}"
