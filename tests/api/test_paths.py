"""/paths on the hand-made graph: every mode, via, exclude and the date filters."""

from __future__ import annotations

from fastapi.testclient import TestClient


def node_ids(path: dict) -> list[str]:
    return [n["id"] for n in path["nodes"]]


def get_paths(client: TestClient, **params: object) -> dict:
    response = client.get("/paths", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_shortest_path_is_the_two_hop_one(fixture_client: TestClient) -> None:
    """mode=shortest returns all shortest paths, here the single A–B–C."""
    body = get_paths(fixture_client, source="a", target="c")
    assert [node_ids(p) for p in body["paths"]] == [["a", "b", "c"]]
    path = body["paths"][0]
    assert path["length"] == 2
    assert path["time_respecting"] is False
    assert path["period"] == {"start": "2010", "end": "2005", "simultaneous": False}
    assert [r["type"] for r in path["relationships"]] == ["PARTNER_OF", "COOPERATED_WITH"]
    assert path["relationships"][0]["sources"] == [{"document": "fixture.txt", "quote": "hand-made", "attested": None}]
    assert path["narrative"].startswith(
        "Alpha Kommune and Beta A/S were partners from 2010 to 2012; Beta A/S and Gamma worked together from 2000 to 2005."
    )


def test_temporal_mode_finds_the_longer_time_respecting_path(fixture_client: TestClient) -> None:
    """The shortest path is not time-respecting; mode=temporal finds A–D–E–C instead."""
    body = get_paths(fixture_client, source="a", target="c", mode="temporal")
    assert [node_ids(p) for p in body["paths"]] == [["a", "d", "e", "c"]]
    path = body["paths"][0]
    assert path["time_respecting"] is True
    assert [r["walked"] for r in path["relationships"]] == ["forward", "forward", "forward"]


def test_temporal_mode_reads_the_chain_in_walking_order(fixture_client: TestClient) -> None:
    """From C, the old B–C link comes first and the later A–B link second: time-respecting."""
    body = get_paths(fixture_client, source="c", target="a", mode="temporal")
    assert [node_ids(p) for p in body["paths"]] == [["c", "b", "a"]]  # C–E (2004–) then E–D (2003): too late
    assert body["paths"][0]["relationships"][0]["walked"] == "backward"


def test_all_mode_lists_simple_paths_shortest_first(fixture_client: TestClient) -> None:
    """mode=all gives every simple path within max_hops, never through a Country."""
    body = get_paths(fixture_client, source="a", target="c", mode="all", max_hops=5)
    assert [node_ids(p) for p in body["paths"]] == [["a", "b", "c"], ["a", "d", "e", "c"]]


def test_max_hops_bounds_the_search(fixture_client: TestClient) -> None:
    """With max_hops=2 the three-hop path is out of reach."""
    body = get_paths(fixture_client, source="a", target="c", mode="all", max_hops=2)
    assert [node_ids(p) for p in body["paths"]] == [["a", "b", "c"]]


def test_via_forces_the_waypoint(fixture_client: TestClient) -> None:
    """via=d makes the path pass Delta, in order."""
    body = get_paths(fixture_client, source="a", target="c", via="d")
    assert [node_ids(p) for p in body["paths"]] == [["a", "d", "e", "c"]]
    assert body["via"] == [{"id": "d", "name": "Delta", "kind": "Institution"}]


def test_exclude_drops_an_entity(fixture_client: TestClient) -> None:
    """exclude=b leaves only the path around Beta."""
    body = get_paths(fixture_client, source="a", target="c", exclude="Beta A/S")
    assert [node_ids(p) for p in body["paths"]] == [["a", "d", "e", "c"]]


def test_as_of_respects_year_precision(fixture_client: TestClient) -> None:
    """A link dated 2001 is in force on 2001-12-31 but not on 2002-01-01."""
    assert get_paths(fixture_client, source="a", target="d", as_of="2001-12-31")["paths"]
    assert get_paths(fixture_client, source="a", target="d", as_of="2001")["paths"]
    assert not get_paths(fixture_client, source="a", target="d", as_of="2002-01-01")["paths"]
    assert not get_paths(fixture_client, source="a", target="d", as_of="2000-12")["paths"]


def test_window_keeps_overlapping_relationships(fixture_client: TestClient) -> None:
    """from/to keeps what overlaps the window: 2012–2013 still has A–B, not B–C."""
    assert not get_paths(fixture_client, source="a", target="c", **{"from": "2012", "to": "2013"})["paths"]
    assert get_paths(fixture_client, source="a", target="b", **{"from": "2012-12", "to": "2013"})["paths"]


def test_types_filter(fixture_client: TestClient) -> None:
    """types keeps only the named relationship types."""
    body = get_paths(fixture_client, source="a", target="c", types="ADVISED,PARTICIPATED_IN,LOCATED_IN")
    assert [node_ids(p) for p in body["paths"]] == [["a", "d", "e", "c"]]


def test_countries_are_never_bridges(fixture_client: TestClient) -> None:
    """D and B are both located in Denmark, but no path runs D–Denmark–B."""
    body = get_paths(fixture_client, source="d", target="b", mode="all", max_hops=4)
    assert all("dk" not in node_ids(p) for p in body["paths"])
    assert [node_ids(p) for p in body["paths"]] == [["d", "a", "b"]]


def test_a_location_link_never_carries_a_path_on(fixture_client: TestClient) -> None:
    """Project E lies in C: D–E–C–B would make E a party to C's work with B, so it is left
    out and the answer says why; a location link may still end a path at the place asked about."""
    body = get_paths(fixture_client, source="e", target="b", as_of="2004")  # E–C–B only
    assert body["paths"] == []
    assert any("location link" in n for n in body["notes"])
    ends_at_place = get_paths(fixture_client, source="a", target="c", mode="temporal")
    assert ends_at_place["paths"][0]["relationships"][-1]["type"] == "LOCATED_IN"


def test_no_path_is_an_empty_answer_with_a_note(fixture_client: TestClient) -> None:
    """Entities with no connection under the filters give no paths and say why."""
    body = get_paths(fixture_client, source="a", target="f", as_of="1990")
    assert body["paths"] == []
    assert body["notes"]


def test_limit_caps_the_paths_and_says_so(fixture_client: TestClient) -> None:
    """limit=1 returns one path and a note that more exist."""
    body = get_paths(fixture_client, source="a", target="c", mode="all", max_hops=5, limit=1)
    assert len(body["paths"]) == 1
    assert any("2 routes found" in n for n in body["notes"])


def test_parallel_links_are_alternatives_of_one_route(fixture_client: TestClient) -> None:
    """A and B are tied twice: one route, the second link listed beside the first hop."""
    body = get_paths(fixture_client, source="a", target="c")
    assert body["distinct"] is True and len(body["paths"]) == 1
    first, second = body["paths"][0]["relationships"]
    assert [(r["type"], r["start"]) for r in first["alternatives"]] == [("SIGNED_AGREEMENT_WITH", "2011")]
    assert first["alternatives"][0]["sources"] and second["alternatives"] == []


def test_every_chain_when_not_distinct(fixture_client: TestClient) -> None:
    """distinct=false makes each combination of links a path of its own, without alternatives."""
    body = get_paths(fixture_client, source="a", target="c", distinct="false")
    assert [[r["type"] for r in p["relationships"]] for p in body["paths"]] == [
        ["PARTNER_OF", "COOPERATED_WITH"],
        ["SIGNED_AGREEMENT_WITH", "COOPERATED_WITH"],
    ]
    assert all("alternatives" not in r for p in body["paths"] for r in p["relationships"])
