"""Publishing from a tag: the release workflow does what RELEASING.md says, and publish-check lists what a
person still has to give (one line each) from the one place the citation metadata lives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from china_russia_diplomacy import cli
from china_russia_diplomacy.publish.release import publishing_needs

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load((REPO / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))


def _runs(job: dict) -> str:
    return "\n".join(str(step.get("run", "")) + str(step.get("uses", "")) for step in job["steps"])


def test_the_workflow_runs_on_version_tags_and_checks_the_tag_against_the_data_version(workflow, tmp_path):
    assert workflow[True]["push"]["tags"] == ["v*"]  # YAML reads the key `on` as true
    build = workflow["jobs"]["build"]
    [check] = [s for s in build["steps"] if s.get("id") == "version"]
    # The check itself, run as the workflow runs it: a tag that is not the data version fails.
    version = json.loads((REPO / "schemas" / "package.json").read_text(encoding="utf-8"))["version"]
    env = {"GITHUB_OUTPUT": str(tmp_path / "out"), "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
           "PYTHONPATH": str(REPO / "src")}
    wrong = subprocess.run(["bash", "-c", check["run"]], cwd=REPO, env={**env, "GITHUB_REF_NAME": "v0.0.0"},
                           capture_output=True, text=True)
    assert wrong.returncode == 1 and f"not the data version v{version}" in wrong.stdout, wrong
    right = subprocess.run(["bash", "-c", check["run"]], cwd=REPO, env={**env, "GITHUB_REF_NAME": f"v{version}"},
                           capture_output=True, text=True)
    from china_russia_diplomacy.core.registry import read_registry

    if read_registry(REPO).get(version) is not None:
        assert right.returncode == 0 and (tmp_path / "out").read_text() == f"version={version}\n", right
    else:
        assert right.returncode == 1 and "is not registered" in right.stdout
    assert "scripts/rebuild_release.py" in _runs(build) and "python -m build" in _runs(build)
    assert "twine check --strict" in _runs(build)


def test_pypi_is_published_by_trusted_publishing_and_zenodo_by_our_module(workflow):
    pypi = workflow["jobs"]["pypi"]
    assert pypi["permissions"] == {"id-token": "write"} and pypi["environment"] == "pypi"
    assert "pypa/gh-action-pypi-publish@release/v1" in _runs(pypi)
    assert not any("password" in (s.get("with") or {}) for s in pypi["steps"]), "trusted publishing: no token"
    zenodo = workflow["jobs"]["zenodo"]
    assert zenodo["needs"] == ["build", "pypi"] and zenodo["environment"] == "zenodo"
    [deposit] = [s for s in zenodo["steps"] if "publish.zenodo deposit" in str(s.get("run", ""))]
    assert deposit["env"]["ZENODO_TOKEN"] == "${{ secrets.ZENODO_TOKEN }}"
    runs = _runs(zenodo)
    # deposited from the tag's tree, written back on main
    assert runs.index("publish.zenodo deposit --no-write-back") < runs.index("publish.zenodo write-back")
    assert "china-russia-diplomacy build" in runs and "gh pr create" in runs


def test_publish_check_lists_what_no_one_has_given_yet(repo, capsys):
    needs, optional, confirm = publishing_needs(repo)
    package = json.loads((repo / "schemas" / "package.json").read_text(encoding="utf-8"))
    if not package.get("conceptDoi"):
        assert any(n.startswith("concept DOI: none yet") for n in needs)
    assert any("PyPI trusted publisher" in c for c in confirm) and any("ZENODO_TOKEN" in c for c in confirm)
    code = cli.main(["publish-check", str(repo)])
    captured = capsys.readouterr()
    out = captured.out.splitlines()
    assert code == (1 if needs else 0)
    assert captured.err == (f"error: publishing still needs {len(needs)} thing(s) from a person (the 'needs:' lines "
                            "above)\n" if needs else "")
    assert len(out) == len(needs) + len(optional) + len(confirm) + (0 if needs else 1)
    assert all(line.split(": ", 1)[0] in ("needs", "optional", "confirm", "ok") for line in out)


def test_publish_check_is_satisfied_by_the_metadata_a_person_gives(package_copy, repo, capsys):
    from china_russia_diplomacy.core.citation import release_date
    from china_russia_diplomacy.core.registry import read_registry

    (package_copy / "releases.json").write_bytes((repo / "releases.json").read_bytes())
    (package_copy / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    (package_copy / ".github" / "workflows" / "release.yml").write_bytes((repo / ".github" / "workflows" / "release.yml").read_bytes())
    path = package_copy / "schemas" / "package.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    needs, _, _ = publishing_needs(package_copy)
    assert any(n.startswith("authors:") for n in needs)
    package["contributors"] = [{"title": "Ada Example", "givenName": "Ada", "familyName": "Example", "roles": ["creator"]}]
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    needs, _, _ = publishing_needs(package_copy)
    assert "ORCID: none for Ada Example (contributors[].orcid in schemas/package.json)" in needs
    package["contributors"][0].update(orcid="0000-0002-1825-0097", organization="Example University")
    package.update(repository="https://github.com/o/r", homepage="https://o.github.io/r/", conceptDoi="10.5281/zenodo.1")
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    needs, optional, _ = publishing_needs(package_copy)
    if read_registry(package_copy).get(package["version"]) is None:  # a version in preparation
        needs = [n for n in needs if not n.startswith("releases.json")]
    if release_date(package_copy, package["version"]) is None:  # ... whose CHANGELOG entry is not dated yet
        assert f"CHANGELOG.md: no dated entry for {package['version']}" in needs
        needs = [n for n in needs if not n.startswith("CHANGELOG.md")]
    assert needs == [] and optional == ["Zenodo community: none (zenodoCommunity in schemas/package.json)"]
