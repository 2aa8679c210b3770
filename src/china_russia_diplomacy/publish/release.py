"""``release``: the versioned archive a paper cites, ``dist/china-russia-diplomacy-<version>.zip``.

The archive holds everything needed to use and re-check the data without this library:
``datapackage.json``, the CSVs and their Parquet twins, the schemas (with ``retired_ids.json``), the
archived source articles the evidence points into, README, licences, CITATION.cff, ``croissant.json``,
the codebook, the changelog, the datasheet, the curation notes, the figures, the static site (every row
beside its article) and everything else the README links to (every relative link of its Markdown and
HTML files resolves inside it; ``release`` refuses one that does not), the history of the versions before it (``history/``, see
:mod:`china_russia_diplomacy.read.history`), and a ``SHA256SUMS`` file that ``sha256sum -c SHA256SUMS`` checks.

It is byte-identical when built twice from the same files: entries are sorted, every entry has the
timestamp 1980-01-01 00:00:00 (the earliest a zip can record), mode 0644, Unix as creating system and
the same deflate level, and nothing depends on the clock, the user or the file system order. Before
writing, the package is checked: the generated files must be current (a stale ``datapackage.json``
would ship hashes that do not match) and the package must validate.

Two files tie the archive into the chain of versions (see :mod:`china_russia_diplomacy.core.registry`): ``releases.json``, the
registry of the versions published *before* this one, and ``changes.json``, the diff against the
previous registered version (rows added, removed and corrected by ID with every changed cell, schema
changes, the bump), the same record ``changelog-entry`` prints the CHANGELOG's data section from.
After writing the archive, the ``release`` command adds its entry to ``releases.json``.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import zipfile
from pathlib import Path

from ..core.errors import NotFoundError, RefusedError
from ..core.files import not_regular

FIXED_DATE = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644
COMPRESSION = zipfile.ZIP_DEFLATED
LEVEL = 9
TOP_FILES = (
    "datapackage.json", "README.md", "LICENSE", "LICENSE-DATA", "CITATION.cff", ".zenodo.json", "croissant.json",
    "CHANGELOG.md", "DATASHEET.md", "CONTRIBUTING.md", "RELEASING.md", "curation/NOTES.md", "docs/codebook.md",
)
REQUIRED = ("datapackage.json", "README.md", "LICENSE", "LICENSE-DATA", "CITATION.cff", "docs/codebook.md")
# What the README points readers to (issue 23): a release built with the readiness check must carry them.
# Trees older than that rule (rebuilt with check=False) pack what they have.
REQUIRED_WHOLE = ("DATASHEET.md", "curation/NOTES.md", "croissant.json", "site/index.html")
# Folders packed whole, as built: the figures the README shows, the curation notes (and the sentences
# left uncoded) and the static site (every row beside its article).
FOLDERS = (("docs", ("*.png", "*.svg")), ("curation", ("*.md", "*.csv")), ("site", ("**/*",)))


def archive_name(meta) -> str:
    return f"{meta.name}-{meta.version}"


def release_files(package_dir: Path, meta) -> list[str]:
    """Relative paths of every file the archive carries (before SHA256SUMS), sorted."""
    missing = [rel for rel in REQUIRED if not (package_dir / rel).is_file()]
    if missing:
        raise NotFoundError(f"cannot release: missing {', '.join(missing)} in {package_dir}; run build")
    files = {rel for rel in TOP_FILES if (package_dir / rel).is_file()}
    for t in meta.tables:
        files.update({t.csv_path, t.parquet_path})
    for directory, pattern in (("schemas", "*.json"), ("schemas/codelists", "*.csv"), ("sources", "*.txt")):
        files.update(p.relative_to(package_dir).as_posix() for p in (package_dir / directory).glob(pattern))
    for directory, patterns in FOLDERS:
        for pattern in patterns:
            files.update(p.relative_to(package_dir).as_posix() for p in (package_dir / directory).glob(pattern)
                         if p.is_file() and not p.is_symlink())
    # The history of the versions published before this one (read/history.py), as releases.json is cut
    # to them: the archive of X rebuilt from a later commit with the same data gives the same bytes.
    from ..core.registry import read_registry, version_key

    earlier = {r.version for r in read_registry(package_dir).releases if version_key(r.version) < version_key(meta.version)}
    files.update(p.relative_to(package_dir).as_posix() for p in (package_dir / "history").glob("*.json")
                 if p.stem in earlier)
    for rel in files:
        problem = not_regular(package_dir / rel, package_dir)
        if problem:
            raise NotFoundError(f"cannot release: {rel} is {problem}; run build")
    return sorted(files)


def sha256sums(contents: dict[str, bytes]) -> bytes:
    """``sha256sum`` output for ``contents`` (two spaces: text mode, as ``sha256sum -c`` expects)."""
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {rel}\n" for rel, data in sorted(contents.items())).encode()


def archive_bytes(prefix: str, contents: dict[str, bytes]) -> bytes:
    """A deterministic zip of ``contents`` under the directory ``prefix/``."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for rel in sorted(contents):
            info = zipfile.ZipInfo(f"{prefix}/{rel}", date_time=FIXED_DATE)
            info.create_system = 3
            info.external_attr = FILE_MODE << 16
            info.compress_type = COMPRESSION
            zf.writestr(info, contents[rel], compress_type=COMPRESSION, compresslevel=LEVEL)
    return buffer.getvalue()


