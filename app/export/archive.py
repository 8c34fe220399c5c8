"""Zip files that are byte-identical for identical contents: fixed times, modes and order.

The zip is streamed as it is written: each entry's header goes out before its content, and
its sizes and checksum follow it in a data descriptor (a zip written to a stream, which
every unzip tool reads), so nothing is held but the chunk being compressed and the
directory of entries that comes last. The first bytes leave as soon as the first member
produces some, so a client sees a large zip begin at once.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold

Member = Callable[[], Iterable[bytes]]  # produces a member's content, chunk by chunk, when called


class _Outbox(io.RawIOBase):
    """A write-only stream that keeps what was written until it is taken (zipfile sees it cannot seek)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._parts.append(bytes(data))
        self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def zip_chunks(members: dict[str, Member]) -> Iterator[bytes]:
    """A zip of `members` (name → producer of its chunks), entries sorted by name, every timestamp fixed.

    Each producer is called only when its entry is written, so one member is generated at a
    time, and the zip's bytes are yielded as they are compressed.

    Examples
    --------
    >>> a = b"".join(zip_chunks({"b.txt": lambda: [b"2"], "a.txt": lambda: [b"1"]}))
    >>> a == b"".join(zip_chunks({"a.txt": lambda: [b"1"], "b.txt": lambda: iter([b"", b"2"])}))
    True
    >>> with zipfile.ZipFile(io.BytesIO(a)) as z:
    ...     z.namelist(), z.read("b.txt")
    (['a.txt', 'b.txt'], b'2')
    """
    outbox = _Outbox()
    with zipfile.ZipFile(outbox, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = 6  # type: ignore[attr-defined]  # what writestr(compresslevel=6) sets
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever system writes it
            with archive.open(info, "w") as entry:
                for chunk in members[name]():
                    entry.write(chunk)
                    if sent := outbox.take():
                        yield sent
            if sent := outbox.take():
                yield sent
    if sent := outbox.take():  # the directory, written when the archive closes
        yield sent
