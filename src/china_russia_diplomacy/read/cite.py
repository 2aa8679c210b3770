"""``cite()`` and ``china-russia-diplomacy cite``: how to cite the version you loaded.

For the installed version it reads the ``CITATION.cff`` shipped with the package (in a wheel, in
``_package/``) and, failing that, rebuilds the record from ``datapackage.json``; for a registered
``version`` it reads the ``CITATION.cff`` that version itself carries.
"""

from __future__ import annotations

from pathlib import Path

from ..core.citation import FORMATS, Format, apa_text, bibtex_text, cff_text, installed_record


def cite(format: Format = "apa", package_dir: str | Path | None = None, *, version: str | None = None) -> str:
    """The citation of the installed version of the dataset, or of registered ``version``.

    ``format`` is ``"apa"`` (a reference-list line), ``"bibtex"`` (a ``@misc`` entry) or ``"cff"`` (the
    Citation File Format YAML). The version in it is the version you loaded, so a paper cites exactly
    the files it used: ``cite(version="1.0.0")`` reads the ``CITATION.cff`` that 1.0.0's own archive
    carries (fetched like ``load(..., version="1.0.0")``).
    """
    from ..core.errors import UsageError

    if format not in FORMATS:
        raise UsageError(f"format must be one of {FORMATS}, not {format!r}")
    if version is not None and package_dir is not None:
        raise UsageError(f"cite either a registered version ({version}) or a package directory ({package_dir}), not both")
    if version is not None:
        from .loader import resolve_package_dir

        package_dir = resolve_package_dir(package_dir, version)
    record = installed_record(package_dir)
    if format == "cff":
        return cff_text(record)
    return apa_text(record) if format == "apa" else bibtex_text(record)


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
