"""Both backends give the same answer to the same request, byte for byte."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.model import Dataset
from app.stores.memory import MemoryStore

pytestmark = pytest.mark.neo4j

REQUESTS = [
    "/health",
    "/stats",
    "/entities?q=aarhus&limit=20",
    "/entities?q=amt&kind=Region",
    "/entities/Marijampole",
    "/entities/viborg-kommune/neighbors?limit=500",
    "/entities/viborg-kommune/neighbors?as_of=2008&kinds=ForeignCity",
    "/entities/aarhus-kommune/timeline",
    "/entities/viborg-kommune/timeline",
    "/entities/region-midtjylland/timeline?limit=40",
    "/entities/viborg-kommune/neighbors?limit=7&types=TWINNED_WITH,PARTNER_OF,MEMBER_OF",
    "/paths?source=Grundfos&target=Irbid&via=Viborg&limit=100",
    "/paths?source=Grundfos&target=Irbid&mode=all&max_hops=3&limit=100",
    "/paths?source=Grundfos&target=Irbid&mode=temporal&max_hops=3&limit=100",
    "/paths?source=Aarhus&target=Harbin&mode=all&max_hops=3&as_of=2012&limit=100",
    "/paths?source=Viborg&target=Shanghai&from=2005&to=2010&types=PARTICIPATED_IN,LOCATED_IN,HOSTED,PARTNER_OF&max_hops=4",
    "/paths?source=Lund&target=Hamar&exclude=Viborg&mode=all&max_hops=4",
    "/centrality?metric=degree&limit=500",
    "/centrality?metric=betweenness&as_of=2016&limit=100",
    "/centrality?metric=closeness&as_of=2008&kinds=Municipality",
    "/centrality?metric=eigenvector&limit=50",
    "/centrality?metric=pagerank&from=1990&to=2006&limit=50",
    "/centrality/history?entity=Viborg&metric=betweenness&from=2000&to=2018&step=3",
    "/centrality/history?entity=Viborg&metric=degree&from=1940&to=2025",
    "/brokerage?entity=Viborg&as_of=2016&limit=500",
    "/brokerage?as_of=2013&groups=sector&limit=30",
    "/entities/Nowhere-at-all",
    "/paths?source=Grundfos&target=Irbid&max_hops=9",
    "/paths/story?source=Grundfos&target=Irbid&via=Viborg",
    "/paths/story?source=Grundfos&target=Irbid&via=Viborg&as_of=2012",
    "/paths/story?source=Aarhus&target=Harbin&lang=da",
    "/paths?source=Grundfos&target=Irbid&via=Viborg&as_of=2012",
]

# Names (issue 8, part 5): Neo4j finds candidates with its text and full-text indexes, the
# embedded store scores every key; both must resolve, suggest and rank alike.
NAME_REQUESTS = [
    # accents and the Danish letters: å/aa, ø, æ, diacritics
    "/entities?q=%C3%85rhus", "/entities?q=Arhus", "/entities?q=AARHUS%20KOMMUNE", "/entities/%C3%85rhus",
    "/entities/Aarhus", "/entities/aarhus-kommune", "/entities?q=K%C3%B8benhavn", "/entities?q=Kobenhavn",
    "/entities?q=%C3%A6r%C3%B8", "/entities?q=Marijampol%C3%A9", "/entities?q=gyor", "/entities/Gy%C5%91r-Moson-Sopron",
    # typos: search, and the suggestions of a 404
    "/entities?q=Viborj", "/entities?q=Odnse", "/entities?q=grundfoss", "/entities?q=Shangai", "/entities?q=irbit",
    "/entities?q=kopenhagen", "/entities/Viborj", "/entities/Odnse", "/entities/Grundfoss", "/entities/Shangai",
    "/entities/kopenhagen", "/entities/Hamr", "/entities/Nowhere-at-all", "/entities/zzzzqqqq",
    "/entities/Region%20Midtjylands", "/entities/sister%20city%20of%20harbin",
    # prefixes, word prefixes, substrings; short queries with many hits
    "/entities?q=vib", "/entities?q=midt", "/entities?q=region%20midt", "/entities?q=kommune&limit=100",
    "/entities?q=hus&limit=50", "/entities?q=a&limit=60", "/entities?q=ab&limit=40", "/entities?q=jyl",
    "/entities?q=sister%20city%20of%20harbin", "/entities?q=china%20denmark",
    # kinds
    "/entities?q=amt&kind=Region", "/entities?q=a&kind=Country&limit=50", "/entities?q=kommune&kind=Municipality",
    "/entities?q=vib&kind=Project", "/entities?q=harbn&kind=ForeignCity",
    # ambiguous names, and the id that settles them
    "/entities/Brasov", "/entities/brasov", "/entities/brasov-county",
    # names in other answers
    "/entities/%C3%85rhus/neighbors?kinds=ForeignCity", "/paths?source=%C3%85rhus&target=Harbin&max_hops=3",
    "/paths?source=Viborj&target=Irbid",
]  # fmt: skip


@pytest.fixture(scope="module")
def both(seed_dataset: Dataset, neo4j_loader, settings: Settings) -> Iterator[tuple[TestClient, TestClient]]:  # type: ignore[no-untyped-def]
    """One client per backend over the same seed data."""
    neo4j_store = neo4j_loader(seed_dataset)
    with (
        TestClient(create_app(settings, MemoryStore(seed_dataset)), raise_server_exceptions=False) as memory,
        TestClient(create_app(settings, neo4j_store), raise_server_exceptions=False) as neo4j,
    ):
        yield memory, neo4j


@pytest.mark.parametrize("path", REQUESTS + NAME_REQUESTS)
def test_same_answer_on_both_backends(both: tuple[TestClient, TestClient], path: str) -> None:
    """The embedded store and Neo4j answer identically (the backend's name aside)."""
    memory, neo4j = both
    a, b = memory.get(path), neo4j.get(path)
    assert a.status_code == b.status_code
    body_a, body_b = a.json(), b.json()
    if path == "/health":
        assert (body_a.pop("backend"), body_b.pop("backend")) == ("memory", "neo4j")
    assert body_a == body_b
