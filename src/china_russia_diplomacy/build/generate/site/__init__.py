"""Build generator: ``site/``, the dataset's home on the web, generated from the package.

A static site (no server, no CDN, no network: it works from ``file://``, from an unpacked archive and
from any static host serving ``site/`` alone) built with Jinja2 templates (autoescaped, undefined names
are errors) from what the build already holds: the schemas, the typed tables, the descriptor, the
archived articles, the registry, the history of every registered version, the CHANGELOG and the
citation record. Pages:

- ``index.html``: in its first screen what the data is, the download of the whole version and how to
  cite it; then the tables, the timeline, the versions, install and load;
- ``tables/index.html`` and ``tables/<table>.html``: the data dictionary (one line per column, allowed
  values and examples folded; keys and relations; downloads with size and SHA-256);
- ``articles/<source_id>.html``: the evidence viewer (the article first, every cited span a nested
  ``<mark id="span-...">`` that ``:target`` marks alone; each span listing the rows that cite it, each in
  a line; see :mod:`.evidence`);
- ``events/``, ``quotes/``, ``participants/``, ``agreements/``, ``discrepancies/``: every record, at most
  :data:`ROWS_PER_PAGE` per page; ``participants/<id>.html``: one actor with its events, roles and quotes;
- ``search.html`` with a sharded index in ``search/`` (see :mod:`.search`);
- ``versions.html`` and ``versions/<version>.html``: every registered version, what changed and why (the
  CHANGELOG entry, the row's note, the retired ID's reason), row IDs linked to their records;
- ``data/``, ``download/``, ``CITATION.cff``, ``timeline.svg``, ``releases.json``: every file the pages
  link (see :mod:`.download`), so nothing leaves ``site/``.

Every file goes through one call, ``ctx.write(path, data)``, and pages are rendered one at a time, so
that the build can stream them to disk; the search index (two halves cut where a postings block begins,
when there are at least two blocks) and the events pages are made meanwhile in forked processes, which
write their files into the same staging folder (:mod:`.apart`). The blocks of a records page repeated
for every row are made in Python (:mod:`.blocks`), not by Jinja per cell, and the index reads the rows by
column (:func:`_index_batch`). Nothing holds a table as Python objects: a page converts its own
rows from Arrow, a whole table is read a batch of rows and a few columns at a time (:func:`_few_rows`), the rows shown inside an event or on a participant's page are found by
a stable sort of positions (:class:`Groups`), the data dictionary counts values with pyarrow compute, and
the downloads are copied and zipped from disk a MiB at a time, so that memory stays bounded at a million
rows (``scripts/benchmark.py``). Everything is sorted and free of clocks: two builds give the same bytes.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator

from ....core.citation import apa_text, bibtex_text, package_citation
from ....core.registry import Registry, read_registry, version_key
from . import apart, changes, download, evidence, search, text
from .blocks import Pieces, _plain, anchor as _anchor, badges as _badges, span_url as _span_url


ROWS_PER_PAGE = 200  # an events page of 200 (with their mentions and participants) is about 0.5 MB
SITE = "site"
RECORD_TABLES = ("events", "quotes", "participants", "agreements", "discrepancies")
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


SLICE_ROWS = 1000  # values of a column read at a time while looking for its examples


def _ids(spec, table) -> list[str]:
    """Every row's ID (:func:`_row_id`) from the key columns alone."""
    columns = [[_plain(v) for v in table.column(k).to_pylist()] for k in spec.primary_key]
    return columns[0] if len(columns) == 1 else ["/".join(parts) for parts in zip(*columns)]