def check_ready(package_dir: Path) -> None:
    """Refuse to release a package whose generated files are stale or whose data does not validate.

    Only the generated files the archive carries are compared, the site excepted: it is packed as built,
    but it changes when the version is registered (its versions page), which must not stop the same
    archive from being built again from the registered commit before that change is committed. What the
    README points readers to (``REQUIRED_WHOLE``) must be there."""
    from ..build.pipeline import compute_outputs
    from ..core.metadata import read_metadata
    from ..validation import ValidationError, validate_package

    missing = [rel for rel in REQUIRED_WHOLE if not (package_dir / rel).is_file()]
    if missing:
        raise RefusedError(f"cannot release: missing {', '.join(missing)} in {package_dir}, which the README points "
                           "readers to; run `china-russia-diplomacy build`")
    outputs, _ = compute_outputs(package_dir)
    packed = set(release_files(package_dir, read_metadata(package_dir))) | set(REQUIRED)
    # The site is packed as built but not compared: its versions page changes when the version is
    # registered, and the archive must still rebuild from the registered commit (where it is current).
    stale = sorted(rel for rel, data in outputs.items() if rel in packed and not rel.startswith("site/")
                   and (not (package_dir / rel).is_file() or (package_dir / rel).read_bytes() != data))
    if stale:
        raise RefusedError(f"cannot release: generated files are stale ({', '.join(stale)}); run `china-russia-diplomacy build`")
    report = validate_package(package_dir)
    if not report.valid:
        raise ValidationError(report)


def changes_record(package_dir: Path, version: str, previous: str | Path | None = None) -> dict | None:
    """The diff against the previous registered version as the JSON record ``changes.json`` holds.

    ``previous`` defaults to the registry's latest version older than ``version``, resolved like any
    bare version (its commit in a git checkout, else the version cache). None when there is none.
    """
    from .diff import diff
    from ..core.registry import read_registry

    if previous is None:
        prev = read_registry(package_dir).previous(version)
        if prev is None:
            return None
        previous = prev.version
    try:
        return diff(previous, package_dir, repo=package_dir).to_dict()
    except (FileNotFoundError, OSError, ValueError, LookupError, RuntimeError) as exc:
        raise RefusedError(f"cannot compute changes.json against the previous version {previous}: {exc}") from None


