"""First validation layer: the whole ``datapackage.json`` checked by the real ``frictionless`` library
(types, constraints, primary and foreign keys, bytes and hashes, safe paths).

frictionless reads every row in Python and is the slowest part of a validation (about 40 % of it on a
large package), while the other layers do not need its result. So :func:`start_frictionless` runs it
in a separate *spawned* process (safe whatever threads the caller's pandas/Arrow started) while the
caller runs the other layers; :meth:`FrictionlessJob.findings` collects the result. Where no process
can be started the layer runs inline: the result is the same, only slower.
"""

from __future__ import annotations

from pathlib import Path

from .report import Finding

LAYER = "frictionless"
# "spawn": a fresh interpreter, safe whatever threads the caller runs (fork is not, with Arrow's pools).
START_METHOD = "spawn"

# One frictionless error as plain values, picklable across the process boundary:
# (table or None for package errors, row_number, field_name, cell, type, message)
RawError = tuple


def _unreadable(package_dir: Path, descriptor: Path) -> list[RawError]:
    """Findings that keep frictionless from reading the package: a descriptor that is not a regular file
    or not a JSON object, or a resource file that is a link or special file."""
    import json

    from ..core.files import not_regular
    from ..core.locate import safe_relative
    from .artifacts import descriptor_shape_problem

    problem = not_regular(descriptor, package_dir)
    if problem:
        return [(None, None, None, None, "file-type", f"datapackage.json is {problem}")]
    try:
        data = json.loads(descriptor.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return []  # frictionless reports unparsable JSON itself
    shape = descriptor_shape_problem(data)
    if shape:
        return [(None, None, None, None, "descriptor-error", f"datapackage.json {shape}")]
    out: list[RawError] = []
    for res in data.get("resources", []):
        path = res.get("path")
        if isinstance(path, str) and safe_relative(path):
            problem = not_regular(package_dir / path, package_dir)
            if problem and problem != "missing":
                out.append((str(res.get("name")), None, None, path, "file-type", f"{path} is {problem}"))
    return out


def raw_errors(package_dir: str) -> list[RawError]:
    """Run frictionless on ``package_dir/datapackage.json``; its errors as plain tuples."""
    import frictionless

    descriptor = Path(package_dir) / "datapackage.json"
    if not descriptor.is_file():
        return [(None, None, None, None, "descriptor-missing", "datapackage.json is missing; run build")]
    blocked = _unreadable(Path(package_dir), descriptor)
    if blocked:  # the files layer reports them; frictionless would follow a link or block on a FIFO
        return blocked
    try:
        report = frictionless.validate(str(descriptor))
    except Exception as exc:  # frictionless raises FrictionlessException on unreadable descriptors
        return [(None, None, None, None, "descriptor-error", f"{type(exc).__name__}: {exc}")]
    out: list[RawError] = [(None, None, None, None, e.type, e.message) for e in report.errors]
    for task in report.tasks:
        for e in task.errors:
            cell = getattr(e, "cell", None)
            out.append((task.name or "package", getattr(e, "row_number", None), getattr(e, "field_name", None),
                        None if cell is None else str(cell), e.type, e.note or e.message))
    return out


def to_findings(errors: list[RawError], lines: dict[str, list[int]]) -> list[Finding]:
    """Raw errors -> findings, with frictionless' row numbers turned into CSV lines (a quoted cell may
    span lines, so row n is not always line n)."""
    findings: list[Finding] = []
    for table, row_number, field, cell, rule, message in errors:
        line = None
        if row_number is not None:
            data_row = row_number - 2  # frictionless counts the header as row 1
            table_lines = lines.get(table or "") or []
            line = table_lines[data_row] if 0 <= data_row < len(table_lines) else row_number
        findings.append(Finding(LAYER, table or "package", line, field, cell, rule, message))
    return findings


def validate_descriptor(package_dir: Path, lines: dict[str, list[int]]) -> list[Finding]:
    """The frictionless layer run inline, in this process."""
    return to_findings(raw_errors(str(package_dir)), lines)


def _child(package_dir: str, conn) -> None:
    try:
        conn.send(("ok", raw_errors(package_dir)))
    except BaseException as exc:  # report, never hang the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class FrictionlessJob:
    """The frictionless layer running in a spawned process (or, failing that, deferred to run inline)."""

    def __init__(self, package_dir: Path):
        self.package_dir = Path(package_dir)
        self._process = None
        self._conn = None
        try:
            import multiprocessing

            ctx = multiprocessing.get_context(START_METHOD)
            parent, child = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_child, args=(str(self.package_dir), child), daemon=True,
                                  name="frictionless-layer")
            process.start()
            child.close()
            self._process, self._conn = process, parent
        except (OSError, RuntimeError, ValueError):  # no processes here (a sandbox): run inline later
            self._process = self._conn = None

    def findings(self, lines: dict[str, list[int]]) -> list[Finding]:
        """Wait for the result and return it as findings (CSV lines from ``lines``)."""
        if self._process is None:
            return validate_descriptor(self.package_dir, lines)
        try:
            status, payload = self._conn.recv()
        except EOFError:  # the child died (killed, out of memory): run the layer here instead
            status, payload = "lost", None
        finally:
            self._conn.close()
            self._process.join()
            self._process = None
        if status == "ok":
            return to_findings(payload, lines)
        if status == "lost":
            return validate_descriptor(self.package_dir, lines)
        return [Finding(LAYER, "package", None, None, None, "descriptor-error", payload)]

    def cancel(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._conn.close()
            self._process = None


def start_frictionless(package_dir: Path) -> FrictionlessJob:
    return FrictionlessJob(package_dir)
