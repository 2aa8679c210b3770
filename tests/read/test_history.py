"""The history the package carries (issue 15): every registered version rebuilt offline, byte for byte."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

import china_russia_diplomacy as crd
from china_russia_diplomacy.core.registry import read_registry, sha256_file
from china_russia_diplomacy.read import history, version_store
from china_russia_diplomacy.read.history import HistoryError, rebuild_version

REPO = Path(__file__).resolve().parents[2]
REGISTRY = read_registry(REPO)
OLDER = [r.version for r in history.older_releases(REGISTRY, crd.__version__)]


def test_the_package_carries_history_for_every_registered_version_older_than_its_data():
    assert OLDER, "no registered version to test against"
    assert sorted(p.stem for p in (REPO / "history").glob("*.json")) == sorted(OLDER)


@pytest.mark.parametrize("version", OLDER)
def test_every_registered_version_rebuilds_byte_for_byte_against_releases_json(version, tmp_path):
    release = REGISTRY.get(version)
    rebuild_version(REPO, REGISTRY, version, tmp_path / "v")
    for rel, expected in release.files.items():
        assert sha256_file(tmp_path / "v" / rel) == expected, rel  # CSV, datapackage.json and the Parquet twins
    assert (tmp_path / "v" / "CITATION.cff").is_file() and (tmp_path / "v" / "schemas" / "retired_ids.json").is_file()
    assert sorted(p.name for p in (tmp_path / "v" / "sources").iterdir()) == sorted(p.name for p in (REPO / "sources").glob("*.txt"))


def test_a_version_loads_offline_from_the_history_then_from_the_cache(version_cache, monkeypatch):
    version = OLDER[0]
    events = crd.load("events", version=version)
    assert events.attrs["version"] == version and crd.load_all(version=version)["quotes"].attrs["version"] == version
    assert (version_cache / "versions" / version).is_dir()

    def no_rebuild(*args, **kwargs):
        raise AssertionError("rebuilt again although cached")

    monkeypatch.setattr(history, "rebuild_version", no_rebuild)
    assert crd.load("events", version=version).equals(events)
    assert version in crd.cite("apa", version=version)


def test_the_history_is_refused_when_the_installed_data_is_not_what_its_patches_apply_to(tmp_path, monkeypatch):
    """A copy whose data changed after its history was built (no git to rebuild it) cannot serve old versions."""
    from package_edits import copy_readable_package

    package = copy_readable_package(REPO, tmp_path / "pkg")
    events = package / "data" / "events.csv"
    events.write_bytes(events.read_bytes().replace(b"occurred", b"expected", 1))
    with pytest.raises(HistoryError, match="applies to a file with SHA-256"):
        rebuild_version(package, read_registry(package), OLDER[-1], tmp_path / "out")


def test_what_a_release_adds_is_proportional_to_what_changed():
    from china_russia_diplomacy.build.generate.history import make_patch

    header = "id,value,notes\n"
    rows = [f"r{i:06d},{i},a note that is long enough to weigh something in the file\n" for i in range(20000)]
    base = (header + "".join(rows)).encode()
    changed = list(rows)
    for i in range(0, len(rows), 100):  # 1% of rows
        changed[i] = changed[i].replace("a note", "A NOTE")
    target = (header + "".join(changed)).encode()
    size = len(json.dumps(make_patch(base, target)))
    assert size < 0.03 * len(target), f"a 1% change costs {size} bytes of {len(target)}"
    assert len(json.dumps(make_patch(base, base))) < 200


def test_the_bytes_the_guides_state_for_the_shipped_history_are_those_of_its_files():
    """Regression guard for stated figures: README.md and CONTRIBUTING.md give what each release adds to the
    package; the figures must be those of the committed ``history/`` files, not of an earlier chain."""
    contributing = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for version in OLDER:
        data = (REPO / "history" / f"{version}.json").read_bytes()
        m = re.search(rf"bytes `history/{re.escape(version)}\.json` adds \([^)]*\) \| ([\d,]+) \(([\d,]+) deflated", contributing)
        assert m, f"CONTRIBUTING.md states no size for history/{version}.json"
        raw, packed = (int(g.replace(",", "")) for g in m.groups())
        assert raw == len(data), f"CONTRIBUTING.md says history/{version}.json has {raw} bytes; it has {len(data)}"
        assert abs(packed - len(zlib.compress(data, 9))) <= 0.01 * packed, f"deflated size of history/{version}.json"
    first = (REPO / "history" / f"{OLDER[0]}.json").read_bytes()
    m = re.search(r"lines that changed: (\d+) KB \(deflated\) for ([\d.]+) → ([\d.]+)", (REPO / "README.md").read_text(encoding="utf-8"))
    assert m and m.group(3) == OLDER[0], "the README states what the oldest release's history costs"
    assert int(m.group(1)) == round(len(zlib.compress(first, 9)) / 1000), "README.md's KB figure for the history"
    # The synthetic 100k-row figure is a benchmark's (scripts/benchmark_history.py): the README repeats CONTRIBUTING's.
    bench = re.search(r"1% of the rows change one cell \| [\d,]+ bytes \(([\d,]+) deflated\)", contributing)
    stated = re.search(r"about (\d+) KB for a 100,000-row release", (REPO / "README.md").read_text(encoding="utf-8"))
    assert bench and stated and int(stated.group(1)) == round(int(bench.group(1).replace(",", "")) / 1000)


def test_concurrent_first_loads_of_one_version_all_succeed(tmp_path):
    version = OLDER[0]
    script = (f"import china_russia_diplomacy as crd; print(len(crd.load('events', version={version!r})))")
    env = {**__import__("os").environ, "CRD_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("CRD_RELEASES_URL", None)
    procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) for _ in range(4)]
    results = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-1500:] for _, err in results]
    assert len({out.strip() for out, _ in results}) == 1
    assert not [p for p in (tmp_path / "cache" / "versions").iterdir() if p.name.startswith(".")]


@pytest.mark.slow
@pytest.mark.parametrize("version", OLDER)
def test_a_rebuilt_version_holds_what_its_archive_holds(version, registered_archive, version_cache):
    archive = registered_archive(version)
    root = version_store.package_dir_for(version)
    with zipfile.ZipFile(archive) as zf:
        prefix = archive.stem
        for rel in [*REGISTRY.get(version).files, "CITATION.cff", "schemas/retired_ids.json"]:
            assert (root / rel).read_bytes() == zf.read(f"{prefix}/{rel}"), rel
    for table in crd.tables(root):
        assert crd.load(table, "arrow", version=version).equals(crd.load(table, "arrow", package_dir=archive)), table
