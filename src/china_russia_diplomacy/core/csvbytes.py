"""The byte-level facts of a CSV file that the strict reader (:mod:`.csvfile`) decides on, gathered in
one pass over fixed-size blocks.

The reader's file-level checks (a magic number, a BOM, CR, NUL, the final newline, the header line, the
line count, and whether every quote stands where a CSV writer puts it) used to run on the whole file
read into memory, which then stayed there next to the Arrow columns parsed from it: at a million rows
the events CSV (117 MB) and its string columns (~120 MB) were both whole at the read's peak (issue #27).
Gathered block by block, the facts let a clean file be parsed by Arrow straight from disk, and the bytes
of a file are whole in memory only when a check fails and the strict reader must judge it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

BLOCK = 8 << 20  # bytes scanned at once: a mask as long as a 100 MB file would cost its size again
HEAD = 64  # bytes kept from the start, for the magic numbers of other formats and the BOM
_QUOTE = ord('"')


@dataclass(frozen=True)
class ByteFacts:
    head: bytes  # the first HEAD bytes
    header_line: bytes | None  # the bytes before the first newline (None: no newline in the file)
    size: int
    newlines: int
    has_cr: bool
    has_nul: bool
    ends_with_newline: bool
    quotes_could_differ: bool  # see _QuoteScan


class _QuoteScan:
    """Whether a quote stands where Arrow and the strict reader could read the file differently.

    Arrow is lenient where the strict reader refuses: after a quote that closes a cell it appends what
    follows (``"abc"d`` is ``abcd``; ``evt-0002,"anniversary,"Soviet...`` silently shifts the cells), and a
    quote opened and never closed swallows the rest of the file. The fast path is therefore taken only
    when every quote is in its canonical place, which is what a CSV writer produces: counted in order
    (an escaped ``""`` toggles twice), an opening quote (even count) follows a delimiter, a line start
    or the other quote of an escaped pair, a closing one (odd count) is followed by a delimiter, a line
    end or the other quote of a pair, and the count is even. Anything else (a literal quote in an
    unquoted cell ``ab"c`` included, which both readers accept) goes to the strict reader, which gives
    the exact finding or the same cells. Vectorised (numpy over each block); a block is judged once the
    next one's first byte is known, since a closing quote's neighbour may be there."""

    def __init__(self) -> None:
        import numpy as np

        self._delimiters = np.zeros(256, dtype=bool)
        self._delimiters[[ord(","), ord("\n")]] = True
        self.seen = 0  # quotes before the pending block: the parity of each quote's count
        self.previous_quote = -2  # the file position of the last quote before the pending block
        self.offset = 0  # the file position of the pending block
        self.before: int | None = None  # the byte just before the pending block (None at the file's start)
        self.pending: bytes | None = None
        self.differ = False

    def feed(self, block: bytes) -> None:
        if not block:
            return
        if self.pending is not None:
            self._judge(self.pending, block[0])
            self.before, self.offset = self.pending[-1], self.offset + len(self.pending)
        self.pending = block

    def finish(self) -> bool:
        if self.pending is not None:
            self._judge(self.pending, None)
            self.pending = None
        return self.differ or self.seen % 2 == 1

    def _judge(self, block: bytes, after_block: int | None) -> None:
        import numpy as np

        if self.differ:
            return
        raw = np.frombuffer(block, dtype=np.uint8)
        quotes = np.flatnonzero(raw == _QUOTE)
        if not len(quotes):
            return
        # The block with its neighbours on either side (0 where the file has none), so that a quote's
        # neighbours are at quote and quote + 2.
        around = np.empty(len(raw) + 2, dtype=np.uint8)
        around[0] = 0 if self.before is None else self.before
        around[1:-1] = raw
        around[-1] = 0 if after_block is None else after_block
        position = quotes + self.offset
        odd = (np.arange(len(quotes)) + self.seen) % 2 == 1
        prior = np.concatenate(([self.previous_quote], position[:-1]))
        opening = ~odd
        prev_ok = (position[opening] == 0) | self._delimiters[around[quotes[opening]]] | (prior[opening] == position[opening] - 1)
        closing = quotes[odd]
        after = around[closing + 2]
        last = (closing == len(raw) - 1) & (after_block is None)  # the file's last byte
        next_ok = last | self._delimiters[after] | (after == _QUOTE)
        if not prev_ok.all() or not next_ok.all():
            self.differ = True
            return
        self.seen += len(quotes)
        self.previous_quote = int(position[-1])


def scan(blocks: Iterable[bytes]) -> ByteFacts:
    """The facts of the file made of ``blocks`` (in order, none empty but possibly the only one)."""
    head = b""
    header: list[bytes] = []
    header_line: bytes | None = None
    size = newlines = 0
    has_cr = has_nul = False
    last = b""
    quotes = _QuoteScan()
    for block in blocks:
        if not block:
            continue
        if len(head) < HEAD:
            head += block[: HEAD - len(head)]
        if header_line is None:
            end = block.find(b"\n")
            header.append(block if end < 0 else block[:end])
            if end >= 0:
                header_line = b"".join(header)
        size += len(block)
        newlines += block.count(b"\n")
        has_cr = has_cr or b"\r" in block
        has_nul = has_nul or b"\x00" in block
        last = block[-1:]
        quotes.feed(block)
    return ByteFacts(head, header_line, size, newlines, has_cr, has_nul, last == b"\n", quotes.finish())


def file_blocks(path: Path, size: int | None = None) -> Iterator[bytes]:
    """The file's bytes, ``size`` (default :data:`BLOCK`) at a time."""
    size = size or BLOCK
    with open(path, "rb") as fh:
        while True:
            block = fh.read(size)
            if not block:
                return
            yield block


def bytes_blocks(data: bytes, size: int | None = None) -> Iterator[bytes]:
    size = size or BLOCK
    for start in range(0, len(data), size):
        yield data[start : start + size]


__all__ = ["BLOCK", "ByteFacts", "bytes_blocks", "file_blocks", "scan"]
