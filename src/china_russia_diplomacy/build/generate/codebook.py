"""Build generator: ``docs/codebook.md``, what every table and column means and what validation checks.

A codebook written by hand drifts from the data within one release; this one is rebuilt by every
``build`` and checked by the stale-file test. The tables and columns come from
:func:`china_russia_diplomacy.read.codebook.render` (the same text every file export writes beside its
tables); this module appends the code lists the codes are checked against and the consistency rules,
each rule's text taken from its docstring in :mod:`china_russia_diplomacy.validation.rules`.
"""

from __future__ import annotations

from ...read.codebook import md_cell, render


def render_codelists(package_dir, tables) -> str:
    """The "Code lists" section: the lists validation checks codes against, cited and printed."""
    from ...core import codelists

    lists = codelists.load(package_dir)
    events = tables.get("events")
    used = {}
    if events is not None and "cameo_code" in events.column_names:
        for v in events.column("cameo_code").to_pylist():
            used[v] = used.get(v, 0) + 1
    lines = [
        "## Code lists",
        "",
        "Codes are checked against lists, not patterns (a pattern accepts `XYZ` or a CAMEO `42` that lost its",
        "leading zero). The ISO lists come from the maintained ISO tables of the `pycountry` library:",
        "",
        "- `participants.country`: an ISO 3166-1 alpha-3 code, or for a state that no longer exists its ISO 3166-3",
        "  code (alpha-3 or alpha-4 form, e.g. the Soviet Union `SUN`/`SUHH`).",
        "- `events.location_country`: an ISO 3166-1 alpha-3 code of a current country only (a place is coded by the",
        "  country it lies in today).",
        "- `sources.language`, `quotes.original_language`: an ISO 639-1 code.",
        "",
        f"The event codes are data in `{codelists.DIRECTORY}/` (shipped with the package):",
        "",
        f"- `{codelists.DIRECTORY}/cameo.csv`: {codelists.CAMEO_SOURCE}.",
        f"- `{codelists.DIRECTORY}/plover.csv`: {codelists.PLOVER_SOURCE}.",
        f"- `{codelists.DIRECTORY}/crosswalk.csv`: for each `event_type`, the CAMEO codes (a listed code or one of its",
        "  sub-codes) and PLOVER types its rows may carry; empty `cameo_code`/`plover_type` is always allowed.",
        "",
        "### Crosswalk",
        "",
        "| event_type | CAMEO | PLOVER |",
        "|---|---|---|",
    ]
    for etype, (prefixes, types) in lists.crosswalk.items():
        cameo = ", ".join(f"`{c}` {md_cell(lists.cameo.get(c, ''))}" for c in prefixes) or "none"
        lines.append(f"| `{etype}` | {cameo} | {', '.join(f'`{t}`' for t in types) or 'none'} |")
    lines += ["", "### CAMEO codes", "", "| code | label | rows |", "|---|---|---:|"]
    lines += [f"| `{code}` | {md_cell(label)} | {used.get(code, 0)} |" for code, label in lists.cameo.items()]
    lines += ["", "### PLOVER types", "", "| type | label |", "|---|---|"]
    lines += [f"| `{code}` | {md_cell(label)} |" for code, label in lists.plover.items()]
    return "\n".join(lines) + "\n"


def render_rules() -> str:
    """The "Consistency rules" section: each domain rule's docstring (its name, what it refuses and its
    exception), so the codebook states exactly what validation checks."""
    import importlib
    import inspect

    from ...core.frames import EARLIEST, LATEST

    # the modules, not the functions of the same name that rules/__init__ exports
    chronology = importlib.import_module("china_russia_diplomacy.validation.rules.chronology")
    entities = importlib.import_module("china_russia_diplomacy.validation.rules.entities")
    confidence = importlib.import_module("china_russia_diplomacy.validation.rules.confidence")

    lines = [
        "## Consistency rules",
        "",
        "Beyond types and patterns, `validate` (and so `build`) refuses rows that are well-formed but wrong.",
        "Each rule below gives its name (as printed in a finding), what it refuses and its exception.",
        "",
        f"- `date-range`: every date lies within {EARLIEST}..{LATEST}, the days pandas' `datetime64[ns]` (and so",
        "  every loader backend) can hold; a date outside is a finding, never a crash.",
        "",
        "### Time",
        "",
    ]
    for title, module in (("Time", chronology), ("Entities and claims", entities), ("Confidence", confidence)):
        if title != "Time":
            lines += [f"### {title}", ""]
        for rule in module.DOCUMENTED:
            lines.append("- " + " ".join(inspect.cleandoc(rule.__doc__ or "").split()).replace("``", "`"))
        lines.append("")
    lines += [
        "### Text",
        "",
        "- `hidden-character`: no text cell holds a character that breaks a line or hides itself: Unicode format",
        "  characters (zero-width space, joiners, direction marks and overrides, byte order mark, soft hyphen), line",
        "  and paragraph separators, next line, private-use, surrogate and unassigned code points, or a space other",
        "  than U+0020 (no-break, thin, em...). Exception: `evidence`, `other_evidence` and `quotes.text`, which must",
        "  match the archived article character for character and are checked against it instead.",
        "",
    ]
    return "\n".join(lines)


def generate(ctx) -> dict[str, bytes]:
    """Build generator: ``docs/codebook.md``."""
    text = (render(ctx.meta, ctx.tables) + "\n" + render_codelists(ctx.package_dir, ctx.tables) + "\n"
            + render_rules())
    return {"docs/codebook.md": text.encode("utf-8")}
