"""Faults in a package folder, descriptor or cache someone hands the read side (issue 26): resource paths
that leave the folder, malformed descriptors, a package_dir that is a file, an edited copy, a folder name
that is a glob pattern, a cache or history that vouches for itself. Each ends in the package's own error
(UntrustedInputError or UsageError, one line naming the path) or, for an edited copy, in a result that
never carries the published version's name."""

from __future__ import annotations

import json
import shutil
import warnings
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import china_russia_diplomacy as crd
from china_russia_diplomacy.core.errors import UntrustedInputError, UsageError
from china_russia_diplomacy.read.folder_check import ModifiedPackageWarning

REPO = Path(__file__).resolve().parents[3]
defect = pytest.mark.defect
ODD = "Thesis O'Brien [final] Тезис"
VERSION = crd.__version__


def _one_line(exc: BaseException) -> str:
    message = str(exc)
    assert "\n" not in message and "Traceback" not in message, message
    return message


def _edit_descriptor(package: Path, edit) -> Path:
    descriptor = package / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    edit(data)
    descriptor.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return descriptor


def _events(data) -> dict:
    return next(r for r in data["resources"] if r["name"] == "events")


# --- resource paths ---------------------------------------------------------------------------------------


@defect("package: resource path leaves the folder")
@pytest.mark.parametrize("entry", ["csv", "parquet"])
@pytest.mark.parametrize("bad", ["/etc/hostname", "../outside.parquet", "data/../../outside.parquet",
                                 "https://example.org/events.parquet", "file:///etc/hostname", "C:/data/events.parquet",
                                 "data\\events.parquet"])
def test_a_descriptor_path_that_is_absolute_up_or_a_url_is_refused_naming_descriptor_resource_and_path(package_copy, entry, bad):
    def edit(data):
        res = _events(data)
        (res if entry == "csv" else res["parquet"])["path"] = bad
        res.pop("parquet", None) if entry == "csv" else None  # make load() read the CSV path

    descriptor = _edit_descriptor(package_copy, edit)
    with pytest.raises(UntrustedInputError) as err:
        crd.load("events", package_dir=package_copy)
    message = _one_line(err.value)
    assert str(descriptor) in message and "'events'" in message and repr(bad) in message


@defect("package: resource path leaves the folder")
@pytest.mark.parametrize("how", ["file link", "folder link", "descriptor link"])
def test_a_link_inside_the_folder_that_points_outside_is_refused_not_followed(package_copy, tmp_path, how):
    outside = tmp_path / "outside"
    outside.mkdir()
    foreign = pa.table({"event_id": ["evt-9999"]})
    pq.write_table(foreign, outside / "events.parquet")
    if how == "file link":
        target = package_copy / "data" / "events.parquet"
        target.unlink()
        target.symlink_to(outside / "events.parquet")
    elif how == "folder link":
        shutil.copytree(package_copy / "data", outside / "data", dirs_exist_ok=True)
        pq.write_table(foreign, outside / "data" / "events.parquet")
        shutil.rmtree(package_copy / "data")
        (package_copy / "data").symlink_to(outside / "data")
    else:
        shutil.copy(package_copy / "datapackage.json", outside / "datapackage.json")
        (package_copy / "datapackage.json").unlink()
        (package_copy / "datapackage.json").symlink_to(outside / "datapackage.json")
    with pytest.raises(UntrustedInputError) as err:
        crd.load("events", package_dir=package_copy)
    message = _one_line(err.value)
    assert "outside the package" in message and str(package_copy) in message
    assert {"file link": "'data/events.parquet'", "folder link": "'data/", "descriptor link": "datapackage.json"}[how] in message


def test_a_link_that_stays_inside_the_folder_is_read(package_copy):
    """The check is on where a path resolves, not on links as such: a link to a file of the package is fine."""
    (package_copy / "alias").mkdir()
    shutil.move(package_copy / "data" / "events.parquet", package_copy / "alias" / "events.parquet")
    (package_copy / "data" / "events.parquet").symlink_to(package_copy / "alias" / "events.parquet")
    assert crd.load("events", package_dir=package_copy).attrs["version"] == VERSION


@defect("package: resource path leaves the folder")
def test_an_article_link_leaving_the_folder_is_refused_by_article(package_copy, tmp_path):
    name = crd.article("src-0001").metadata["file_name"]
    (tmp_path / "secret.txt").write_text("not an article", encoding="utf-8")
    (package_copy / "sources" / name).unlink()
    (package_copy / "sources" / name).symlink_to(tmp_path / "secret.txt")
    with pytest.raises(UntrustedInputError) as err:
        crd.article("src-0001", package_dir=package_copy)
    assert f"sources/{name}" in _one_line(err.value) and "outside the package" in str(err.value)


# --- descriptors --------------------------------------------------------------------------------------------


