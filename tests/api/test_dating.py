"""Dated, attested and undated relationships: as_of, from/to, temporal paths and narratives.

A small graph with one relationship of each kind of dating, on every backend:

    X ——PARTNER_OF (start 2005)——————————————— S      dated, open end
    X ——MEMBER_OF (attested 2009)————————————— T      attested only: counts from 2009
    X ——COOPERATED_WITH (2001–2003, att. 2002)—— B      dated and attested: the dates rule
    X ——COOPERATED_WITH (no dates)———————————— U      undated: kept at every date
    X ——VISITED (attested 2006)——————————————— V      an attested event: "by 2006"
    T ——PARTNER_OF (2010–)———————————————————— Z      reachable in time after X–T (2009)
    T ——PARTNER_OF (2007–2008)———————————————— W      over before X–T is attested
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.dates import PartialDate
from app.model import Dataset, Entity, Relationship, Source
from app.stores.base import GraphStore
from app.vocabulary import Kind
from tests.conftest import BACKENDS, _store


def _src(attested: str | None = None) -> tuple[Source, ...]:
    return (Source("fixture.txt", "hand-made", attested=PartialDate.parse(attested) if attested else None),)


def _rel(
    a: str, t: str, b: str, start: str | None = None, end: str | None = None, attested: str | None = None
) -> Relationship:
    return Relationship(
        a, t, b,
        start=PartialDate.parse(start) if start else None, end=PartialDate.parse(end) if end else None,
        sources=_src(attested),
    )  # fmt: skip


DATING = Dataset(
    tuple(
        Entity(i, kind, name, country="DK")
        for i, kind, name in [
            ("x", Kind.Municipality, "Xkommune"),
            ("s", Kind.Company, "Start A/S"),
            ("t", Kind.Network, "Attested Network"),
            ("b", Kind.Institution, "Both Institute"),
            ("u", Kind.Institution, "Undated Institute"),
            ("v", Kind.Institution, "Visited Institute"),
            ("z", Kind.Company, "Zeta"),
            ("w", Kind.Company, "Omega"),
        ]
    ),
    (
        _rel("x", "PARTNER_OF", "s", start="2005"),
        _rel("x", "MEMBER_OF", "t", attested="2009"),
        _rel("x", "COOPERATED_WITH", "b", start="2001", end="2003", attested="2002"),
        _rel("x", "COOPERATED_WITH", "u"),
        _rel("x", "VISITED", "v", attested="2006"),
        _rel("t", "PARTNER_OF", "z", start="2010"),
        _rel("t", "PARTNER_OF", "w", start="2007", end="2008"),
    ),
    version="dating-1",
)


@pytest.fixture(params=BACKENDS)
def dating_client(request: pytest.FixtureRequest, settings: Settings) -> Iterator[TestClient]:
    """An API client over the dating graph, on each backend."""
    store: GraphStore = _store(request, request.param, DATING)
    with TestClient(create_app(settings, store), raise_server_exceptions=False) as c:
        yield c


def neighbours(client: TestClient, **params: str) -> dict[str, dict]:
    response = client.get("/entities/x/neighbors", params=params)
    assert response.status_code == 200, response.text
    return {n["entity"]["id"]: n["relationships"][0] for n in response.json()["neighbors"]}


def test_each_relationship_says_how_it_is_dated(dating_client: TestClient) -> None:
    """`dating` and `attested` in every relationship shown; the sources keep their attestation."""
    rels = neighbours(dating_client)
    assert {k: r["dating"] for k, r in rels.items()} == {
        "s": "dated", "t": "attested", "b": "dated", "u": "undated", "v": "attested"
    }  # fmt: skip
    assert rels["t"]["attested"] == ["2009"] and rels["t"]["start"] is None
    assert rels["b"]["attested"] == ["2002"] and (rels["b"]["start"], rels["b"]["end"]) == ("2001", "2003")
    assert rels["u"]["attested"] == []
    assert rels["t"]["sources"] == [{"document": "fixture.txt", "quote": "hand-made", "attested": "2009"}]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2002", {"b", "u"}),  # S starts 2005; T, V not yet attested
        ("2006", {"s", "u", "v"}),  # B ended 2003; the visit is attested by 2006
        ("2008", {"s", "u", "v"}),  # T is not known before its 2009 attestation
        ("2009", {"s", "t", "u", "v"}),
        ("2009-06-30", {"s", "t", "u", "v"}),
    ],
)
def test_as_of_keeps_what_was_known_to_hold(dating_client: TestClient, as_of: str, expected: set[str]) -> None:
    """as_of: dated within [start, end]; attested at or before the date; undated always."""
    assert set(neighbours(dating_client, as_of=as_of)) == expected


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ({"from": "2000", "to": "2004"}, {"b", "u"}),
        ({"from": "2004", "to": "2005"}, {"s", "u"}),
        ({"from": "2007", "to": "2010"}, {"s", "t", "u", "v"}),
        ({"to": "2001"}, {"b", "u"}),
    ],
)
def test_windows_use_the_effective_period(
    dating_client: TestClient, window: dict[str, str], expected: set[str]
) -> None:
    """from/to keep what overlaps the window, attested links from their earliest attestation."""
    assert set(neighbours(dating_client, **window)) == expected


def test_sentences_tell_each_dating(dating_client: TestClient) -> None:
    """ "since" for a start, "as of" for an attested state, "by" for an attested event, none undated."""
    rels = neighbours(dating_client)
    assert rels["s"]["sentence"] == "Xkommune and Start A/S have been partners since 2005."
    assert rels["t"]["sentence"] == "Xkommune was a member of the Attested Network as of 2009."
    assert rels["b"]["sentence"] == "Xkommune and Both Institute worked together from 2001 to 2003."
    assert rels["u"]["sentence"] == "Xkommune and Undated Institute worked together."
    assert rels["v"]["sentence"] == "Xkommune visited Visited Institute by 2006."


def paths(client: TestClient, **params: str) -> list[dict]:
    response = client.get("/paths", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("truncated"), body["notes"]  # a capped search would not prove absence
    return body["paths"]


def test_temporal_path_counts_an_attested_link_from_its_attestation(dating_client: TestClient) -> None:
    """X–T (attested 2009) then T–Z (from 2010) respects time, and the answer says why."""
    found = paths(dating_client, source="x", target="z", mode="temporal")
    assert len(found) == 1
    path = found[0]
    assert path["time_respecting"] is True
    assert [r["dating"] for r in path["relationships"]] == ["attested", "dated"]
    assert path["period"] == {"start": "2010", "end": None, "simultaneous": True}
    assert "as of 2009" in path["narrative"] and "since 2010" in path["narrative"]
    assert "counted from when a source first attests them" in path["narrative"]


def test_temporal_path_is_refused_when_the_attestation_comes_too_late(dating_client: TestClient) -> None:
    """T–W ended in 2008, before X–T is attested (2009): no time-respecting path X–T–W."""
    assert paths(dating_client, source="x", target="w", mode="temporal") == []
    (shortest,) = paths(dating_client, source="x", target="w")
    assert shortest["time_respecting"] is False
    assert shortest["period"]["simultaneous"] is False


def test_undated_links_do_not_block_a_temporal_path(dating_client: TestClient) -> None:
    """U is undated: a path through it is time-respecting at any date (and says no date)."""
    (path,) = paths(dating_client, source="u", target="s", mode="temporal")
    assert [r["dating"] for r in path["relationships"]] == ["undated", "dated"]
    assert path["time_respecting"] is True
    assert "counted from when" not in path["narrative"]
