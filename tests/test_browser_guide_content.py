"""The Browser guide and style: built from the data, served with CORS by the API and the launcher."""

from __future__ import annotations

import html
import re
import urllib.request
from collections import Counter

import pytest
from fastapi.testclient import TestClient

from app import browser_guide
from app.cypher_registry import CypherRegistry
from app.model import Dataset
from app.palette import KIND_COLOURS
from tests.neo4j_server import LocalNeo4j


def test_guide_counts_come_from_the_data(seed_dataset: Dataset) -> None:
    """Kinds and types are counted from the entities and relationships given, not written in."""
    page = browser_guide.guide_html(
        browser_guide.Holdings.count(seed_dataset.entities, seed_dataset.relationships), CypherRegistry()
    )
    assert f"{len(seed_dataset.entities)} entities and {len(seed_dataset.relationships)} relationships" in page
    for kind, n in Counter(e.kind for e in seed_dataset.entities).items():
        assert re.search(rf">{kind.value}</span></td><td>{n}</td>", page), kind
    fewer = browser_guide.guide_html(
        browser_guide.Holdings.count(seed_dataset.entities[:10], seed_dataset.relationships[:5]), CypherRegistry()
    )
    assert "10 entities and 5 relationships" in fewer


def test_guide_offers_every_browser_query_runnable() -> None:
    """Each `browser_*` block of cypher/browser.cypher is a runnable block, with its question."""
    registry = CypherRegistry()
    page = browser_guide.guide_html(browser_guide.Holdings.count([], []), registry)
    runnable = re.findall(r'<pre mode="cypher" class="pre-scrollable code runnable">(.*?)</pre>', page, re.S)
    queries = [q for name, q in registry.queries.items() if name.startswith("browser_")]
    assert [html.unescape(r) for r in runnable] == [q.text for q in queries]
    assert len(queries) >= 12
    for q in queries:
        assert html.escape(q.doc.splitlines()[0]) in page


def test_style_gives_each_kind_its_figure_colour_and_captions_by_name() -> None:
    style = browser_guide.grass()
    for kind, colour in KIND_COLOURS.items():
        rule = re.search(rf"node\.{kind.value} \{{(.*?)\n\}}", style, re.S)
        assert rule and f"color: {colour};" in rule.group(1) and 'caption: "{name}";' in rule.group(1)
    assert 'caption: "<type>";' in style


def test_api_serves_guide_and_style_with_cors(client: TestClient, seed_dataset: Dataset) -> None:
    guide = client.get("/browser/guide.html", headers={"Origin": "http://localhost:7474"})
    assert guide.status_code == 200 and guide.headers["access-control-allow-origin"] == "*"
    assert f"{len(seed_dataset.entities)} entities" in guide.text
    style = client.get("/browser/style.grass")
    assert style.status_code == 200 and style.text == browser_guide.grass()
    preflight = client.options(
        "/browser/style.grass",
        headers={"Origin": "http://localhost:7474", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"


@pytest.mark.neo4j
def test_launcher_serves_guide_to_the_browser_origin_only(neo4j_server: LocalNeo4j) -> None:
    """The local launcher's guide server answers the Browser's origin (preflight and GET), no other."""
    # the last such line: a test that restarts the server gives the guide a new free port
    line = [x for x in neo4j_server.output if x.startswith("Browser guide and style on connect:")][-1]
    url = line.split(": ", 1)[1].strip()
    browser_origin = f"http://localhost:{neo4j_server.http_port}"
    for origin, allowed in ((browser_origin, browser_origin), ("http://evil.example", None)):
        request = urllib.request.Request(url, method="OPTIONS", headers={"Origin": origin})  # noqa: S310 - our own local server
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own local server
            assert response.status == 204
            assert response.headers.get("Access-Control-Allow-Origin") == allowed
    request = urllib.request.Request(url, headers={"Origin": browser_origin})  # noqa: S310 - our own local server
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own local server
        assert response.headers["Access-Control-Allow-Origin"] == browser_origin
        assert "City Diplomacy Graph" in response.read().decode("utf-8")


@pytest.mark.neo4j
def test_guide_queries_answer_with_names_and_written_dates(neo4j_loader, seed_dataset: Dataset, neo4j_driver) -> None:  # type: ignore[no-untyped-def]
    """The guide's queries, run on the seed data: names, dates as written, each document once."""
    neo4j_loader(seed_dataset)
    registry = CypherRegistry()
    written = re.compile(r"^\d{4}(-\d{2}){0,2}$")
    with neo4j_driver.session() as session:
        flagship = session.run(registry["browser_grundfos_to_irbid"]).values()
        names = {n["name"] for row in flagship for path in row for n in path.nodes}
        assert {"Grundfos", "Viborg Kommune", "Irbid"} <= names
        twins = session.run(registry["browser_twin_towns"]).data()
        assert twins and all(written.match(t["since"]) for t in twins if t["since"] is not None)
        assert any(t["since"] is None for t in twins) and twins[-1]["since"] is None  # undated last
        chains = session.run(registry["browser_time_respecting"]).data()
        assert chains and all(c["chain"][0] == "Grundfos" and c["chain"][-1] == "Irbid" for c in chains)
        sources = session.run(registry["browser_sources"]).data()
        assert {(s["since"], s["until"]) for s in sources if s["link"] == "COOPERATED_WITH"} == {("2010", "2018")}
        assert all(s["document"] and s["quote"] for s in sources)
        found = session.run(registry["browser_search"]).data()
        assert found[0]["name"] == "Marijampolė"


@pytest.mark.neo4j
def test_dating_counts_add_up(neo4j_loader, seed_dataset: Dataset, neo4j_driver) -> None:  # type: ignore[no-untyped-def]
    """The guide's dating table: dated, attested-only and undated links add up to every link."""
    neo4j_loader(seed_dataset)
    with neo4j_driver.session() as session:
        rows = session.run(CypherRegistry()["browser_undated"]).data()
    assert sum(r["links"] for r in rows) == len(seed_dataset.relationships)
    assert all(r["dated"] + r["attested_only"] + r["undated"] == r["links"] for r in rows)
    assert sum(r["attested_only"] for r in rows) == sum(1 for r in seed_dataset.relationships if r.dating == "attested")
