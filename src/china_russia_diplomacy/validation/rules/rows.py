"""Row-level coherence: added_in, paired date/basis columns, translation flags, aggregate agreements, aliases.

Column operations over whole tables; Python only for the distinct ``added_in`` versions and for the
rows that fail.
"""

from __future__ import annotations

from typing import Iterator

import pandas as pd

from ..report import Finding
from .base import Tables, f, failing


def _semver(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("-")[0].split(".")[:3])


def _newer(v, version: str) -> bool:
    try:
        return bool(v) and _semver(v) > _semver(version)
    except ValueError:
        return False


def row_rules(t: Tables) -> Iterator[Finding]:
    version = t.meta.version
    frames = t.frames
    for spec in t.meta.tables:
        if "added_in" not in spec.field_names or spec.name not in frames:
            continue
        added = frames[spec.name]["added_in"]
        newer = {v for v in added.dropna().unique().tolist() if _newer(v, version)}
        for i in failing(added.isin(list(newer))) if newer else ():
            v = added.iat[i]
            yield f(spec.name, t.line(spec.name, i), "added_in", v, "added-in", f"added_in {v} is newer than the package version {version}")
    for table, date_col in (("quotes", "spoken_date"), ("agreements", "signed_date")):
        if table not in frames:
            continue
        basis_col = f"{date_col}_basis"
        d = frames[table]
        for i in failing(d[date_col].isna() != d[basis_col].isna()):
            yield f(table, t.line(table, i), basis_col, _value(d[basis_col].iat[i]), "date-basis-pair",
                    f"{date_col} and {basis_col} must be both given or both empty")
    if "quotes" in frames:
        q = frames["quotes"]
        language = q["original_language"].fillna("").astype(str) != ""
        translated = (q["is_translation"] == True).fillna(False).astype(bool)  # noqa: E712 (nullable boolean)
        for i in failing(language & ~translated):
            yield f("quotes", t.line("quotes", i), "original_language", q["original_language"].iat[i], "translation-language",
                    "original_language is given but is_translation is not true")
        for i in failing(translated & ~language):
            yield f("quotes", t.line("quotes", i), "original_language", None, "translation-language",
                    "is_translation is true but original_language is empty")
    if "agreements" in frames:
        a = frames["agreements"]
        count_text = a["count_text"].fillna("").astype(str) != ""
        aggregate = a["is_aggregate"].fillna(False).astype(bool)
        not_aggregate = (a["is_aggregate"] == False).fillna(False).astype(bool)  # noqa: E712
        for i in failing(aggregate & ~count_text):
            yield f("agreements", t.line("agreements", i), "count_text", None, "aggregate-count", "an aggregate agreement needs its count_text")
        for i in failing(not_aggregate & (count_text | a["count_low"].notna())):
            yield f("agreements", t.line("agreements", i), "count_text", _value(a["count_text"].iat[i]), "aggregate-count",
                    "count_text/count_low are only for aggregate rows")
    if "participants" in frames:
        p = frames["participants"]
        for i in failing(p["aliases"].fillna("").astype(str) != ""):
            aliases, name = p["aliases"].iat[i], _value(p["name"].iat[i])
            parts = aliases.split(";")
            if any(x != x.strip() or not x for x in parts) or len(set(parts)) != len(parts) or name in parts:
                yield f("participants", t.line("participants", i), "aliases", aliases, "aliases",
                        "aliases must be distinct, non-empty, without spaces around ';', and not repeat the name")


def _value(v):
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v