@defect("package: descriptor malformed")
@pytest.mark.parametrize("kind, says", [
    ("deeply nested", "deeper than"),
    ("moderately nested", "deeper than"),
    ("UTF-16", "UTF-16"),
    ("UTF-8 with BOM", "byte order mark"),
    ("Latin-1", "not UTF-8"),
    ("too large", "larger than"),
    ("a JSON array", "not an object"),
    ("no resources", "no 'resources'"),
    ("resource not an object", "resource 0 is not an object"),
    ("resource listed twice", "listed twice"),
    ("schema without fields", "no 'schema' object"),
])
def test_a_malformed_descriptor_is_one_untrusted_input_line_naming_it(package_copy, kind, says):
    from china_russia_diplomacy.core.descriptor_file import SIZE_LIMIT

    descriptor = package_copy / "datapackage.json"
    text = descriptor.read_text(encoding="utf-8")
    data = {
        "deeply nested": lambda: b"[" * 200_000 + b"]" * 200_000,
        "moderately nested": lambda: ('{"resources": [' + "[" * 100 + "]" * 100 + "]}").encode(),
        "UTF-16": lambda: text.encode("utf-16"),
        "UTF-8 with BOM": lambda: b"\xef\xbb\xbf" + text.encode("utf-8"),
        "Latin-1": lambda: text.replace("China", "Chïna", 1).encode("latin-1", "replace"),
        "too large": lambda: b" " * (SIZE_LIMIT + 1) + text.encode(),
        "a JSON array": lambda: b"[]",
        "no resources": lambda: b'{"name": "x"}',
        "resource not an object": lambda: b'{"resources": [1]}',
        "resource listed twice": lambda: json.dumps({**json.loads(text), "resources": json.loads(text)["resources"] * 2}).encode(),
        "schema without fields": lambda: json.dumps({**json.loads(text), "resources": [
            {**r, "schema": {"fields": "x"}} for r in json.loads(text)["resources"]]}).encode(),
    }[kind]()
    descriptor.write_bytes(data)
    for call in (lambda: crd.load("events", package_dir=package_copy), lambda: crd.tables(package_copy),
                 lambda: crd.verify(package_copy)):
        with pytest.raises(UntrustedInputError) as err:
            call()
        message = _one_line(err.value)
        assert str(descriptor) in message and says in message, message


# --- what package_dir may be --------------------------------------------------------------------------------


@defect("package: package_dir a file")
def test_package_dir_may_be_the_descriptor_file_itself(package_copy):
    events = crd.load("events", package_dir=package_copy / "datapackage.json")
    assert events.attrs["version"] == VERSION and len(events) == len(crd.load("events"))


@defect("package: package_dir a file")
@pytest.mark.parametrize("name", ["copy.ZIP", "copy.Zip", "release-without-suffix"])
def test_a_zip_is_recognised_by_its_content_not_the_case_of_its_suffix(package_copy, tmp_path, version_cache, name):
    archive = tmp_path / name
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(package_copy.rglob("*")):
            if path.is_file():
                zf.write(path, f"pkg/{path.relative_to(package_copy).as_posix()}")
    assert crd.load("events", package_dir=archive).attrs["version"] == VERSION


@defect("package: package_dir a file")
@pytest.mark.parametrize("what", ["a CSV", "a JSON file", "a directory's README"])
def test_any_other_file_as_package_dir_is_a_usage_error_saying_what_is_accepted(package_copy, what):
    given = {"a CSV": package_copy / "data" / "events.csv", "a JSON file": package_copy / "schemas" / "package.json",
             "a directory's README": package_copy / "README.md"}[what]
    with pytest.raises(UsageError) as err:
        crd.load("events", package_dir=given)
    message = _one_line(err.value)
    assert str(given) in message and "datapackage.json" in message and "zip" in message


# --- edited copies ------------------------------------------------------------------------------------------


def _edit_cell(package: Path) -> None:
    events = package / "data" / "events.csv"
    events.write_bytes(events.read_bytes().replace(b"occurred", b"expected", 1))  # same length: only the hash tells


@defect("package: edited copy labelled as the published version")
def test_a_folder_with_one_edited_cell_is_never_labelled_as_the_published_version(package_copy):
    _edit_cell(package_copy)
    with pytest.warns(ModifiedPackageWarning) as caught:
        frame = crd.load("events", package_dir=package_copy)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "\n" not in message and "data/events.csv" in message and f"{VERSION}+modified" in message
    assert str(package_copy) in message
    assert frame.attrs["version"] == f"{VERSION}+modified"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one warning per folder state and process, not one per call
        arrow = crd.load("quotes", backend="arrow", package_dir=package_copy)
        assert arrow.schema.metadata[b"version"] == f"{VERSION}+modified".encode()
        assert {f.attrs["version"] for f in crd.load_all(package_dir=package_copy).values()} == {f"{VERSION}+modified"}
        pytest.importorskip("polars")
        assert crd.load("events", backend="polars", package_dir=package_copy).attrs["version"] == f"{VERSION}+modified"