class Groups:
    """The rows of ``child`` grouped by where their ``column`` value stands among ``parent_values`` (divided
    by ``per``: ``ROWS_PER_PAGE`` groups by the parent's page), in the child's order within a group, as a
    stable sort of positions: only the positions are held, and a group's rows are converted when asked."""

    def __init__(self, child, positions, per: int = 1):
        import numpy as np

        self.child = child
        keys = np.asarray(positions, dtype=np.int64)
        keys = np.where(keys >= 0, keys // per, -1)
        self.order = np.argsort(keys, kind="stable")
        self.keys = keys[self.order]
        # the child's record batches (zero-copy) and where each begins: a group's rows are taken batch by
        # batch, because ``Table.take`` concatenates every column whole on each call (20-40 ms a call at a
        # million rows: 2,500 calls were most of the site's time)
        self.batches = child.to_batches()
        self.starts = np.cumsum([0] + [b.num_rows for b in self.batches])

    @classmethod
    def of(cls, child, column: str, parent_values, per: int = 1) -> "Groups":
        import pyarrow as pa
        import pyarrow.compute as pc

        values = parent_values.combine_chunks() if isinstance(parent_values, pa.ChunkedArray) else parent_values
        positions = pc.fill_null(pc.index_in(child.column(column), value_set=values), -1)
        return cls(child, positions.to_numpy(), per)

    def count(self, key: int) -> int:
        import numpy as np

        return int(np.searchsorted(self.keys, key, "right") - np.searchsorted(self.keys, key, "left"))

    def rows(self, key: int, limit: int | None = None) -> list[dict[str, Any]]:
        import numpy as np
        import pyarrow as pa

        lo, hi = np.searchsorted(self.keys, key, "left"), np.searchsorted(self.keys, key, "right")
        if limit is not None:
            hi = min(hi, lo + limit)
        if hi <= lo:
            return []
        wanted = self.order[lo:hi]  # ascending: the sort is stable and positions are distinct
        out: list[dict[str, Any]] = []
        which = np.searchsorted(self.starts, wanted, "right") - 1
        for b in np.unique(which):
            local = wanted[which == b] - self.starts[b]
            batch = self.batches[b]
            if local[-1] - local[0] + 1 == len(local):  # a run of rows: a slice, no copy
                out.extend(batch.slice(int(local[0]), len(local)).to_pylist())
            else:
                out.extend(batch.take(pa.array(local)).to_pylist())
        return out


class Head:
    """The first rows of a long list and how many it has: ``len`` is the whole count, iterating and slicing
    give the rows kept (a participant's page lists at most ``ROWS_PER_PAGE`` of each kind)."""

    def __init__(self, rows: list[dict[str, Any]], total: int):
        self.kept, self.total = rows, total

    def __len__(self) -> int:
        return self.total

    def __iter__(self):
        return iter(self.kept)

    def __getitem__(self, item):
        return self.kept[item]


def _row_id(spec, row: dict[str, Any]) -> str:
    return "/".join(_plain(row.get(k)) for k in spec.primary_key)


class Records:
    """Where each record lives: its page (``events/page-3.html``) and anchor, from each record's position
    in its table (``{row ID: position}``, the one index held per record table)."""

    def __init__(self, meta, tables: dict[str, Any]):
        self.meta = meta
        self.tables = tables
        self.position: dict[str, dict[str, int]] = {
            table: {rid: i for i, rid in enumerate(_ids(meta.table(table), tables[table]))}
            for table in RECORD_TABLES if table in tables}
        # mentions and participations are shown inside their event
        self.inside = {"event_mentions": "event_id", "event_participants": "event_id"}
        self._events_of: dict[tuple[str, str], str] | None = None
        self._keys: dict[str, tuple[str, ...]] = {}  # table -> its primary key (looked up once)

    @property
    def events_of(self) -> dict[tuple[str, str], str]:
        """``{(table, row id): its event}``, for a row known by its key only (the version pages): made the
        first time it is needed."""
        if self._events_of is None:
            self._events_of = {}
            for table, column in self.inside.items():
                if table in self.tables:
                    events = [_plain(v) for v in self.tables[table].column(column).to_pylist()]
                    ids = _ids(self.meta.table(table), self.tables[table])
                    self._events_of.update(((table, rid), event) for rid, event in zip(ids, events))
        return self._events_of

    def page(self, table: str, rid: str) -> str | None:
        i = self.position.get(table, {}).get(rid)
        return None if i is None else f"{table}/page-{i // ROWS_PER_PAGE + 1}.html"

    def url(self, table: str, row: dict[str, Any], from_depth: int = 1) -> str:
        """A link to the record from a page ``from_depth`` folders below the site root."""
        prefix = "../" * from_depth
        if table in self.inside:
            event = _plain(row.get(self.inside[table])) or self.events_of.get((table, self.row_id(table, row)), "")
            page = self.page("events", event)
            return f"{prefix}{page}#{_anchor(self.row_id(table, row))}" if page else ""
        page = self.page(table, self.row_id(table, row))
        return f"{prefix}{page}#{_anchor(self.row_id(table, row))}" if page else ""

    def key(self, table: str) -> tuple[str, ...]:
        """The table's primary key (looked up once)."""
        key = self._keys.get(table)
        if key is None:
            key = self._keys[table] = tuple(self.meta.table(table).primary_key)
        return key

    def linked_columns(self, table: str) -> set[str]:
        """The columns a row's ID, link (:meth:`url`) and one-line summary (:class:`Summaries`) read."""
        return {*self.key(table), *Summaries.COLUMNS.get(table, ()), *((self.inside[table],) if table in self.inside else ()),
                *(("participant_id",) if table == "participants" else ())}

    def row_id(self, table: str, row: dict[str, Any]) -> str:
        key = self._keys.get(table) or self.key(table)
        if len(key) == 1:
            value = row.get(key[0])
            return value if type(value) is str else _plain(value)
        return "/".join(_plain(row.get(k)) for k in key)

    def url_of_key(self, table: str, key: str, from_depth: int = 1) -> str:
        """A link to the record with primary key ``key`` (a composite key joined by ``|``, as ``diff`` and
        the version pages name it); empty when the table has no such record on the site."""
        try:
            pk = self.meta.table(table).primary_key
        except (KeyError, LookupError):
            return ""
        return self.url(table, dict(zip(pk, str(key).split("|"))), from_depth)


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


def _present(column):
    """A mask of a column's values that are there: not null and, for text, not empty."""
    import pyarrow as pa
    import pyarrow.compute as pc

    valid = pc.is_valid(column)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return pc.and_(valid, pc.not_equal(pc.fill_null(column, ""), ""))
    return valid


def _examples(column, present, n: int = 3) -> list[str]:
    """The first ``n`` distinct values (as text) of a column, read a slice at a time until found."""
    examples: list[str] = []
    for start in range(0, len(column), SLICE_ROWS):
        part = column.slice(start, SLICE_ROWS).filter(present.slice(start, SLICE_ROWS))
        for v in part.to_pylist():
            s = _plain(v)
            if s not in examples:
                examples.append(s)
            if len(examples) == n:
                return examples
    return examples


def _field_info(spec, table) -> list[dict[str, Any]]:
    import pyarrow.compute as pc

    out = []
    for f in spec.fields:
        column = table.column(f.name)
        present = _present(column)
        n_present = int(pc.sum(present).as_py() or 0)
        counts: Counter = Counter()
        if f.enum:
            for item in pc.value_counts(column.filter(present)).to_pylist():
                counts[_plain(item["values"])] += item["counts"]
        allowed = [{"value": v, "meaning": f.enum_descriptions.get(v, ""), "count": counts.get(v, 0)} for v in (f.enum or [])]
        examples = _examples(column, present)
        constraints = {k: v for k, v in f.constraints.items() if k not in ("enum", "required") and v is not False}
        out.append({"name": f.name, "type": f.type, "required": f.required, "description": f.description,
                    "constraints": ", ".join(k if v is True else f"{k} {v}" for k, v in sorted(constraints.items())),
                    "allowed": allowed, "examples": [e if len(e) <= 80 else e[:79] + "…" for e in examples],
                    "empty": len(column) - n_present})
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


def display_name(participant: dict[str, Any] | None, fallback: str = "") -> str:
    """A participant as a reader knows it: its name, or where the articles name none its ``title`` (the
    office or description they give, ``the prime minister of Slovakia``), never "None"."""
    if not participant:
        return fallback
    return participant.get("name") or participant.get("title") or participant.get("participant_id") or fallback


def _clip(text: str, n: int = 110) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"


def article_label(source: dict[str, Any], text: str) -> str:
    """An article's headline, or (three of five have none) its first words, said to be no headline."""
    if source.get("headline"):
        return source["headline"]
    body = text[int(source.get("body_start") or 0):]
    return f"“{' '.join(body.split()[:12])}…” (no headline)"


class Summaries:
    """What one row records, in a line: an event's title, a participant's role in an event, a quote."""

    # the columns each table's summary reads (the search index converts only these, and the key, to rows)
    COLUMNS = {"events": ("title",), "event_mentions": ("event_id", "reported_status"),
               "event_participants": ("participant_id", "role", "event_id"),
               "participants": ("participant_id", "name", "title"), "quotes": ("speaker_id", "text"),
               "agreements": ("title",), "discrepancies": ("record_id", "attribute", "value", "other_value")}

    def __init__(self, records: Records, names: dict[str, str]):
        self.names = names
        self.positions = records.position.get("events", {})
        events = records.tables.get("events")
        self.titles = events.column("title").to_pylist() if events is not None else []

    def event(self, event_id: Any) -> str:
        if not event_id:
            return ""
        i = self.positions.get(event_id)
        return f"{event_id} ({_clip((self.titles[i] if i is not None else '') or '', 100)})"

    def __call__(self, table: str, row: dict[str, Any]) -> str:
        if table == "events":
            return _clip(row.get("title") or "")
        if table == "event_mentions":
            status = f", reports it {row['reported_status']}" if row.get("reported_status") else ""
            return f"mentions {self.event(row.get('event_id'))}{status}"
        if table == "event_participants":
            name = self.names.get(row.get("participant_id"), row.get("participant_id"))
            return f"{name} as {row.get('role')} in {self.event(row.get('event_id'))}"
        if table == "participants":
            return display_name(row) + (f", {row['title']}" if row.get("name") and row.get("title") else "")
        if table == "quotes":
            speaker = self.names.get(row.get("speaker_id"), row.get("speaker_id"))
            return f"{speaker}: “{_clip(row.get('text') or '', 90)}”"
        if table == "agreements":
            return _clip(row.get("title") or "")
        if table == "discrepancies":
            return _clip(f"{row.get('record_id')} {row.get('attribute')}: “{row.get('value')}” against "
                         f"“{row.get('other_value')}”")
        return ""


BATCH_ROWS = 10_000  # rows converted at a time for the search documents and the evidence spans (a few columns each)


def _coded_column(column) -> tuple[list[str], Any]:
    """A column's cells as the search index reads them (:func:`_plain` text, nulls left out), coded as
    ``(distinct texts, each row's index into them or -1)`` by Arrow's dictionary encoding: the distinct
    values alone are converted to Python."""
    import numpy as np
    import pyarrow as pa

    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    try:
        encoded = array if pa.types.is_dictionary(array.type) else array.dictionary_encode()
    except pa.ArrowException:  # a type Arrow cannot encode: coded from its Python values
        return search.coded((None if v is None else v if type(v) is str else _plain(v) for v in array.to_pylist()),
                            len(array))
    texts = [v if type(v) is str else _plain(v) for v in encoded.dictionary.to_pylist()]
    return texts, encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _few_rows(rows, wanted) -> list[dict[str, Any]]:
    """The rows of an Arrow table as dicts of only the ``wanted`` columns it has (a row's ID, summary and
    link need a few of its twenty-odd cells: converting the rest, a million rows over, was most of the
    time of the search documents and the evidence spans)."""
    columns = [c for c in rows.column_names if c in wanted]
    values = [rows.column(c).to_pylist() for c in columns]
    return [dict(zip(columns, cells)) for cells in zip(*values)] if columns else [{} for _ in range(rows.num_rows)]


def _index_batch(table: str, rows, records: Records, summary: "Summaries") -> search.Batch:
    """Rows of a table as search documents: each row's ID, its summary as label, its link, and as its parts
    the summary and every cell. Only the columns the ID, summary and link need are converted to Python
    rows; the cells are coded by column (:func:`_coded_column`)."""
    import numpy as np

    names = rows.column_names
    few = _few_rows(rows, records.linked_columns(table))
    lines = [summary(table, r) for r in few]
    if table == "participants":
        urls = [f"participants/{r['participant_id']}.html" for r in few]
    else:
        urls = [records.url(table, r, 0) for r in few]
    parts = [(lines, np.arange(rows.num_rows, dtype=np.int64)), *(_coded_column(rows.column(c)) for c in names)]
    return search.Batch(table, [records.row_id(table, r) for r in few], lines, urls, parts)


def _actors(tables: dict[str, Any]) -> dict[str, Groups]:
    """``{"roles"|"spoken"|"relayed"|"agreements": Groups}``: each participant's rows of each kind, keyed
    by the participant's position in ``participants``, in table order."""
    import pyarrow as pa

    ids = tables["participants"].column("participant_id")
    out: dict[str, Groups] = {}
    empty = pa.table({"participant_id": pa.array([], pa.string())})
    ep = tables.get("event_participants", empty)
    out["roles"] = Groups.of(ep, "participant_id", ids)
    quotes = tables.get("quotes")
    out["spoken"] = Groups.of(quotes, "speaker_id", ids) if quotes is not None else Groups.of(empty, "participant_id", ids)
    out["relayed"] = Groups.of(quotes, "via_id", ids) if quotes is not None else Groups.of(empty, "participant_id", ids)
    agreements = tables.get("agreements")
    if agreements is not None:
        position = {pid: i for i, pid in enumerate(ids.to_pylist())}
        rows, keys = [], []  # (agreement, party) pairs: an agreement is listed under each of its parties
        for row, parties in enumerate(agreements.column("parties").to_pylist()):
            for pid in (parties or "").split(";"):
                if pid in position:
                    rows.append(row)
                    keys.append(position[pid])
        out["agreements"] = Groups(agreements.take(pa.array(rows, pa.int64())), keys)
    else:
        out["agreements"] = Groups.of(empty, "participant_id", ids)
    return out


def _retired(package_dir: Path) -> dict[str, dict[str, str]]:
    path = package_dir / "schemas" / "retired_ids.json"
    if not path.is_file():
        return {}
    return {r["id"]: r for r in json.loads(path.read_text(encoding="utf-8")).get("retired", [])}


def generate(ctx) -> None:
    """Every file of ``site/``, each written into the build's staging folder (``ctx.write``) as soon as it is
    made: no set of pages is held whole. The search index and the events pages are made in forked
    processes meanwhile where that is possible (:mod:`.apart`)."""
    for path, data in site_files(ctx, apart_ok=apart.possible(ctx.outputs)):
        ctx.write(f"{SITE}/{path}", data)


def site_files(ctx, apart_ok: bool = False) -> Iterator[tuple[str, bytes | Iterator[bytes]]]:
    """``(path under site/, its bytes or its bytes in chunks)`` of every file, one at a time. With
    ``apart_ok`` the search index's files and the events pages are written by forked processes into
    ``ctx.outputs``'s staging folder and adopted there once the other pages are made, instead of yielded."""
    from ..history import _current, _states

    env = _environment()
    meta, package_dir = ctx.meta, Path(ctx.package_dir)
    descriptor = json.loads(ctx.outputs["datapackage.json"])
    resources = {r["name"]: r for r in descriptor["resources"]}
    tables = {spec.name: ctx.tables[spec.name] for spec in meta.tables}
    records = Records(meta, tables)
    registry = read_registry(package_dir)
    record = package_citation(package_dir, meta)
    date = record.get("date-released")
    # participants and sources are not many (a synthetic copy does not replicate them): held as rows
    participant_rows = tables["participants"].to_pylist() if "participants" in tables else []
    participants = {r["participant_id"]: r for r in participant_rows}
    names = {pid: display_name(p, pid) for pid, p in participants.items()}
    summary = Summaries(records, names)
    sources = {r["source_id"]: r for r in tables["sources"].to_pylist()}
    texts = {k: (package_dir / "sources" / s["file_name"]).read_bytes().decode("utf-8") for k, s in sources.items()}
    labels = {k: article_label(s, texts[k]) for k, s in sources.items()}
    nav_tables = [t for t in RECORD_TABLES if t in tables]
    whole = f"download/{download.zip_name(meta)}"

    # the search index's documents: every article and every row, numbered in this order
    indexed = [t for t in ("events", "participants", "quotes", "agreements", "discrepancies", "event_mentions",
                           "event_participants") if t in tables]
    n_documents = len(sources) + sum(tables[t].num_rows for t in indexed)

    def documents(start: int = 0, stop: int | None = None) -> Iterator[search.Batch | tuple]:
        """Documents ``start`` to ``stop`` (all by default): the articles one by one, then each table's rows
        as batches (:func:`_index_batch`) sliced from where they begin."""
        stop = n_documents if stop is None else stop
        for n, sid in enumerate(sorted(sources)):
            if start <= n < stop:
                yield "articles", sid, labels[sid], f"articles/{sid}.html", (labels[sid], sid, texts[sid])
        first = len(sources)  # the number of each table's first row
        for table in indexed:
            rows = tables[table].num_rows
            lo, hi = max(0, start - first), min(rows, stop - first)
            for at in range(lo, hi, BATCH_ROWS):
                yield _index_batch(table, tables[table].slice(at, min(BATCH_ROWS, hi - at)), records, summary)
            first += rows

    def page(path: str, template: str, **context) -> tuple[str, bytes]:
        depth = path.count("/")
        html = env.get_template(template).render(root="../" * depth, package=descriptor, version=meta.version,
                                                 released=date, page_path=path, nav_tables=nav_tables,
                                                 md=text.inline, md_block=text.block, whole=whole, **context)
        return path, html.encode("utf-8")

    helpers = {"plain": _plain, "badges": _badges, "span_url": _span_url, "anchor": _anchor, "names": names,
               "records": records, "row_id": records.row_id, "labels": labels, "summary": summary,
               "pieces": Pieces(names, labels, records.row_id, records, summary)}

    def records_pages(table: str) -> Iterator[tuple[str, bytes]]:
        """The pages of one record table, :data:`ROWS_PER_PAGE` records a page; an event's mentions and
        participations on its event's page, grouped by page (:class:`Groups`) when the events are made."""
        inside = {t: Groups.of(tables[t], "event_id", tables["events"].column("event_id"), ROWS_PER_PAGE)
                  for t in ("event_mentions", "event_participants") if t in tables and table == "events"}

        def by_event(kind: str, number: int) -> dict[str, list[dict]]:
            out: dict[str, list[dict]] = {}
            if kind in inside:
                for row in inside[kind].rows(number):
                    out.setdefault(row["event_id"], []).append(row)
            return out

        pages = max(1, -(-tables[table].num_rows // ROWS_PER_PAGE))
        for n in range(pages):
            chunk = tables[table].slice(n * ROWS_PER_PAGE, ROWS_PER_PAGE).to_pylist()
            in_events = table == "events"
            yield page(f"{table}/page-{n + 1}.html", f"records_{table}.html.j2", table=table, spec=meta.table(table),
                       rows=chunk, number=n + 1, pages=pages,
                       mentions_of=by_event("event_mentions", n) if in_events else {},
                       parts_of=by_event("event_participants", n) if in_events else {}, **helpers)

    def in_site(files: Callable[[], Iterator[tuple[str, bytes]]]) -> Callable[[], Iterator[tuple[str, bytes]]]:
        return lambda: ((f"{SITE}/{p}", d) for p, d in files())

    # made apart, each in a forked process (they share the cores with this one): the search index, in two
    # halves when there is enough to cut, and the events pages (the longest family of pages)
    jobs: list[apart.Apart] = []
    cut = search.split_point(n_documents)
    parts = ([(0, cut), (cut, None)] if cut else [(0, None)]) if apart_ok else []
    made_apart = ("events",) if apart_ok and "events" in tables else ()
    try:
        for start, stop in parts:
            jobs.append(apart.Apart(ctx.outputs, in_site(lambda start=start, stop=stop: search.files(
                documents(start, stop), start, stop is None)), "the site's search index"))
        for table in made_apart:
            jobs.append(apart.Apart(ctx.outputs, in_site(lambda table=table: records_pages(table)),
                                    f"the site's {table} pages"))

        # downloads first: the pages state their sizes and hashes
        downloads: dict[str, dict[str, Any]] = {}
        for path, chunks, info in download.files(ctx):
            downloads[path] = info
            yield path, chunks

        table_list = [{"name": s.name, "title": s.title, "summary": s.description.split(". ")[0].rstrip(".") + ".",
                   "description": s.description, "rows": ctx.tables[s.name].num_rows,
                   "key": s.primary_key} for s in meta.tables]
        latest = max(registry.releases, key=lambda r: version_key(r.version)) if registry.releases else None
        yield page("index.html", "index.html.j2", tables=table_list, latest=latest, apa=apa_text(record),
                   bibtex=bibtex_text(record).rstrip("\n"), whole_info=downloads[whole],
                   has_timeline="timeline.svg" in downloads, has_citation="CITATION.cff" in downloads)
        yield page("tables/index.html", "tables.html.j2", tables=table_list, whole_info=downloads[whole])
        for spec in meta.tables:
            res = resources[spec.name]
            fks = [{"fields": fk["fields"], "table": fk["reference"].get("resource") or spec.name,
                    "ref_fields": fk["reference"]["fields"]} for fk in spec.foreign_keys]
            referenced_by = [{"table": other.name, "fields": fk["fields"]} for other in meta.tables for fk in other.foreign_keys
                             if (fk["reference"].get("resource") or other.name) == spec.name and other.name != spec.name]
            yield page(f"tables/{spec.name}.html", "table.html.j2", spec=spec,
                       fields=_field_info(spec, ctx.tables[spec.name]), res=res, fks=fks,
                       referenced_by=referenced_by, rows=ctx.tables[spec.name].num_rows,
                       all_tables=[t.name for t in meta.tables], downloads=downloads)

        # the evidence viewer
        def every_row() -> Iterator[tuple[str, dict[str, Any]]]:
            """Every row with the cells its spans, ID, link and summary need, a slice at a time."""
            for name, table in tables.items():
                wanted = {*records.linked_columns(name), *evidence.COLUMNS}
                for start in range(0, table.num_rows, BATCH_ROWS):
                    yield from ((name, row) for row in _few_rows(table.slice(start, BATCH_ROWS), wanted))

        spans = evidence.collect_spans(every_row(), lambda t, r: records.url(t, r, 1), records.row_id, summary)
        notice = _license_notice(package_dir)
        yield page("articles/index.html", "articles.html.j2", sources=[sources[k] for k in sorted(sources)], notice=notice,
                   counts={k: len(spans.get(k, {})) for k in sources}, plain=_plain, labels=labels)
        for source_id, source in sorted(sources.items()):
            article_spans = spans.get(source_id, {})
            html, cut = evidence.render(texts[source_id], article_spans)
            ordered = sorted(article_spans.values(), key=lambda s: (s.start, s.end))
            yield page(f"articles/{source_id}.html", "article.html.j2", source=source, label=labels[source_id],
                       article=html, cut=cut, spans=ordered, notice=notice, plain=_plain)

        # the records, paginated (the events pages may be made apart meanwhile)
        for table in RECORD_TABLES:
            if table in tables and table not in made_apart:
                yield from records_pages(table)
        if participant_rows:
            acts_of = _actors(tables)
            for i in sorted(range(len(participant_rows)), key=lambda i: participant_rows[i]["participant_id"]):
                p = participant_rows[i]
                acts = {kind: Head(groups.rows(i, ROWS_PER_PAGE), groups.count(i)) for kind, groups in acts_of.items()}
                yield page(f"participants/{p['participant_id']}.html", "participant.html.j2", p=p, acts=acts,
                           shown=ROWS_PER_PAGE, **helpers)
            del acts_of

        # versions
        # the current files whole, only when there are versions to compare them with (never in a synthetic copy)
        current = _current(ctx) if registry.releases else None
        states = _states(package_dir, Registry([r for r in registry.releases if version_key(r.version) < version_key(meta.version)]),
                         current) if registry.releases else None
        versions = _versions(ctx, registry, states, current)
        del current
        changelog_path = package_dir / "CHANGELOG.md"
        entries = text.changelog_entries(changelog_path.read_text(encoding="utf-8")) if changelog_path.is_file() else {}
        retired = _retired(package_dir)
        notes_path = package_dir / "curation" / "NOTES.md"
        curation_notes = notes_path.read_text(encoding="utf-8") if notes_path.is_file() else ""
        for entry in versions:
            entry["changelog"] = entries.get(entry["version"]) or (entries.get("Unreleased") if entry["release"] is None else "")
        yield page("versions.html", "versions.html.j2", versions=versions, has_releases="releases.json" in downloads)
        for entry in versions:
            if entry["changes"] is None:
                continue
            why = {"entry": entry, "records": records, "plain": _plain, "retired": retired, "shown": ROWS_PER_PAGE,
                   "reasons": text.changelog_rows(entry["changelog"] or ""),
                   "words": text.changelog_words(entry["changelog"] or ""),
                   "decisions": text.notes_reasons(curation_notes, entry["version"])}
            yield page(f"versions/{entry['version']}.html", "version.html.j2", **why)
            # the rest of a long list, ROWS_PER_PAGE rows a page (the version page shows the first page)
            for t in entry["changes"]:
                for kind in ("added", "removed", "changed"):
                    rows_of = list(t.changed.items()) if kind == "changed" else getattr(t, kind)
                    pages = -(-len(rows_of) // ROWS_PER_PAGE)
                    for n in range(2, pages + 1):
                        yield page(f"versions/{entry['version']}-{t.table}-{kind}-{n}.html", "version_more.html.j2",
                                   table=t, kind=kind, number=n, pages=pages,
                                   rows=rows_of[(n - 1) * ROWS_PER_PAGE:n * ROWS_PER_PAGE], **why)

        # search: a sharded index loaded as scripts, so that it works from file:// too
        if not apart_ok:
            yield from search.files(documents())
        while jobs:
            jobs[0].adopt()
            jobs.pop(0)
        yield page("search.html", "search.html.j2")
        yield "style.css", _static("style.css")
        yield "site.js", _static("site.js")
        yield "favicon.svg", _static("favicon.svg")  # a bare host answers /favicon.ico with a 404 otherwise
    finally:
        for job in jobs:  # the build failed while the index or pages were being made apart
            job.stop()
