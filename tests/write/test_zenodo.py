"""The Zenodo deposit of the release workflow (publish/zenodo.py), rehearsed against a local stand-in of
the documented deposit API (tests/zenodo_standin.py, on 127.0.0.1) that also fails on purpose: one
concept record, one deposit per version, whatever failed before the re-run; and the DOI written back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from zenodo_standin import ZenodoStandIn

from china_russia_diplomacy.publish import zenodo

TITLE = "China–Russia leader diplomacy"


def _metadata(version: str) -> dict:
    return {"title": f"{TITLE} (version {version})", "upload_type": "dataset", "version": version,
            "creators": [{"name": "china-russia-diplomacy contributors"}], "license": "cc-by-4.0"}


def _archive(tmp_path: Path, version: str) -> Path:
    path = tmp_path / f"china-russia-diplomacy-{version}.zip"
    path.write_bytes(f"the archive of {version}".encode() * 100)
    return path


@pytest.fixture()
def standin():
    with ZenodoStandIn(slow_seconds=1.5) as server:
        yield server


def _client(server: ZenodoStandIn) -> zenodo.Client:
    return zenodo.Client(server.url, ZenodoStandIn.TOKEN, timeout=(2, 0.6))


def _deposit(server, archive, version, concept="", attempts=4):
    return zenodo.deposit(archive, _metadata(version), concept, _client(server), attempts=attempts, pause=0,
                          log=lambda m: None)


def test_the_first_version_creates_the_concept_and_later_ones_are_new_versions_of_it(standin, tmp_path):
    first = _deposit(standin, _archive(tmp_path, "1.0.0"), "1.0.0")
    assert first.doi and first.concept_doi and len(standin.published()) == 1
    second = _deposit(standin, _archive(tmp_path, "1.1.0"), "1.1.0", concept=first.concept_doi)
    assert second.concept_doi == first.concept_doi and second.doi != first.doi
    [new] = [d for d in standin.published() if d["metadata"]["version"] == "1.1.0"]
    assert [f["filename"] for f in new["files"]] == ["china-russia-diplomacy-1.1.0.zip"], "the copied 1.0.0 file stays behind"
    assert ("POST", f"/api/deposit/depositions/{standin.published()[0]['id']}/actions/newversion") in standin.calls
    assert second.download_url.endswith("/files/china-russia-diplomacy-1.1.0.zip?download=1")


def test_a_version_already_published_is_not_deposited_again(standin, tmp_path):
    first = _deposit(standin, _archive(tmp_path, "1.0.0"), "1.0.0")
    before = len(standin.calls)
    again = _deposit(standin, _archive(tmp_path, "1.0.0"), "1.0.0", concept=first.concept_doi)
    assert again == first and len(standin.depositions) == 1
    assert [c for c in standin.calls[before:] if c[0] != "GET"] == []


STEPS = {
    "create": ("POST", r"/depositions$"),
    "newversion": ("POST", r"/actions/newversion$"),
    "metadata": ("PUT", r"/depositions/\d+$"),
    "upload": ("PUT", r"/api/files/"),
    "publish": ("POST", r"/actions/publish$"),
    "search": ("GET", r"/depositions$"),
}


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("kind", ["5xx", "timeout", "cut"])
@pytest.mark.parametrize("step", ["newversion", "metadata", "upload", "publish", "search"])
def test_a_failure_at_any_step_never_creates_a_second_deposit(standin, tmp_path, step, kind, when):
    """A 5xx, a timeout or a cut connection, before or after the server acted: the retry continues from
    the server's state, and there is exactly one published 1.1.0, with exactly its archive."""
    seed = standin.seed_published("1.0.0", TITLE, {"china-russia-diplomacy-1.0.0.zip": b"old"})
    standin.fail(*STEPS[step], kind=kind, when=when)
    result = _deposit(standin, _archive(tmp_path, "1.1.0"), "1.1.0", concept=f"10.5072/zenodo.{seed['conceptrecid']}")
    versions = [d for d in standin.depositions.values() if d["metadata"].get("version") == "1.1.0"]
    assert len(versions) == 1 and versions[0]["submitted"] and not standin.drafts(), standin.depositions
    assert [f["filename"] for f in versions[0]["files"]] == ["china-russia-diplomacy-1.1.0.zip"]
    assert len(standin.depositions) == 2 and result.doi == versions[0]["doi"]
    assert not standin.failures, "the injected failure never fired"


@pytest.mark.parametrize("kind", ["5xx", "cut"])
def test_the_very_first_deposit_is_not_made_twice_either(standin, tmp_path, kind):
    standin.fail(*STEPS["create"], kind=kind, when="after")
    _deposit(standin, _archive(tmp_path, "1.0.0"), "1.0.0")
    assert len(standin.depositions) == 1 and len(standin.published()) == 1


