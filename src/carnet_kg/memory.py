"""The server process's memory allocator: how many malloc arenas its threads may use.

glibc gives each thread that allocates concurrently an arena of its own (up to 8 per core) and
rarely returns their freed pages: a harvest walking 100 000 records through 8 server threads
left ~45 MB more resident after each pass, though every page's objects were freed. With two
arenas the same harvest stays flat (bench/oai_harvest.py). Off glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform

M_ARENA_MAX = -8  # mallopt parameter, from glibc's malloc.h


def limit_arenas(arenas: int) -> bool:
    """Cap glibc's malloc arenas for threads started from now on; 0 keeps glibc's default.
    True when the cap took effect."""
    if arenas <= 0 or platform.libc_ver()[0] != "glibc":
        return False
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name)
    return bool(libc.mallopt(M_ARENA_MAX, arenas))
