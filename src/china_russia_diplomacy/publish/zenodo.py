"""Depositing a release archive on Zenodo as a new version of one concept record, and writing its DOI back.

Run by the release workflow (``.github/workflows/release.yml``) after the archive has been rebuilt and
checked against ``releases.json``::

    python -m china_russia_diplomacy.publish.zenodo deposit --no-write-back ARCHIVE > deposit.json   # at the tag
    python -m china_russia_diplomacy.publish.zenodo write-back deposit.json --version X.Y.Z       # on main

(``deposit`` without ``--no-write-back`` does both in one tree, for a deposit by hand.)

It speaks Zenodo's documented deposit REST API (https://developers.zenodo.org/): list the
depositions of the concept, ``POST .../depositions/{id}/actions/newversion`` from the latest published
one (or ``POST .../depositions`` for the very first version, which creates the concept), ``PUT`` the
metadata (``.zenodo.json``, generated from schemas/package.json), replace the files in the draft's
bucket (``PUT {bucket}/{name}``) and ``POST .../actions/publish``. The token is read from the
environment (``ZENODO_TOKEN``), never from a file or an argument; ``ZENODO_URL`` selects the server
(``https://sandbox.zenodo.org`` for a rehearsal).

A re-run after any failure (a 5xx, a timeout, a cut connection, a runner that died) never creates a
second deposit: every run first derives the state from the server (a published version with this
version number: done, its DOI is returned; an unpublished draft of the concept: continued) and only
creates a draft when there is none. A file already in the draft with the archive's MD5 is not sent
again. Transient failures are retried from that fresh state a few times with a pause in between.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..core.errors import CRDError, UsageError

DEFAULT_URL = "https://zenodo.org"
TIMEOUT = (10, 120)  # connect, read (seconds): an upload of a large archive takes a while
ATTEMPTS = 4


class ZenodoError(CRDError, RuntimeError):
    """Zenodo refused the deposit or stayed unreachable; the message names the request and the answer."""

    exit_code = 1


class TransientError(ZenodoError):
    """A failure worth retrying: a 5xx, a timeout or a cut connection."""


@dataclass(frozen=True)
class Deposited:
    """What a published deposit gives back: the version DOI, the concept DOI and the archive's URL."""

    doi: str
    concept_doi: str
    record_id: str
    download_url: str


class Client:
    """The few calls of the deposit API this module needs, over one ``requests`` session."""

    def __init__(self, base_url: str, token: str, *, timeout: tuple[float, float] = TIMEOUT, session=None):
        import requests

        self.api = base_url.rstrip("/") + "/api"
        self.base = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, url: str, *, expect: tuple[int, ...] = (200,), **kwargs) -> Any:
        import requests

        if not url.startswith("http"):
            url = self.api + url
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise TransientError(f"{method} {url}: {type(exc).__name__}: {exc}") from None
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientError(f"{method} {url}: HTTP {response.status_code}: {response.text[:300]}")
        if response.status_code not in expect:
            raise ZenodoError(f"{method} {url}: HTTP {response.status_code}: {response.text[:500]}")
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise TransientError(f"{method} {url}: an answer that is not JSON (cut short?)") from None

    # --- the endpoints -----------------------------------------------------------------------------------

    def depositions(self, query: str) -> list[dict]:
        params = {"q": query, "all_versions": "true", "sort": "mostrecent", "size": 100}
        return self.request("GET", "/deposit/depositions", params=params) or []

    def get(self, deposition_id) -> dict:
        return self.request("GET", f"/deposit/depositions/{deposition_id}")

    def create(self) -> dict:
        return self.request("POST", "/deposit/depositions", json={}, expect=(200, 201))

    def new_version(self, deposition_id) -> dict:
        """The new draft: the API answers with the old record and links to the draft (``latest_draft``)."""
        answer = self.request("POST", f"/deposit/depositions/{deposition_id}/actions/newversion", expect=(200, 201))
        draft = (answer.get("links") or {}).get("latest_draft")
        return self.request("GET", draft) if draft else answer

    def update(self, deposition_id, metadata: dict) -> dict:
        return self.request("PUT", f"/deposit/depositions/{deposition_id}", json={"metadata": metadata})

    def delete_file(self, deposition_id, file_id) -> None:
        self.request("DELETE", f"/deposit/depositions/{deposition_id}/files/{file_id}", expect=(200, 204, 404))

    def upload(self, bucket: str, name: str, path: Path) -> dict:
        with path.open("rb") as fh:
            return self.request("PUT", f"{bucket}/{name}", data=fh, expect=(200, 201),
                                headers={"Content-Type": "application/octet-stream"})

    def publish(self, deposition_id) -> dict:
        return self.request("POST", f"/deposit/depositions/{deposition_id}/actions/publish", expect=(200, 202))


