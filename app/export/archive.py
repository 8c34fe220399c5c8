"""Zip files that are byte-identical for identical contents: fixed times, modes and order.

Members are written as they are produced, into a temporary file that stays in memory up to
`SPOOL_BYTES` and moves to disk beyond, so a zip of a large snapshot never sits whole in
memory; the file is read back in chunks once it is complete (a zip's directory comes last,
and each entry's header is filled in when the entry is done, so nothing can be sent before).
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
SPOOL_BYTES = 8 * 1024 * 1024  # a zip larger than this is spooled on disk while it is written
READ_BYTES = 64 * 1024

Member = Callable[[], Iterable[bytes]]  # produces a member's content, chunk by chunk, when called


def zip_chunks(members: dict[str, Member]) -> Iterator[bytes]:
    """A zip of `members` (name → producer of its chunks), entries sorted by name, every timestamp fixed.

    Each producer is called only when its entry is written, so one member is generated at a
    time. The bytes are those `ZipFile.writestr` gives for the whole contents.

    Examples
    --------
    >>> a = b"".join(zip_chunks({"b.txt": lambda: [b"2"], "a.txt": lambda: [b"1"]}))
    >>> a == b"".join(zip_chunks({"a.txt": lambda: [b"1"], "b.txt": lambda: iter([b"", b"2"])}))
    True
    """
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        with zipfile.ZipFile(spool, "w") as archive:
            for name in sorted(members):
                info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info._compresslevel = 6  # type: ignore[attr-defined]  # what writestr(compresslevel=6) sets
                info.external_attr = 0o644 << 16
                info.create_system = 3  # unix, whatever system writes it
                with archive.open(info, "w") as entry:
                    for chunk in members[name]():
                        entry.write(chunk)
        spool.seek(0)
        while chunk := spool.read(READ_BYTES):
            yield chunk
