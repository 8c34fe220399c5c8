"""Exporting twice with the same filters gives the same bytes, apart from the export time."""

from __future__ import annotations

import io
import zipfile

import pytest

from app.export.formats import FORMATS
from tests.export.conftest import T1, T2


def normalised(data: bytes, fmt: str, when) -> bytes | dict[str, bytes]:
    """The export with its export time (and, in GEXF, the export day) replaced by a marker."""
    stamp, day = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode(), when.strftime("%Y-%m-%d").encode()
    if fmt in ("csv", "report"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {name: _mask(z.read(name), stamp, day) for name in z.namelist()}
    return _mask(data, stamp, day)


def _mask(data: bytes, stamp: bytes, day: bytes) -> bytes:
    return data.replace(stamp, b"<T>").replace(b'"' + day + b'"', b"<D>")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_same_filters_same_bytes(seed_graph, export_bytes, fmt: str) -> None:
    """Two exports at different times differ only in the export time; at the same time they are identical."""
    filters = {"around": "viborg-kommune", "radius": 2, "as_of": "2016"}
    first = export_bytes(seed_graph, fmt, exported_at=T1, **filters)
    again = export_bytes(seed_graph, fmt, exported_at=T1, **filters)
    later = export_bytes(seed_graph, fmt, exported_at=T2, **filters)
    assert first == again
    assert normalised(first, fmt, T1) == normalised(later, fmt, T2)
    if fmt not in ("png", "svg"):
        assert first != later  # the export time is recorded
