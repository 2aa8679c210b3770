"""No traceback, ever (issue #10): random damage to any CSV or to ``datapackage.json`` ends ``validate``
with a report and ``build`` with success or a ValidationError, never another exception, and a refused
build writes nothing.

Hypothesis mutates random bytes, random cells (with hidden characters, out-of-range dates, huge or
empty values) and random lines of a copy of the real package. The example budget is fixed and the
run derandomized so that the test costs the same (under a minute) on every run and in CI.
"""

from __future__ import annotations

import argparse
import csv
import errno
import io
import json
import os
import shutil
import socket
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from package_edits import copy_parts

from china_russia_diplomacy.build.pipeline import build
from china_russia_diplomacy.validation import Report, ValidationError, validate_package

REPO = Path(__file__).resolve().parents[2]
TARGETS = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "data").glob("*.csv")) + ["datapackage.json"]
NASTY_CELLS = ["", " ", "1600-05-09", "9999-12-31", "0000-01-01", "2025-02-30", "-1", "99999999999999999999",
               "true", "NaN", "=1+1", "\u200b", "a\u2028b", "\ufeff", "\udcff"[:0] + "\ue000", "evt-0001", "par-0001;par-0001",
               "x" * 100_000, '"', "\n", "42", "XYZ", "xq", "0356"]


def _files(pkg: Path) -> dict[str, bytes]:
    return {p.relative_to(pkg).as_posix(): p.read_bytes() for p in sorted(pkg.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A copy of the repository's built package (its generated files are current: the stale-file test)."""
    dest = copy_parts(REPO, tmp_path_factory.mktemp("built") / "pkg",
                      ("data", "schemas", "sources", "README.md", "datapackage.json", "docs", "croissant.json", "CITATION.cff"))
    for p in (dest / "sources").iterdir():
        p.chmod(0o644)
    return dest


def _mutate_bytes(data: bytes, draw) -> bytes:
    if not data:
        return draw(st.binary(min_size=1, max_size=8))
    at = draw(st.integers(0, len(data) - 1))
    span = draw(st.integers(0, 8))
    return data[:at] + draw(st.binary(max_size=8)) + data[at + span:]


def _mutate_cell(text: str, draw) -> str:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if len(rows) < 2:
        return text + draw(st.sampled_from(NASTY_CELLS))
    r = draw(st.integers(0, len(rows) - 1))
    c = draw(st.integers(0, len(rows[r]) - 1))
    rows[r][c] = draw(st.sampled_from(NASTY_CELLS) | st.text(max_size=20))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _mutate_lines(text: str, draw) -> str:
    lines = text.split("\n")
    i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    how = draw(st.sampled_from(["drop", "duplicate", "swap"]))
    if how == "drop":
        del lines[i]
    elif how == "duplicate":
        lines.insert(j, lines[i])
    else:
        lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def _mutate_json(text: str, draw) -> str:
    try:
        doc = json.loads(text)
    except ValueError:
        return text
    value = draw(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                              lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=3),
                              max_leaves=5))
    if isinstance(doc, dict) and doc.get("resources") and draw(st.booleans()):
        res = doc["resources"][draw(st.integers(0, len(doc["resources"]) - 1))]
        res[draw(st.sampled_from(sorted(res)))] = value
    elif isinstance(doc, dict):
        doc[draw(st.sampled_from(sorted(doc) or ["x"]))] = value
    return json.dumps(doc)


# CRD_FUZZ_EXAMPLES=500 explores further with random seeds (a local hunt, not CI).
EXPLORE = int(os.environ.get("CRD_FUZZ_EXAMPLES", "0"))


