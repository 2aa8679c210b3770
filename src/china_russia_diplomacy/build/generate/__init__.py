"""The build's generated files besides Parquet and ``datapackage.json``, one module per file family.

Each generator is a function ``generate(ctx)`` of the build context (metadata, typed tables, the files
generated so far) that hands each file over as soon as it is made, with ``ctx.write(relpath, bytes or
iterable of byte chunks)`` or ``with ctx.open(relpath) as fh`` (see :mod:`..outputs`): build streams them
into its staging directory, so no family of files is held in memory whole. A generator of a few small
files may instead return them as ``{path: bytes}`` (the README blocks, codebook, citation and timeline
do). :data:`GENERATORS` is the one registry: build runs them in this order, and the stale-file test
compares the same outputs with the tree.
The order matters: the README's blocks and the figures come first, ``croissant.json`` last because it
records the hashes of the files before it.
"""

from __future__ import annotations

from typing import Callable, Mapping, Optional

from . import citation, codebook, croissant, history, readme, site, timeline

Generator = Callable[..., Optional[Mapping[str, bytes]]]

GENERATORS: dict[str, Generator] = {
    "readme": readme.generate,  # the README's generated blocks (tables at a glance, R code)
    "timeline": timeline.generate,  # docs/timeline.svg and .png
    "codebook": codebook.generate,  # docs/codebook.md
    "citation": citation.generate,  # CITATION.cff and .zenodo.json
    "croissant": croissant.generate,  # croissant.json
    "history": history.generate,  # history/<version>.json: every registered version rebuilt from the data
    "site": site.generate,  # site/: the static website with the evidence viewer (needs the outputs above)
}
