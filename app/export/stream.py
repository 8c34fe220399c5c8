"""Turning rendered text pieces into byte chunks of a sensible size for a streamed response."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

CHUNK = 64 * 1024


def encoded(pieces: Iterable[str], size: int = CHUNK, encoding: str = "utf-8") -> Iterator[bytes]:
    """UTF-8 bytes of `pieces`, joined into chunks of about `size` characters.

    Examples
    --------
    >>> list(encoded(["a", "b", "æ"], size=2))
    [b'ab', b'\\xc3\\xa6']
    """
    buffer: list[str] = []
    length = 0
    for piece in pieces:
        buffer.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(buffer).encode(encoding)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode(encoding)
