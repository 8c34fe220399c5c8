"""The contract suite: every endpoint over the seed data, on every backend."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient


def ok(client: TestClient, path: str, **params: object) -> dict:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_health_reports_backend_counts_and_version(client: TestClient, seed_dataset) -> None:
    """/health says which backend answers and how big the graph is."""
    body = ok(client, "/health")
    assert body["status"] == "ok"
    assert body["backend"] in ("memory", "neo4j")
    assert body["nodes"] == len(seed_dataset.entities)
    assert body["relationships"] == len(seed_dataset.relationships)
    assert body["dataset_version"] == seed_dataset.version


def test_search_is_case_and_accent_insensitive(client: TestClient) -> None:
    """Århus, aarhus and AARHUS all find Aarhus Kommune first."""
    for q in ("Århus", "aarhus", "AARHUS"):
        results = ok(client, "/entities", q=q)["results"]
        assert results[0]["id"] == "aarhus-kommune", q


def test_search_filters_by_kind(client: TestClient) -> None:
    """kind=Region keeps only regions."""
    results = ok(client, "/entities", q="amt", kind="Region", limit=50)["results"]
    assert results and all(r["kind"] == "Region" for r in results)


def test_entity_by_id_name_or_alias(client: TestClient) -> None:
    """An entity answers to its id, its name and its aliases alike."""
    for ref in ("grundfos", "Grundfos", "GRUNDFOS A/S"):
        body = ok(client, f"/entities/{ref}")
        assert body["id"] == "grundfos"
        assert body["kind"] == "Company"
        assert body["degree"] >= 2
    assert ok(client, "/entities/Lower Silesia")["id"] == "lower-silesia"
    assert ok(client, "/entities/Dolnoslaskie")["id"] == "lower-silesia"
    assert ok(client, "/entities/Bacs-Kiskun")["id"] == "bacs-kiskun"


def test_neighbors_with_relationships_and_filters(client: TestClient) -> None:
    """Neighbours come with their relationships; as_of and kinds narrow them."""
    everything = ok(client, "/entities/viborg-kommune/neighbors", limit=500)
    ids = {n["entity"]["id"] for n in everything["neighbors"]}
    assert {"bjerringbro-kommune", "grundfos"} <= ids
    for n in everything["neighbors"]:
        for r in n["relationships"]:
            assert r["sources"] and r["sentence"]
    companies = ok(client, "/entities/viborg-kommune/neighbors", kinds="Company", limit=500)
    assert companies["neighbors"] and all(n["entity"]["kind"] == "Company" for n in companies["neighbors"])
    in_1990 = ok(client, "/entities/viborg-kommune/neighbors", as_of="1990", limit=500)
    assert "grundfos" not in {n["entity"]["id"] for n in in_1990["neighbors"]}


def test_timeline_is_in_date_order(client: TestClient) -> None:
    """The timeline lists dated and attested relationships by start (or attestation), with sources."""
    body = ok(client, "/entities/Viborg/timeline")
    firsts = [(e["start"] or (e["attested"] or [None])[0] or e["end"]) for e in body["events"]]
    assert firsts and len(firsts) >= 5
    years = [int(f[:4]) for f in firsts]
    assert years == sorted(years)
    assert all(e["sources"] for e in body["events"])
    assert body["count"] == len(body["events"]) + len(body["undated"]) and body["truncated"] is False


def test_timeline_limit_keeps_the_first_events_and_says_so(client: TestClient) -> None:
    """A `limit` keeps the earliest dated events (undated ones only after them) and marks the cut."""
    whole = ok(client, "/entities/Viborg/timeline")
    cut = ok(client, "/entities/Viborg/timeline", limit=5)
    assert cut["events"] == whole["events"][:5] and cut["undated"] == []
    assert cut["truncated"] is True and cut["count"] == whole["count"]
    undated = ok(client, "/entities/Viborg/timeline", limit=len(whole["events"]) + 1)
    assert undated["undated"] == whole["undated"][:1] and undated["truncated"] is bool(whole["undated"][1:])


def test_paths_grundfos_to_irbid_via_viborg(client: TestClient) -> None:
    """ "How did Viborg connect Grundfos to Irbid": a dated, sourced, explained chain."""
    body = ok(client, "/paths", source="Grundfos", target="Irbid", via="Viborg")
    assert body["paths"], body["notes"]
    for path in body["paths"]:
        ids = [n["id"] for n in path["nodes"]]
        assert ids[0] == "grundfos" and ids[-1] == "irbid" and "viborg-kommune" in ids
        assert path["narrative"].endswith(".")
        assert all(r["sources"] for r in path["relationships"])
        assert path["length"] == len(path["relationships"])


def test_paths_modes_agree_on_ends(client: TestClient) -> None:
    """Every mode answers with paths from the source to the target, the best story first."""
    for mode in ("shortest", "all", "temporal"):
        body = ok(client, "/paths", source="Grundfos", target="Irbid", mode=mode, max_hops=3)
        costs = [p["story_cost"] for p in body["paths"]]
        assert body["paths"] and costs == sorted(costs), mode
        assert all(p["nodes"][0]["id"] == "grundfos" and p["nodes"][-1]["id"] == "irbid" for p in body["paths"])
        if mode == "shortest":
            assert len({p["length"] for p in body["paths"]}) == 1
        if mode == "temporal":
            assert all(p["time_respecting"] for p in body["paths"])


def test_centrality_ranks_with_ties_sharing_a_rank(client: TestClient) -> None:
    """Centrality is ranked by score; equal scores share a rank."""
    for metric in ("degree", "betweenness", "closeness", "eigenvector", "pagerank"):
        body = ok(client, "/centrality", metric=metric, limit=30)
        rows = body["results"]
        assert rows, metric
        scores = [r["score"] for r in rows]
        assert scores == sorted(scores, reverse=True)
        for prev, row in itertools.pairwise(rows):
            assert (row["rank"] == prev["rank"]) == (row["score"] == prev["score"])


def test_centrality_as_of_and_kinds(client: TestClient) -> None:
    """as_of narrows the graph; kinds narrows the ranking."""
    before = ok(client, "/centrality", metric="degree", as_of="2005", kinds="Municipality", limit=500)
    assert all(r["entity"]["kind"] == "Municipality" for r in before["results"])
    after = ok(client, "/centrality", metric="degree", as_of="2016", limit=500)
    assert before["window"] == {"from": "2005-01-01", "to": "2005-12-31"}
    assert after["count"] > 0
    # kinds picks from the ranking of the whole window: same scores and ranks, count of those kinds.
    whole = ok(client, "/centrality", metric="degree", as_of="2005", limit=500)
    wanted = {"Municipality", "Company"}
    both = ok(client, "/centrality", metric="degree", as_of="2005", kinds="Municipality,Company", limit=3)
    expected = [r for r in whole["results"] if r["entity"]["kind"] in wanted]
    assert both["results"] == expected[:3] and both["count"] == len(expected) > 3
    assert before["count"] == len([r for r in whole["results"] if r["entity"]["kind"] == "Municipality"]) > 0


def test_centrality_history(client: TestClient) -> None:
    """The history gives one point per step, with the entity's rank among those present."""
    body = ok(client, "/centrality/history", entity="Viborg", metric="degree", **{"from": "2000", "to": "2018"}, step=6)
    assert [p["year"] for p in body["history"]] == [2000, 2006, 2012, 2018]
    assert all(p["rank"] is None or 1 <= p["rank"] <= p["of"] for p in body["history"])


def test_brokerage_for_one_entity_and_ranking(client: TestClient) -> None:
    """Viborg Kommune bridges local and foreign actors; the ranking lists brokers."""
    body = ok(client, "/brokerage", entity="Viborg", limit=500)
    assert body["pairs"] > 0
    assert set(body["roles"]) == {"coordinator", "itinerant", "representative", "gatekeeper", "liaison"}
    assert any(set(p["groups"]) == {"danish", "foreign"} for p in body["bridged"])
    ranking = ok(client, "/brokerage", limit=5)["results"]
    assert len(ranking) == 5 and ranking[0]["rank"] == 1


def test_stats_counts_add_up(client: TestClient, seed_dataset) -> None:
    """/stats counts by kind, type and decade add up to the totals."""
    body = ok(client, "/stats")
    assert sum(body["by_kind"].values()) == body["entities"] == len(seed_dataset.entities)
    assert sum(body["by_type"].values()) == body["relationships"]
    assert sum(body["by_decade"].values()) == body["relationships"]
    assert sum(body["by_dating"].values()) == body["relationships"]
    # Three quarters carry a date: a start or end from the text, or else a source's attestation.
    assert body["dated_share"] + body["attested_share"] >= 0.75
