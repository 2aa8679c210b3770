"""Code lists: countries (ISO 3166), languages (ISO 639), CAMEO and PLOVER codes, and the crosswalk.

A pattern such as ``[A-Z]{3}`` accepts ``XYZ`` and a spreadsheet's ``42`` for CAMEO ``042``; only the
lists themselves can refuse them. ISO tables come from pycountry (maintained, offline); the event code
lists and the crosswalk from ``schemas/codelists/`` (see :mod:`china_russia_diplomacy.codelists`),
which the codebook prints.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from ...core import codelists
from ..report import Finding
from ._vector import frame, located, text
from .base import Tables, f

# Columns holding a country code, and whether a former state's code (ISO 3166-3) may stand there:
# a participant may be a state that no longer exists (the Soviet Union); a place is coded by the
# country it lies in today.
COUNTRY_COLUMNS = (("participants", "country", True), ("events", "location_country", False))
LANGUAGE_COLUMNS = (("sources", "language"), ("quotes", "original_language"))


@lru_cache(maxsize=1)
def iso_countries() -> tuple[frozenset[str], frozenset[str]]:
    """(ISO 3166-1 alpha-3 codes, ISO 3166-3 codes of former states: their alpha-3 and alpha-4 forms)."""
    import pycountry

    current = frozenset(c.alpha_3 for c in pycountry.countries)
    former = frozenset(code for c in pycountry.historic_countries
                       for code in (getattr(c, "alpha_3", None), getattr(c, "alpha_4", None)) if code) - current
    return current, former


@lru_cache(maxsize=1)
def iso_languages() -> frozenset[str]:
    """ISO 639-1 two-letter codes."""
    import pycountry

    return frozenset(lang.alpha_2 for lang in pycountry.languages if getattr(lang, "alpha_2", None))


def country_codes(t: Tables) -> list[Finding]:
    current, former = iso_countries()
    out = []
    for table, column, former_ok in COUNTRY_COLUMNS:
        df = frame(t, table, column)
        if df is None:
            continue
        s = text(df[column])
        allowed = current | former if former_ok else current
        bad = s.notna() & ~s.isin(allowed)

        def message(i, s=s, former_ok=former_ok):
            v = s.iloc[i]
            if v in former:
                return (f"{v} is the ISO 3166-3 code of a former state; a location is coded by the country it "
                        "lies in today (ISO 3166-1 alpha-3)")
            kind = "ISO 3166-1 alpha-3 code" + (" nor an ISO 3166-3 code of a former state" if former_ok else "")
            return f"{v!r} is no {kind} (pycountry's ISO 3166 tables)"

        out += located(t, table, bad, column, "country-code", message)
    return out


def language_codes(t: Tables) -> list[Finding]:
    languages = iso_languages()
    out = []
    for table, column in LANGUAGE_COLUMNS:
        df = frame(t, table, column)
        if df is None:
            continue
        s = text(df[column])
        bad = s.notna() & ~s.isin(languages)
        out += located(t, table, bad, column, "language-code",
                       lambda i, s=s: f"{s.iloc[i]!r} is no ISO 639-1 language code (pycountry's ISO 639 table)")
    return out


def _lists(t: Tables) -> tuple[codelists.CodeLists | None, list[Finding]]:
    if not codelists.present(t.package_dir):  # a release made before 1.1.0 carries no code lists
        return None, []
    lists = codelists.load(Path(t.package_dir))
    return lists, [f("package", None, None, rel, "codelist", f"{rel} is {problem}; the code lists ship with the package")
                   for rel, problem in lists.problems]


def event_codes(t: Tables) -> list[Finding]:
    """CAMEO and PLOVER codes belong to their lists, and fit the event type as the crosswalk says."""
    ev = frame(t, "events", "event_type", "cameo_code", "plover_type")
    if ev is None:  # no table uses the lists (e.g. a package of other tables): nothing to check them against
        return []
    lists, out = _lists(t)
    if lists is None:
        return out
    etype, cameo, plover = text(ev["event_type"]), text(ev["cameo_code"]), text(ev["plover_type"])
    known_cameo = cameo.isin(list(lists.cameo)) if lists.cameo else pd.Series(True, index=ev.index)
    if lists.cameo:
        def cameo_message(i):
            v = cameo.iloc[i]
            hint = (f"; the leading zero was lost (a spreadsheet read the code as a number): write '0{v}'"
                    if "0" + v in lists.cameo else "")
            return f"{v!r} is not a code of the CAMEO list ({codelists.DIRECTORY}/cameo.csv){hint}"

        out += located(t, "events", cameo.notna() & ~known_cameo, "cameo_code", "cameo-code", cameo_message)
    known_plover = plover.isin(list(lists.plover)) if lists.plover else pd.Series(True, index=ev.index)
    if lists.plover:
        out += located(t, "events", plover.notna() & ~known_plover, "plover_type", "plover-type",
                       lambda i: f"{plover.iloc[i]!r} is not a PLOVER event type ({codelists.DIRECTORY}/plover.csv)")
    if not lists.crosswalk:
        return out
    cameo_pairs = {f"{k}|{p}" for k, (prefixes, _) in lists.crosswalk.items() for p in prefixes}
    plover_pairs = {f"{k}|{p}" for k, (_, types) in lists.crosswalk.items() for p in types}
    fits = pd.Series(False, index=ev.index)
    for n in (2, 3, 4):
        fits |= (etype + "|" + cameo.str.slice(0, n)).isin(cameo_pairs).fillna(False)
    known_type = etype.isin(list(lists.crosswalk))

    def allowed(i, which):
        prefixes, types = lists.crosswalk.get(etype.iloc[i], ((), ()))
        values = prefixes if which == 0 else types
        return ("none (leave it empty)" if not values else
                ", ".join(values) + (" (or a sub-code)" if which == 0 else "") + ", or empty")

    out += located(t, "events", cameo.notna() & known_cameo & known_type & ~fits, "cameo_code", "crosswalk",
                   lambda i: (f"CAMEO {cameo.iloc[i]} does not fit event_type {etype.iloc[i]!r}: the crosswalk "
                              f"({codelists.DIRECTORY}/crosswalk.csv) allows {allowed(i, 0)}"))
    plover_fits = (etype + "|" + plover).isin(plover_pairs).fillna(False)
    out += located(t, "events", plover.notna() & known_plover & known_type & ~plover_fits, "plover_type", "crosswalk",
                   lambda i: (f"PLOVER {plover.iloc[i]} does not fit event_type {etype.iloc[i]!r}: the crosswalk "
                              f"({codelists.DIRECTORY}/crosswalk.csv) allows {allowed(i, 1)}"))
    return out