def release_contents(package_dir: str | Path, *, check: bool = True,
                     previous: str | Path | None = None) -> tuple[str, dict[str, bytes]]:
    """The archive's directory name and every file it carries (with ``SHA256SUMS``), before zipping."""
    from ..core.metadata import read_metadata
    from ..core.registry import read_registry, registry_path

    package_dir = Path(package_dir).resolve()
    if check:
        check_ready(package_dir)
    meta = read_metadata(package_dir)
    contents = {rel: (package_dir / rel).read_bytes() for rel in release_files(package_dir, meta)}
    if registry_path(package_dir).is_file():
        # The registry as it stood before this version: rebuilding from a later commit gives the same bytes.
        contents["releases.json"] = read_registry(package_dir).before(meta.version).to_bytes()
    record = changes_record(package_dir, meta.version, previous)
    if record is not None:
        if check and record["problems"]:
            raise RefusedError("cannot release: " + "; ".join(record["problems"]) + " (see `china-russia-diplomacy check-version`)")
        contents["changes.json"] = (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    _localize_links(contents, meta, package_dir)
    if check:
        from .archive_links import broken_links

        broken = broken_links(contents)
        if broken:
            raise RefusedError("cannot release: links that lead nowhere inside the archive:\n  " + "\n  ".join(broken))
    contents["SHA256SUMS"] = sha256sums(contents)
    return archive_name(meta), contents


def _localize_links(contents: dict[str, bytes], meta, package_dir: Path) -> None:
    """Point the carried Markdown files' links to files the archive does not carry (developer files of
    the checkout) at the source repository, or say that they are there (see :mod:`.archive_links`)."""
    from .archive_links import localize_markdown

    carried = set(contents)
    repository = str(meta.package.get("repository") or "")
    for rel in sorted(contents):
        if rel.endswith(".md"):
            text = contents[rel].decode("utf-8")
            localized = localize_markdown(text, rel, carried, repository=repository, tag=f"v{meta.version}",
                                          in_repository=lambda path: (package_dir / path).exists())
            if localized != text:
                contents[rel] = localized.encode("utf-8")


def build_release(package_dir: str | Path, out_dir: str | Path | None = None, *, check: bool = True,
                  previous: str | Path | None = None) -> Path:
    """Write the release archive into ``out_dir`` (default ``<package_dir>/dist``) and return its path.

    ``previous`` is the version ``changes.json`` compares against (a version, directory, zip or git
    revision); by default the registry's previous version.
    """
    from ..core.locate import refuse_installed

    package_dir = Path(package_dir).resolve()
    out = refuse_installed(Path(out_dir) if out_dir is not None else package_dir / "dist", "release")
    name, contents = release_contents(package_dir, check=check, previous=previous)
    data = archive_bytes(name, contents)
    _refuse_a_different_published_archive(package_dir, f"{name}.zip", data)  # before anything is written
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{name}.zip"
    tmp = target.with_suffix(".zip.part")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target


def _refuse_a_different_published_archive(package_dir: Path, archive: str, data: bytes) -> None:
    """A version already in ``releases.json`` is published: an archive under its name with other bytes
    would be taken for it. Refuse (``RuntimeError``) before writing, and say to bump the version."""
    from ..core.metadata import read_metadata
    from ..core.registry import read_registry

    version = read_metadata(package_dir).version
    published = read_registry(package_dir).get(version)
    if published is None:
        return
    digest = hashlib.sha256(data).hexdigest()
    if digest != published.sha256:
        raise RefusedError(
            f"cannot release: {version} is already published ({published.archive}, SHA-256 {published.sha256}) and "
            f"this tree packs different bytes (SHA-256 {digest}); nothing was written. A published version never "
            f"changes: bump the version in schemas/package.json (see check-version {version})")


# --- adding the release to the registry ------------------------------------------------------------------


def _git(package_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(package_dir), *args], capture_output=True, text=True)


def release_commit(package_dir: Path) -> str:
    """The commit an archive built from ``package_dir`` can be rebuilt from: HEAD, when nothing the archive
    carries differs from it. Raises :class:`RefusedError` (a ``RuntimeError``) otherwise (a registered commit must rebuild the archive)."""
    from ..core.metadata import read_metadata
    from ..core.registry import REGISTRY_FILE, parse_registry, read_registry

    head = _git(package_dir, "rev-parse", "--verify", "HEAD")
    if head.returncode != 0:
        raise RefusedError(f"{package_dir} is not a git checkout with a commit; the registry records the commit "
                           "a release is built from (use --no-register to only write the archive)")
    files = [rel for rel in release_files(package_dir, read_metadata(package_dir))]
    dirty = _git(package_dir, "status", "--porcelain", "--", *files)
    if dirty.returncode != 0 or dirty.stdout.strip():
        raise RefusedError("uncommitted changes in files the archive carries; commit them first:\n" + dirty.stdout.rstrip())
    version = read_metadata(package_dir).version
    _require_dated(package_dir, version)
    committed = _git(package_dir, "show", f"HEAD:{REGISTRY_FILE}")
    committed_before = parse_registry(committed.stdout).before(version) if committed.returncode == 0 else None
    if (package_dir / REGISTRY_FILE).is_file() and committed_before != read_registry(package_dir).before(version):
        raise RefusedError(f"{REGISTRY_FILE} has uncommitted changes to earlier versions; commit them first")
    return head.stdout.strip()


