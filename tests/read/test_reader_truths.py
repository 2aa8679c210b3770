"""Reader API truths (issue 23): fetch of the installed version, "v1.0.0", "did you mean", crd.article()
and the citation of a registered version derived from what releases.json fixes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import china_russia_diplomacy as crd
from china_russia_diplomacy.core.errors import UntrustedInputError, UsageError
from china_russia_diplomacy.core.locate import installed_package_dir
from china_russia_diplomacy.core.registry import VersionError, read_registry
from china_russia_diplomacy.read import history

REPO = Path(__file__).resolve().parents[2]
REGISTRY = read_registry(REPO)
OLDER = [r.version for r in history.older_releases(REGISTRY, crd.__version__)]


def test_fetch_of_the_installed_version_is_the_installed_folder_not_a_rebuild_recipe(version_cache, capsys):
    """Regression: `fetch 1.2.1` with 1.2.1 installed failed, telling a reader to rebuild it in a checkout."""
    from china_russia_diplomacy.cli import main

    assert crd.fetch(crd.__version__) == installed_package_dir()
    assert main(["fetch", crd.__version__]) == 0
    assert "installed" in capsys.readouterr().out
    assert not version_cache.exists(), "nothing is fetched or cached for the installed version"


@pytest.mark.parametrize("spelled", ["v{}", "V{}", " {} "])
def test_a_version_written_as_a_tag_is_understood(spelled, version_cache):
    version = OLDER[-1]
    assert crd.load("events", version=spelled.format(version)).attrs["version"] == version
    assert crd.fetch(spelled.format(crd.__version__)) == installed_package_dir()


def test_an_unknown_version_suggests_the_closest_registered_one(version_cache):
    near = OLDER[0][:-1] + "9" if not OLDER[0].endswith("9") else OLDER[0][:-1] + "8"
    with pytest.raises(VersionError, match=r"unknown version .*did you mean '\d+\.\d+\.\d+'\?.*registers"):
        crd.load("events", version=near)


def test_an_unknown_table_suggests_the_closest_one_and_is_still_a_key_error():
    for call in (lambda: crd.load("event"), lambda: crd.schema("quote"), lambda: crd.path("participant")):
        with pytest.raises(UsageError) as err:
            call()
        assert isinstance(err.value, KeyError) and "did you mean" in str(err.value) and not str(err.value).startswith("'")


@pytest.mark.parametrize("version", [None, *OLDER[-1:]])
def test_article_text_is_what_every_evidence_offset_indexes(version, version_cache):
    kwargs = {} if version is None else {"version": version}
    mentions = crd.load("event_mentions", **kwargs)
    for row in mentions.itertuples():
        text = crd.article(row.source_id, **kwargs).text
        assert text[row.evidence_start:row.evidence_end] == row.evidence, row.mention_id
    first = crd.article(mentions.iloc[0].source_id, **kwargs)
    assert first.version == (version or crd.__version__) and str(first) == first.text
    assert first.metadata["source_id"] == first.source_id and first.metadata["char_count"] == len(first.text)
    assert hashlib.sha256(first.path.read_bytes()).hexdigest() == first.metadata["sha256"]


def test_article_of_an_unknown_source_suggests_the_closest():
    with pytest.raises(UsageError, match=r"unknown source_id 'src-001' \(did you mean 'src-0001'\?\)"):
        crd.article("src-001")


def test_article_refuses_an_altered_archived_file(package_copy):
    name = crd.article("src-0001").metadata["file_name"]
    path = package_copy / "sources" / name
    path.write_bytes(path.read_bytes().replace(b"e", b"a", 1))
    with pytest.raises(UntrustedInputError, match=rf"{name}.*SHA-256 differs from sources.sha256 of src-0001"):
        crd.article("src-0001", package_dir=package_copy)


@pytest.mark.parametrize("version", OLDER)
def test_the_derived_citation_of_every_registered_version_is_the_citation_it_shipped(version, tmp_path):
    """cite(version=) derives the record from the registry-fixed descriptor and date; this proves the
    derivation faithful: it equals the CITATION.cff the version's history rebuilds."""
    from china_russia_diplomacy.core.citation import installed_record
    from china_russia_diplomacy.read.cite import registered_record

    history.rebuild_version(REPO, REGISTRY, version, tmp_path / "v")
    assert registered_record(tmp_path / "v", version) == installed_record(tmp_path / "v")


def test_connect_reads_a_registered_version(version_cache):
    pytest.importorskip("duckdb")
    version = OLDER[0]
    con = crd.connect(version=version)
    assert con.execute("select count(*) from events").fetchone()[0] == len(crd.load("events", version=version))


def test_scan_and_connect_read_a_csv_export_typed_like_load(tmp_path):
    """A CSV-only package (export --format csv) has no Parquet twins: scan and connect type its CSVs as load does."""
    pl = pytest.importorskip("polars")
    pytest.importorskip("duckdb")
    from china_russia_diplomacy.exports.export import export

    out = tmp_path / "csv"
    export("csv", out)
    expected = crd.load("events", backend="polars", package_dir=out)
    assert crd.scan("events", package_dir=out).collect().equals(expected)
    con = crd.connect(out)
    assert con.execute("select count(*) from events").fetchone()[0] == expected.height
    types = {name: kind for name, kind, *_ in con.execute("describe events").fetchall()}
    assert types["date_start"] == "DATE" and types["num_sources"] == "BIGINT"
    assert expected.schema["date_start"] == pl.Date
