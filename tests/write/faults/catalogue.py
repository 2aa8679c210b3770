"""The defect classes the fault suite injects, in the order the summary table and the README list them.

Each fault test names its class with ``@pytest.mark.defect("<id>")``; the summary printed at the end of
the run (see ``conftest.pytest_terminal_summary``) and the README's "Defect classes caught" list are both
checked against this catalogue, so a class cannot be dropped from one without the other noticing.
"""

from __future__ import annotations

DEFECT_CLASSES: dict[str, str] = {
    # cell level
    "cell: wrong type": "text in an integer column",
    "cell: not a boolean": "a boolean cell that is not true/false",
    "cell: empty required cell": "a required cell left empty",
    "cell: value outside an enum": "a controlled-vocabulary cell with an unknown value",
    "cell: pattern mismatch": "a cell that does not match its schema pattern",
    "cell: out-of-range number": "a number below its schema minimum",
    "cell: text too short": "a text shorter than its schema minLength",
    "cell: impossible date": "2025-02-30",
    "cell: malformed date": "a date not written YYYY-MM-DD",
    "cell: date bounds reversed": "date_start after date_end",
    "cell: date bound missing": "only one of date_start/date_end given",
    "cell: precision inconsistent with bounds": "date_precision that the bounds contradict",
    "cell: bad EDTF": "an unparsable date_edtf",
    "cell: EDTF disagrees with bounds": "a valid EDTF string for other dates",
    # row level (rules between the columns of one row)
    "row: quote date without its basis": "spoken_date given, spoken_date_basis emptied",
    "row: signing date without its basis": "signed_date given, signed_date_basis emptied",
    "row: translation flag and language disagree": "original_language given with is_translation false",
    "row: aggregate without its count": "an aggregate agreement whose count_text is empty",
    "row: added_in newer than the package": "added_in 99.0.0",
    "row: aliases repeat the name": "the name listed again among the aliases",
    # table level
    "table: duplicate primary key": "two rows with the same ID",
    "table: duplicate composite key": "two event_participants rows with the same event, participant and role",
    "table: dangling foreign key": "each foreign key relation of every schema, one at a time",
    "table: dangling agreement party": "agreements.parties naming an unknown participant",
    "table: dangling discrepancy record": "discrepancies.record_id naming an unknown record",
    "table: parent event cycle": "an event that is its own parent, and a two-event cycle",
    "table: event about itself": "about_event_id equal to event_id",
    "table: num_sources out of step": "num_sources differing from the distinct sources in event_mentions",
    "table: primary mention": "an event whose primary mention is missing",
    "table: retired ID reused": "an ID listed in schemas/retired_ids.json still used",
    # provenance
    "provenance: evidence edited": "one character of the evidence changed",
    "provenance: offsets shifted": "evidence_start and evidence_end moved by one",
    "provenance: one offset moved": "evidence_start alone, or evidence_end alone, moved by one",
    "provenance: evidence from another source": "source_id pointing at another article",
    "provenance: other evidence shifted": "discrepancies.other_evidence offsets moved by one",
    "provenance: quote outside its evidence": "a quote text that does not occur in its evidence",
    "provenance: archived article altered": "one byte of an archived article changed (sha256 mismatch)",
    "provenance: archived article missing": "an archived article deleted",
    "provenance: offsets outside the article": "evidence_end past the text, or not after evidence_start",
    "provenance: char_count out of step": "sources.char_count differing from the article",
    # file level
    "file: UTF-8 BOM": "a byte order mark at the start of a CSV",
    "file: Latin-1 re-encoding": "a CSV re-saved as Latin-1",
    "file: Windows-1252 re-encoding": "a CSV re-saved as Windows-1252",
    "file: CRLF line endings": "a CSV re-saved with CRLF",
    "file: ragged row": "a row with one cell too many",
    "file: duplicated header": "a header naming a column twice",
    "file: renamed header": "a header with a renamed column",
    "file: reordered column": "two columns swapped, header and cells",
    "file: NUL byte": "a NUL byte inside a cell",
    "file: truncated file": "a CSV cut in the middle of its last row",
    "file: unterminated quote": "a quoted cell that never closes",
    "file: blank line": "an empty line between rows",
    "file: empty file": "a CSV with no header",
    "file: missing CSV": "a table's CSV deleted",
    "file: non-NFC Unicode": "a decomposed (NFD) name",
    "file: leading or trailing spaces": "a cell with a space before or after its text",
    "file: control character": "a vertical tab inside a text cell",
    "file: CSV injection": "a text cell starting with =, +, - or @",
    "file: semicolon delimiter": "a CSV re-saved with ; as delimiter (a European-locale spreadsheet)",
    "file: unsafe resource path": "a ../ or absolute path in datapackage.json",
    # artifact level
    "artifact: Parquet hash mismatch": "a Parquet file changed after the build",
    "artifact: CSV hash mismatch": "a CSV changed after the build",
    "artifact: Parquet out of step with CSV": "a Parquet file rewritten with other values and re-hashed",
    "artifact: unreadable Parquet": "a Parquet file truncated",
    "artifact: stale datapackage.json (schema edit)": "a schema description edited without a rebuild",
    "artifact: stale datapackage.json (version)": "the package version bumped without a rebuild",
    "artifact: datapackage.json missing": "the descriptor deleted",
    "artifact: Parquet with other column types": "integers stored as text in a re-hashed Parquet file",
    "artifact: datapackage.json not JSON": "a truncated descriptor",
    "artifact: resource dropped from datapackage.json": "a table removed from the descriptor",
    "artifact: tampered installed package": "verify()/check() on an installed copy with a changed file",
    # code lists (issue #10)
    "code: country not in ISO 3166": "participants.country = XYZ (matches [A-Z]{3})",
    "code: former state as a location": "events.location_country = SUN (the Soviet Union, ISO 3166-3)",
    "code: language not in ISO 639": "sources.language = xq",
    "code: CAMEO code lost its leading zero": "cameo_code 042 saved as 42",
    "code: CAMEO code the crosswalk refuses": "a call with CAMEO 057 (sign formal agreement)",
    "code: PLOVER type the crosswalk refuses": "talks with PLOVER ASSAULT",
    "code: code list missing": "schemas/codelists/cameo.csv deleted",
    # time consistency (issue #10)
    "time: occurred after every report": "an occurred event moved 120 days past the latest article",
    "time: planned after it was over": "a mention calling a past event planned",
    "time: quote spoken after its article": "spoken_date after the article's publication date",
    "time: signed after its article": "a signed agreement dated after its article",
    "time: resolved against an undated article": "weekday_resolved in the undated src-0004",
    "time: child outside its parent": "a talks day moved outside its visit",
    "time: child ends after its parent": "a child on its one-day parent's day made to end one day later (its start unchanged)",
    "time: quote outside its event": "spoken_date the day before its event",
    "time: quote after its event": "spoken_date the day after its event ends",
    "time: date outside the pandas range": "an event dated 1600-05-09",
    # entities and claims (issue #10)
    "entity: duplicate participant": "a participant copied under a new ID",
    "entity: alias of another participant": "Putin's alias given to another participant",
    "entity: duplicate event": "an event copied under a new ID with its participants and mentions",
    "claim: party listed twice": "agreements.parties naming one participant twice",
    "claim: quote relayed by its speaker": "via_id equal to speaker_id",
    "claim: discrepancy without disagreement": "other_value equal to value",
    "claim: discrepancy of one span": "other_source/other_evidence equal to source/evidence",
    "claim: discrepancy citing another event's mention": "mention_id of a mention of another event",
    "claim: event about its own part": "about_event_id naming the event's child",
    "claim: count beyond its count_text": "count_low 210 for 'over 20'",
    "claim: one participant in conflicting roles": "a visitor who is also host of the same visit",
    "claim: status not the latest article's": "status planned where every article says occurred",
    "claim: discrepancy sources out of order": "a discrepancy's two claims swapped (second source first), or both from one article",
    "claim: resolved date at high confidence": "a weekday-resolved event and its primary mention set to high",
    "claim: inferred language at high confidence": "a quote whose language is inferred_from_speaker set to high",
    "claim: primary mention's confidence not its event's": "a primary mention's confidence changed, its event's not",
    "claim: confidence not what its tie gives": "a mention whose tie refers_back gives medium (men-0079) raised to high; every row below high raised",
    "claim: participation confidence not what its tie gives": "(evt-0029, par-0023, reporter), tie same_article, raised to high",
    "claim: explicit tie the span cannot make": "tie explicit on a span that states only the action (men-0095)",
    "file: hidden character": "a zero-width space, bidi override, line separator, NBSP... in a title",
    "file: link instead of a file": "a CSV replaced by a symlink, an article by a FIFO",
    "file: not what its name says": "a zip or Parquet file saved as .csv; a descriptor that is JSON but no object",
    # what the read side is handed (issue 15): release zips, caches, downloads, the shipped history
    "archive: a changed cell, descriptor as published": "one cell of data/events.csv changed in a copy of the 1.0.0 zip, its datapackage.json and SHA256SUMS left as published",
    "archive: altered and re-hashed": "the same change with the zip's own datapackage.json hashes updated to match",
    "archive: not a zip, or cut short": "the 1.0.0 zip cut in half; a text file named .zip",
    "archive: member outside the package": "members '../evil.txt' and '/tmp/evil.txt', and a symbolic link",
    "archive: zip bomb": "a member inflating to 2 GiB; a table member declaring more bytes than its descriptor",
    "cache: unusable cache directory": "CRD_CACHE_DIR a file, a directory that is not writable, a full disk",
    "download: mirror that never answers": "a server on 127.0.0.1 that accepts the connection and sends nothing",
    "history: altered patch": "a line of history/1.0.0.json changed: the rebuilt file's SHA-256 differs",
    # what the read side is handed (issue 26): package folders, descriptors, paths, self-vouching caches
    "package: resource path leaves the folder": "an absolute, ../, URL, drive or backslash resource path; a table, folder, descriptor or article linked to outside",
    "package: descriptor malformed": "a datapackage.json nested 200,000 deep, UTF-16, with a BOM, Latin-1, over 8 MB, an array, without resources, a resource twice, schemas without fields",
    "package: package_dir a file": "package_dir the datapackage.json itself, a zip named .ZIP or without suffix, a CSV or README",
    "package: edited copy labelled as the published version": "one cell of a folder's events.csv changed, a Parquet twin rewritten, descriptor left as published",
    "path: folder name read as a pattern": "load/scan/connect/export under \"Thesis O'Brien [final] Тезис\" beside a decoy folder the brackets match",
    "cache: entry edited with its own record": "a cached Parquet twin rewritten with its .derived.json hash; an unpacked zip's table rewritten with its cached descriptor re-hashed",
    "history: edited citation": "history's CITATION.cff patch rewritten with its recorded SHA-256 (another title and year); a cached CITATION.cff re-dated",
    # the command line's one error boundary (issue 26)
    "cli: error inside a command": "a UsageError, UntrustedInputError, MissingExtra or OSError (ENOSPC, EROFS, EACCES, ENOENT) raised by a command",
    "cli: interrupted or closed pipe": "Ctrl-C during a command; stdout closed by the reader (--json | head)",
    "export: a target it must not write": "export --output . in a package, another package's folder, a file as folder, a descriptor as database, a wrong DIR",
    "export: the disk refuses the write": "ENOSPC, EROFS or EACCES at the third file (new folder and over an earlier export), a failing rename, a full disk in SQLite, prlimit --fsize",
    "input: another file as a changes record": "changelog-entry --from-json given datapackage.json, check-version --json output, an array, non-JSON, non-UTF-8, a malformed record, a missing file, a folder",
    "input: a folder diff cannot compare": "diff OLD DIR with DIR holding several packages, a missing path, an unknown revision outside git, a non-zip file",
    # faults
    "fault: build fails half-way": "an exception while installing outputs leaves every file byte-identical",
    "fault: build fails while staging": "a full disk while writing the staged copy leaves no file changed and no .staging-* behind (one line from the CLI); a killed build's .staging-* is removed by the next",
    "fault: invalid input refused by build": "build writes nothing when the input is invalid",
    "fault: non-reproducible build": "two builds, also under another time zone and locale, differ",
}


README_HEADING = "### Defect classes caught"


def readme_list() -> str:
    """The README's list of defect classes (checked against the README by test_catalogue)."""
    lines = ["| defect class | injected as | result |", "|---|---|---|"]
    for name, how in DEFECT_CLASSES.items():
        lines.append(f"| {name} | {how} | caught |")
    return "\n".join(lines)
