"""Handing memory back to the operating system between a run's steps.

A run is one long process, and at millions of rows the memory a step frees stays with the process: the
C allocator keeps freed heap for reuse, pyarrow keeps its pool, and DuckDB keeps the pages it read cached up to
its memory limit. A check step's pandas frame then comes on top of all that. `give_back` returns what the
allocators hold unused; closing the DuckDB connection (the caller's part) drops DuckDB's cache.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache


@cache
def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none (macOS, musl)."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    return getattr(libc, "malloc_trim", None)


def give_back() -> None:
    """Return the free memory of pyarrow's pool and of the C heap. No garbage collection: frames are freed as
    their last reference goes, and a full collection of a run's heap (Dagster, Great Expectations) takes a
    quarter of a second."""
    if "pyarrow" in sys.modules:  # never imported just for this
        sys.modules["pyarrow"].default_memory_pool().release_unused()
    if (trim := _malloc_trim()) is not None:
        trim(0)
