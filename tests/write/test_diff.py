"""diff / check-version: true row and schema changes between real copies of the package, and the
semantic-version bump they require (a too-small bump must fail)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from china_russia_diplomacy import cli
from china_russia_diplomacy.publish.diff import diff, version_bump


def _rows(pkg: Path, table: str) -> list[list[str]]:
    with (pkg / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(pkg: Path, table: str, rows: list[list[str]]) -> None:
    with (pkg / "data" / f"{table}.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _set_version(pkg: Path, version: str) -> None:
    path = pkg / "schemas" / "package.json"
    text = path.read_text(encoding="utf-8")
    old = json.loads(text)["version"]
    path.write_text(text.replace(f'"version": "{old}"', f'"version": "{version}"', 1), encoding="utf-8")


def _edit_schema(pkg: Path, table: str, edit) -> None:
    path = pkg / "schemas" / f"{table}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    edit(schema)
    path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _field(schema: dict, name: str) -> dict:
    return next(f for f in schema["fields"] if f["name"] == name)


def _bumped(version: str, level: str) -> str:
    major, minor, patch = (int(p) for p in version.split("."))
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[level]


@pytest.fixture()
def old_new(package_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    new = tmp_path / "new"
    shutil.copytree(package_copy, new)
    return package_copy, new


def _version(pkg: Path) -> str:
    return json.loads((pkg / "schemas" / "package.json").read_text(encoding="utf-8"))["version"]


def _add_event_row(pkg: Path, new_id: str, added_in: str) -> None:
    rows = _rows(pkg, "events")
    extra = list(rows[1])
    extra[0] = new_id
    extra[rows[0].index("added_in")] = added_in
    _write(pkg, "events", rows + [extra])


def _add_source_row(pkg: Path, new_id: str = "src-0999") -> None:
    rows = _rows(pkg, "sources")
    extra = list(rows[1])
    extra[0] = new_id
    _write(pkg, "sources", rows + [extra])


def test_identical_copies_need_no_bump(old_new):
    d = diff(*old_new)
    assert d.required_bump == "none"
    assert all(t.empty for t in d.tables)
    assert not d.schema_changes and not d.problems()


def test_added_row_requires_minor_and_a_patch_bump_is_refused(old_new):
    old, new = old_new
    _add_source_row(new)
    _set_version(new, _bumped(_version(old), "patch"))
    d = diff(old, new)
    assert d.required_bump == "minor"
    sources = next(t for t in d.tables if t.table == "sources")
    assert sources.added == ["src-0999"] and sources.new_rows == sources.old_rows + 1
    assert any("minor bump" in p for p in d.problems()), d.problems()
    assert cli.main(["check-version", str(old), str(new)]) == 1

    _set_version(new, _bumped(_version(old), "minor"))
    assert diff(old, new).problems() == []
    assert cli.main(["check-version", str(old), str(new)]) == 0


def test_unbumped_version_fails_check_after_any_data_change(old_new):
    old, new = old_new
    _add_source_row(new)
    assert diff(old, new).actual_bump == "none"
    assert cli.main(["diff", "--check", str(old), str(new)]) == 1


def test_corrected_cell_reports_old_and_new_values_and_requires_patch(old_new):
    old, new = old_new
    rows = _rows(new, "sources")
    col = rows[0].index("notes")
    before = rows[1][col]
    rows[1][col] = before + " Corrected."
    _write(new, "sources", rows)
    d = diff(old, new)
    assert d.required_bump == "patch"
    sources = next(t for t in d.tables if t.table == "sources")
    [(key, cells)] = sources.changed.items()
    assert key == rows[1][0]
    assert [(c.column, c.old, c.new) for c in cells] == [("notes", before, before + " Corrected.")]


def test_removed_published_id_is_major_and_fails_even_with_a_major_bump_unless_retired(old_new):
    old, new = old_new
    rows = _rows(new, "sources")
    gone = rows.pop(2)[0]
    _write(new, "sources", rows)
    _set_version(new, _bumped(_version(old), "major"))
    d = diff(old, new)
    assert d.required_bump == "major"
    assert d.unretired_ids == [gone]
    assert any(gone in p and "retired" in p for p in d.problems())

    (new / "schemas" / "retired_ids.json").write_text(json.dumps({"retired": [{"id": gone, "reason": "duplicate"}]}))
    d = diff(old, new)
    assert d.unretired_ids == [] and d.required_bump == "minor" and d.problems() == []


@pytest.mark.parametrize(
    ("table", "edit", "level"),
    [
        ("events", lambda s: _field(s, "num_sources").update(type="number"), "major"),
        ("events", lambda s: s["fields"].remove(_field(s, "notes")), "major"),
        ("events", lambda s: _field(s, "event_type")["constraints"]["enum"].remove("anniversary"), "major"),
        ("events", lambda s: _field(s, "event_type")["constraints"]["enum"].append("banquet"), "minor"),
        ("events", lambda s: _field(s, "location_name").setdefault("constraints", {}).update(required=True), "major"),
        ("events", lambda s: _field(s, "title")["constraints"].update(required=False), "minor"),
        ("events", lambda s: _field(s, "num_sources")["constraints"].update(minimum=2), "major"),
        ("events", lambda s: s["fields"].append({"name": "weather", "type": "string"}), "minor"),
        ("events", lambda s: _field(s, "title").update(description="Changed wording."), "patch"),
        ("events", lambda s: _field(s, "event_id")["constraints"].update(pattern="evt-[0-9]{3,}"), "minor"),
        ("events", lambda s: _field(s, "event_id")["constraints"].update(pattern="evt-[0-9]{5,}"), "major"),
        ("events", lambda s: _field(s, "event_id")["constraints"].update(pattern="(?:evt|event)-[0-9]{4,}"), "minor"),
        ("events", lambda s: _field(s, "event_id")["constraints"].update(pattern="evt-[1-9][0-9]{3,}"), "major"),
        ("events", lambda s: _field(s, "location_country")["constraints"].update(pattern="(?:[A-Z]{3}|[A-Z]{4})"), "minor"),
        ("events", lambda s: _field(s, "location_country")["constraints"].update(pattern="[A-Z]{3,4}"), "minor"),
        ("events", lambda s: _field(s, "location_country")["constraints"].update(pattern="(?:[A-Z]{2}|[A-Z]{4})"), "major"),
    ],
    ids=["retyped", "removed", "enum-narrowed", "enum-widened", "required-added", "required-dropped",
         "minimum-raised", "field-added", "description", "id-pattern-widened-is-minor",
         "id-pattern-moved-is-major", "id-pattern-with-an-alternative-is-minor", "id-pattern-narrowed-is-major",
         "pattern-alternative-added-is-minor", "pattern-range-widened-is-minor", "pattern-alternative-replaced-is-major"],
)
def test_schema_change_requires_the_recipes_bump(old_new, table, edit, level):
    old, new = old_new
    _edit_schema(new, table, edit)
    d = diff(old, new)
    assert d.required_bump == level, [c.what for c in d.schema_changes]


def test_removed_table_is_major(old_new):
    old, new = old_new
    package = json.loads((new / "schemas" / "package.json").read_text(encoding="utf-8"))
    package["resources"] = [r for r in package["resources"] if r["name"] != "discrepancies"]
    (new / "schemas" / "package.json").write_text(json.dumps(package, indent=2, ensure_ascii=False))
    d = diff(old, new)
    assert d.required_bump == "major"
    assert any(c.what == "table discrepancies removed" for c in d.schema_changes)


def _git(cwd: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(cwd)}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout


def test_git_revision_against_working_tree(package_copy, capsys, monkeypatch):
    _git(package_copy, "init", "-q")
    _git(package_copy, "add", ".")
    _git(package_copy, "commit", "-q", "-m", "v1")
    _git(package_copy, "tag", "v-old")
    _add_source_row(package_copy, "src-0998")
    monkeypatch.chdir(package_copy)
    assert cli.main(["diff", "--json", "v-old", "."]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["tables"]["sources"]["added"] == ["src-0998"]
    assert out["required_bump"] == "minor" and out["actual_bump"] == "none"
    assert cli.main(["check-version", "v-old"]) == 1
    _set_version(package_copy, _bumped(_version(package_copy), "minor"))
    assert cli.main(["check-version", "HEAD", "."]) == 0


def test_release_archive_compares_equal_to_its_directory(package_copy, tmp_path):
    from china_russia_diplomacy.publish.release import build_release

    archive = build_release(package_copy, tmp_path / "dist", check=False)
    d = diff(archive, package_copy)
    assert d.required_bump == "none" and all(t.empty for t in d.tables)


def test_changelog_entry_counts_rows_per_table(old_new, capsys):
    old, new = old_new
    _add_source_row(new)
    assert cli.main(["changelog-entry", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    n = len(_rows(new, "sources")) - 1
    assert f"| `sources` | {n} | 1 | 0 | 0 |" in out


@pytest.mark.parametrize(("old", "new", "bump"), [
    ("1.0.0", "1.0.0", "none"), ("1.0.0", "1.0.1", "patch"), ("1.0.9", "1.1.0", "minor"),
    ("1.4.2", "2.0.0", "major"), ("1.1.0", "1.0.5", "downgrade"),
])
def test_version_bump_classification(old, new, bump):
    assert version_bump(old, new) == bump


def test_new_rows_must_carry_the_new_version_in_added_in(old_new):
    old, new = old_new
    version = _bumped(_version(old), "minor")
    _set_version(new, version)
    _add_event_row(new, "evt-0998", _version(old))  # stale added_in: the previous version
    d = diff(old, new)
    assert d.required_bump == "minor"
    assert any("evt-0998" in p and "added_in" in p for p in d.problems())
    rows = _rows(new, "events")
    rows[-1][rows[0].index("added_in")] = version
    _write(new, "events", rows)
    assert diff(old, new).problems() == []


def test_added_in_of_a_published_row_never_changes(old_new):
    old, new = old_new
    rows = _rows(new, "events")
    col = rows[0].index("added_in")
    rows[1][col] = "9.9.9"
    _write(new, "events", rows)
    _set_version(new, _bumped(_version(old), "patch"))
    assert any("never changes" in p for p in diff(old, new).problems())


def test_pattern_the_automaton_library_cannot_read_counts_as_tightened():
    """A look-ahead is outside what greenery models: undecided must stay major, never a silent minor."""
    from china_russia_diplomacy.publish.pattern_order import pattern_loosened

    assert pattern_loosened("evt-[0-9]{4}", "(?=evt)evt-[0-9]{4,}") is None
    assert pattern_loosened("[A-Z]{3}", "[A-Z]{3}|[A-Z]{4}") is True
    assert pattern_loosened("[A-Z]{3}|[A-Z]{4}", "[A-Z]{3}") is False


def test_a_literal_dash_at_the_end_of_a_class_does_not_make_a_widening_major():
    """sources.file_name was widened to '[0-9A-Za-z][0-9A-Za-z._-]*\\.txt' in 1.1.0: greenery cannot parse a
    trailing '-' in a class, which made the widening 'not provably looser' (major) until it was escaped."""
    from china_russia_diplomacy.publish.pattern_order import pattern_loosened

    assert pattern_loosened(r"[0-9]{3}_[0-9a-f]{16}\.txt", r"[0-9A-Za-z][0-9A-Za-z._-]*\.txt") is True
    assert pattern_loosened(r"[0-9A-Za-z][0-9A-Za-z._-]*\.txt", r"[0-9]{3}_[0-9a-f]{16}\.txt") is False
    assert pattern_loosened("[-a]", "[a-]") is True and pattern_loosened("[a-c]", "[a-]") is False


# --- check-version against any registered version, not only the previous one (issue 23) ---------------------


def _registered_versions(repo: Path) -> list[str]:
    from china_russia_diplomacy.core.registry import read_registry

    return read_registry(repo).versions


def test_check_version_passes_against_every_registered_version_from_a_checkout(repo, capsys):
    """`check-version 1.0.0`, as the README lists it, printed 7 errors: rows added in 1.1.0 and 1.2.0 were
    refused because their added_in was not the newest version. Every registered base must pass."""
    versions = _registered_versions(repo)
    assert {"1.0.0", "1.1.0", "1.2.0", "1.2.1"} <= set(versions)
    for version in versions:
        assert cli.main(["check-version", version, str(repo), "--repo", str(repo)]) == 0, (version, capsys.readouterr())
        assert "error:" not in capsys.readouterr().err


@pytest.mark.parametrize(("added_in", "accepted"), [
    ("1.1.0", True),    # a release after the base: the row really was added then
    ("1.2.0", True),
    ("1.0.0", False),   # the base itself did not have the row: a rewritten row passed off as new
    ("0.9.0", False),
    ("1.1.5", False),   # inside the interval but never released
    ("9.0.0", False),   # the future
    ("", False),
])
def test_a_new_row_since_an_old_base_may_carry_any_release_in_between(repo, package_copy, added_in, accepted):
    shutil.copy(repo / "releases.json", package_copy / "releases.json")
    _add_event_row(package_copy, "evt-0997", added_in)
    problems = [p for p in diff("1.0.0", package_copy, repo=repo).problems() if "evt-0997" in p]
    assert (problems == []) is accepted, problems
    if not accepted:
        assert "added_in" in problems[0] and "after 1.0.0" in problems[0]