def concept_record_id(concept_doi: str) -> str:
    """``1234567`` from the concept DOI ``10.5281/zenodo.1234567``."""
    from ..core.citation import bare_doi

    doi = bare_doi(concept_doi)
    tail = doi.rsplit(".", 1)[-1]
    if not doi.startswith("10.") or not tail.isdigit():
        raise UsageError(f"conceptDoi {concept_doi!r} in schemas/package.json is not a Zenodo DOI (10.5281/zenodo.N)")
    return tail


def _md5(path: Path) -> str:
    digest = hashlib.md5()  # Zenodo's file checksum  # noqa: S324
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _published(d: dict) -> bool:
    return bool(d.get("submitted")) or d.get("state") == "done"


def _ours(d: dict, title: str) -> bool:
    return str((d.get("metadata") or {}).get("title", "")).startswith(title)


def find_state(client: Client, version: str, title: str, concept_doi: str) -> tuple[dict | None, dict | None, dict | None]:
    """(the published deposition of ``version``, an unpublished draft to continue, the latest published
    deposition of the concept), each None when there is none."""
    if concept_doi:
        found = client.depositions(f"conceptrecid:{concept_record_id(concept_doi)}")
    else:
        # No concept yet (the first version): every deposition of the token's owner that is ours by title,
        # or an untitled draft (a first deposition created by a run that died before its metadata was set).
        found = [d for d in client.depositions("") if _ours(d, title)
                 or (not _published(d) and not (d.get("metadata") or {}).get("title"))]
    done = [d for d in found if _published(d)]
    mine = next((d for d in done if (d.get("metadata") or {}).get("version") == version), None)
    drafts = [d for d in found if not _published(d)]
    latest = max(done, key=lambda d: int(d.get("id", 0)), default=None)
    return mine, (drafts[0] if drafts else None), latest


def _deposited(client: Client, d: dict, archive_name: str) -> Deposited:
    record_id = str(d.get("record_id") or d.get("id"))
    html = client.base + f"/records/{record_id}/files/{archive_name}?download=1"
    return Deposited(doi=d.get("doi", ""), concept_doi=d.get("conceptdoi", ""), record_id=record_id, download_url=html)


def deposit_once(client: Client, archive: Path, metadata: dict, concept_doi: str,
                 log: Callable[[str], None] = print) -> Deposited:
    """One pass over the deposit, from whatever state the server is in (see the module's docstring)."""
    version, title = metadata["version"], metadata["title"].split(" (version ")[0]
    mine, draft, latest = find_state(client, version, title, concept_doi)
    if mine is not None:
        log(f"{version} is already published on Zenodo: {mine.get('doi')}")
        return _deposited(client, mine, archive.name)
    if draft is not None:
        draft_version = (draft.get("metadata") or {}).get("version")
        known = {None, "", version} | ({(latest.get("metadata") or {}).get("version")} if latest else set())
        if draft_version not in known:
            raise ZenodoError(f"the concept has an unpublished draft of version {draft_version!r} "
                              f"(deposition {draft.get('id')}); publish or discard it on Zenodo, then re-run")
        log(f"continuing the unpublished draft {draft.get('id')}")
        draft = client.get(draft["id"])
    elif latest is not None:
        log(f"new version of deposition {latest['id']}")
        draft = client.new_version(latest["id"])
    elif concept_doi:
        raise ZenodoError(f"no published deposition of the concept {concept_doi} is visible with this token")
    else:
        log("no concept record yet: creating the first deposition")
        draft = client.create()
    draft_id = draft["id"]
    client.update(draft_id, metadata)
    md5 = _md5(archive)
    present = False
    for f in client.get(draft_id).get("files", []):
        if f.get("filename") == archive.name and str(f.get("checksum", "")).removeprefix("md5:") == md5:
            present = True
        else:
            client.delete_file(draft_id, f["id"])  # a file of the version this one copies
    if not present:
        bucket = (draft.get("links") or {}).get("bucket") or (client.get(draft_id).get("links") or {}).get("bucket")
        if not bucket:
            raise ZenodoError(f"deposition {draft_id} has no file bucket link")
        log(f"uploading {archive.name}")
        client.upload(bucket, archive.name, archive)
    published = client.publish(draft_id)
    log(f"published: {published.get('doi')}")
    return _deposited(client, published, archive.name)


def deposit(archive: Path, metadata: dict, concept_doi: str, client: Client, *, attempts: int = ATTEMPTS,
            pause: float = 5.0, log: Callable[[str], None] = print) -> Deposited:
    """:func:`deposit_once`, retried from the server's state after a transient failure."""
    for attempt in range(1, attempts + 1):
        try:
            return deposit_once(client, archive, metadata, concept_doi, log)
        except TransientError as exc:
            if attempt == attempts:
                raise ZenodoError(f"Zenodo still failing after {attempts} attempts: {exc}") from None
            log(f"attempt {attempt} failed ({exc}); retrying from the server's state")
            time.sleep(pause * attempt)
    raise AssertionError("unreachable")


