"""Stand-ins for the entries of pip's RECORD as ``importlib.metadata`` gives them (``files()``: a path, its
hash and size), for the tests of the installed-copy check."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Hash:
    mode: str
    value: str


@dataclass
class Entry:
    path: str
    hash: Hash | None
    size: int | None

    def __str__(self) -> str:
        return self.path
