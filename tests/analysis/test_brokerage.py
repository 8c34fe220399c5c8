"""Brokerage on the hand-made graph, worked out by hand.

Directed, without LOCATED_IN: a↔b (partnership; b→a agreement), b↔c, b↔f (cooperation),
a→d (advised), d→e (took part). Places: a, b, d, f Danish; c Jordanian; e has no country.
"""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_roles_of_b_by_hand(fixture_client: TestClient) -> None:
    """b sits on a→b→c, c→b→a, a→b→f, f→b→a, c→b→f, f→b→c: two of each of three roles."""
    body = fixture_client.get("/brokerage", params={"entity": "b"}).json()
    assert body["roles"] == {"coordinator": 2, "itinerant": 0, "representative": 2, "gatekeeper": 2, "liaison": 0}
    assert body["pairs"] == 3 and body["exclusive_pairs"] == 3 and body["open_share"] == 1.0
    pairs = {(p["a"]["id"], p["b"]["id"]) for p in body["bridged"]}
    assert pairs == {("a", "c"), ("a", "f"), ("c", "f")}
    groups = {(p["a"]["id"], p["b"]["id"]): p["groups"] for p in body["bridged"]}
    assert groups[("a", "c")] == ["danish", "foreign"]


def test_roles_by_sector(fixture_client: TestClient) -> None:
    """By sector, b (a company) links a (public) and c (public): itinerant both ways."""
    body = fixture_client.get("/brokerage", params={"entity": "b", "groups": "sector"}).json()
    # a public, b private, c public, f private: a→b→c and c→b→a itinerant; a→b→f, c→b→f
    # gatekeeper (b in f's group); f→b→a, f→b→c representative (b in f's group).
    assert body["roles"] == {"coordinator": 0, "itinerant": 2, "representative": 2, "gatekeeper": 2, "liaison": 0}


def test_d_represents_denmark_towards_an_international_project(fixture_client: TestClient) -> None:
    """a→d→e: d is Danish like a, e is international: representative."""
    body = fixture_client.get("/brokerage", params={"entity": "d"}).json()
    assert body["roles"]["representative"] == 1 and sum(body["roles"].values()) == 1


def test_ranking_by_exclusive_pairs(fixture_client: TestClient) -> None:
    """b bridges three pairs only it connects; a and d one each (ties by id)."""
    rows = fixture_client.get("/brokerage").json()["results"]
    assert [(r["entity"]["id"], r["exclusive_pairs"]) for r in rows] == [("b", 3), ("a", 1), ("d", 1)]


def test_as_of_removes_brokers(fixture_client: TestClient) -> None:
    """As of 2004 only b–c and b–f are in force: b bridges c and f, nobody else brokers."""
    rows = fixture_client.get("/brokerage", params={"as_of": "2004"}).json()["results"]
    assert [(r["entity"]["id"], r["pairs"]) for r in rows] == [("b", 1)]


def test_a_hub_s_pairs_stop_at_the_deadline() -> None:
    """A hub of 2,000 neighbours has two million pairs: listing them stops at the request's
    deadline (a 504 through the API) instead of running on past it."""
    import networkx as nx
    import pytest

    from app import deadline as dl
    from app.analysis.brokerage import bridged_pairs
    from app.errors import QueryTimeout

    hub = nx.star_graph(2000)
    now = [0.0]
    budget = dl.Deadline(5.0, clock=lambda: now[0])
    seen: list[tuple[str, str, bool]] = []
    with dl.within(budget):
        assert len(bridged_pairs(nx.path_graph(3), 1)) == 1  # in budget: answers
        now[0] = 6.0
        with pytest.raises(QueryTimeout, match="request_time_budget"):
            seen.extend(bridged_pairs(hub, 0))
    assert not seen
