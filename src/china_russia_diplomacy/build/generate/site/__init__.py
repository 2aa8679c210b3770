"""Build generator: ``site/``, the dataset's home on the web, generated from the package.

A static site (no server, no CDN, no network: it works from ``file://`` and from any static host) built
with Jinja2 templates (autoescaped, undefined names are errors) from what the build already holds: the
schemas, the typed tables, the descriptor with sizes and hashes, the archived articles, the registry, the
history of every registered version and the citation record. Pages:

- ``index.html``: what the dataset is and is not, the tables, the timeline, the latest version, how to
  cite (APA, BibTeX, copy buttons, CITATION.cff) and how to install and load;
- ``tables/<table>.html``: the data dictionary (every column with its type, constraints, description,
  allowed values with their counts and examples; keys and relations; downloads with size and SHA-256);
- ``articles/<source_id>.html``: the evidence viewer (the article with every cited span highlighted, each
  highlight listing and linking the rows that cite it, each row linking back to its span in context);
- ``events/``, ``quotes/``, ``participants/``, ``agreements/``, ``discrepancies/``: every record, at most
  :data:`ROWS_PER_PAGE` per page (so a 100,000-row copy gives a bounded number of files);
- ``search.html`` with ``search-index.js``: a prebuilt index of titles, names and quotes, searched offline;
- ``versions.html`` and ``versions/<version>.html``: every registered version with its archive, and what
  changed (rows added, removed, corrected; every changed cell one click away).

Links to the data files are relative to the repository (``../data/events.csv``): the site is published
with ``data/`` and ``docs/`` beside it (see ``.github/workflows/pages.yml``), so nothing is copied twice.
Everything is sorted and free of clocks, so two builds give the same bytes.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from ....core.citation import apa_text, bibtex_text, citation_record, release_date
from ....core.registry import Registry, read_registry, version_key
from . import changes, evidence

ROWS_PER_PAGE = 500
SITE = "site"
RECORD_TABLES = ("events", "quotes", "participants", "agreements", "discrepancies")
INFERRED_BASIS_COLUMNS = ("date_basis", "spoken_date_basis", "signed_date_basis", "published_date_basis")
LICENSE_FILE = "LICENSE-DATA"


def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("china_russia_diplomacy.build.generate.site", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    return env


def _static(name: str) -> bytes:
    return (Path(__file__).parent / "static" / name).read_bytes()


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _rows(table) -> list[dict[str, Any]]:
    return table.to_pylist()


def _row_id(spec, row: dict[str, Any]) -> str:
    return "/".join(_plain(row.get(k)) for k in spec.primary_key)


def _anchor(text: str) -> str:
    return "r-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in text)


class Records:
    """Where each record lives: its page (``events/page-3.html``) and anchor."""

    def __init__(self, meta, rows_by_table: dict[str, list[dict]]):
        self.meta = meta
        self.pages: dict[tuple[str, str], str] = {}
        for table in RECORD_TABLES:
            if table not in rows_by_table:
                continue
            spec = meta.table(table)
            for i, row in enumerate(rows_by_table[table]):
                self.pages[(table, _row_id(spec, row))] = f"{table}/page-{i // ROWS_PER_PAGE + 1}.html"
        # mentions and participations are shown inside their event
        self.inside = {"event_mentions": "event_id", "event_participants": "event_id"}

    def url(self, table: str, row: dict[str, Any], from_depth: int = 1) -> str:
        """A link to the record from a page ``from_depth`` folders below the site root."""
        prefix = "../" * from_depth
        if table in self.inside:
            event = _plain(row.get(self.inside[table]))
            page = self.pages.get(("events", event))
            return f"{prefix}{page}#{_anchor(self.row_id(table, row))}" if page else ""
        page = self.pages.get((table, self.row_id(table, row)))
        return f"{prefix}{page}#{_anchor(self.row_id(table, row))}" if page else ""

    def row_id(self, table: str, row: dict[str, Any]) -> str:
        return _row_id(self.meta.table(table), row)


def _span_url(source_id: str, start: Any, end: Any, from_depth: int = 1) -> str:
    return f"{'../' * from_depth}articles/{source_id}.html#span-{start}-{end}"


def _badges(row: dict[str, Any]) -> list[str]:
    """Inferred values and lowered confidence, said in words (not colour alone)."""
    out = []
    for col in INFERRED_BASIS_COLUMNS:
        basis = row.get(col)
        if basis and basis not in ("explicit", "date_line", "undated"):
            label = col.removesuffix("_basis").replace("_", " ")  # "date", "spoken date", ...
            out.append(f"{label} inferred" + ("" if basis == "inferred" else f" ({basis})"))
    if row.get("confidence") and row["confidence"] != "high":
        out.append(f"confidence: {row['confidence']}")
    if row.get("translation_basis") == "inferred_from_speaker":
        out.append("language inferred from the speaker")
    return out


def _license_notice(package_dir: Path) -> str:
    """The paragraph of LICENSE-DATA about the article texts (shown on every article page)."""
    path = package_dir / LICENSE_FILE
    if not path.is_file():
        return "The article texts remain the property of their publishers."
    text = path.read_text(encoding="utf-8")
    if "Archived source articles" in text:
        part = text.split("Archived source articles", 1)[1].split("\n", 2)[-1]
        part = part.split("\n\n", 1)[0]
        return " ".join(part.split())
    return " ".join(text.split())


def _field_info(spec, table, rows: list[dict]) -> list[dict[str, Any]]:
    out = []
    for f in spec.fields:
        values = [r.get(f.name) for r in rows]
        present = [v for v in values if v is not None and v != ""]
        counts = Counter(_plain(v) for v in present) if f.enum else Counter()
        allowed = [{"value": v, "meaning": f.enum_descriptions.get(v, ""), "count": counts.get(v, 0)} for v in (f.enum or [])]
        examples = []
        for v in present:
            s = _plain(v)
            if s not in examples:
                examples.append(s)
            if len(examples) == 3:
                break
        constraints = {k: v for k, v in f.constraints.items() if k not in ("enum", "required")}
        out.append({"name": f.name, "type": f.type, "required": f.required, "description": f.description,
                    "constraints": ", ".join(f"{k}: {v}" for k, v in sorted(constraints.items())),
                    "allowed": allowed, "examples": [e if len(e) <= 80 else e[:79] + "…" for e in examples],
                    "empty": len(values) - len(present)})
    return out


def _versions(ctx, registry: Registry, states: dict[str, dict[str, bytes]] | None, current: dict[str, bytes]):
    """Registered versions newest first, each with its archive and what changed since the one before."""
    releases = sorted(registry.releases, key=lambda r: version_key(r.version))
    entries = []
    def files_of(version: str):
        if version == ctx.meta.version:
            return current  # the current data is this version (the history covers only older ones)
        return states.get(version) if states else None

    chain = [(r.version, files_of(r.version), r) for r in releases]
    if ctx.meta.version not in registry.versions:
        chain.append((ctx.meta.version, current, None))
    previous = None
    for i, (version, files, release) in enumerate(chain):
        diff = changes.compare(previous, files) if previous is not None and files is not None else None
        totals = None
        if diff is not None:
            totals = {"added": sum(len(t.added) for t in diff), "removed": sum(len(t.removed) for t in diff),
                      "changed": sum(len(t.changed) for t in diff)}
        entries.append({"version": version, "release": release, "changes": diff, "totals": totals,
                        "previous": chain[i - 1][0] if i else None})
        previous = files
    return list(reversed(entries))


def generate(ctx) -> None:
    from ..history import _current, _states

    env = _environment()
    meta, package_dir = ctx.meta, ctx.package_dir
    descriptor = json.loads(ctx.outputs["datapackage.json"])
    resources = {r["name"]: r for r in descriptor["resources"]}
    rows = {spec.name: _rows(ctx.tables[spec.name]) for spec in meta.tables}
    records = Records(meta, rows)
    registry = read_registry(package_dir)
    date = release_date(package_dir, meta.version)
    record = citation_record(meta, date)

    def page(path: str, template: str, depth: int, **context) -> None:
        # streamed piece by piece into its file (ctx.write): no page, and no set of pages, is held whole
        html = env.get_template(template).generate(root="../" * depth, repo="../" * (depth + 1), package=descriptor,
                                                   version=meta.version, released=date, page_path=path, **context)
        ctx.write(f"{SITE}/{path}", (piece.encode("utf-8") for piece in html))

    # the tables at a glance and the data dictionary
    tables = [{"name": s.name, "title": s.title, "summary": s.description.split(". ")[0].rstrip(".") + ".",
               "description": s.description, "rows": ctx.tables[s.name].num_rows,
               "key": s.primary_key} for s in meta.tables]
    latest = max(registry.releases, key=lambda r: version_key(r.version)) if registry.releases else None
    page("index.html", "index.html.j2", 0, tables=tables, latest=latest, apa=apa_text(record),
         bibtex=bibtex_text(record).rstrip("\n"))
    for spec in meta.tables:
        res = resources[spec.name]
        fks = [{"fields": fk["fields"], "table": fk["reference"].get("resource") or spec.name,
                "ref_fields": fk["reference"]["fields"]} for fk in spec.foreign_keys]
        referenced_by = [{"table": other.name, "fields": fk["fields"]} for other in meta.tables for fk in other.foreign_keys
                         if (fk["reference"].get("resource") or other.name) == spec.name and other.name != spec.name]
        page(f"tables/{spec.name}.html", "table.html.j2", 1, spec=spec, fields=_field_info(spec, ctx.tables[spec.name], rows[spec.name]),
             res=res, fks=fks, referenced_by=referenced_by, rows=ctx.tables[spec.name].num_rows,
             all_tables=[t.name for t in meta.tables])

    # the evidence viewer
    spans = evidence.collect_spans(rows, lambda t, r: records.url(t, r, 1), records.row_id)
    sources = {r["source_id"]: r for r in rows["sources"]}
    notice = _license_notice(package_dir)
    page("articles/index.html", "articles.html.j2", 1, sources=[sources[k] for k in sorted(sources)], notice=notice,
         counts={k: len(spans.get(k, {})) for k in sources}, plain=_plain)
    for source_id, source in sorted(sources.items()):
        text = (package_dir / "sources" / source["file_name"]).read_bytes().decode("utf-8")
        article_spans = spans.get(source_id, {})
        ordered = sorted(article_spans.values(), key=lambda s: (s.start, s.end))
        page(f"articles/{source_id}.html", "article.html.j2", 1, source=source, segments=evidence.segments(text, article_spans),
             spans=ordered, shown=evidence.ROWS_SHOWN_PER_SPAN, notice=notice, plain=_plain)

    # the records, paginated
    names = {r["participant_id"]: r["name"] for r in rows.get("participants", [])}
    mentions_of: dict[str, list[dict]] = {}
    for m in rows.get("event_mentions", []):
        mentions_of.setdefault(m["event_id"], []).append(m)
    parts_of: dict[str, list[dict]] = {}
    for ep in rows.get("event_participants", []):
        parts_of.setdefault(ep["event_id"], []).append(ep)
    helpers = {"plain": _plain, "badges": _badges, "span_url": _span_url, "anchor": _anchor, "names": names,
               "records": records, "row_id": records.row_id}
    for table in RECORD_TABLES:
        if table not in rows:
            continue
        table_rows = rows[table]
        pages = max(1, -(-len(table_rows) // ROWS_PER_PAGE))
        for n in range(pages):
            chunk = table_rows[n * ROWS_PER_PAGE:(n + 1) * ROWS_PER_PAGE]
            page(f"{table}/page-{n + 1}.html", f"records_{table}.html.j2", 1, table=table, spec=meta.table(table),
                 rows=chunk, number=n + 1, pages=pages, mentions_of=mentions_of, parts_of=parts_of, **helpers)

    # versions
    states = _states(package_dir, Registry([r for r in registry.releases if version_key(r.version) < version_key(meta.version)]),
                     _current(ctx)) if registry.releases else None
    versions = _versions(ctx, registry, states, _current(ctx))
    page("versions.html", "versions.html.j2", 0, versions=versions)
    for entry in versions:
        if entry["changes"] is not None:
            page(f"versions/{entry['version']}.html", "version.html.j2", 1, entry=entry, records=records, plain=_plain)

    # search: a prebuilt index, loaded as a script so that it works from file:// too
    index = []
    for table, col in (("events", "title"), ("participants", "name"), ("quotes", "text"), ("agreements", "title")):
        if table not in rows:
            continue
        for r in rows[table]:
            if r.get(col):
                index.append([table, records.row_id(table, r), str(r[col])[:200], records.url(table, r, 0)])
    ctx.write(f"{SITE}/search-index.js", ("window.CRD_SEARCH = " + json.dumps(index, ensure_ascii=False, separators=(",", ":"))
                                           + ";\n").encode("utf-8"))
    page("search.html", "search.html.j2", 0)
    ctx.write(f"{SITE}/style.css", _static("style.css"))
    ctx.write(f"{SITE}/site.js", _static("site.js"))
