"""Memory management: how many malloc arenas the server's threads may use, and Python's
cyclic garbage collector paused while a load builds its graphs.

glibc gives each thread that allocates concurrently an arena of its own (up to 8 per core) and
rarely returns their freed pages: a harvest walking 100 000 records through 8 server threads
left ~45 MB more resident after each pass, though every page's objects were freed. With two
arenas the same harvest stays flat (bench/oai_harvest.py). Off glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import platform
from collections.abc import Iterator
from contextlib import contextmanager

M_ARENA_MAX = -8  # mallopt parameter, from glibc's malloc.h


def _libc():
    if platform.libc_ver()[0] != "glibc":
        return None
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None


def release() -> bool:
    """Give the pages malloc holds free back to the system (glibc's malloc_trim): after a
    response that allocated and freed a lot (an OAI-PMH page of records), so that freed
    memory does not stay resident. True when something was released."""
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


def limit_arenas(arenas: int) -> bool:
    """Cap glibc's malloc arenas for threads started from now on; 0 keeps glibc's default.
    True when the cap took effect."""
    libc = _libc()
    if arenas <= 0 or libc is None:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas))


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while millions of objects are made (a load's
    graphs): each of its passes walks them all again. About 40 % of a 10 000-note load's time,
    for about 12 % more peak memory (bench/README.md); it runs once on leaving."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
