"""Provenance: every archived article matches its SHA-256, every evidence span is verbatim at its offsets,
quotes sit inside their evidence, and each event agrees with its mentions."""

from __future__ import annotations

import hashlib
from typing import Iterator

from ...core.files import not_regular
from ..report import Finding
from .base import Tables, f, failing

def archived_texts(t: Tables) -> tuple[dict[str, str], list[Finding]]:
    """Read every archived article named in ``sources``; check its bytes against sha256 and char_count."""
    texts: dict[str, str] = {}
    out: list[Finding] = []
    for line, row in (t.rows("sources") if "sources" in t.frames else ()):
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


def _spans(t: Tables, table: str, texts: dict[str, str], cols: tuple[str, str, str, str]) -> Iterator[Finding]:
    """One tight pass over (source, evidence, start, end): a slice and a comparison per row; only the
    rows that fail go through :func:`_span` for their message."""
    i = 0
    for sids, evs, starts, ends in t.batches(table, cols):
        for sid, ev, start, end in zip(sids, evs, starts, ends):
            i += 1
            if ev is None or start is None or end is None:
                continue
            text = texts.get(sid)
            if text is None:
                continue
            if start < end <= len(text) and text[start:end] == ev:
                continue
            yield from _span(table, t.line(table, i - 1), text, sid, ev, start, end, cols[1:])


def evidence(t: Tables, texts: dict[str, str]) -> Iterator[Finding]:
    for spec in t.meta.tables:
        if not spec.has_provenance or spec.name not in t.frames:
            continue
        yield from _spans(t, spec.name, texts, ("source_id", "evidence", "evidence_start", "evidence_end"))
        if spec.name == "discrepancies":
            yield from _spans(t, spec.name, texts, ("other_source_id", "other_evidence", "other_evidence_start",
                                                    "other_evidence_end"))
    if "quotes" in t.frames:
        i = 0
        for texts_, evs in t.batches("quotes", ("text", "evidence")):
            for text, ev in zip(texts_, evs):
                i += 1
                if text and ev and text not in ev:
                    yield f("quotes", t.line("quotes", i - 1), "text", text, "quote-in-evidence",
                            "quote text does not occur inside its evidence")


_PRIMARY_KEYS = ("source_id", "evidence_start", "evidence_end")


def event_mentions(t: Tables) -> Iterator[Finding]:
    """Each event has mentions, ``num_sources`` = its distinct mention sources, exactly one primary
    mention, and the event's provenance equal to that primary mention's: groupbys and one merge."""
    if "events" not in t.frames or "event_mentions" not in t.frames:
        return
    import pandas as pd

    events, mentions = t.frames["events"], t.frames["event_mentions"]
    n_sources = mentions.groupby("event_id", observed=True)["source_id"].nunique()
    # the columns used below: filtering copies what it keeps
    primary = mentions[["event_id", "mention_id", *_PRIMARY_KEYS]][mentions["is_primary"].fillna(False).astype(bool)]
    n_primary = primary.groupby("event_id", observed=True).size()
    eid = events["event_id"]
    sources = eid.map(n_sources).fillna(0).astype("int64")
    prims = eid.map(n_primary).fillna(0).astype("int64")
    one = primary.drop_duplicates("event_id", keep=False).set_index("event_id")
    for i in failing(sources == 0):
        yield f("events", t.line("events", i), "event_id", eid.iat[i], "event-mentions", "event has no row in event_mentions")
    num = events["num_sources"]
    for i in failing(num.notna() & (num != sources)):
        yield f("events", t.line("events", i), "num_sources", num.iat[i], "num-sources",
                f"num_sources is {num.iat[i]} but event_mentions has {sources.iat[i]} distinct source(s)")
    for i in failing(prims != 1):
        yield f("events", t.line("events", i), "event_id", eid.iat[i], "primary-mention",
                f"event has {prims.iat[i]} primary mentions; exactly one expected")
    differs = pd.Series(False, index=events.index)
    for col in _PRIMARY_KEYS:
        theirs = eid.map(one[col]) if len(one) else pd.Series(pd.NA, index=events.index)
        mine = events[col]
        both_missing = mine.isna() & theirs.isna()
        same = (mine.astype(object) == theirs.astype(object)).fillna(False).astype(bool)
        differs |= ~(same | both_missing)
    for i in failing(differs & (prims == 1)):
        yield f("events", t.line("events", i), "evidence", events["evidence"].iat[i], "primary-mention",
                f"the event's evidence differs from its primary mention {one['mention_id'].get(eid.iat[i])}")
