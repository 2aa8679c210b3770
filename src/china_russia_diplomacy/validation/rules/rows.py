"""Row-level coherence: added_in, paired date/basis columns, translation flags, aggregate agreements, aliases."""

from __future__ import annotations

from typing import Iterator

from ..report import Finding
from .base import Tables, f

def _semver(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("-")[0].split(".")[:3])


def row_rules(t: Tables) -> Iterator[Finding]:
    version = t.meta.version
    for spec in t.meta.tables:
        if "added_in" not in spec.field_names:
            continue
        for line, row in t.rows(spec.name):
            v = row.get("added_in")
            try:
                if v and _semver(v) > _semver(version):
                    yield f(spec.name, line, "added_in", v, "added-in", f"added_in {v} is newer than the package version {version}")
            except ValueError:
                pass
    for table, date_col in (("quotes", "spoken_date"), ("agreements", "signed_date")):
        basis_col = f"{date_col}_basis"
        for line, row in t.rows(table):
            if (row.get(date_col) is None) != (row.get(basis_col) is None):
                yield f(table, line, basis_col, row.get(basis_col), "date-basis-pair",
                        f"{date_col} and {basis_col} must be both given or both empty")
    for line, row in t.rows("quotes"):
        if row.get("original_language") and row.get("is_translation") is not True:
            yield f("quotes", line, "original_language", row["original_language"], "translation-language",
                    "original_language is given but is_translation is not true")
        if row.get("is_translation") is True and not row.get("original_language"):
            yield f("quotes", line, "original_language", None, "translation-language",
                    "is_translation is true but original_language is empty")
    for line, row in t.rows("agreements"):
        if row.get("is_aggregate") and not row.get("count_text"):
            yield f("agreements", line, "count_text", None, "aggregate-count", "an aggregate agreement needs its count_text")
        if row.get("is_aggregate") is False and (row.get("count_text") or row.get("count_low") is not None):
            yield f("agreements", line, "count_text", row.get("count_text"), "aggregate-count",
                    "count_text/count_low are only for aggregate rows")
    for line, row in t.rows("participants"):
        aliases = row.get("aliases")
        if aliases:
            parts = aliases.split(";")
            if any(p != p.strip() or not p for p in parts) or len(set(parts)) != len(parts) or row.get("name") in parts:
                yield f("participants", line, "aliases", aliases, "aliases",
                        "aliases must be distinct, non-empty, without spaces around ';', and not repeat the name")

