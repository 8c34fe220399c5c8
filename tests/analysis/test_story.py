"""The story view and route ranking on the seed data: the flagship question reads as the
Viborg document (000_17e9b85cf08b5eaf.txt) tells it, on both backends."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app import deadline
from app.analysis.paths import joins_by_location, story_cost
from app.config import Settings
from app.dates import PartialDate
from app.errors import QueryTimeout
from app.model import Dataset, Hop, Relationship
from app.service import CityGraph
from app.stores.base import SegmentQuery, SegmentResult
from app.stores.memory import MemoryStore

D = PartialDate.parse


def story(roomy_client: TestClient, **params: object) -> dict:
    response = roomy_client.get("/paths/story", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_flagship_reads_as_the_document_tells_it(roomy_client: TestClient) -> None:
    """Viborg led the water pilot in Irbid (2016–2018) in which Grundfos took part, after
    the 2011–2014 cooperation under KL and the Arab Initiative; in date order, each claim cited."""
    body = story(roomy_client, source="Grundfos", target="Irbid", via="Viborg")
    text = body["paragraph"]
    kl = text.index(
        "From 2011 to 2014, Viborg Municipality and Irbid took part in the KL-led Irbid cooperation project under the Arab Initiative"
    )
    pilot = text.index(
        "From 2016 to 2018, Viborg Municipality led the Irbid pilot on energy use and water loss, in which Grundfos took part"
    )
    assert kl < pilot
    assert all(c["sources"] for c in body["claims"])
    cited = {n for c in body["claims"] for n in c["sources"]}
    assert cited == {s["n"] for s in body["sources"]}
    assert all(s["document"] == "000_17e9b85cf08b5eaf.txt" for s in body["sources"])
    ids = {e["id"] for e in body["entities"]}
    assert {"grundfos", "viborg-kommune", "irbid", "irbid-water-pilot", "irbid-kl-project"} <= ids
    rel_ids = {r["id"] for r in body["relationships"]}
    assert all(set(route["relationships"]) <= rel_ids for route in body["routes"])
    assert not any(r["type"] == "LOCATED_IN" for r in body["relationships"])


def test_in_2012_grundfos_is_not_made_a_party_by_its_location(roomy_client: TestClient) -> None:
    """As of 2012 only Grundfos's location ties it to Viborg: no story, and the note says why."""
    body = story(roomy_client, source="Grundfos", target="Irbid", via="Viborg", as_of="2012")
    assert body["routes"] == [] and body["claims"] == []
    assert (
        body["paragraph"]
        == "No chain of links in force in 2012 connects Grundfos to Irbid through Viborg Municipality."
    )
    assert any("location link" in n for n in body["notes"])
    paths = roomy_client.get(
        "/paths", params={"source": "Grundfos", "target": "Irbid", "via": "Viborg", "as_of": "2012"}
    ).json()
    assert paths["paths"] == [] and any("location link" in n for n in paths["notes"])


def test_danish_names_on_request(roomy_client: TestClient) -> None:
    body = story(roomy_client, source="Grundfos", target="Irbid", via="Viborg", lang="da")
    assert "Viborg Kommune led Pilotprojekt om energiforbrug og vandtab i Irbid" in body["paragraph"]
    bad = roomy_client.get("/paths/story", params={"source": "Grundfos", "target": "Irbid", "lang": "fr"})
    assert bad.status_code == 422 and bad.json()["error"]["code"]


def test_paths_rank_routes_by_story(roomy_client: TestClient) -> None:
    """With mode=all, the pilot route (projects and advice) outranks generic cooperation."""
    body = roomy_client.get(
        "/paths", params={"source": "Grundfos", "target": "Irbid", "via": "Viborg", "mode": "all", "limit": 50}
    ).json()
    first = [n["id"] for n in body["paths"][0]["nodes"]]
    assert "irbid-water-pilot" in first
    types = {r["type"] for p in body["paths"][:3] for r in p["relationships"]}
    assert "COOPERATED_WITH" not in types


def _rel(a: str, t: str, b: str, start: str, end: str | None = None) -> Relationship:
    return Relationship(a, t, b, start=D(start), end=D(end) if end else None)


def test_story_cost_prefers_substance_and_timing() -> None:
    """Shared projects beat generic cooperation; links far apart in time cost more."""
    took = Hop(_rel("g", "PARTICIPATED_IN", "p", "2016", "2018"), "g", "p")
    led = Hop(_rel("v", "LED", "p", "2016", "2018"), "p", "v")
    worked = Hop(_rel("g", "COOPERATED_WITH", "v", "2014", "2018"), "g", "v")
    advised = Hop(_rel("v", "ADVISED", "i", "2011", "2018"), "v", "i")
    late = Hop(_rel("v", "ADVISED", "i", "1990", "1991"), "v", "i")
    assert story_cost((took, led, advised)) < story_cost((worked, advised))
    assert story_cost((took, led, advised)) < story_cost((took, led, late))


def test_location_links_only_end_a_path_at_the_place() -> None:
    """Grundfos in Viborg, Viborg advised Irbid: left out; a pilot in Irbid ending the path: kept."""
    located = _rel("g", "LOCATED_IN", "v", "2007")
    advised = _rel("v", "ADVISED", "i", "2011", "2018")
    assert joins_by_location((Hop(located, "g", "v"), Hop(advised, "v", "i")))
    pilot_in = _rel("p", "LOCATED_IN", "i", "2016")
    took = _rel("g", "PARTICIPATED_IN", "p", "2016", "2018")
    assert not joins_by_location((Hop(took, "g", "p"), Hop(pilot_in, "p", "i")))
    assert joins_by_location((Hop(pilot_in, "i", "p"), Hop(took, "p", "g"))) is False  # starts at the place
    assert joins_by_location((Hop(took, "g", "p"), Hop(pilot_in, "p", "i"), Hop(advised, "i", "v")))


def test_a_story_too_big_to_list_is_told_from_the_shortest_routes(seed_dataset: Dataset, settings: Settings) -> None:
    """Where listing every route runs past its share of the budget (hubs of thousands of
    links), the story is told from the shortest routes, marked truncated with a note."""

    class HubHeavy(MemoryStore):
        def segment_paths(self, query: SegmentQuery) -> SegmentResult:
            if query.mode == "all":  # as on a graph whose hubs make the routes too many to list
                share = deadline.current()
                assert share.parent is not None and share.seconds < share.parent.seconds
                raise QueryTimeout("the query 'all_paths' ran past its time limit")
            return super().segment_paths(query)

    graph = CityGraph(HubHeavy(seed_dataset), settings)
    body = graph.story("Grundfos", "Irbid")
    assert body["routes"], body
    assert body["truncated"] is True
    assert any("told from the shortest routes" in n for n in body["notes"]), body["notes"]
    assert "Grundfos" in body["paragraph"] and "Irbid" in body["paragraph"]
