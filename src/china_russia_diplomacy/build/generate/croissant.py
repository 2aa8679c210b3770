"""``croissant.json``: the package described in MLCommons Croissant 1.0, for ML dataset tooling.

Croissant is the JSON-LD vocabulary that dataset hubs and ML loaders (``mlcroissant``, TFDS, Hugging
Face, Kaggle) read. It says the same as ``datapackage.json`` in another vocabulary, so it is generated
from the same schemas and never edited by hand:

- one ``cr:FileObject`` per CSV and per Parquet twin, with a ``contentUrl`` relative to the package
  root and its SHA-256 (so a loader can check the bytes it downloaded);
- one ``cr:RecordSet`` per table, with a ``cr:Field`` per column: ``dataType`` mapped from the Table
  Schema type, the column's description (plus the meaning of each allowed value, where the schema
  gives them), the primary key as ``key`` and each foreign key as ``references``;
- the package's license, version and a BibTeX ``citeAs`` taken from the citation record, so that a
  paper cites the version it used.

Record sets extract their values from the CSVs (the master copy); the Parquet files are listed so
that tools preferring them can find and check them.
"""

from __future__ import annotations

import json
from typing import Any

from ...core import citation
from ...core.metadata import Metadata, SchemaError, TableSpec
from ..descriptor import FileDigest

PATH = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.0"

# The standard Croissant 1.0 @context, as in the specification's example datasets (key order kept).
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

# Table Schema type -> schema.org data type understood by Croissant loaders.
DATA_TYPES: dict[str, str] = {
    "string": "sc:Text",
    "integer": "sc:Integer",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "date": "sc:Date",
}

# Known licenses by SPDX id -> the URL Croissant (schema.org ``license``) expects.
LICENSE_URLS = {"CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/"}


def data_type(table: str, field: str, type_: str) -> str:
    try:
        return DATA_TYPES[type_]
    except KeyError:
        raise SchemaError(f"{table}.{field}: Table Schema type {type_!r} has no Croissant data type") from None


def _field_description(f) -> str:
    """The column's description, followed by the meaning of each allowed value when the schema has them."""
    text = f.description
    if f.enum_descriptions:
        text += " Values: " + "; ".join(f"`{v}`: {f.enum_descriptions.get(v, '')}".rstrip(": ") for v in f.enum) + "."
    elif f.enum:
        text += " Values: " + ", ".join(f"`{v}`" for v in f.enum) + "."
    return text


def _file_id(table: str, fmt: str) -> str:
    return f"{table}-{fmt}"


def _references(spec: TableSpec, same_table: bool = False) -> dict[str, str]:
    """Column -> ``table/column`` it references, from the schema's foreign keys (field by field).

    Written in the field's ``references`` as the key column of the referenced table's CSV (a Croissant
    source), not as that table's record set field: ``mlcroissant`` joins referenced record sets as
    data frames and cannot join one whose records are themselves produced by a join. References within
    the same table (``events.parent_event_id`` -> ``events.event_id``) are left out of ``references``
    (a self-join that ``mlcroissant`` cannot type when the column is mostly empty); the column
    description says it instead.
    """
    refs = {}
    for fk in spec.foreign_keys:
        local = [fk["fields"]] if isinstance(fk["fields"], str) else list(fk["fields"])
        ref = fk["reference"]
        target = ref.get("resource") or spec.name  # "" means the same table in Table Schema
        remote = [ref["fields"]] if isinstance(ref["fields"], str) else list(ref["fields"])
        if (target == spec.name) != same_table:
            continue
        for mine, theirs in zip(local, remote):
            refs[mine] = f"{target}/{theirs}"
    return refs


def record_set(spec: TableSpec) -> dict[str, Any]:
    refs, self_refs = _references(spec), _references(spec, same_table=True)
    fields = []
    for f in spec.fields:
        description = _field_description(f)
        if f.name in self_refs:
            description += f" References `{self_refs[f.name].replace('/', '.')}` in this record set."
        field: dict[str, Any] = {
            "@type": "cr:Field",
            "@id": f"{spec.name}/{f.name}",
            "name": f.name,
            "description": description,
            "dataType": data_type(spec.name, f.name, f.type),
            "source": {"fileObject": {"@id": _file_id(spec.name, "csv")}, "extract": {"column": f.name}},
        }
        if f.name in refs:
            table, column = refs[f.name].split("/")
            field["references"] = {"fileObject": {"@id": _file_id(table, "csv")}, "extract": {"column": column}}
        fields.append(field)
    rs: dict[str, Any] = {
        "@type": "cr:RecordSet",
        "@id": spec.name,
        "name": spec.name,
        "description": f"{spec.title}. {spec.description}",
        "field": fields,
    }
    if spec.primary_key:
        keys = [{"@id": f"{spec.name}/{k}"} for k in spec.primary_key]
        rs["key"] = keys[0] if len(keys) == 1 else keys
    return rs


