"""Fewer glibc malloc arenas for the API process.

glibc gives each thread that allocates under contention an arena of its own (up to eight per
core), and memory freed in one arena is not reused by the others. The API's worker threads
(one per concurrent request, and the background preparation) so hold on to memory that a
finished request no longer uses: at a million relationships, two arenas instead of glibc's
default took the API's resident memory after the scale bench's requests from 369 MB to
350 MB (bench/README.md, "Scale").
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


def limit_arenas(arenas: int) -> bool:
    """Ask glibc for at most `arenas` malloc arenas (0: leave its default); whether it took it.

    Called before the server's threads start: arenas made before it are kept. Without glibc
    (musl, macOS) nothing changes and the answer is False.
    """
    if arenas <= 0:
        return False
    name = ctypes.util.find_library("c")
    if not name:
        return False
    libc = ctypes.CDLL(name)
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None or not hasattr(libc, "gnu_get_libc_version"):
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))