def _require_dated(package_dir: Path, version: str) -> str:
    """The release date (the CHANGELOG entry's); a version is registered only once its entry is dated."""
    from ..core.citation import release_date

    date = release_date(package_dir, version)
    if not date:
        raise RefusedError(f"CHANGELOG.md has no dated entry for {version}; date it (## [{version}] - YYYY-MM-DD) "
                           "and rebuild before releasing")
    return date


def register_release(package_dir: str | Path, archive: str | Path, commit: str) -> tuple[str, bool]:
    """Add ``archive``'s entry to ``<package_dir>/releases.json``; returns (version, whether it was added).

    A version already registered is never changed: the same archive again is a no-op, a different one
    is refused (a published version is immutable; make a new version instead).
    """
    from ..core.metadata import read_metadata
    from ..core.locate import refuse_installed
    from ..core.registry import read_registry, release_from_archive, write_registry

    package_dir = refuse_installed(package_dir, "release")
    meta = read_metadata(package_dir)
    date = _require_dated(package_dir, meta.version)
    registry = read_registry(package_dir)
    entry = release_from_archive(archive, version=meta.version, date=date, commit=commit)
    known = registry.get(meta.version)
    if known is not None:
        if known.sha256 == entry.sha256:
            return meta.version, False
        raise RefusedError(f"{meta.version} is already registered with archive SHA-256 {known.sha256}, but this build gives "
                           f"{entry.sha256}; a published version never changes: bump the version")
    write_registry(package_dir, registry.with_release(entry))
    return meta.version, True


# --- what publishing still needs from a person ------------------------------------------------------------

WORKFLOW = ".github/workflows/release.yml"
# Set up once outside the repository, so nothing here can see them: always listed, to confirm.
UNCHECKABLE = (
    "PyPI trusted publisher: on pypi.org, add this repository's workflow release.yml (environment pypi) as the "
    "trusted publisher of the project china-russia-diplomacy (cannot be checked from here)",
    "ZENODO_TOKEN: a Zenodo personal access token (scopes deposit:write, deposit:actions) stored as the secret "
    "ZENODO_TOKEN of the repository's environment zenodo (cannot be checked from here)",
)


def publishing_needs(package_dir: Path) -> tuple[list[str], list[str], list[str]]:
    """(what is missing and can be seen in the tree, what is optional and not given, what a person must
    confirm) for a public release:
    the citation metadata of schemas/package.json (see core/citation.py), the registry and the workflow."""
    from ..core.citation import release_date
    from ..core.metadata import read_metadata
    from ..core.registry import read_registry

    meta = read_metadata(package_dir)
    pkg = meta.package
    needs, optional = [], []
    creators = [c for c in pkg.get("contributors") or [] if "creator" in c.get("roles", [])] or pkg.get("contributors") or []
    people = [c for c in creators if c.get("familyName")]
    for c in creators:
        if not c.get("familyName"):
            needs.append(f"authors: {c.get('title', '?')!r} is not a person; name the authors (givenName, familyName) "
                         "in schemas/package.json contributors")
    for c in people:
        name = " ".join(filter(None, [c.get("givenName"), c["familyName"]]))
        if not c.get("orcid"):
            needs.append(f"ORCID: none for {name} (contributors[].orcid in schemas/package.json)")
        if not c.get("organization"):
            needs.append(f"affiliation: none for {name} (contributors[].organization in schemas/package.json)")
    if not creators:
        needs.append("authors: schemas/package.json has no contributors")
    for key, what in (("repository", "the source repository's URL"), ("homepage", "the dataset's home page (e.g. the published site)")):
        if not pkg.get(key):
            needs.append(f"{key}: empty; give {what} in schemas/package.json")
    if not pkg.get("conceptDoi"):
        needs.append("concept DOI: none yet; the first Zenodo deposit of the release workflow mints it and writes it to "
                     "schemas/package.json (conceptDoi), or give the existing one")
    if not pkg.get("zenodoCommunity"):
        optional.append("Zenodo community: none (zenodoCommunity in schemas/package.json)")
    if not release_date(package_dir, meta.version):
        needs.append(f"CHANGELOG.md: no dated entry for {meta.version}")
    if read_registry(package_dir).get(meta.version) is None:
        needs.append(f"releases.json: {meta.version} is not registered; run `china-russia-diplomacy release` and commit "
                     f"before tagging v{meta.version}")
    if not (package_dir / WORKFLOW).is_file():
        needs.append(f"{WORKFLOW}: missing (the workflow that publishes a tag)")
    return needs, optional, list(UNCHECKABLE)