def test_a_rerun_after_giving_up_continues_the_same_draft(standin, tmp_path):
    """The workflow failed for good (every attempt); re-running it later finishes the same deposit."""
    seed = standin.seed_published("1.0.0", TITLE, {"a.zip": b"old"})
    concept = f"10.5072/zenodo.{seed['conceptrecid']}"
    for _ in range(3):
        standin.fail(*STEPS["publish"], kind="5xx")
    with pytest.raises(zenodo.ZenodoError, match="after 3 attempts"):
        _deposit(standin, _archive(tmp_path, "1.1.0"), "1.1.0", concept=concept, attempts=3)
    assert len(standin.drafts()) == 1
    _deposit(standin, _archive(tmp_path, "1.1.0"), "1.1.0", concept=concept)
    assert len(standin.depositions) == 2 and not standin.drafts()
    uploads = [c for c in standin.calls if c[0] == "PUT" and c[1].startswith("/api/files/")]
    assert len(uploads) == 1, "the archive already in the draft (same MD5) is not sent again"


def test_a_foreign_draft_is_not_taken_over(standin, tmp_path):
    seed = standin.seed_published("1.0.0", TITLE, {"a.zip": b"old"})
    draft = standin._new({"title": "someone's draft", "version": "7.7.7"}, int(seed["conceptrecid"]))
    with pytest.raises(zenodo.ZenodoError, match=f"unpublished draft of version '7.7.7' \\(deposition {draft['id']}\\)"):
        _deposit(standin, _archive(tmp_path, "1.1.0"), "1.1.0", concept=f"10.5072/zenodo.{seed['conceptrecid']}")


def test_write_back_records_the_doi_and_url_and_the_concept_doi_once(package_copy, repo, tmp_path):
    from china_russia_diplomacy.core.registry import read_registry

    (package_copy / "releases.json").write_bytes((repo / "releases.json").read_bytes())
    version = read_registry(package_copy).versions[-1]
    result = zenodo.Deposited("10.5072/zenodo.2002", "10.5072/zenodo.2001", "2002", "http://z/records/2002/files/a.zip?download=1")
    assert zenodo.write_back(package_copy, version, result) == ["releases.json", "schemas/package.json"]
    entry = read_registry(package_copy).get(version)
    assert entry.doi == "10.5072/zenodo.2002" and entry.urls[-1] == result.download_url
    assert json.loads((package_copy / "schemas" / "package.json").read_text(encoding="utf-8"))["conceptDoi"] == "10.5072/zenodo.2001"
    assert zenodo.write_back(package_copy, version, result) == [], "a re-run changes nothing"


def test_the_command_refuses_without_a_token_in_one_line(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("ZENODO_TOKEN", raising=False)
    assert zenodo.main(["deposit", str(tmp_path / "a.zip")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ZENODO_TOKEN is not set") and err.count("\n") == 1


def test_the_command_deposits_and_writes_back(standin, package_copy, repo, tmp_path, monkeypatch, capsys):
    """What the workflow runs, end to end against the stand-in: deposit, then the DOI in releases.json."""
    from china_russia_diplomacy.core.metadata import read_metadata
    from china_russia_diplomacy.core.registry import Release, read_registry, write_registry

    meta = read_metadata(package_copy)
    registry = read_registry(repo)
    if registry.get(meta.version) is None:
        registry = registry.with_release(Release(meta.version, "2099-01-02", "0" * 40, "x.zip", 1, "0" * 64, {}))
    write_registry(package_copy, registry)
    monkeypatch.setenv("ZENODO_TOKEN", ZenodoStandIn.TOKEN)
    monkeypatch.setenv("ZENODO_URL", standin.url)
    archive = _archive(tmp_path, meta.version)
    assert zenodo.main(["deposit", str(archive), "--dir", str(package_copy)]) == 0, capsys.readouterr().err
    printed = json.loads(capsys.readouterr().out)
    [published] = standin.published()
    assert published["metadata"]["title"].startswith(meta.package["title"]) and published["metadata"]["version"] == meta.version
    assert read_registry(package_copy).get(meta.version).doi == printed["doi"] == published["doi"]


def test_the_workflows_two_steps_deposit_at_the_tag_and_write_back_on_main(standin, package_copy, repo, tmp_path,
                                                                          monkeypatch, capsys):
    from china_russia_diplomacy.core.metadata import read_metadata
    from china_russia_diplomacy.core.registry import Release, read_registry, write_registry

    meta = read_metadata(package_copy)
    registry = read_registry(repo)
    if registry.get(meta.version) is None:
        registry = registry.with_release(Release(meta.version, "2099-01-02", "0" * 40, "x.zip", 1, "0" * 64, {}))
    write_registry(package_copy, registry)
    before = (package_copy / "releases.json").read_bytes()
    monkeypatch.setenv("ZENODO_TOKEN", ZenodoStandIn.TOKEN)
    monkeypatch.setenv("ZENODO_URL", standin.url)
    archive = _archive(tmp_path, meta.version)
    assert zenodo.main(["deposit", "--no-write-back", str(archive), "--dir", str(package_copy)]) == 0
    (tmp_path / "deposit.json").write_text(capsys.readouterr().out, encoding="utf-8")
    assert (package_copy / "releases.json").read_bytes() == before, "--no-write-back wrote"
    assert zenodo.main(["write-back", str(tmp_path / "deposit.json"), "--version", meta.version, "--dir", str(package_copy)]) == 0
    [published] = standin.published()
    assert read_registry(package_copy).get(meta.version).doi == published["doi"]
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    assert zenodo.main(["write-back", str(tmp_path / "bad.json"), "--version", meta.version, "--dir", str(package_copy)]) == 1
