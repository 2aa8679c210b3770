"""The Arrow memory pool the write side runs on: one that gives freed memory back to the system
(jemalloc for ``build``, the system allocator for ``validate``).

``validate`` and ``build`` read every table into Arrow, type it, check it and drop the intermediates.
With pyarrow's default pool (mimalloc on Linux wheels) the freed pages stay in the process: at a million
rows the checks peaked at about 1,015 MB, against 825 MB on jemalloc (measured with the synthetic
package of ``scripts/benchmark.py``; the issue's target is 1 GB). So both switch the process's default
pool to jemalloc where pyarrow ships it, once, unless the user chose a pool with pyarrow's own
``ARROW_DEFAULT_MEMORY_POOL`` variable. Loading tables (the read side) is left alone.

jemalloc as pyarrow configures it kept the pages it freed: after the Parquet twin of the million-row
events table was read column by column and compared, no Arrow buffer was live but the process still held
~170 MB more, and ``release_unused`` gave none of it back (the next table's peak stacked on it). With the
decay set to 0 jemalloc returns freed pages at once (reading that twin: 156 MB left resident by default,
85 MB with the decay at 0, all of it the file's own metadata and caches).

``validate`` goes further (:func:`use_system_pool`). ``pyarrow.set_memory_pool`` only changes the pool
that pyarrow's Python calls pass; what Arrow's C++ allocates on its own default pool (compute kernels
run with the default context, the Parquet and IPC readers, conversions to pandas) stays on the pool
chosen when the library loaded (mimalloc). At a million rows that second allocator kept ~150 MB of
freed pages, and jemalloc (decay set after its first arena existed) another ~100 MB: after the last
rule no Arrow buffer was live, yet the process held 415 MB, and it peaked at 540 MB. With every
allocation on glibc's malloc (the C++ default chosen through ``ARROW_DEFAULT_MEMORY_POOL`` before
pyarrow loads) and blocks of 128 KiB and more mapped on their own, a freed column is unmapped at once:
the same run peaked at 457 MB and ended at 190 MB.
"""

from __future__ import annotations

import os

_done = False


def use_lean_pool() -> str:
    """Make jemalloc the default Arrow pool for this process (idempotent); return the pool's name."""
    global _done
    import pyarrow as pa

    if not _done and not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
            pa.jemalloc_set_decay_ms(0)  # give freed pages back at once, not when a decay timer fires
        except (NotImplementedError, AttributeError):  # a pyarrow built without jemalloc (e.g. Windows)
            pass
        _fixed_mmap_threshold()
        _done = True
    return pa.default_memory_pool().backend_name


def use_system_pool() -> str:
    """Put every Arrow allocation of this process on the system allocator, where each large buffer is
    its own mapping and goes back to the system when freed (idempotent); return the pool's name.

    Arrow reads ``ARROW_DEFAULT_MEMORY_POOL`` once, when it loads: so the variable is set only around
    the first import of pyarrow (and removed again, so that the processes this one starts, frictionless'
    among them, inherit the environment they were given). When pyarrow is already loaded (a caller that
    imported it, the tests) its Python default is switched instead: the C++ default stays as it was.
    A pool the user named in that variable wins, as it does for :func:`use_lean_pool`."""
    global _done
    import sys

    chosen = os.environ.get("ARROW_DEFAULT_MEMORY_POOL")
    if not _done and not chosen:
        if "pyarrow" not in sys.modules:
            os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"
            try:
                import pyarrow as pa

                pa.default_memory_pool()
            finally:
                del os.environ["ARROW_DEFAULT_MEMORY_POOL"]
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())
        _fixed_mmap_threshold()
        _done = True
    import pyarrow as pa

    return pa.default_memory_pool().backend_name


def release_memory() -> None:
    """Give freed memory back to the system between tables: Arrow's pool returns its unused pages, and
    glibc's malloc (pandas' and numpy's buffers, Python objects) its free heap pages (``malloc_trim``,
    where the C library has it), so that the next table's peak does not stack on the previous one's."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


_trim: list = []
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)


def _fixed_mmap_threshold() -> None:
    """Keep glibc's malloc serving blocks of 128 KiB and more (numpy's and pandas' column buffers) with
    their own mappings, unmapped when freed. By default glibc raises that threshold to the size of each
    such block freed (up to 32 MiB), after which a million-row column comes from the heap, where a
    freed one leaves holes ``malloc_trim`` cannot always give back: after the cross-table rules
    ran no Arrow buffer was live, yet the process held ~170 MB more than before them."""
    try:
        import ctypes
        import ctypes.util

        name = ctypes.util.find_library("c")
        mallopt = getattr(ctypes.CDLL(name), "mallopt", None) if name else None
    except (OSError, AttributeError):  # not glibc: nothing to set
        return
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, 128 * 1024)



def _malloc_trim():
    if not _trim:
        fn = None
        try:
            import ctypes
            import ctypes.util

            name = ctypes.util.find_library("c")
            fn = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
        except (OSError, AttributeError):  # not glibc (macOS, Windows, musl without it): nothing to trim
            fn = None
        _trim.append(fn)
    return _trim[0]


__all__ = ["use_lean_pool", "use_system_pool", "release_memory"]
