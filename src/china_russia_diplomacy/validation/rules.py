"""Second validation layer, part two: the rules no Table Schema can say.

Cross-table and provenance rules over the typed frames: foreign keys (which pandera cannot express),
date bounds, precision and EDTF consistency, every evidence span verbatim at its offsets in an archived
article whose SHA-256 matches, quote text inside its evidence, ``num_sources`` derived from the mentions,
acyclic parent events, and cell hygiene (NFC, stray spaces, spreadsheet formulas).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pandas as pd

from ..metadata import Metadata
from .report import Finding

LAYER = "rules"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Tables:
    """The typed frames of a package with their CSV line numbers and the archived texts."""

    meta: Metadata
    frames: dict[str, pd.DataFrame]
    lines: dict[str, list[int]]
    package_dir: Path
    _records: dict[str, list[tuple[int | None, dict]]] = field(default_factory=dict, repr=False)

    def rows(self, table: str) -> Iterator[tuple[int | None, dict]]:
        """(CSV line, cleaned row) pairs; converted once per table, since most rules walk several tables.
        Callers must not mutate the row dicts."""
        if table not in self._records:
            frame = self.frames.get(table)
            lines = self.lines.get(table, [])
            self._records[table] = [] if frame is None else [
                ((lines[i] if i < len(lines) else None), {k: _clean(v) for k, v in rec.items()})
                for i, rec in enumerate(frame.to_dict("records"))
            ]
        return iter(self._records[table])


def _clean(v):
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v


def f(table: str, line, column, value, rule: str, message: str) -> Finding:
    return Finding(LAYER, table, line, column, None if value is None else str(value), rule, message)


# --- foreign keys -------------------------------------------------------------------------------

def foreign_keys(t: Tables) -> Iterator[Finding]:
    for spec in t.meta.tables:
        for fk in spec.foreign_keys:
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            ref = fk["reference"]
            ref_table = ref.get("resource") or spec.name
            ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
            target = t.frames.get(ref_table)
            if target is None:
                continue
            keys = set(map(tuple, target[ref_fields].astype(object).where(target[ref_fields].notna(), None).values.tolist()))
            for line, row in t.rows(spec.name):
                value = tuple(row[c] for c in fields)
                if any(v is None for v in value):
                    continue
                if value not in keys:
                    yield f(spec.name, line, ",".join(fields), ",".join(map(str, value)), "foreign-key",
                            f"no row of {ref_table} has {','.join(ref_fields)} = {','.join(map(str, value))}")
    participants = set(t.frames["participants"]["participant_id"].dropna()) if "participants" in t.frames else set()
    for line, row in t.rows("agreements"):
        for pid in (row.get("parties") or "").split(";"):
            if pid and pid not in participants:
                yield f("agreements", line, "parties", pid, "foreign-key", f"party {pid} is not in participants")
    for line, row in t.rows("discrepancies"):
        table, rid = row.get("record_table"), row.get("record_id")
        if table in t.frames and rid is not None:
            spec = t.meta.table(table)
            if rid not in set(t.frames[table][spec.primary_key[0]].dropna()):
                yield f("discrepancies", line, "record_id", rid, "foreign-key", f"no row of {table} has ID {rid}")


# --- sources and evidence -----------------------------------------------------------------------

def archived_texts(t: Tables) -> tuple[dict[str, str], list[Finding]]:
    """Read every archived article named in ``sources``; check its bytes against sha256 and char_count."""
    texts: dict[str, str] = {}
    out: list[Finding] = []
    for line, row in t.rows("sources"):
        sid, name = row.get("source_id"), row.get("file_name")
        if not sid or not name:
            continue
        if "/" in name or "\\" in name or name.startswith("."):
            out.append(f("sources", line, "file_name", name, "unsafe-path", "file_name must be a bare file name"))
            continue
        path = t.package_dir / "sources" / name
        if not path.is_file():
            out.append(f("sources", line, "file_name", name, "source-missing", f"archived article sources/{name} is missing"))
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if row.get("sha256") and digest != row["sha256"]:
            out.append(f("sources", line, "sha256", row["sha256"], "source-sha256",
                         f"sources/{name} has sha256 {digest}: the archived article was altered"))
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            out.append(f("sources", line, "file_name", name, "source-encoding", f"sources/{name} is not UTF-8"))
            continue
        if row.get("char_count") is not None and len(text) != row["char_count"]:
            out.append(f("sources", line, "char_count", row["char_count"], "source-char-count",
                         f"sources/{name} has {len(text)} code points"))
        if row.get("body_start") is not None and row["body_start"] > len(text):
            out.append(f("sources", line, "body_start", row["body_start"], "maximum", "body_start is past the end of the text"))
        texts[sid] = text
    return texts, out


def _span(table, line, text, source_id, evidence, start, end, cols) -> Iterator[Finding]:
    c_ev, c_start, c_end = cols
    if evidence is None or start is None or end is None:
        return
    if start >= end:
        yield f(table, line, c_end, end, "evidence-offsets", f"{c_end} ({end}) must be greater than {c_start} ({start})")
        return
    if end > len(text):
        yield f(table, line, c_end, end, "evidence-offsets", f"{c_end} ({end}) is past the end of {source_id} ({len(text)} code points)")
        return
    actual = text[start:end]
    if actual != evidence:
        where = text.find(evidence)
        hint = (f"; the evidence occurs at {where}..{where + len(evidence)}" if where >= 0
                else "; the evidence does not occur in this source at all (edited, or from another source?)")
        yield f(table, line, c_ev, evidence, "evidence-verbatim",
                f"text[{start}:{end}] of {source_id} is {actual[:60]!r}, not the evidence{hint}")


def evidence(t: Tables, texts: dict[str, str]) -> Iterator[Finding]:
    for spec in t.meta.tables:
        if not spec.has_provenance:
            continue
        for line, row in t.rows(spec.name):
            text = texts.get(row.get("source_id"))
            if text is not None:
                yield from _span(spec.name, line, text, row["source_id"], row.get("evidence"), row.get("evidence_start"),
                                 row.get("evidence_end"), ("evidence", "evidence_start", "evidence_end"))
            if spec.name == "discrepancies":
                other = texts.get(row.get("other_source_id"))
                if other is not None:
                    yield from _span(spec.name, line, other, row["other_source_id"], row.get("other_evidence"),
                                     row.get("other_evidence_start"), row.get("other_evidence_end"),
                                     ("other_evidence", "other_evidence_start", "other_evidence_end"))
    for line, row in t.rows("quotes"):
        if row.get("text") and row.get("evidence") and row["text"] not in row["evidence"]:
            yield f("quotes", line, "text", row["text"], "quote-in-evidence", "quote text does not occur inside its evidence")


# --- events ---------------------------------------------------------------------------------------

def _precision_ok(precision: str, start: dt.date, end: dt.date) -> bool:
    days = (end - start).days + 1
    if precision == "day":
        return days == 1
    if precision == "days":
        return 2 <= days <= 31
    if precision == "week":
        return 2 <= days <= 7
    if precision == "month":
        nxt = (end + dt.timedelta(days=1))
        return start.day == 1 and start.year == end.year and start.month == end.month and nxt.day == 1
    if precision == "season":
        return 8 <= days <= 100
    if precision == "year":
        return (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year
    if precision == "years":
        return days > 366
    if precision == "window":
        return days >= 2
    return False


_EDTF_DAY = r"(\d{4})-(\d{2})-(\d{2})"
_EDTF_FAST = {
    # The EDTF shapes the curation uses, checked without the grammar (the edtf parser's pyparsing
    # grammar costs ~20 ms a string, most of a cold validate). Anything else goes to the parser;
    # tests/test_schemas.py checks that both agree on every string in the data.
    "day": re.compile(rf"{_EDTF_DAY}\Z"),
    "month": re.compile(r"(\d{4})-(0[1-9]|1[0-2])\Z"),
    "year": re.compile(r"(\d{4})\Z"),
    "interval": re.compile(rf"{_EDTF_DAY}/{_EDTF_DAY}\Z"),
    "window": re.compile(rf"\[{_EDTF_DAY}\.\.{_EDTF_DAY}\]\Z"),
}


def _edtf_fast(value: str) -> tuple[dt.date, dt.date] | None:
    m = _EDTF_FAST["day"].match(value)
    if m:
        d = dt.date(*map(int, m.groups()))
        return d, d
    m = _EDTF_FAST["month"].match(value)
    if m:
        y, mo = int(m[1]), int(m[2])
        nxt = dt.date(y + (mo == 12), mo % 12 + 1, 1)
        return dt.date(y, mo, 1), nxt - dt.timedelta(days=1)
    m = _EDTF_FAST["year"].match(value)
    if m:
        return dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31)
    for shape in ("interval", "window"):
        m = _EDTF_FAST[shape].match(value)
        if m:
            g = list(map(int, m.groups()))
            lo, hi = dt.date(*g[:3]), dt.date(*g[3:])
            return (lo, hi) if lo <= hi else None
    return None


def _edtf_bounds(value: str) -> tuple[dt.date, dt.date]:
    """Lower and upper day of an EDTF string; raises on an invalid one."""
    try:
        fast = _edtf_fast(value)
    except ValueError:  # e.g. 2025-02-30 matched the shape but is no calendar day
        fast = None
    if fast is not None:
        return fast
    return edtf_bounds_by_parser(value)


def edtf_bounds_by_parser(value: str) -> tuple[dt.date, dt.date]:
    from edtf import parse_edtf  # the reference EDTF parser; only validation needs it

    parsed = parse_edtf(value)
    lo, hi = parsed.lower_strict(), parsed.upper_strict()
    return dt.date(*lo[:3]), dt.date(*hi[:3])


def event_dates(t: Tables) -> Iterator[Finding]:
    for line, row in t.rows("events"):
        start, end, precision, edtf, basis = (row.get(k) for k in ("date_start", "date_end", "date_precision", "date_edtf", "date_basis"))
        if (start is None) != (end is None):
            yield f("events", line, "date_end" if end is None else "date_start", None, "date-bounds-pair",
                    "date_start and date_end must be both given or both empty")
            continue
        if start is None:
            for col in ("date_precision", "date_edtf"):
                if row.get(col) is not None:
                    yield f("events", line, col, row[col], "date-undated", f"{col} is given but the date bounds are empty")
            if basis not in (None, "undated"):
                yield f("events", line, "date_basis", basis, "date-undated", "an event without bounds must have date_basis 'undated'")
            continue
        if basis == "undated":
            yield f("events", line, "date_basis", basis, "date-undated", "date_basis is 'undated' but bounds are given")
        if start > end:
            yield f("events", line, "date_start", start, "date-order", f"date_start {start} is after date_end {end}")
            continue
        if precision is None:
            yield f("events", line, "date_precision", None, "date-precision", "date_precision is required when bounds are given")
        elif not _precision_ok(precision, start, end):
            yield f("events", line, "date_precision", precision, "date-precision",
                    f"precision {precision!r} is inconsistent with bounds {start}..{end} ({(end - start).days + 1} days)")
        if edtf is None:
            yield f("events", line, "date_edtf", None, "edtf", "date_edtf is required when bounds are given")
            continue
        try:
            lo, hi = _edtf_bounds(edtf)
        except Exception as exc:  # the EDTF parser raises its own error types
            yield f("events", line, "date_edtf", edtf, "edtf", f"not a valid EDTF string ({type(exc).__name__})")
            continue
        if (lo, hi) != (start, end):
            yield f("events", line, "date_edtf", edtf, "edtf",
                    f"EDTF bounds {lo}..{hi} differ from date_start..date_end {start}..{end}")


def event_mentions(t: Tables) -> Iterator[Finding]:
    if "events" not in t.frames or "event_mentions" not in t.frames:
        return
    by_event: dict[str, set] = {}
    primaries: dict[str, list[dict]] = {}
    for _, row in t.rows("event_mentions"):
        by_event.setdefault(row["event_id"], set()).add(row["source_id"])
        if row.get("is_primary"):
            primaries.setdefault(row["event_id"], []).append(row)
    for line, row in t.rows("events"):
        eid = row["event_id"]
        sources = by_event.get(eid, set())
        if not sources:
            yield f("events", line, "event_id", eid, "event-mentions", "event has no row in event_mentions")
        if row.get("num_sources") is not None and row["num_sources"] != len(sources):
            yield f("events", line, "num_sources", row["num_sources"], "num-sources",
                    f"num_sources is {row['num_sources']} but event_mentions has {len(sources)} distinct source(s)")
        prim = primaries.get(eid, [])
        if len(prim) != 1:
            yield f("events", line, "event_id", eid, "primary-mention", f"event has {len(prim)} primary mentions; exactly one expected")
        else:
            p = prim[0]
            same = all(p.get(k) == row.get(k) for k in ("source_id", "evidence_start", "evidence_end"))
            if not same:
                yield f("events", line, "evidence", row.get("evidence"), "primary-mention",
                        f"the event's evidence differs from its primary mention {p['mention_id']}")


def parent_cycles(t: Tables) -> Iterator[Finding]:
    parent = {}
    lines = {}
    for line, row in t.rows("events"):
        parent[row["event_id"]] = row.get("parent_event_id")
        lines[row["event_id"]] = line
        if row.get("about_event_id") == row["event_id"]:
            yield f("events", line, "about_event_id", row["event_id"], "self-reference", "an event cannot be about itself")
    reported = set()
    for start in parent:
        seen = []
        node = start
        while node is not None and node in parent:
            if node in seen:
                cycle = seen[seen.index(node):]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    first = min(cycle)
                    yield f("events", lines[first], "parent_event_id", parent[first], "parent-cycle",
                            "parent events form a cycle: " + " -> ".join(cycle + [node]))
                break
            seen.append(node)
            node = parent[node]


# --- other row rules ------------------------------------------------------------------------------

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


def cell_hygiene(t: Tables) -> Iterator[Finding]:
    for spec in t.meta.tables:
        text_fields = [fl.name for fl in spec.fields if fl.type == "string"]
        for line, row in t.rows(spec.name):
            for col in text_fields:
                v = row.get(col)
                if not isinstance(v, str):
                    continue
                if v != v.strip():
                    yield f(spec.name, line, col, v, "whitespace", "leading or trailing whitespace")
                if unicodedata.normalize("NFC", v) != v:
                    yield f(spec.name, line, col, v, "unicode-nfc", "text is not in Unicode NFC form")
                if v.startswith(FORMULA_PREFIXES):
                    yield f(spec.name, line, col, v, "csv-injection",
                            "a text cell starting with =, +, -, @ would run as a formula in a spreadsheet")
                if any(unicodedata.category(ch) == "Cc" for ch in v if ch not in "\n"):
                    yield f(spec.name, line, col, v, "control-character", "text contains a control character")


def retired_ids(t: Tables) -> Iterator[Finding]:
    """A published ID that was retired (``schemas/retired_ids.json``) must never be used again."""
    import json

    path = t.package_dir / "schemas" / "retired_ids.json"
    if not path.is_file():  # an installed copy or a release carries the schemas inline, without this list
        return
    try:
        entries = json.loads(path.read_text(encoding="utf-8")).get("retired", [])
    except (ValueError, AttributeError) as exc:
        yield f("package", None, None, None, "retired-ids", f"schemas/retired_ids.json is not a valid list: {exc}")
        return
    retired = {e if isinstance(e, str) else e.get("id") for e in entries if isinstance(e, (str, dict))}
    for spec in t.meta.tables:
        if len(spec.primary_key) != 1:
            continue
        key = spec.primary_key[0]
        for line, row in t.rows(spec.name):
            if row.get(key) in retired:
                yield f(spec.name, line, key, row[key], "retired-id",
                        f"{row[key]} is listed in schemas/retired_ids.json: a retired ID is never reused")


def run_rules(t: Tables) -> list[Finding]:
    texts, findings = archived_texts(t)
    for rule in (foreign_keys, event_dates, event_mentions, parent_cycles, row_rules, cell_hygiene, retired_ids):
        findings.extend(rule(t))
    findings.extend(evidence(t, texts))
    return findings


__all__ = ["Tables", "run_rules", "archived_texts"]