def _citation(meta: Metadata, package_dir) -> tuple[str, str | None]:
    """BibTeX for this version and its release date, from the same record as CITATION.cff."""
    from ...core import citation

    record = citation.package_citation(package_dir, meta)
    return citation.bibtex_text(record), record.get("date-released")


def croissant(meta: Metadata, files: dict[str, bytes | FileDigest], cite_as: str, date_published: str | None = None) -> dict[str, Any]:
    """The Croissant document for ``meta``; ``files`` maps each table's CSV and Parquet path to its bytes
    or to its :class:`FileDigest` (size and SHA-256: build passes those, never the files themselves).

    ``date_published`` is the release date of this version (from the changelog); left out while the
    version is unreleased, rather than inventing one.
    """
    pkg = meta.package
    licenses = pkg.get("licenses") or []
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": meta.name,
        "alternateName": pkg.get("title", meta.name),
        "description": pkg.get("description", ""),
        "version": meta.version,
        "license": [LICENSE_URLS.get(lic["name"], lic.get("path", lic["name"])) for lic in licenses],
        "citeAs": cite_as,
        "keywords": list(pkg.get("keywords", [])),
        "creator": [_creator(c) for c in pkg.get("contributors", [])],
        "isLiveDataset": False,
    }
    if pkg.get("homepage"):
        doc["url"] = pkg["homepage"]
    if pkg.get("repository"):
        doc["sameAs"] = pkg["repository"]
    if pkg.get("conceptDoi"):
        doc["identifier"] = f"https://doi.org/{citation.bare_doi(pkg['conceptDoi'])}"
    if date_published:
        doc["datePublished"] = date_published
    if len(doc["license"]) == 1:
        doc["license"] = doc["license"][0]
    distribution = []
    digests = {path: FileDigest.of(data) for path, data in files.items()}
    for spec in meta.tables:
        for fmt, path, media in (("csv", spec.csv_path, "text/csv"),
                                 ("parquet", spec.parquet_path, "application/x-parquet")):
            distribution.append({
                "@type": "cr:FileObject",
                "@id": _file_id(spec.name, fmt),
                "name": path,
                "description": f"{spec.title} ({fmt.upper()}{', the master copy' if fmt == 'csv' else ', typed twin of the CSV'}).",
                "contentUrl": path,
                "contentSize": f"{digests[path].size} B",
                "encodingFormat": media,
                "sha256": digests[path].sha256,
            })
    doc["distribution"] = distribution
    doc["recordSet"] = [record_set(spec) for spec in meta.tables]
    return doc


def _creator(contributor: dict[str, Any]) -> dict[str, Any]:
    """A schema.org Person (given and family names, ORCID, affiliation) or Organization, from
    schemas/package.json's contributor: only what it gives."""
    if contributor.get("familyName"):
        out: dict[str, Any] = {"@type": "sc:Person", "familyName": contributor["familyName"],
                               "name": " ".join(filter(None, [contributor.get("givenName"), contributor["familyName"]]))}
        if contributor.get("givenName"):
            out["givenName"] = contributor["givenName"]
    else:
        out = {"@type": "sc:Organization", "name": contributor["title"]}
    if contributor.get("orcid"):
        out["sameAs"] = citation.orcid_url(contributor["orcid"])
    if contributor.get("organization"):
        out["affiliation"] = {"@type": "sc:Organization", "name": contributor["organization"]}
    return out


def dumps(doc: dict[str, Any]) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def generate(ctx) -> None:
    """Build generator: ``croissant.json`` from the schemas and the sizes and hashes of the files it lists
    (each CSV hashed in blocks, each Parquet twin's digest taken from when build wrote it)."""
    files: dict[str, bytes | FileDigest] = {}
    for spec in ctx.meta.tables:
        files[spec.csv_path] = FileDigest.of_file(ctx.package_dir / spec.csv_path)
        files[spec.parquet_path] = ctx.digest(spec.parquet_path)
    cite_as, released = _citation(ctx.meta, ctx.package_dir)
    ctx.write(PATH, dumps(croissant(ctx.meta, files, cite_as, released)))
