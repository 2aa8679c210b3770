"""The strict reader's byte-level facts gathered block by block (core/csvbytes.py, issue #27): the same
facts whatever the block size, a quote's neighbour in the next block included, and a clean file read
from disk without its bytes ever being whole in memory."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from china_russia_diplomacy.core import csvbytes, csvfile
from china_russia_diplomacy.core.csvbytes import bytes_blocks, scan
from china_russia_diplomacy.core.metadata import load_metadata

REPO = Path(__file__).resolve().parents[2]


def _whole_file_quotes_could_differ(data: bytes) -> bool:
    """The test as it ran on a whole file in memory before it was gathered by blocks: the oracle."""
    delimiters = np.zeros(256, dtype=bool)
    delimiters[[ord(","), ord("\n")]] = True
    raw = np.frombuffer(data, dtype=np.uint8)
    size = len(raw)
    quotes = np.flatnonzero(raw == ord('"'))
    if not len(quotes):
        return False
    odd = np.arange(len(quotes)) % 2 == 1
    before = np.concatenate(([-2], quotes[:-1]))
    opening = quotes[~odd]
    prev_ok = (opening == 0) | delimiters[raw[np.maximum(opening - 1, 0)]] | (before[~odd] == opening - 1)
    closing = quotes[odd]
    after = np.minimum(closing + 1, size - 1)
    next_ok = (closing == size - 1) | delimiters[raw[after]] | (raw[after] == ord('"'))
    return bool(not prev_ok.all() or not next_ok.all() or len(quotes) % 2 == 1)


def _samples() -> list[bytes]:
    rng = random.Random(27)
    out = [b'a,"b""c",d\n', b'"x"\n', b'a"b\n', b'"a"d,\n', b'""""\n', b'"', b'a,"\n"\n', b'\n"ab",c"\n']
    out += [bytes(rng.choice(b'a,"\n') for _ in range(rng.randint(1, 14))) for _ in range(400)]
    return out


def test_the_quote_test_gives_the_whole_files_verdict_whatever_the_block_boundaries():
    # Small blocks put every quote, and each of its neighbours, at a block's edge in some split.
    for data in _samples():
        expected = _whole_file_quotes_could_differ(data)
        for size in range(1, len(data) + 1):
            assert scan(bytes_blocks(data, size)).quotes_could_differ is expected, (data, size)


def test_the_other_facts_do_not_depend_on_the_block_size():
    data = b'event_id,title\r\nevt-1,"two\nlines"\x00\n'
    whole = scan([data])
    assert (whole.header_line, whole.newlines, whole.has_cr, whole.has_nul, whole.ends_with_newline) == \
        (b"event_id,title\r", 3, True, True, True)
    for size in range(1, len(data) + 1):
        assert scan(bytes_blocks(data, size)) == whole
    assert scan([]).size == 0 and scan([b"a,b"]).header_line is None


def test_a_clean_file_is_parsed_from_disk_and_never_read_whole(tmp_path, monkeypatch):
    """At a million rows the whole bytes of events.csv (117 MB) sat next to its Arrow columns at the
    read's peak; the scan reads blocks and Arrow reads the file itself."""
    spec = load_metadata(REPO).table("events")
    path = tmp_path / "events.csv"
    lines = (REPO / "data" / "events.csv").read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(lines[:1] + lines[1:-1] * 3) + b"\n")
    monkeypatch.setattr(csvbytes, "BLOCK", 1000)
    reads = []
    real = Path.read_bytes

    def read_bytes(self):
        reads.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    blocks = []
    real_blocks = csvbytes.file_blocks
    monkeypatch.setattr(csvfile, "file_blocks", lambda p: (blocks.append(len(b)) or b for b in real_blocks(p)))
    raw, findings = csvfile.read_raw(path, spec)
    assert findings == [] and raw.num_rows == 3 * (len(lines) - 2) and reads == []
    assert max(blocks) == 1000 and sum(blocks) == path.stat().st_size
    path.write_bytes(path.read_bytes()[:-1])  # a flagged file (no final newline) is still read whole, as before
    reads.clear()
    _, findings = csvfile.read_raw(path, spec)
    assert [f.rule for f in findings] == ["final-newline"] and reads == [path]


def test_every_window_split_of_a_real_file_keeps_the_fast_path():
    data = (REPO / "data" / "events.csv").read_bytes()
    assert not _whole_file_quotes_could_differ(data)
    for size in (61, 97, 997, 4096, 65_536):
        assert scan(bytes_blocks(data, size)).quotes_could_differ is False
