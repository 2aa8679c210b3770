"""What ``rebuild_version`` does with the files the history gives it, each step alone (issue 29).

The patches and the check against releases.json are tested in test_history_checks.py; there a wrong
file never gets past them. Here ``chain`` is replaced by one that hands over chosen files (as if their
hashes had matched), so each later step is seen refusing or writing on its own: a table that does not
read or type as its schema says, an unsafe path, the Parquet twins and the record of what this process
derived from them (``derived_parquet_sha256``), and the articles copied only when their SHA-256 matches.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest

import china_russia_diplomacy as crd
from china_russia_diplomacy.core.registry import read_registry
from china_russia_diplomacy.read import history
from china_russia_diplomacy.read.history import HistoryError, derived_parquet_sha256, rebuild_version

REPO = Path(__file__).resolve().parents[2]
REGISTRY = read_registry(REPO)
OLDER = sorted((r.version for r in history.older_releases(REGISTRY, crd.__version__)), key=history.version_key)
OLDEST = OLDER[0]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def oldest_files() -> dict[str, bytes]:
    return history.chain(REPO, REGISTRY, OLDEST)[OLDEST]


@pytest.fixture()
def handed(monkeypatch, oldest_files):
    """``handed(files)``: make the history hand ``files`` to rebuild_version as the oldest version's."""
    def use(files: dict[str, bytes]) -> None:
        monkeypatch.setattr(history, "chain", lambda package_dir, registry, version: {version: dict(files)})
    use(oldest_files)
    return use


def _edit_cell(data: bytes, column: str, value: str, row: int = 0) -> bytes:
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    rows[row][column] = value
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _articles(tmp_path: Path) -> Path:
    pkg = tmp_path / "installed"
    shutil.copytree(REPO / "sources", pkg / "sources", dirs_exist_ok=True)
    return pkg


def test_every_file_the_history_gives_is_written_and_every_table_gets_its_twin(handed, oldest_files, tmp_path):
    rebuild_version(_articles(tmp_path), REGISTRY, OLDEST, tmp_path / "v")
    for rel, data in oldest_files.items():
        assert (tmp_path / "v" / rel).read_bytes() == data, rel
    twins = [res["parquet"]["path"] for res in json.loads(oldest_files["datapackage.json"])["resources"]]
    assert len(twins) > 1 and all((tmp_path / "v" / rel).is_file() for rel in twins)


def test_a_file_the_history_gives_folders_deep_is_written_with_its_folders(handed, oldest_files, tmp_path):
    """``dest`` and every folder on the way to a file are created (a file two folders deep, into a
    destination whose parent does not exist yet either)."""
    handed({**oldest_files, "docs/deep/notes.md": b"notes\n"})
    dest = tmp_path / "not" / "yet" / "v"
    rebuild_version(_articles(tmp_path), REGISTRY, OLDEST, dest)
    assert (dest / "docs" / "deep" / "notes.md").read_bytes() == b"notes\n"


def test_a_table_that_does_not_read_as_its_schema_says_is_refused_by_name(handed, oldest_files, tmp_path):
    """A byte order mark: the reader still returns the table, with a finding (a refusal that only looked
    at an unreadable table would let it through)."""
    handed({**oldest_files, "data/events.csv": b"\xef\xbb\xbf" + oldest_files["data/events.csv"]})
    with pytest.raises(HistoryError, match=rf"^{OLDEST}: data/events\.csv does not read as its schema says "
                                           rf"\(\[files\] events, line 1: utf8-no-bom: "):
        rebuild_version(_articles(tmp_path), REGISTRY, OLDEST, tmp_path / "v")


def test_a_table_that_is_empty_is_refused_by_name(handed, oldest_files, tmp_path):
    handed({**oldest_files, "data/quotes.csv": b""})
    with pytest.raises(HistoryError, match=rf"^{OLDEST}: data/quotes\.csv does not read as its schema says "
                                           rf"\(\[files\] quotes, line 1: header: .*the file is empty"):
        rebuild_version(_articles(tmp_path), REGISTRY, OLDEST, tmp_path / "v")


def test_a_table_that_does_not_type_as_its_schema_says_is_refused_by_name(handed, oldest_files, tmp_path):
    handed({**oldest_files, "data/events.csv": _edit_cell(oldest_files["data/events.csv"], "evidence_start", "many")})
    with pytest.raises(HistoryError, match=rf"^{OLDEST}: data/events\.csv does not type as its schema says \(.*events, "
                                           rf"line 2, column evidence_start: .*'many'"):
        rebuild_version(_articles(tmp_path), REGISTRY, OLDEST, tmp_path / "v")


