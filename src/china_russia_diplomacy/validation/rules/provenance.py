"""Provenance: every archived article matches its SHA-256, every evidence span is verbatim at its offsets,
quotes sit inside their evidence, and each event agrees with its mentions."""

from __future__ import annotations

import hashlib
from typing import Iterator

from ..._files import not_regular
from ..report import Finding
from .base import Tables, f

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
        problem = not_regular(path, t.package_dir)
        if problem:
            rule = "source-missing" if problem == "missing" else "file-type"
            out.append(f("sources", line, "file_name", name, rule, f"archived article sources/{name} is {problem}"))
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

