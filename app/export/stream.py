"""Turning rendered text pieces into byte chunks of a sensible size for a streamed response."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

CHUNK = 64 * 1024
FLUSH = ""  # a piece that sends what is buffered: a format yields it before a long pass, so its header goes out


def encoded(pieces: Iterable[str], size: int = CHUNK, encoding: str = "utf-8") -> Iterator[bytes]:
    """UTF-8 bytes of `pieces`, joined into chunks of about `size` characters (and at each `FLUSH`).

    Examples
    --------
    >>> list(encoded(["a", "b", "æ"], size=2))
    [b'ab', b'\\xc3\\xa6']
    >>> list(encoded(["a", FLUSH, "b"]))
    [b'a', b'b']
    """
    buffer: list[str] = []
    length = 0
    for piece in pieces:
        if not piece:  # FLUSH
            if buffer:
                yield "".join(buffer).encode(encoding)
                buffer, length = [], 0
            continue
        buffer.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(buffer).encode(encoding)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode(encoding)
