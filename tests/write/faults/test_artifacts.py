"""Artifact-level defects: built files that no longer match datapackage.json, each other or the schemas."""

from __future__ import annotations

import hashlib
import json
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from china_russia_diplomacy.read.loader import check, verify

from .inject import CsvTable, assert_caught

defect = pytest.mark.defect


def _flip_middle_byte(path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _rehash(pkg, table: str, which: str) -> None:
    """Record the current bytes of a file in datapackage.json, as a forger would."""
    descriptor = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in descriptor["resources"] if r["name"] == table)
    entry = res if which == "csv" else res["parquet"]
    data = (pkg / entry["path"]).read_bytes()
    entry["bytes"], entry["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
    (pkg / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@defect("artifact: Parquet hash mismatch")
def test_changed_parquet_is_reported_by_validate_and_verify(pkg):
    _flip_middle_byte(pkg / "data" / "events.parquet")
    f = assert_caught(pkg, "events", "hash")
    assert "data/events.parquet" in f.message
    assert any(p.startswith("data/events.parquet: sha256") for p in verify(pkg))
    with pytest.raises(RuntimeError, match="events.parquet"):
        check(pkg)


@defect("artifact: CSV hash mismatch")
def test_csv_edited_after_build_is_reported_until_rebuilt(pkg):
    from china_russia_diplomacy.build.pipeline import build
    from china_russia_diplomacy.validation import validate_package

    t = CsvTable.open(pkg, "events")
    t.set(0, "notes", (t.get(0, "notes") + " Edited after the build.").strip())
    t.save()
    f = assert_caught(pkg, "events", "hash")
    assert "data/events.csv" in f.message
    assert any(p.startswith("data/events.csv: sha256") for p in verify(pkg))
    build(pkg)  # a valid edit: build takes it in and the package is consistent again
    assert validate_package(pkg).valid and verify(pkg) == []


@defect("artifact: Parquet out of step with CSV")
def test_parquet_with_other_values_but_matching_hash_is_reported(pkg):
    path = pkg / "data" / "events.parquet"
    table = pq.read_table(path)
    titles = table.column("title").to_pylist()
    titles[0] = titles[0] + " (altered)"
    table = table.set_column(table.schema.get_field_index("title"), table.schema.field("title"),
                             pa.array(titles, table.schema.field("title").type))
    pq.write_table(table, path)
    _rehash(pkg, "events", "parquet")
    assert verify(pkg) == []  # the hashes were forged: only comparing contents can tell
    f = assert_caught(pkg, "events", "parquet-csv")
    assert "cell values differ" in f.message


@defect("artifact: Parquet out of step with CSV")
def test_parquet_missing_a_row_is_reported(pkg):
    path = pkg / "data" / "participants.parquet"
    table = pq.read_table(path)
    pq.write_table(table.slice(1), path)
    _rehash(pkg, "participants", "parquet")
    f = assert_caught(pkg, "participants", "parquet-csv")
    assert f"{table.num_rows - 1} rows" in f.message


@defect("artifact: unreadable Parquet")
def test_truncated_parquet_is_reported(pkg):
    path = pkg / "data" / "quotes.parquet"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    _rehash(pkg, "quotes", "parquet")
    assert_caught(pkg, "quotes", "parquet-unreadable")


@defect("artifact: stale datapackage.json (schema edit)")
def test_schema_description_edited_without_rebuild_is_reported(pkg):
    from china_russia_diplomacy.build.pipeline import build
    from china_russia_diplomacy.validation import validate_package

    path = pkg / "schemas" / "events.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"][2]["description"] += " Edited."
    path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert_caught(pkg, "events", "descriptor-stale")
    changed, _ = build(pkg)
    assert "datapackage.json" in changed and validate_package(pkg).valid


@defect("artifact: stale datapackage.json (version)")
def test_version_bumped_without_rebuild_is_reported(pkg):
    path = pkg / "schemas" / "package.json"
    text = path.read_text(encoding="utf-8")
    version = json.loads(text)["version"]
    major, minor, patch = version.split("-")[0].split(".")[:3]
    path.write_text(text.replace(f'"version": "{version}"', f'"version": "{major}.{minor}.{int(patch) + 1}"', 1), encoding="utf-8")
    assert_caught(pkg, "package", "descriptor-stale", column="version")


@defect("artifact: datapackage.json missing")
def test_missing_descriptor_is_reported(pkg):
    (pkg / "datapackage.json").unlink()
    assert_caught(pkg, "package", "descriptor-missing")


def _installed_copy(pkg, dest):
    """The layout a wheel ships (``_package/``): the descriptor, data and sources, no build inputs needed."""
    dest.mkdir(parents=True)
    shutil.copy2(pkg / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(pkg / "data", dest / "data")
    shutil.copytree(pkg / "sources", dest / "sources")
    return dest


@defect("artifact: tampered installed package")
@pytest.mark.parametrize("victim", ["data/events.csv", "data/quotes.parquet"])
def test_tampered_file_in_installed_package_is_caught_by_verify(pkg, tmp_path, monkeypatch, victim):
    import china_russia_diplomacy as crd
    from china_russia_diplomacy.validation import validate_package

    installed = _installed_copy(pkg, tmp_path / "site" / "_package")
    monkeypatch.setenv("CHINA_RUSSIA_DIPLOMACY_DIR", str(installed))
    assert crd.verify() == []
    _flip_middle_byte(installed / victim)
    problems = crd.verify()
    assert [p.split(":")[0] for p in problems] == [victim]
    assert crd.verify(package_dir=installed) == problems
    with pytest.raises(RuntimeError, match=victim):
        crd.check()
    table = victim.split("/")[1].split(".")[0]
    # without schemas/, validation reads the schemas inlined in datapackage.json and still finds it
    assert_caught(installed, table, "hash")
    assert not validate_package(installed).valid


@defect("artifact: tampered installed package")
def test_deleted_file_in_installed_package_is_caught_by_verify(pkg, tmp_path):
    installed = _installed_copy(pkg, tmp_path / "site" / "_package")
    (installed / "data" / "agreements.parquet").unlink()
    assert verify(installed) == ["data/agreements.parquet: missing"]