def test_of_several_findings_the_first_is_named(handed, oldest_files, tmp_path):
    events = oldest_files["data/events.csv"]
    handed({**oldest_files, "data/events.csv": _edit_cell(_edit_cell(events, "evidence_start", "many"), "evidence_start",
                                                          "more", row=1)})
    with pytest.raises(HistoryError, match=rf"^{OLDEST}: data/events\.csv does not type as its schema says \(.*line 2, "
                                           rf"column evidence_start: .*'many'"):
        rebuild_version(_articles(tmp_path), REGISTRY, OLDEST, tmp_path / "v")
    handed({**oldest_files, "data/events.csv": b"\xef\xbb\xbf" + events.rstrip(b"\n")})  # a BOM, no final newline
    with pytest.raises(HistoryError, match=rf"^{OLDEST}: data/events\.csv does not read as its schema says "
                                           rf"\(\[files\] events, line 1: utf8-no-bom: "):
        rebuild_version(_articles(tmp_path), REGISTRY, OLDEST, tmp_path / "v2")


def test_the_last_table_is_read_and_typed_too(handed, oldest_files, tmp_path):
    """Every table of the descriptor, not only the first: the last one's defect is found."""
    last = json.loads(oldest_files["datapackage.json"])["resources"][-1]["path"]
    handed({**oldest_files, last: b"\xef\xbb\xbf" + oldest_files[last]})
    with pytest.raises(HistoryError, match=rf"^{OLDEST}: {last} does not read as its schema says"):
        rebuild_version(_articles(tmp_path), REGISTRY, OLDEST, tmp_path / "v")


@pytest.mark.parametrize("rel", ["../outside.csv", "/abs.csv", "data\\x.csv"])
def test_a_file_the_history_names_outside_the_package_is_refused_before_writing_it(rel, handed, oldest_files, tmp_path):
    handed({rel: b"x", **oldest_files})
    dest = tmp_path / "out" / "v"
    with pytest.raises(HistoryError, match="^" + re.escape(f"the history of {OLDEST} names an unsafe path {rel!r}")):
        rebuild_version(_articles(tmp_path), REGISTRY, OLDEST, dest)
    assert not (tmp_path / "out" / "outside.csv").exists()


def test_an_unregistered_version_is_refused_before_the_history_is_read(monkeypatch, tmp_path):
    def no_chain(*args):
        raise AssertionError("the history was read")

    monkeypatch.setattr(history, "chain", no_chain)
    with pytest.raises(HistoryError, match=r"^0\.0\.1 is not a registered version$"):
        rebuild_version(REPO, REGISTRY, "0.0.1", tmp_path / "v")


# --- the twins this process derived ------------------------------------------------------------------------


def _registered(files: dict[str, bytes]) -> dict[str, str]:
    return {rel: _sha(data) for rel, data in files.items()}


def test_the_twins_a_rebuild_wrote_are_recorded_as_derived_from_their_verified_csv(handed, oldest_files, tmp_path,
                                                                                    monkeypatch):
    """A later integrity check takes the twin's hash from what this process derived (not derived again)."""
    from china_russia_diplomacy.core import parquet_io

    monkeypatch.setattr(history, "_DERIVED", {})
    rebuild_version(_articles(tmp_path), REGISTRY, OLDEST, tmp_path / "v")

    def no_write(*args, **kwargs):
        raise AssertionError("derived again")

    monkeypatch.setattr(parquet_io, "parquet_bytes", no_write)
    registered = _registered(oldest_files)
    for res in json.loads(oldest_files["datapackage.json"])["resources"]:
        rel = res["parquet"]["path"]
        assert derived_parquet_sha256(tmp_path / "v", rel, registered) == _sha((tmp_path / "v" / rel).read_bytes()), rel
    # keyed by the registered descriptor and CSV: another CSV hash is not that record
    rel = "data/events.parquet"
    with pytest.raises(AssertionError, match="derived again"):
        derived_parquet_sha256(tmp_path / "v", rel, {**registered, "data/events.csv": "0" * 64})
    with pytest.raises(AssertionError, match="derived again"):
        derived_parquet_sha256(tmp_path / "v", rel, {**registered, "datapackage.json": "0" * 64})


def test_a_twin_is_derived_from_the_csv_when_this_process_did_not_rebuild_it(handed, oldest_files, tmp_path, monkeypatch):
    monkeypatch.setattr(history, "_DERIVED", {})
    rebuild_version(_articles(tmp_path), REGISTRY, OLDEST, tmp_path / "v")
    written = _sha((tmp_path / "v" / "data" / "events.parquet").read_bytes())
    monkeypatch.setattr(history, "_DERIVED", {})
    assert derived_parquet_sha256(tmp_path / "v", "data/events.parquet", _registered(oldest_files)) == written
    assert list(history._DERIVED.values()) == [written]


