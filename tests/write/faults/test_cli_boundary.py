"""The CLI's one error boundary (issue 26): whatever a command raises on purpose, or the disk refuses,
ends in one ``error:`` line and the exit code of its kind; ``--debug`` shows the traceback instead."""

from __future__ import annotations

import errno
import subprocess
import sys

import pytest

from china_russia_diplomacy import cli
from china_russia_diplomacy.core.errors import (CRDError, NotFoundError, UnknownNameError, UntrustedInputError,
                                                UsageError, describe_os_error)
from china_russia_diplomacy.core.extras import MissingExtra

defect = pytest.mark.defect


def _raising(exc: BaseException):
    def command(args) -> int:
        raise exc
    return command


def _run(monkeypatch, capsys, exc: BaseException, *extra: str) -> tuple[int, str, str]:
    monkeypatch.setattr(cli, "cmd_validate", _raising(exc))
    code = cli.main([*extra, "validate"])
    out, err = capsys.readouterr()
    return code, out, err


@defect("cli: error inside a command")
@pytest.mark.parametrize("exc,code,line", [
    (UsageError("no table 'x'; tables are: events"), 2, "error: no table 'x'; tables are: events"),
    (UntrustedInputError("x.zip: member ../evil outside the package"), 1, "error: x.zip: member ../evil outside the package"),
    (UnknownNameError("unknown table 'x'"), 2, "error: unknown table 'x'"),
    (MissingExtra("build needs the [build] extra (matplotlib not installed): pip install 'china-russia-diplomacy[build]'"), 2,
     "error: build needs the [build] extra (matplotlib not installed): pip install 'china-russia-diplomacy[build]'"),
    (OSError(errno.ENOSPC, "No space left on device", "/x/y"), 1,
     "error: cannot write /x/y: no space left on device (errno 28); free space on that disk or write somewhere else"),
    (OSError(errno.EROFS, "Read-only file system", "/mnt/ro/out.csv"), 1,
     "error: cannot write /mnt/ro/out.csv: read-only file system (errno 30); that file system is mounted read-only; write somewhere else"),
    (PermissionError(errno.EACCES, "Permission denied", "/root/x"), 1,
     "error: cannot use /root/x: permission denied (errno 13); you lack permission there; pick a folder you can write to, or fix its permissions"),
    (FileNotFoundError(errno.ENOENT, "No such file or directory", "/tmp/nope"), 2,
     "error: cannot use /tmp/nope: no such file or directory (errno 2); check the path"),
    (NotFoundError("/tmp/nope: no such file or directory"), 2, "error: /tmp/nope: no such file or directory"),
], ids=["usage", "untrusted", "unknown-name", "missing-extra", "enospc", "erofs", "eacces", "enoent", "not-found"])
def test_a_refusal_or_a_disk_failure_ends_in_one_error_line_with_its_exit_code(monkeypatch, capsys, exc, code, line):
    got, out, err = _run(monkeypatch, capsys, exc)
    assert (got, out, err) == (code, "", line + "\n")


@defect("cli: error inside a command")
def test_debug_shows_the_traceback_instead(monkeypatch, capsys):
    with pytest.raises(OSError, match="No space left"):
        _run(monkeypatch, capsys, OSError(errno.ENOSPC, "No space left on device", "/x/y"), "--debug")


@defect("cli: error inside a command")
def test_a_bug_is_not_hidden_behind_a_one_line_error(monkeypatch, capsys):
    """Only refusals and the system's errors are turned into a line: a real bug keeps its traceback."""
    with pytest.raises(ZeroDivisionError):
        _run(monkeypatch, capsys, ZeroDivisionError("a bug"))


def test_every_package_error_class_is_in_the_family():
    for cls in (UsageError, UntrustedInputError, NotFoundError, UnknownNameError, MissingExtra):
        assert issubclass(cls, CRDError)
    assert issubclass(NotFoundError, FileNotFoundError) and issubclass(UnknownNameError, KeyError)


def test_os_error_without_errno_is_its_message():
    assert describe_os_error(FileNotFoundError("/x: not a directory")) == "/x: not a directory"


@defect("cli: interrupted or closed pipe")
def test_ctrl_c_exits_130_with_one_line(monkeypatch, capsys):
    assert _run(monkeypatch, capsys, KeyboardInterrupt()) == (130, "", "interrupted\n")


@defect("cli: interrupted or closed pipe")
def test_a_closed_pipe_ends_quietly_in_process(monkeypatch, capsys):
    code, out, err = _run(monkeypatch, capsys, BrokenPipeError(errno.EPIPE, "Broken pipe"))
    assert (code, err) == (141, "")


@defect("cli: interrupted or closed pipe")
def test_json_piped_into_head_ends_without_a_traceback():
    """``versions --json | head -c 1``: the reader closes the pipe after one byte; no traceback, exit 141."""
    code = ("import sys; from china_russia_diplomacy import cli; "
            "cli.cmd_validate = lambda a: [print('x' * 1000, flush=True) for _ in range(10000)] and 0; "
            "sys.exit(cli.main(['validate']))")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(1)
    proc.stdout.close()  # what head does once it has its lines
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert err == "", err


@defect("cli: error inside a command")
def test_a_message_of_several_lines_is_one_error_line_with_indented_details(monkeypatch, capsys):
    """A download's tried URLs, or a path holding a newline, must not print lines that look like errors."""
    code, _, err = _run(monkeypatch, capsys, UsageError("cannot get 1.0.0:\n  http://a: refused\nDownload it yourself"))
    assert err == "error: cannot get 1.0.0:\n  http://a: refused\n  Download it yourself\n"
    code, _, err = _run(monkeypatch, capsys, FileNotFoundError("/tmp/a\nb: not a directory"))
    assert err == "error: /tmp/a\n  b: not a directory\n"


@defect("cli: interrupted or closed pipe")
def test_a_reader_gone_before_the_last_buffered_line_is_quiet_too():
    """The output fits in stdout's buffer, so the closed pipe shows only at the final flush."""
    code = ("import sys, time; from china_russia_diplomacy import cli; "
            "cli.cmd_validate = lambda a: (time.sleep(1), print('short'), 0)[2]; "
            "sys.exit(cli.main(['validate']))")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # gone before anything was written
    err = proc.stderr.read().decode()
    assert (proc.wait(timeout=60), err) == (141, "")
