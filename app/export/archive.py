"""Zip files that are byte-identical for identical contents: fixed times, modes and order."""

from __future__ import annotations

import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


def deterministic_zip(members: dict[str, bytes]) -> bytes:
    """A zip of `members` (name → content), entries sorted by name, every timestamp fixed.

    Examples
    --------
    >>> deterministic_zip({"b.txt": b"2", "a.txt": b"1"}) == deterministic_zip({"a.txt": b"1", "b.txt": b"2"})
    True
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever system writes it
            archive.writestr(info, members[name], compresslevel=6)
    return buffer.getvalue()