# --- writing the DOI back -----------------------------------------------------------------------------------


def write_back(package_dir: Path, version: str, deposited: Deposited) -> list[str]:
    """Record the deposit in the tree: the version's ``doi`` and download URL in ``releases.json`` and, the
    first time, the concept DOI in schemas/package.json. ``build`` then regenerates CITATION.cff, the
    README's cite block, croissant.json and the site from them. Returns the files changed."""
    from dataclasses import replace

    from ..core.registry import read_registry, write_registry

    changed = []
    registry = read_registry(package_dir)
    entry = registry.get(version)
    if entry is None:
        raise UsageError(f"{version} is not registered in {package_dir / 'releases.json'}; register it before depositing")
    urls = entry.urls if deposited.download_url in entry.urls else (*entry.urls, deposited.download_url)
    updated = replace(entry, doi=deposited.doi, urls=urls)
    if updated != entry:
        write_registry(package_dir, registry.with_release(updated))
        changed.append("releases.json")
    package_json = package_dir / "schemas" / "package.json"
    package = json.loads(package_json.read_text(encoding="utf-8"))
    if deposited.concept_doi and not package.get("conceptDoi"):
        text = package_json.read_text(encoding="utf-8")
        if '"conceptDoi": ""' in text:  # keep the hand-written layout of the file
            text = text.replace('"conceptDoi": ""', f'"conceptDoi": {json.dumps(deposited.concept_doi)}', 1)
        else:
            package["conceptDoi"] = deposited.concept_doi
            text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
        package_json.write_text(text, encoding="utf-8")
        changed.append("schemas/package.json")
    return changed


# --- command line (what the release workflow runs) ------------------------------------------------------


def _metadata(package_dir: Path) -> tuple[dict, str]:
    from ..build.generate.citation import zenodo_record
    from ..core.citation import package_citation
    from ..core.metadata import read_metadata

    meta = read_metadata(package_dir)
    record = package_citation(package_dir, meta)
    return zenodo_record(meta, record.get("date-released")), str(meta.package.get("conceptDoi") or "")


def main(argv: list[str] | None = None) -> int:
    from ..core.locate import find_package_dir

    parser = argparse.ArgumentParser(prog="python -m china_russia_diplomacy.publish.zenodo", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("deposit", help="deposit ARCHIVE as this version of the concept record, then write the DOI back")
    d.add_argument("archive", type=Path)
    d.add_argument("--dir", type=Path, help="package directory (default: the repository around the cwd)")
    d.add_argument("--no-write-back", action="store_true", help="only deposit; leave releases.json alone")
    w = sub.add_parser("write-back", help="record a deposit (the JSON `deposit` printed) in releases.json and schemas/package.json")
    w.add_argument("deposit_json", type=Path, help="the file holding what `deposit` printed")
    w.add_argument("--version", required=True, help="the version deposited (the tag's data version)")
    w.add_argument("--dir", type=Path, help="package directory (default: the repository around the cwd)")
    args = parser.parse_args(argv)
    if args.command == "write-back":
        return _cmd_write_back(args)
    token = os.environ.get("ZENODO_TOKEN", "")
    try:
        if not token:
            raise UsageError("ZENODO_TOKEN is not set (a repository secret; see RELEASING.md, first public release)")
        package_dir = find_package_dir(args.dir)
        metadata, concept = _metadata(package_dir)
        if not args.archive.is_file():
            raise UsageError(f"{args.archive}: no such archive")
        client = Client(os.environ.get("ZENODO_URL", DEFAULT_URL), token)
        result = deposit(args.archive, metadata, concept, client, log=lambda m: print(m, file=sys.stderr))
        print(json.dumps({"doi": result.doi, "concept_doi": result.concept_doi, "record_id": result.record_id,
                          "url": result.download_url}))
        if not args.no_write_back:
            for rel in write_back(package_dir, metadata["version"], result):
                print(f"updated {rel}; run `china-russia-diplomacy build` and commit", file=sys.stderr)
    except (CRDError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _cmd_write_back(args) -> int:
    from ..core.locate import find_package_dir

    try:
        answer = json.loads(args.deposit_json.read_text(encoding="utf-8"))
        deposited = Deposited(doi=answer["doi"], concept_doi=answer.get("concept_doi", ""),
                              record_id=str(answer.get("record_id", "")), download_url=answer["url"])
        for rel in write_back(find_package_dir(args.dir), args.version, deposited):
            print(f"updated {rel}; run `china-russia-diplomacy build` and commit", file=sys.stderr)
    except (KeyError, ValueError) as exc:
        print(f"error: {args.deposit_json}: not what `deposit` prints ({exc})", file=sys.stderr)
        return 1
    except (CRDError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