@defect("package: edited copy labelled as the published version")
def test_scan_and_connect_of_an_edited_folder_warn_too(package_copy):
    pytest.importorskip("polars")
    pytest.importorskip("duckdb")
    parquet = package_copy / "data" / "events.parquet"
    table = pq.read_table(parquet)
    pq.write_table(table.slice(0, 3), parquet)  # a twin rewritten, descriptor not re-hashed
    with pytest.warns(ModifiedPackageWarning, match="data/events.parquet"):
        crd.scan("events", package_dir=package_copy)
    _edit_cell(package_copy)  # a new state of the folder: warned about again
    with pytest.warns(ModifiedPackageWarning, match="data/events.csv"):
        crd.connect(package_copy)


def test_an_intact_copy_loads_without_a_warning_and_hashes_once(package_copy, monkeypatch):
    from china_russia_diplomacy.read import folder_check

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert crd.load("events", package_dir=package_copy).attrs["version"] == VERSION
    calls = []
    monkeypatch.setattr(folder_check, "sha256_file", lambda p: calls.append(p) or "x")
    crd.load("events", package_dir=package_copy)
    assert calls == [], "an unchanged file was hashed again in the same process"


def test_an_edit_that_keeps_size_and_mtime_is_still_seen_in_the_same_process(package_copy):
    """The per-process hash cache must not take a file's size and modification time for its content:
    one cell replaced by another of the same length, and the mtime set back (``touch -r``), is a new
    state of the file (its status-change time moved) and is labelled ``+modified``."""
    import os

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert crd.load("events", package_dir=package_copy).attrs["version"] == VERSION  # cached as intact
    csv = package_copy / "data" / "events.csv"
    st = csv.stat()
    data = csv.read_bytes()
    at = data.index(b"evt-0001,") + len(b"evt-0001,")
    edited = data[:at] + (b"X" if data[at:at + 1] != b"X" else b"Y") + data[at + 1:]
    assert len(edited) == len(data)
    csv.write_bytes(edited)
    os.utime(csv, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert csv.stat().st_size == st.st_size and csv.stat().st_mtime_ns == st.st_mtime_ns
    with pytest.warns(ModifiedPackageWarning, match="data/events.csv"):
        assert crd.load("events", package_dir=package_copy).attrs["version"] == f"{VERSION}+modified"


# --- paths are paths ----------------------------------------------------------------------------------------


@pytest.fixture()
def odd_place(tmp_path, monkeypatch):
    """A folder named with brackets, a quote, spaces and Cyrillic, next to a decoy folder its brackets
    would match as a glob pattern ("Thesis O'Brien f Тезис" is what "[final]" matches first)."""
    odd = tmp_path / ODD
    odd.mkdir()
    decoy = tmp_path / "Thesis O'Brien f Тезис"
    (decoy / "pkg" / "data").mkdir(parents=True)
    (decoy / "cache").mkdir()
    monkeypatch.setenv("CRD_CACHE_DIR", str(odd / "cache"))
    monkeypatch.delenv("CRD_RELEASES_URL", raising=False)
    return odd, decoy


@defect("path: folder name read as a pattern")
def test_load_scan_connect_and_export_under_an_odd_folder_name_read_that_folder(package_copy, odd_place):
    pl = pytest.importorskip("polars")
    pytest.importorskip("duckdb")
    odd, decoy = odd_place
    package = Path(shutil.move(package_copy, odd / "pkg"))
    shutil.copytree(package, decoy / "pkg", dirs_exist_ok=True)
    pq.write_table(pq.read_table(package / "data" / "events.parquet").slice(0, 1), decoy / "pkg" / "data" / "events.parquet")
    rows = len(crd.load("events"))
    assert len(crd.load("events", package_dir=package)) == rows
    assert crd.scan("events", package_dir=package).select(pl.len()).collect().item() == rows
    assert crd.connect(package).execute("select count(*) from events").fetchone()[0] == rows
    from china_russia_diplomacy.exports.export import export

    written = export("csv", odd / "out", package_dir=package)
    assert written and all(str(odd) in str(p) for p in written)


@defect("path: folder name read as a pattern")
def test_a_registered_version_cached_under_an_odd_folder_name_is_read_from_there(odd_place):
    pl = pytest.importorskip("polars")
    pytest.importorskip("duckdb")
    version = _older_version()
    events = crd.load("events", version=version)
    assert events.attrs["version"] == version
    assert crd.scan("events", version=version).select(pl.len()).collect().item() == len(events)
    assert crd.connect(version=version).execute("select count(*) from events").fetchone()[0] == len(events)
    assert str(odd_place[0]) in str(crd.path("events", "parquet", crd.fetch(version)))


# --- caches and history that vouch for themselves ---------------------------------------------------------


def _older_version() -> str:
    from china_russia_diplomacy.read import history, version_store

    return [r.version for r in history.older_releases(version_store.registry(), VERSION)][-1]


@defect("cache: entry edited with its own record")
def test_a_cached_twin_edited_together_with_its_derived_record_is_not_served(version_cache):
    import hashlib

    version = _older_version()
    published = crd.load("events", version=version)
    root = crd.fetch(version)
    parquet = root / "data" / "events.parquet"
    pq.write_table(pq.read_table(parquet).slice(0, 2), parquet)
    # What the 1.2.x cache trusted: a record of the twin's own hash, next to it, in the cache
    (root / ".derived.json").write_text(json.dumps({"data/events.parquet": hashlib.sha256(parquet.read_bytes()).hexdigest()}))
    again = crd.load("events", version=version)
    assert again.equals(published), "an edited cached twin was served as the registered version"


@defect("history: edited citation")
def test_an_edited_history_cannot_re_date_or_re_title_a_registered_versions_citation(tmp_path, version_cache, monkeypatch):
    import hashlib

    from package_edits import copy_readable_package

    version = _older_version()
    honest = crd.cite("cff", version=version)
    shutil.rmtree(version_cache, ignore_errors=True)
    package = copy_readable_package(REPO, tmp_path / "pkg")
    link = package / "history" / f"{version}.json"
    data = json.loads(link.read_text(encoding="utf-8"))
    patch = data["files"].get("CITATION.cff")
    assert patch is not None, "the history no longer carries CITATION.cff: nothing to tamper with"
    # A forger rewrites the patch and its recorded SHA-256 together, so the history's own check passes.
    forged = (honest.replace("date-released: '20", "date-released: '19").replace("title: '", "title: 'Forged ")
              .encode("utf-8"))
    assert forged != honest.encode("utf-8")
    data["files"]["CITATION.cff"] = {"base_sha256": patch["base_sha256"], "ops": [["+", forged.decode().split("\n")]],
                                     "sha256": hashlib.sha256(forged).hexdigest()}
    link.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("CHINA_RUSSIA_DIPLOMACY_DIR", str(package))
    with pytest.raises(crd.CRDError) as err:
        crd.cite("cff", version=version)
    message = _one_line(err.value)
    assert "CITATION.cff" in message and "refused" in message and version in message
    assert not (version_cache / "versions" / version).exists(), "a forged rebuild must not stay in the cache"


@defect("history: edited citation")
def test_a_citation_edited_in_the_cache_is_not_kept_as_the_versions_citation(version_cache):
    version = _older_version()
    honest = crd.cite("cff", version=version)
    cached = crd.fetch(version) / "CITATION.cff"
    cached.write_text(cached.read_text(encoding="utf-8").replace("date-released: '20", "date-released: '19"), encoding="utf-8")
    assert crd.cite("cff", version=version) == honest
    assert crd.load("events", version=version).attrs["version"] == version
    assert cached.read_text(encoding="utf-8") == honest, "the edited cached CITATION.cff was kept"


@defect("cache: entry edited with its own record")
def test_an_unpacked_zip_edited_in_the_cache_with_its_descriptor_re_hashed_is_unpacked_again(package_copy, tmp_path, version_cache):
    import hashlib

    from china_russia_diplomacy.read import version_store

    archive = tmp_path / "copy.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(package_copy.rglob("*")):
            if path.is_file():
                zf.write(path, f"pkg/{path.relative_to(package_copy).as_posix()}")
    published = crd.load("events", package_dir=archive)
    [root] = [p.parent for p in (version_cache / "zips").rglob("datapackage.json")]
    parquet = root / "data" / "events.parquet"
    pq.write_table(pq.read_table(parquet).slice(0, 2), parquet)
    data = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    twin = _events(data)["parquet"]
    twin["hash"], twin["bytes"] = "sha256:" + hashlib.sha256(parquet.read_bytes()).hexdigest(), parquet.stat().st_size
    (root / "datapackage.json").write_text(json.dumps(data), encoding="utf-8")
    version_store._unpacked_zip.cache_clear()  # as a new process would
    assert crd.load("events", package_dir=archive).equals(published), "the edited cache entry was served as the zip"


@defect("package: edited copy labelled as the published version")
def test_cite_of_an_edited_folder_cites_it_as_modified(package_copy):
    _edit_cell(package_copy)
    with pytest.warns(ModifiedPackageWarning):
        cited = crd.cite("apa", package_dir=package_copy)
    assert f"(Version {VERSION}+modified)" in cited