def _cmd_publish_check(args) -> int:
    from ..core.locate import find_package_dir

    package_dir = find_package_dir(args.dir)
    needs, optional, confirm = publishing_needs(package_dir)
    for line in needs:
        print(f"needs: {line}")
    for line in optional:
        print(f"optional: {line}")
    for line in confirm:
        print(f"confirm: {line}")
    if not needs:
        print("ok: nothing in the tree is missing for a public release; confirm the lines above once")
        return 0
    import sys

    # the list is the output (stdout); the failure itself is one line, as every command ends one
    print(f"error: publishing still needs {len(needs)} thing(s) from a person (the 'needs:' lines above)",
          file=sys.stderr)
    return 1


def register(subparsers) -> None:
    c = subparsers.add_parser("publish-check", help="list, one line each, what publishing still needs from a person "
                                                    "(authors, ORCID, DOI, repository, PyPI and Zenodo set-up)",
                              description="List, one line each, what publishing this version still needs from a person: "
                                          "'needs:' lines (citation metadata in schemas/package.json, a dated CHANGELOG "
                                          "entry, the registry entry, the release workflow), 'optional:' lines and "
                                          "'confirm:' lines (PyPI trusted publisher, the ZENODO_TOKEN secret) that "
                                          "cannot be checked from here. Exits 1 while anything is needed.")
    c.add_argument("dir", nargs="?", type=Path, help="package directory (default: the repository around the cwd)")
    c.set_defaults(func=_cmd_publish_check)
    p = subparsers.add_parser("release", help="write dist/<name>-<version>.zip with the data, docs and SHA256SUMS, "
                                              "and add it to releases.json",
                              description="Pack a built, valid, committed package into dist/<name>-<version>.zip (data, "
                                          "schemas, articles, docs, changes.json and SHA256SUMS) and register it in "
                                          "releases.json. Refuses stale generated files, uncommitted changes and a "
                                          "published version whose bytes would change.")
    p.add_argument("dir", nargs="?", type=Path, help="package directory (default: the repository around the cwd)")
    p.add_argument("--out", type=Path, help="output directory (default: DIR/dist)")
    p.add_argument("--no-register", action="store_true",
                   help="only write the archive; do not add it to releases.json (a trial build)")
    p.add_argument("--previous", help="version changes.json compares against (default: the previous registered version)")
    p.set_defaults(func=_cmd_release)


def _cmd_release(args) -> int:
    import sys

    from ..core.extras import require
    from ..core.locate import refuse_installed, writable_package_dir
    from ..core.registry import sha256_file
    from ..validation import ValidationError

    package_dir = writable_package_dir(args.dir, "release")
    if args.out is not None:
        refuse_installed(args.out, "release")
    require("build", "release")  # it checks that the generated files are current and that the package validates
    try:
        commit = None if args.no_register else release_commit(package_dir)
        path = build_release(package_dir, args.out, previous=args.previous)
        digest = sha256_file(path)  # streamed: an archive of a large fork need not sit in memory
        print(f"wrote {path}\nsha256 {digest}")
        if commit is not None:
            try:
                version, added = register_release(package_dir, path, commit)
            except (RuntimeError, ValueError):
                path.unlink()  # an archive the registry refuses must not lie around looking published
                raise
            if added:
                print(f"registered {version} (commit {commit}) in {package_dir / 'releases.json'}; commit releases.json")
            else:
                print(f"{version} is already registered with this archive; releases.json unchanged")
    except ValidationError as exc:
        from ..validation.report import print_report

        print("release refused: the package does not validate.", file=sys.stderr)
        print_report(exc.report, False)
        return 1
    except (RuntimeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
