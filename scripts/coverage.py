#!/usr/bin/env python3
"""Sentence coverage of the archived articles by the curated tables.

Each article body (from ``sources.body_start``) is split into paragraphs on blank
lines and each paragraph into sentences with pysbd.  A sentence is *used* when any
evidence span of any table (``evidence`` of every table, plus ``other_evidence`` of
``discrepancies``) overlaps it.  Every sentence that is not used must be explained
in ``curation/unused_sentences.csv`` (source_id, sentence_start, sentence_end,
sentence, reason, explanation), with the sentence text verbatim at its offsets.

Usage: python scripts/coverage.py [--package-dir DIR]
Exit code 0 when every sentence is used or explained and every explanation is
valid, 1 otherwise.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

TABLES = ["events", "event_mentions", "participants", "event_participants", "agreements", "quotes", "discrepancies"]
REASONS = {
    "duplicate_header": "Repeats the headline/standfirst or another header line.",
    "photo_caption": "Caption of an image embedded in the page.",
    "link_to_other_story": "Headline or teaser of another story linked from the page.",
    "navigation": "Page furniture such as 'Read more'.",
    "agency_credit": "A bare agency credit such as a closing '(AP)'.",
    "background_no_event": "General background or characterization that reports no event, figure, quote or entity not already recorded.",
    "opinion_no_fact_or_quote": "The writer's own opinion or commentary, with no reportable fact or quotation.",
}
PARA_SPLIT = re.compile(r"\n[ \t]*\n")


@dataclass
class Sentence:
    source_id: str
    start: int
    end: int
    text: str
    used: bool = False
    explanation: dict | None = None


@dataclass
class Report:
    sentences: list[Sentence] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)   # invalid explanations
    stale: list[str] = field(default_factory=list)    # explanations of used / unknown sentences

    @property
    def unexplained(self) -> list[Sentence]:
        return [s for s in self.sentences if not s.used and s.explanation is None]

    @property
    def ok(self) -> bool:
        return not self.unexplained and not self.broken


def segment(text: str, body_start: int, source_id: str) -> list[Sentence]:
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
    out: list[Sentence] = []
    body = text[body_start:]
    pos = 0
    paras = []
    for m in PARA_SPLIT.finditer(body):
        paras.append((pos, body[pos:m.start()]))
        pos = m.end()
    paras.append((pos, body[pos:]))
    for p_off, para in paras:
        if not para.strip():
            continue
        search_from = 0
        for span in seg.segment(para):
            sent = span.sent
            # pysbd char spans can drift on repeated text; re-anchor on the paragraph
            start = span.start if para[span.start:span.start + len(sent)] == sent else para.find(sent, search_from)
            if start < 0:
                raise RuntimeError(f"cannot anchor sentence in {source_id}: {sent!r}")
            search_from = start + len(sent)
            stripped = sent.strip()
            if not stripped:
                continue
            lead = len(sent) - len(sent.lstrip())
            a = body_start + p_off + start + lead
            b = a + len(stripped)
            assert text[a:b] == stripped
            out.append(Sentence(source_id, a, b, stripped))
    return out


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def run(package_dir: str | Path) -> Report:
    pkg = Path(package_dir)
    sources = read_csv(pkg / "data" / "sources.csv")
    texts = {s["source_id"]: (pkg / "sources" / s["file_name"]).read_text(encoding="utf-8") for s in sources}
    spans: dict[str, list[tuple[int, int]]] = {sid: [] for sid in texts}
    for t in TABLES:
        path = pkg / "data" / f"{t}.csv"
        if not path.exists():
            continue
        for r in read_csv(path):
            if r.get("source_id") in spans and r.get("evidence_start"):
                spans[r["source_id"]].append((int(r["evidence_start"]), int(r["evidence_end"])))
            if t == "discrepancies" and r.get("other_source_id") in spans and r.get("other_evidence_start"):
                spans[r["other_source_id"]].append((int(r["other_evidence_start"]), int(r["other_evidence_end"])))

    rep = Report()
    by_key: dict[tuple[str, int, int], Sentence] = {}
    for s in sources:
        sid = s["source_id"]
        for sent in segment(texts[sid], int(s["body_start"]), sid):
            sent.used = any(a < sent.end and b > sent.start for a, b in spans[sid])
            rep.sentences.append(sent)
            by_key[(sid, sent.start, sent.end)] = sent

    expl_path = pkg / "curation" / "unused_sentences.csv"
    if expl_path.exists():
        for i, r in enumerate(read_csv(expl_path), start=2):
            where = f"unused_sentences.csv line {i} ({r.get('source_id')} {r.get('sentence_start')}-{r.get('sentence_end')})"
            sid = r.get("source_id", "")
            if sid not in texts:
                rep.broken.append(f"{where}: unknown source_id")
                continue
            try:
                a, b = int(r["sentence_start"]), int(r["sentence_end"])
            except (KeyError, ValueError):
                rep.broken.append(f"{where}: bad offsets")
                continue
            if texts[sid][a:b] != r.get("sentence", ""):
                rep.broken.append(f"{where}: sentence text is not verbatim at its offsets")
                continue
            if r.get("reason") not in REASONS:
                rep.broken.append(f"{where}: reason {r.get('reason')!r} not in vocabulary")
                continue
            if not (r.get("explanation") or "").strip():
                rep.broken.append(f"{where}: empty explanation")
                continue
            sent = by_key.get((sid, a, b))
            if sent is None:
                rep.stale.append(f"{where}: offsets do not match a segmented sentence")
            elif sent.used:
                rep.stale.append(f"{where}: sentence is used by a row; explanation not needed")
            else:
                sent.explanation = r
    return rep


def print_report(rep: Report, out=None) -> None:
    out = out if out is not None else sys.stdout
    by_src: dict[str, list[Sentence]] = {}
    for s in rep.sentences:
        by_src.setdefault(s.source_id, []).append(s)
    for sid, sents in by_src.items():
        used = sum(s.used for s in sents)
        print(f"{sid}: {used}/{len(sents)} sentences support at least one row", file=out)
        for s in sents:
            if not s.used:
                if s.explanation:
                    print(f"  unused [{s.start}-{s.end}] {s.explanation['reason']}: {s.text[:90]!r}", file=out)
                else:
                    print(f"  UNEXPLAINED [{s.start}-{s.end}]: {s.text!r}", file=out)
    for b in rep.broken:
        print(f"BROKEN EXPLANATION: {b}", file=out)
    for s in rep.stale:
        print(f"warning: {s}", file=out)
    total = len(rep.sentences)
    used = sum(s.used for s in rep.sentences)
    print(f"total: {used}/{total} used, {total - used - len(rep.unexplained)} explained, "
          f"{len(rep.unexplained)} unexplained, {len(rep.broken)} broken explanations", file=out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--package-dir", default=str(Path(__file__).resolve().parent.parent))
    args = ap.parse_args(argv)
    rep = run(args.package_dir)
    print_report(rep)
    return 0 if rep.ok else 1


if __name__ == "__main__":
    sys.exit(main())
