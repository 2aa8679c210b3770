"""Mutation testing of the checking code: would the tests notice if a check broke? (issue 29)

Each mutant is one small, realistic bug that cosmic-ray (https://cosmic-ray.readthedocs.io) plants in one
module: a comparison that loses its boundary or its sense (``<`` -> ``<=``, ``==`` -> ``!=``), a mask
``&``/``|`` swapped, a ``not`` or ``~`` removed, a condition negated, a constant changed, a loop that
never runs, a ``break``/``continue`` swapped. For every mutant the tests mapped to that module run
(``MODULES`` below; ``-m "not slow"``, stopping at the first failure): the mutant is *killed* when they
fail (or time out), and *survives* when they pass. A surviving mutant is either a missing test or an
*equivalent* mutant (a change no input can observe); equivalents are listed, each with why, in
``tests/mutation_equivalents.toml`` and left out of the kill rate.

Bounded time on two cores: the run copies the checkout into one scratch folder per lane (``--jobs``,
default 2), so lanes mutate their own copy and never the worktree; each lane runs its tests from a
test server that imported pandas, pyarrow, pandera and pytest once and forks a child per mutant (the
child imports the package from the mutated copy), so a mutant costs its tests' own seconds, not
pytest's imports (``--no-fork``: a fresh pytest process per mutant, same verdicts); each mutant's tests get a timeout of
four times the module's clean run; ``--sample N`` draws N mutants per module (seeded: the same sample
every time), ``--budget MINUTES`` stops starting new mutants after that time. Output: the kill rate per
module and every survivor (line, operator, the mutated line); ``--json FILE`` writes the same.

    python scripts/mutation.py --list                              # the modules and their tests
    python scripts/mutation.py --priority --sample 40 --budget 30  # a sampled pass over the priority modules
    python scripts/mutation.py src/china_russia_diplomacy/core/line_patch.py   # every mutant of one module

Not part of the test suite (a full pass takes long: see CONTRIBUTING.md "Mutation testing").
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import queue
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PKG = "src/china_russia_diplomacy"
EQUIVALENTS = REPO / "tests" / "mutation_equivalents.toml"

# module -> the test files whose failure should notice a bug in it (fast ones: -m "not slow" is added).
_RULES_FAST = ["tests/write/test_rule_sides.py"]
MODULES: dict[str, list[str]] = {
    # priority: the validation rules, the strict CSV reader, archive/history/line-patch checks, diff
    f"{PKG}/validation/rules/dates.py": _RULES_FAST,
    f"{PKG}/validation/rules/chronology.py": _RULES_FAST,
    f"{PKG}/validation/rules/provenance.py": _RULES_FAST,
    f"{PKG}/validation/rules/keys.py": ["tests/write/test_rules_keys.py"],
    f"{PKG}/validation/rules/rows.py": ["tests/write/test_rules_rows.py"],
    f"{PKG}/validation/rules/entities.py": ["tests/write/test_rules_entities.py"],
    f"{PKG}/validation/rules/confidence.py": ["tests/write/test_rules_confidence.py"],
    f"{PKG}/validation/rules/codes.py": ["tests/write/test_rules_codes.py", "tests/core/test_codelists.py"],
    f"{PKG}/validation/rules/hygiene.py": ["tests/write/test_rules_hygiene.py"],
    f"{PKG}/core/csvfile.py": ["tests/core/test_strict_reader.py", "tests/core/test_strict_reader_findings.py",
                               "tests/write/faults/test_reader_faults.py"],
    f"{PKG}/core/csvbytes.py": ["tests/core/test_csv_bytes_scan.py", "tests/core/test_strict_reader_findings.py"],
    f"{PKG}/core/convert.py": ["tests/core/test_cell_typing.py", "tests/write/faults/test_reader_faults.py",
                               "tests/core/test_frames.py"],
    f"{PKG}/core/line_patch.py": ["tests/core/test_line_patch.py", "tests/read/test_history.py"],
    f"{PKG}/core/integrity.py": ["tests/core/test_integrity.py"],
    f"{PKG}/read/history.py": ["tests/read/test_history_rebuild.py", "tests/read/test_history_checks.py", "tests/read/test_history.py",
                               "tests/core/test_line_patch.py", "tests/read/test_chain_history.py"],
    f"{PKG}/read/archive_check.py": ["tests/read/test_archive_check.py"],
    # diff: the in-memory files only (tests/write/test_diff.py, end to end on package copies and git, takes
    # minutes a run here; a mutant only it would kill counts as a survivor, so the rate is a lower bound)
    f"{PKG}/publish/diff/schemas.py": ["tests/write/test_diff_directions.py", "tests/write/test_diff_model.py"],
    f"{PKG}/publish/diff/rows.py": ["tests/write/test_diff_directions.py", "tests/write/test_diff_model.py"],
    f"{PKG}/publish/diff/versions.py": ["tests/write/test_diff_model.py"],
    f"{PKG}/publish/diff/model.py": ["tests/write/test_diff_model.py", "tests/write/test_diff_directions.py"],
    f"{PKG}/publish/pattern_order.py": ["tests/write/test_diff_directions.py"],
    # the others, when time permits
    f"{PKG}/core/locate.py": ["tests/core/test_locate.py", "tests/core/test_safe_paths.py", "tests/core/test_writers_refuse_installed.py",
                              "tests/read/test_chain_installed.py"],
    # version_store: the in-memory file (test_versions.py rebuilds real archives from git history, which a
    # lane's scratch copy does not have, and takes minutes a run)
    f"{PKG}/read/version_store.py": ["tests/read/test_version_store_checks.py"],
    f"{PKG}/read/version_cache.py": ["tests/read/test_version_cache.py"],
    f"{PKG}/read/version_download.py": ["tests/read/test_version_download.py"],
    f"{PKG}/read/folder_check.py": ["tests/read/test_folder_check.py", "tests/write/faults/test_untrusted_folders.py", "tests/read/test_loader.py"],
    f"{PKG}/read/installed_files.py": ["tests/read/test_installed_record.py", "tests/read/test_installed_copy.py",
                                       "tests/read/test_chain_installed.py"],
    f"{PKG}/build/generate/site/evidence.py": ["tests/write/test_site_markup.py", "tests/write/test_site_hostile.py"],
    f"{PKG}/build/generate/site/text.py": ["tests/write/test_site_markup.py", "tests/write/test_site_hostile.py"],
    f"{PKG}/build/generate/site/blocks.py": ["tests/write/test_site_blocks.py", "tests/write/test_site_markup.py"],
    f"{PKG}/core/text_codes.py": ["tests/read/test_workbook_cells.py", "tests/read/test_file_export.py",
                                  "tests/read/test_sqlite_export.py"],
    f"{PKG}/exports/file_export.py": ["tests/read/test_workbook_cells.py", "tests/read/test_file_export.py"],
}
PRIORITY = [m for m in MODULES if "/validation/rules/" in m or m.endswith(
    ("csvfile.py", "csvbytes.py", "convert.py", "line_patch.py", "integrity.py", "history.py", "archive_check.py", "pattern_order.py"))
    or "/publish/diff/" in m]

# The operators: the bugs a checking function realistically gets (see the module docstring). cosmic-ray
# has more (every binary operator into every other one); those give many mutants that say little here.
_CMP = ["Eq_NotEq", "NotEq_Eq", "Lt_LtE", "LtE_Lt", "Gt_GtE", "GtE_Gt", "Lt_GtE", "LtE_Gt", "Gt_LtE", "GtE_Lt",
        "Is_IsNot", "IsNot_Is"]
OPERATORS = ([f"core/ReplaceComparisonOperator_{c}" for c in _CMP]
             + [f"core/ReplaceBinaryOperator_{b}" for b in ("Add_Sub", "Sub_Add", "BitAnd_BitOr", "BitOr_BitAnd")]
             + ["core/ReplaceUnaryOperator_Delete_Not", "core/ReplaceUnaryOperator_Delete_Invert", "core/AddNot",
                "core/ReplaceTrueWithFalse", "core/ReplaceFalseWithTrue", "core/ReplaceAndWithOr",
                "core/ReplaceOrWithAnd", "core/ReplaceBreakWithContinue", "core/ReplaceContinueWithBreak",
                "core/NumberReplacer", "core/ZeroIterationForLoop"])


@dataclass
class Mutant:
    module: str
    operator: str
    occurrence: int
    line: int
    before: str = ""
    after: str = ""
    outcome: str = "pending"  # killed | survived | timeout | equivalent | error
    seconds: float = 0.0
    why: str = ""

    def key(self) -> tuple[str, str, int]:
        return self.module, self.operator, self.line


@dataclass
class ModuleResult:
    module: str
    tests: list[str]
    baseline: float = 0.0
    total: int = 0
    mutants: list[Mutant] = field(default_factory=list)


def enumerate_mutants(module: str) -> list[Mutant]:
    """Every mutation position of the chosen operators in ``module`` (cosmic-ray's own enumeration)."""
    import cosmic_ray.plugins
    from cosmic_ray.ast import ast_nodes, get_ast_from_path

    tree = get_ast_from_path(REPO / module)
    out = []
    for name in OPERATORS:
        operator = cosmic_ray.plugins.get_operator(name)()
        positions = [(start, end) for node in ast_nodes(tree) for start, end in operator.mutation_positions(node)]
        for occurrence, (start, _end) in enumerate(positions):
            out.append(Mutant(module, name, occurrence, start[0]))
    return out


def mutate(source: str, mutant: Mutant) -> str | None:
    import cosmic_ray.plugins
    from cosmic_ray.mutating import mutate_code

    return mutate_code(source, cosmic_ray.plugins.get_operator(mutant.operator)(), mutant.occurrence)


def _changed_lines(source: str, mutated: str) -> tuple[str, str]:
    minus = [l[1:].strip() for l in difflib.unified_diff(source.splitlines(), mutated.splitlines(), lineterm="", n=0)
             if l.startswith("-") and not l.startswith("---")]
    plus = [l[1:].strip() for l in difflib.unified_diff(source.splitlines(), mutated.splitlines(), lineterm="", n=0)
            if l.startswith("+") and not l.startswith("+++")]
    return " / ".join(minus)[:200], " / ".join(plus)[:200]


def _without_annotations(source: str) -> str:
    """The module's AST with every annotation dropped: with ``from __future__ import annotations`` an
    annotation is never evaluated, so a mutant that only changes one (``bytes | None`` -> ``bytes & None``)
    is equivalent by construction and is not run."""
    import ast

    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.returns = None
        elif isinstance(node, ast.arg):
            node.annotation = None
        elif isinstance(node, ast.AnnAssign):
            node.annotation = ast.Constant(None)
    return ast.dump(tree)


def load_equivalents() -> dict[tuple[str, str, int], list[dict]]:
    """(module, operator, line) -> its entries; an entry with ``mutated`` (the mutated line, as the run
    prints it after ``+``) covers that one mutant only, since one line can hold several numbers or
    operators of which only some mutants are equivalent."""
    if not EQUIVALENTS.is_file():
        return {}
    data = tomllib.loads(EQUIVALENTS.read_text(encoding="utf-8"))
    out: dict[tuple[str, str, int], list[dict]] = {}
    for e in data.get("equivalent", []):
        out.setdefault((e["module"], e["operator"], int(e["line"])), []).append(e)
    return out


def equivalent(equivalents: dict, mutant: Mutant) -> dict | None:
    return next((e for e in equivalents.get(mutant.key(), []) if e.get("mutated", mutant.after) == mutant.after), None)


def make_lane(root: Path, n: int) -> Path:
    """A copy of the checkout's files (tracked and untracked, not ignored) for one lane."""
    lane = root / f"lane{n}"
    files = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=REPO, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = REPO / rel
        if src.is_file() and not src.is_symlink():
            dest = lane / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
    return lane  # no .git: a lane never touches the repository (the tests mapped here need no git)


# The lane's test server: a Python process that imports the heavy libraries once (pandas, pyarrow,
# pandera, pytest, hypothesis: most of a cold pytest's seconds), then forks one child per mutant; the
# child imports the package from the lane's (mutated) source and runs pytest there. The package itself
# is never imported by the server, so every child sees the file as the lane holds it at that moment.
_SERVER = r"""
import json, os, signal, sys, time
out = os.fdopen(os.dup(1), "w", buffering=1)
devnull = os.open(os.devnull, os.O_RDWR)
import numpy, pandas, pyarrow, pyarrow.compute, pyarrow.csv, pyarrow.parquet, pandera.pandas, pytest, hypothesis, jinja2
assert not any(m.startswith("china_russia_diplomacy") for m in sys.modules), "the server must not import the package"
for line in sys.stdin:
    job = json.loads(line)
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        os.dup2(devnull, 0); os.dup2(devnull, 1); os.dup2(devnull, 2)
        try:
            rc = int(pytest.main(job["args"]))
        except BaseException:
            rc = 99
        os._exit(rc)
    deadline = start + job["timeout"]
    status = None
    while status is None:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(st)
        elif time.monotonic() > deadline:
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            status = "timeout"
        else:
            time.sleep(0.05)
    try:
        os.killpg(pid, signal.SIGKILL)  # whatever the tests started and left behind
    except ProcessLookupError:
        pass
    out.write(json.dumps({"status": status, "seconds": time.monotonic() - start}) + "\n")
"""

_PYTEST_ARGS = ["-x", "-q", "-m", "not slow", "-p", "no:cacheprovider", "-p", "no:randomly", "--no-header",
                "-o", "addopts="]


def _lane_env(lane: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(lane / "src"), PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0")
    env.pop("CRD_PACKAGE_DIR", None)
    return env


class Lane:
    """One scratch copy of the checkout and the way its tests are run: a forking test server (the
    default: a mutant costs its tests' own time, not pytest's imports), or a fresh ``python -m pytest``
    per mutant (``--no-fork``: slower, for a platform without ``fork`` or to check the server)."""

    def __init__(self, path: Path, fork: bool) -> None:
        self.path, self.server = path, None
        if fork:
            self.server = subprocess.Popen([sys.executable, "-c", _SERVER], cwd=path, env=_lane_env(path),
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def run_tests(self, tests: list[str], timeout: float) -> tuple[str, float]:
        """'passed', 'failed' or 'timeout' for the module's tests in this lane, and the seconds taken."""
        if self.server is None:
            return self._run_subprocess(tests, timeout)
        self.server.stdin.write(json.dumps({"args": [*_PYTEST_ARGS, *tests], "timeout": timeout}) + "\n")
        self.server.stdin.flush()
        reply = self.server.stdout.readline()
        if not reply:
            raise RuntimeError(f"the test server of {self.path} stopped (exit {self.server.poll()})")
        answer = json.loads(reply)
        return self._outcome(answer["status"], tests), answer["seconds"]

    def _run_subprocess(self, tests: list[str], timeout: float) -> tuple[str, float]:
        cmd = [sys.executable, "-m", "pytest", *_PYTEST_ARGS, *tests]
        start = time.monotonic()
        try:
            proc = subprocess.run(cmd, cwd=self.path, env=_lane_env(self.path), capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return "timeout", time.monotonic() - start
        return self._outcome(proc.returncode, tests), time.monotonic() - start

    @staticmethod
    def _outcome(status, tests: list[str]) -> str:
        if status == "timeout":
            return "timeout"
        if status == 0:
            return "passed"
        if status == 5:
            raise RuntimeError(f"no tests collected: {' '.join(tests)}")
        return "failed"

    def close(self) -> None:
        if self.server is not None:
            self.server.stdin.close()
            self.server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("modules", nargs="*", help="module paths (default: every module in MODULES)")
    p.add_argument("--priority", action="store_true", help="only the priority modules")
    p.add_argument("--list", action="store_true", help="print the modules, their tests and mutant counts, and stop")
    p.add_argument("--jobs", type=int, default=2, help="parallel lanes (default 2)")
    p.add_argument("--sample", type=int, default=0, help="at most N mutants per module, drawn with --seed")
    p.add_argument("--seed", type=int, default=29)
    p.add_argument("--budget", type=float, default=0, help="minutes after which no new mutant starts (0: none)")
    p.add_argument("--json", type=Path, help="write every mutant's outcome here")
    p.add_argument("--no-fork", action="store_true", help="a fresh pytest process per mutant instead of the "
                   "forking test server (slower; the same verdicts)")
    p.add_argument("--rerun", type=Path, help="a --json file of an earlier run: take its mutants and outcomes, "
                   "and run again only those that survived (after adding tests)")
    args = p.parse_args(argv)

    modules = args.modules or (PRIORITY if args.priority else list(MODULES))
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        p.error(f"no tests mapped for {', '.join(unknown)} (add them to MODULES)")
    equivalents = load_equivalents()
    results = {m: ModuleResult(m, MODULES[m]) for m in modules}
    work: list[Mutant] = []
    for m in modules:
        source = (REPO / m).read_text(encoding="utf-8")
        found = []
        plain = _without_annotations(source)
        for mutant in enumerate_mutants(m):
            mutated = mutate(source, mutant)
            if mutated is None or mutated == source or _without_annotations(mutated) == plain:
                continue
            mutant.before, mutant.after = _changed_lines(source, mutated)
            found.append(mutant)
        results[m].total = len(found)
        if args.sample and len(found) > args.sample and not args.rerun:  # a rerun takes the earlier run's mutants
            rng = random.Random(f"{args.seed}:{m}")  # per module: a module's sample does not depend on the others
            found = sorted(rng.sample(found, args.sample), key=lambda x: (x.line, x.operator))
        for mutant in found:
            eq = equivalent(equivalents, mutant)
            if eq is not None:
                mutant.outcome, mutant.why = "equivalent", eq["why"]
        if args.rerun:  # the earlier run's sample and verdicts; survivors get judged again
            earlier = json.loads(args.rerun.read_text(encoding="utf-8")).get(m, {}).get("mutants", [])
            verdict = {(x["module"], x["operator"], x["occurrence"]): x for x in earlier}
            found = [x for x in found if (x.module, x.operator, x.occurrence) in verdict]
            for x in found:
                old = verdict[(x.module, x.operator, x.occurrence)]
                if old["outcome"] in ("killed", "timeout"):
                    x.outcome, x.seconds = old["outcome"], old["seconds"]
        results[m].mutants = found
        work += [x for x in found if x.outcome == "pending"]
    if args.list:
        for m, r in results.items():
            print(f"{m}: {r.total} mutants; tests: {' '.join(r.tests)}")
        return 0

    started = time.monotonic()
    deadline = started + args.budget * 60 if args.budget else float("inf")
    scratch = Path(tempfile.mkdtemp(prefix="crd-mutation-"))
    lanes = [Lane(make_lane(scratch, n), fork=not args.no_fork and hasattr(os, "fork"))
             for n in range(max(1, args.jobs))]
    print(f"{len(work)} mutants in {len(modules)} modules, {len(lanes)} lanes in {scratch}"
          f"{'' if lanes[0].server else ' (a pytest process per mutant)'}", flush=True)
    try:
        for m, r in results.items():  # the clean run: the tests must pass, and give the timeout
            outcome, r.baseline = lanes[0].run_tests(r.tests, timeout=900)
            if outcome != "passed":
                print(f"error: the tests of {m} fail without any mutation; fix them first", file=sys.stderr)
                return 1
        todo: queue.Queue = queue.Queue()
        for mutant in work:
            todo.put(mutant)
        done = [0]
        lock = threading.Lock()

        def lane_worker(lane: Lane) -> None:
            while time.monotonic() < deadline:
                try:
                    mutant = todo.get_nowait()
                except queue.Empty:
                    return
                path = lane.path / mutant.module
                source = path.read_text(encoding="utf-8")
                try:
                    path.write_text(mutate(source, mutant), encoding="utf-8")
                    outcome, mutant.seconds = lane.run_tests(results[mutant.module].tests,
                                                             timeout=max(60.0, 4 * results[mutant.module].baseline))
                    mutant.outcome = {"passed": "survived", "failed": "killed", "timeout": "timeout"}[outcome]
                except Exception as exc:  # noqa: BLE001 - reported per mutant, the run goes on
                    mutant.outcome, mutant.why = "error", str(exc)
                finally:
                    path.write_text(source, encoding="utf-8")
                with lock:
                    done[0] += 1
                    if mutant.outcome == "survived":
                        print(f"  survived {mutant.module}:{mutant.line} {mutant.operator}: {mutant.after}", flush=True)
                    if done[0] % 20 == 0:
                        print(f"  {done[0]}/{len(work)} mutants, {(time.monotonic() - started) / 60:.1f} min", flush=True)

        threads = [threading.Thread(target=lane_worker, args=(lane,)) for lane in lanes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for lane in lanes:
            lane.close()
        shutil.rmtree(scratch, ignore_errors=True)

    minutes = (time.monotonic() - started) / 60
    print(f"\n{'module':60} {'mutants':>7} {'run':>5} {'killed':>6} {'surv':>5} {'equiv':>5} {'rate':>6}")
    for m, r in results.items():
        c = {k: sum(1 for x in r.mutants if x.outcome == k) for k in ("killed", "timeout", "survived", "equivalent",
                                                                        "error", "pending")}
        killed = c["killed"] + c["timeout"]
        judged = killed + c["survived"]
        rate = f"{100 * killed / judged:.0f}%" if judged else "-"
        print(f"{m.removeprefix(PKG + '/'):60} {r.total:7} {judged + c['equivalent']:5} {killed:6} {c['survived']:5} "
              f"{c['equivalent']:5} {rate:>6}" + (f"  ({c['pending']} not run)" if c["pending"] else "")
              + (f"  ({c['error']} errors)" if c["error"] else ""))
    survivors = [x for r in results.values() for x in r.mutants if x.outcome == "survived"]
    if survivors:
        print("\nsurvivors (a missing test, or an equivalent mutant to list in tests/mutation_equivalents.toml):")
        for x in survivors:
            print(f"  {x.module}:{x.line} {x.operator}\n      - {x.before}\n      + {x.after}")
    print(f"\n{minutes:.1f} minutes on {len(lanes)} lanes")
    if args.json:
        args.json.write_text(json.dumps({m: {**asdict(r), "mutants": [asdict(x) for x in r.mutants]}
                                         for m, r in results.items()}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