@settings(max_examples=EXPLORE or 8, deadline=None, derandomize=not EXPLORE, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(data=st.data())
def test_damaged_files_end_in_findings_or_success_never_in_a_traceback(built, tmp_path_factory, data):
    pkg = tmp_path_factory.mktemp("damaged") / "pkg"
    shutil.copytree(built, pkg)
    target = data.draw(st.sampled_from(TARGETS), label="file")
    path = pkg / target
    raw = path.read_bytes()
    kind = data.draw(st.sampled_from(["bytes", "cell", "lines"] if target.endswith(".csv") else ["bytes", "json"]), label="kind")
    if kind == "bytes":
        path.write_bytes(_mutate_bytes(raw, data.draw))
    else:
        text = raw.decode("utf-8")
        mutate = {"cell": _mutate_cell, "lines": _mutate_lines, "json": _mutate_json}[kind]
        path.write_bytes(mutate(text, data.draw).encode("utf-8", "surrogatepass"))

    report = validate_package(pkg)  # any exception but a report fails the test
    assert isinstance(report, Report)
    assert all(f.rule and f.message for f in report.findings)

    before = _files(pkg)
    try:
        build(pkg)
    except ValidationError as exc:
        assert exc.report.findings, "build refused without a finding"
        assert _files(pkg) == before, "a refused build changed files"
    else:
        assert validate_package(pkg).valid, "build succeeded but left a package that does not validate"
    assert not list(pkg.glob(".staging-*")), "build left its staging directory behind"


# --- every sub-command with arbitrary arguments (issue 26) ----------------------------------------------

# Commands whose run on the real package takes seconds to minutes (validate, build, release): they are
# fuzzed with hostile paths only (the damaged-package test above covers them on real data), and
# ``CHINA_RUSSIA_DIPLOMACY_DIR`` points them at a stub, so that no example validates the whole package.
SLOW = {"build", "validate", "release"}
ODD_VALUES = ["", " ", "-", "--", "-1", "0", "99999999999", "1.0.0", "99.0.0", "1.0", "HEAD~1", "x" * 300, "$HOME",
              "café ü 中文 \u202e", "a\tb", "bad\udcffbyte", "../../etc/passwd", "~", "*", "csv", "apa", "bibtex", "http://127.0.0.1:9/x.zip"]


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cli_world(built, tmp_path_factory) -> dict[str, Path]:
    """Temporary places for the CLI fuzz: a cwd outside any checkout, a copy of the package with its
    registry, a stub package, and hostile paths (missing, a file, a broken link, odd names, not a zip)."""
    root = tmp_path_factory.mktemp("cli-world")
    pkg = root / "pkg"
    shutil.copytree(built, pkg)
    shutil.copy2(REPO / "releases.json", pkg / "releases.json")
    (root / "cwd").mkdir()
    (root / "cache").mkdir()
    stub = root / "stub"
    (stub / "schemas").mkdir(parents=True)
    (stub / "datapackage.json").write_text("{}", encoding="utf-8")
    (root / "empty").mkdir()
    (root / "file.txt").write_text("not a package\n", encoding="utf-8")
    (root / "not.zip").write_text("not a zip\n", encoding="utf-8")
    (root / "bad.json").write_text("{not json", encoding="utf-8")
    (root / "odd name $ü 'q'").mkdir()
    (root / "broken-link").symlink_to(root / "nowhere")
    return {"root": root, "pkg": pkg, "stub": stub, "cwd": root / "cwd", "cache": root / "cache"}


def _paths(world: dict[str, Path], command: str) -> list[str]:
    root = world["root"]
    paths = [root / "missing", root / "missing" / "deeper.xlsx", root / "empty", root / "file.txt", root / "not.zip",
             root / "bad.json", root / "odd name $ü 'q'", root / "broken-link", root / "file.txt" / "under-a-file",
             world["stub"], root / "out.xlsx", root / "out.sqlite", root / "out"]
    if command not in SLOW:
        paths.append(world["pkg"])
    return [str(p) for p in paths]


def _argv(draw, sub: argparse.ArgumentParser, command: str, paths: list[str]) -> list[str]:
    """Arbitrary but plausible arguments: the sub-command's own options (with right and wrong values)
    and positionals drawn from hostile paths and odd strings, in any order."""
    # No NUL and no lone surrogates: a real command line cannot carry them (C strings, and argv decodes
    # with surrogateescape); "bad\udcffbyte" in ODD_VALUES is what a non-UTF-8 byte in a name becomes.
    text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
    values = st.sampled_from(paths) | st.sampled_from(ODD_VALUES) | text
    tokens: list[str] = []
    for action in sub._actions:
        if isinstance(action, argparse._HelpAction) or not draw(st.booleans()):
            continue
        if action.option_strings:
            tokens.append(draw(st.sampled_from(action.option_strings)))
            if action.nargs != 0:
                tokens.append(draw(st.sampled_from(list(action.choices)) if action.choices and draw(st.booleans()) else values))
        else:
            tokens.append(draw(values))
    tokens += draw(st.lists(values, max_size=2))
    return [command] + draw(st.permutations(tokens))


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    from china_russia_diplomacy import cli

    action = next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _no_internet(self, address, *args):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("/"):
        raise OSError(errno.ENETUNREACH, "network is off in this test", str(host))
    return _REAL_CONNECT(self, address, *args)


_REAL_CONNECT = socket.socket.connect


@pytest.mark.parametrize("command", sorted(_subparsers()))
def test_every_subcommand_with_arbitrary_arguments_ends_in_one_error_line_or_success(cli_world, command):
    """No exception escapes ``main()`` but argparse's SystemExit (0 for --help, 2 for a usage error);
    every other failure prints exactly one ``error:`` line (validate and build may print their report
    instead, check-version one line per problem); a message of several lines continues on indented ones."""
    import contextlib
    import io

    from china_russia_diplomacy import cli
    from china_russia_diplomacy.exports import browse

    sub = _subparsers()[command]
    paths = _paths(cli_world, command)

    @settings(max_examples=EXPLORE or 20, deadline=None, derandomize=not EXPLORE, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def run(data):
        argv = _argv(data.draw, sub, command, paths)
        note(f"argv: {argv!r}")
        out, err = io.StringIO(), io.StringIO()
        with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            mp.chdir(cli_world["cwd"])
            mp.setenv("CHINA_RUSSIA_DIPLOMACY_DIR", str(cli_world["stub" if command in SLOW else "pkg"]))
            mp.setenv("CRD_CACHE_DIR", str(cli_world["cache"]))
            mp.setenv("CRD_RELEASES_URL", f"http://127.0.0.1:{_closed_port()}/")
            mp.setattr(socket.socket, "connect", _no_internet)
            mp.setattr(browse, "_serve", lambda cmd: 0)  # never start a server
            try:
                code = cli.main(argv)
            except SystemExit as exc:  # argparse: --help (0) or a usage error (2), with its own message
                assert exc.code in (0, 2), (argv, exc.code)
                return
        stderr = err.getvalue()
        assert "Traceback" not in stderr, (argv, stderr)
        if code == 0:
            return
        lines = stderr.strip("\n").split("\n") if stderr.strip() else []
        # pooch logs "Downloading data from ..." before a download is tried (read/version_store.py's
        # business, not the boundary's): not an error line, so not counted as one.
        lines = [line for line in lines if not line.startswith("Downloading data from ")]
        report = command in ("validate", "build", "release") and code == 1  # "refused: does not validate" + report
        if report:
            return
        if command in ("check-version", "diff") and code == 1 and lines and all(line.startswith("error: ") for line in lines):
            return  # one line per version-policy problem (check-version's own output, not the boundary's)
        assert lines and lines[0].startswith("error: "), (argv, code, stderr, out.getvalue()[-500:])
        assert all(line[:1].isspace() for line in lines[1:]), ("one error: line, details indented", argv, stderr)

    run()
