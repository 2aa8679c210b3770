"""``cite()`` and ``china-russia-diplomacy cite``: how to cite the version you loaded.

For the installed version it reads the ``CITATION.cff`` shipped with the package (in a wheel, in
``_package/``) and, failing that, rebuilds the record from ``datapackage.json``. For a registered
``version`` other than the installed one the record is derived from what ``releases.json`` fixes: that
version's ``datapackage.json`` (verified against the registry's SHA-256 before it is read) and the
registry's release date. A ``CITATION.cff`` in the cache or rebuilt from the shipped history is not fixed
by any registered hash, so an edited history or cache could otherwise re-date or re-title the citation;
the derivation gives the same record that version's own ``CITATION.cff`` holds (both are generated from
the same metadata, tests/read/test_history.py checks it for every registered version).
"""

from __future__ import annotations

from pathlib import Path

from typing import Any

from ..core.citation import FORMATS, Format, apa_text, bibtex_text, cff_text, installed_record


def cite(format: Format = "apa", package_dir: str | Path | None = None, *, version: str | None = None) -> str:
    """The citation of the installed version of the dataset, or of registered ``version``.

    ``format`` is ``"apa"`` (a reference-list line), ``"bibtex"`` (a ``@misc`` entry) or ``"cff"`` (the
    Citation File Format YAML). The version in it is the version you loaded, so a paper cites exactly
    the files it used: ``cite(version="1.0.0")`` gives 1.0.0's citation, derived from what
    ``releases.json`` fixes (see the module docstring). A ``package_dir`` whose files differ from its own
    ``datapackage.json`` is cited as ``<version>+modified`` (with the one warning ``load`` gives), never
    as the published version.
    """
    from ..core.errors import UsageError

    if format not in FORMATS:
        raise UsageError(f"format must be one of {FORMATS}, not {format!r}")
    if version is not None and package_dir is not None:
        raise UsageError(f"cite either a registered version ({version}) or a package directory ({package_dir}), not both")
    if version is not None:
        from .loader import resolve_package_dir
        from .version_store import installed_version, normalise_version

        base = resolve_package_dir(package_dir, version)
        if normalise_version(version) != installed_version():
            record = registered_record(base, normalise_version(version))
            return cff_text(record) if format == "cff" else apa_text(record) if format == "apa" else bibtex_text(record)
        package_dir = base
    label = None
    if version is None and package_dir is not None:
        from ..core.files import package_path
        from .loader import _resolve, version_of

        package_dir, handed_over = _resolve(package_dir, None)  # a folder, its datapackage.json or a zip
        package_path(package_dir, "CITATION.cff", descriptor=package_dir / "datapackage.json", resource="CITATION.cff")
        label = version_of(package_dir, handed_over)
    record = installed_record(package_dir)
    if label is not None and label != str(record.get("version")) and label.endswith("+modified"):
        record = {**record, "version": label}
    if format == "cff":
        return cff_text(record)
    return apa_text(record) if format == "apa" else bibtex_text(record)


def registered_record(base: Path, version: str) -> dict[str, Any]:
    """The citation record of registered ``version`` from its verified copy in ``base``: its descriptor's
    metadata and the release date ``releases.json`` records (see the module docstring)."""
    from ..core.citation import registered_record as record_of
    from ..core.descriptor_file import read_descriptor
    from .version_store import registry

    release = registry().get(version)
    return record_of(read_descriptor(Path(base) / "datapackage.json"), release.date if release is not None else None)


def register(subparsers) -> None:
    p = subparsers.add_parser("cite", help="print how to cite the installed version (APA, BibTeX or CFF)",
                              description="Print how to cite the installed data (or DIR, or a registered --version) in APA, "
                                          "BibTeX or CFF, with its version and release date.")
    p.add_argument("--format", choices=FORMATS, default="apa", help="citation format (default: apa)")
    p.add_argument("dir", nargs="?", type=Path, help="package directory (default: the installed package)")
    p.add_argument("--version", dest="release", metavar="VERSION", help="cite this registered version (e.g. 1.0.0)")
    p.set_defaults(func=_cmd_cite)


def _cmd_cite(args) -> int:
    print(cite(args.format, args.dir, version=args.release))
    return 0
