"""The commands ``diff``, ``check-version`` and ``changelog-entry``."""

from __future__ import annotations

import json
from pathlib import Path

from . import changelog_section, diff, render_text


def register(subparsers) -> None:
    p = subparsers.add_parser("diff", help="rows and schema changes between two versions, and the bump they require",
                              description="Compare two versions of the package (registered versions, folders, release zips "
                                          "or git revisions): rows added, removed and corrected per table, schema changes, "
                                          "and the version bump they require.")
    p.add_argument("old", help="registered version (e.g. 1.0.0), directory, release .zip or git revision (e.g. HEAD~3)")
    p.add_argument("new", help="registered version, directory, release .zip or git revision (e.g. .)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--check", action="store_true", help="exit 1 when the version bump is too small or an ID vanished")
    p.add_argument("--repo", type=Path, help="git repository for revisions (default: the one around the cwd)")
    p.set_defaults(func=_cmd_diff)

    c = subparsers.add_parser("check-version", help="fail when the version was bumped less than the changes since OLD require",
                              description="Exit 1 when the version in NEW (default: the working tree) is bumped less than "
                                          "the changes since OLD require, or an ID vanished; a check for CI before release.")
    c.add_argument("old", help="the previous release: a registered version (e.g. 1.0.0), git revision, directory or .zip")
    c.add_argument("new", nargs="?", default=".", help="the candidate (default: the working tree, .)")
    c.add_argument("--json", action="store_true", help="machine-readable output")
    c.add_argument("--repo", type=Path, help="git repository for revisions (default: the one around the cwd)")
    c.set_defaults(func=_cmd_check, check=True)

    e = subparsers.add_parser("changelog-entry", help="print the CHANGELOG data section for the changes OLD -> NEW",
                              description="Print the CHANGELOG's data section (rows per table, corrections with their "
                                          "reasons, schema changes) for OLD -> NEW, or from a saved changes.json / diff --json record.")
    e.add_argument("old", nargs="?", help="the previous release: a registered version (e.g. 1.0.0), git revision, directory or .zip")
    e.add_argument("new", nargs="?", default=".")
    e.add_argument("--repo", type=Path)
    e.add_argument("--from-json", type=Path, metavar="CHANGES_JSON",
                   help="print from a saved record (a release's changes.json, or `diff --json` output) instead of OLD NEW")
    e.set_defaults(func=_cmd_changelog)


def _cmd_diff(args) -> int:
    d = diff(args.old, args.new, args.repo)
    print(json.dumps(d.to_dict(), indent=2, ensure_ascii=False) if args.json else render_text(d))
    return 1 if args.check and d.problems() else 0


def _cmd_check(args) -> int:
    import sys

    d = diff(args.old, args.new, args.repo)
    problems = d.problems()
    if args.json:
        print(json.dumps({"ok": not problems, "required_bump": d.required_bump, "actual_bump": d.actual_bump,
                          "problems": problems}, indent=2))
    elif problems:
        for p in problems:
            print(f"error: {p}", file=sys.stderr)
    else:
        print(f"ok: {d.summary()}")
    return 1 if problems else 0


def _cmd_changelog(args) -> int:
    if args.from_json is not None:
        from .record import read_changes

        print(changelog_section(read_changes(args.from_json)))
        return 0
    if args.old is None:
        import sys

        print("error: changelog-entry needs OLD (e.g. 1.0.0) or --from-json FILE", file=sys.stderr)
        return 2
    print(changelog_section(diff(args.old, args.new, args.repo)))
    return 0
