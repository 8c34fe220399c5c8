"""Fixtures for the export tests: a tiny dated graph with Danish letters, and the seed data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from app.config import Settings
from app.dates import PartialDate
from app.export.formats import prepare
from app.export.snapshot import SnapshotFilters
from app.model import Dataset, Entity, Relationship, Source
from app.service import CityGraph
from app.stores.memory import MemoryStore
from app.vocabulary import Kind

SCHEMAS = Path(__file__).parent / "schemas"
T1 = dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
T2 = dt.datetime(2024, 6, 7, 8, 9, 10, tzinfo=dt.UTC)
SRC = (Source("kilde-æøå.txt", "Ærø og Østergaard på Åløkke"),)


def _d(text: str | None) -> PartialDate | None:
    return PartialDate.parse(text) if text else None


def rel(a: str, t: str, b: str, start: str | None = None, end: str | None = None) -> Relationship:
    return Relationship(a, t, b, start=_d(start), end=_d(end), description=f"{a} {t.lower()} {b}", sources=SRC)


MINI = Dataset(
    (
        Entity(
            "aarhus",
            Kind.Municipality,
            "Aarhus Kommune",
            aliases=("Århus",),
            country="DK",
            lat=56.15,
            lon=10.2,
            sources=SRC,
        ),
        Entity("ølstykke", Kind.Municipality, "Ølstykke Kommune", country="DK", lat=55.79, lon=12.16),
        Entity("vand", Kind.Project, 'Vandprojekt "Åen" & co', description="Line one\nline two <b>"),
        Entity("firma", Kind.Company, "Grøn Energi A/S", country="DK"),
        Entity("brasov", Kind.ForeignCity, "Brașov", country="RO", lat=45.65, lon=25.6),
        Entity("brasov-county", Kind.ForeignRegion, "Brașov", country="RO"),
        Entity("dk", Kind.Country, "Danmark", name_en="Denmark", country="DK", lat=56.0, lon=10.0),
        Entity("alone", Kind.Person, "Ensom Person"),
    ),
    (
        rel("aarhus", "PARTICIPATED_IN", "vand", "1998", "2001"),
        rel("firma", "ADVISED", "vand", "1999-03", "2000-06-15"),
        rel("aarhus", "TWINNED_WITH", "brasov", "2004"),
        rel("brasov", "LOCATED_IN", "brasov-county"),
        rel("aarhus", "LOCATED_IN", "dk"),
        rel("ølstykke", "LOCATED_IN", "dk"),
        rel("ølstykke", "COOPERATED_WITH", "firma", "2010", "2012"),
        rel("firma", "LOCATED_IN", "aarhus"),
    ),
    version="mini-1",
)


@pytest.fixture(scope="session")
def mini_graph(settings: Settings) -> CityGraph:
    """The tiny graph in the memory store."""
    return CityGraph(MemoryStore(MINI), settings)


@pytest.fixture(scope="session")
def seed_graph(seed_dataset: Dataset, settings: Settings) -> CityGraph:
    """The seed data in the memory store."""
    return CityGraph(MemoryStore(seed_dataset), settings)


Exporter = Callable[..., bytes]


@pytest.fixture(scope="session")
def export_bytes() -> Exporter:
    """Export a graph in a format with filters, at a fixed export time, as bytes."""

    def run(graph: CityGraph, fmt: str, *, layout: str = "spring", labels: list[str] | None = None,
            exported_at: dt.datetime = T1, **filters: object) -> bytes:  # fmt: skip
        job = prepare(graph, fmt, SnapshotFilters(**filters), layout, labels, exported_at)  # type: ignore[arg-type]
        return b"".join(job.chunks())

    return run