def test_no_twin_is_derived_for_a_file_or_a_registry_that_does_not_fix_it(handed, oldest_files, tmp_path, monkeypatch):
    rebuild_version(_articles(tmp_path), REGISTRY, OLDEST, tmp_path / "v")
    registered = _registered(oldest_files)
    root = tmp_path / "v"
    assert derived_parquet_sha256(root, "data/nothing.parquet", registered) is None
    assert derived_parquet_sha256(root, "data/events.csv", registered) is None  # a CSV is no twin
    assert derived_parquet_sha256(root, "data/events.parquet", {k: v for k, v in registered.items()
                                                                if k != "data/events.csv"}) is None
    assert derived_parquet_sha256(root, "data/events.parquet", {k: v for k, v in registered.items()
                                                                if k != "datapackage.json"}) is None


@pytest.mark.parametrize("damage", ["unreadable", "untyped"])
def test_no_twin_is_derived_from_a_csv_that_does_not_read_or_type(damage, handed, oldest_files, tmp_path, monkeypatch):
    rebuild_version(_articles(tmp_path), REGISTRY, OLDEST, tmp_path / "v")
    monkeypatch.setattr(history, "_DERIVED", {})
    path = tmp_path / "v" / "data" / "events.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes() if damage == "unreadable"
                     else _edit_cell(path.read_bytes(), "evidence_start", "many"))
    registered = {**_registered(oldest_files), "data/events.csv": _sha(path.read_bytes())}
    assert derived_parquet_sha256(tmp_path / "v", "data/events.parquet", registered) is None
    assert history._DERIVED == {}


# --- the articles -----------------------------------------------------------------------------------------------


def test_only_articles_whose_sha256_matches_the_version_s_sources_table_are_copied(handed, oldest_files, tmp_path):
    pkg = _articles(tmp_path)
    names = [r["file_name"] for r in csv.DictReader(io.StringIO(oldest_files["data/sources.csv"].decode("utf-8")))]
    changed, missing, kept = names[0], names[1], names[2:]
    (pkg / "sources" / changed).write_bytes((pkg / "sources" / changed).read_bytes() + b" ")
    (pkg / "sources" / missing).unlink()
    rebuild_version(pkg, REGISTRY, OLDEST, tmp_path / "v")
    assert sorted(p.name for p in (tmp_path / "v" / "sources").iterdir()) == sorted(kept)
    for name in kept:
        assert (tmp_path / "v" / "sources" / name).read_bytes() == (REPO / "sources" / name).read_bytes()


def test_an_article_that_links_out_of_the_installed_package_is_not_copied(handed, oldest_files, tmp_path):
    pkg = _articles(tmp_path)
    name = sorted(p.name for p in (pkg / "sources").iterdir())[0]
    outside = tmp_path / "outside.txt"
    shutil.move(pkg / "sources" / name, outside)
    (pkg / "sources" / name).symlink_to(outside)  # the right bytes, but outside the package
    rebuild_version(pkg, REGISTRY, OLDEST, tmp_path / "v")
    copied = sorted(p.name for p in (tmp_path / "v" / "sources").iterdir())
    assert name not in copied and len(copied) == len(list((REPO / "sources").glob("*.txt"))) - 1


def test_a_sources_row_without_a_file_name_copies_nothing_for_it(oldest_files):
    assert history._csv_sha256s(b"source_id,file_name,sha256\ns1,,abc\ns2,a.txt,def\n") == {"a.txt": "def"}
    assert history._csv_sha256s(b"file_name\nb.txt\n") == {"b.txt": ""}  # no digest: matches no article


def test_a_version_without_a_sources_table_copies_no_article(handed, oldest_files, tmp_path, monkeypatch):
    descriptor = json.loads(oldest_files["datapackage.json"])
    descriptor["resources"] = [r for r in descriptor["resources"] if r["path"] != "data/sources.csv"]
    files = {k: v for k, v in oldest_files.items() if k != "data/sources.csv"}
    files["datapackage.json"] = json.dumps(descriptor).encode()
    handed(files)
    monkeypatch.setattr(history, "check_citation", lambda files, release: None)  # the citation is the descriptor's
    rebuild_version(_articles(tmp_path), REGISTRY, OLDEST, tmp_path / "v")
    assert not (tmp_path / "v" / "sources").exists() and (tmp_path / "v" / "data" / "events.parquet").is_file()
