"""``release``: the versioned archive a paper cites, ``dist/china-russia-diplomacy-<version>.zip``.

The archive holds everything needed to use and re-check the data without this library:
``datapackage.json``, the CSVs and their Parquet twins, the schemas (with ``retired_ids.json``), the
archived source articles the evidence points into, README, licences, CITATION.cff, the codebook, the
changelog and the datasheet, and a ``SHA256SUMS`` file that ``sha256sum -c SHA256SUMS`` checks.

It is byte-identical when built twice from the same files: entries are sorted, every entry has the
timestamp 1980-01-01 00:00:00 (the earliest a zip can record), mode 0644, Unix as creating system and
the same deflate level, and nothing depends on the clock, the user or the file system order. Before
writing, the package is checked: the generated files must be current (a stale ``datapackage.json``
would ship hashes that do not match) and the package must validate.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from ._files import not_regular

FIXED_DATE = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644
COMPRESSION = zipfile.ZIP_DEFLATED
LEVEL = 9
TOP_FILES = (
    "datapackage.json", "README.md", "LICENSE", "LICENSE-DATA", "CITATION.cff", ".zenodo.json",
    "CHANGELOG.md", "DATASHEET.md", "docs/codebook.md",
)
REQUIRED = ("datapackage.json", "README.md", "LICENSE", "LICENSE-DATA", "CITATION.cff", "docs/codebook.md")


def archive_name(meta) -> str:
    return f"{meta.name}-{meta.version}"


def release_files(package_dir: Path, meta) -> list[str]:
    """Relative paths of every file the archive carries (before SHA256SUMS), sorted."""
    missing = [rel for rel in REQUIRED if not (package_dir / rel).is_file()]
    if missing:
        raise FileNotFoundError(f"cannot release: missing {', '.join(missing)} in {package_dir}; run build")
    files = {rel for rel in TOP_FILES if (package_dir / rel).is_file()}
    for t in meta.tables:
        files.update({t.csv_path, t.parquet_path})
    for directory, pattern in (("schemas", "*.json"), ("schemas/codelists", "*.csv"), ("sources", "*.txt")):
        files.update(p.relative_to(package_dir).as_posix() for p in (package_dir / directory).glob(pattern))
    for rel in files:
        problem = not_regular(package_dir / rel, package_dir)
        if problem:
            raise FileNotFoundError(f"cannot release: {rel} is {problem}; run build")
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
    """Refuse to release a package whose generated files are stale or whose data does not validate."""
    from .build import compute_outputs
    from .validation import ValidationError, validate_package

    outputs, _ = compute_outputs(package_dir)
    stale = sorted(rel for rel, data in outputs.items()
                   if not (package_dir / rel).is_file() or (package_dir / rel).read_bytes() != data)
    if stale:
        raise RuntimeError(f"cannot release: generated files are stale ({', '.join(stale)}); run `china-russia-diplomacy build`")
    report = validate_package(package_dir)
    if not report.valid:
        raise ValidationError(report)


def build_release(package_dir: str | Path, out_dir: str | Path | None = None, *, check: bool = True) -> Path:
    """Write the release archive into ``out_dir`` (default ``<package_dir>/dist``) and return its path."""
    from .metadata import read_metadata

    package_dir = Path(package_dir).resolve()
    if check:
        check_ready(package_dir)
    meta = read_metadata(package_dir)
    contents = {rel: (package_dir / rel).read_bytes() for rel in release_files(package_dir, meta)}
    contents["SHA256SUMS"] = sha256sums(contents)
    out = Path(out_dir) if out_dir is not None else package_dir / "dist"
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{archive_name(meta)}.zip"
    data = archive_bytes(archive_name(meta), contents)
    tmp = target.with_suffix(".zip.part")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target


def register(subparsers) -> None:
    p = subparsers.add_parser("release", help="write dist/<name>-<version>.zip with the data, docs and SHA256SUMS")
    p.add_argument("dir", nargs="?", type=Path, help="package directory (default: the repository around the cwd)")
    p.add_argument("--out", type=Path, help="output directory (default: DIR/dist)")
    p.set_defaults(func=_cmd_release)


def _cmd_release(args) -> int:
    import sys

    from ._locate import find_package_dir
    from .validation import ValidationError

    package_dir = find_package_dir(args.dir)
    try:
        path = build_release(package_dir, args.out)
    except ValidationError as exc:
        from .cli import print_report

        print("release refused: the package does not validate.", file=sys.stderr)
        print_report(exc.report, False)
        return 1
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    print(f"wrote {path}\nsha256 {digest}")
    return 0
