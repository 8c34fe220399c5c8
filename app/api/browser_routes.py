"""The Neo4j Browser guide and style, served by the API for Neo4j Browsers elsewhere (docker-compose).

Neo4j's `browser.post_connect_cmd` makes the Browser fetch both from here with CORS requests
from its own origin, so both answer any origin (they are public, read-only text) and the
preflight OPTIONS. They describe the data this service holds, built once per dataset version.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from fastapi import APIRouter, Response

from app import browser_guide
from app.api.deps import GraphDep
from app.cypher_registry import CypherRegistry
from app.export.paged import entity_pages, relationship_pages
from app.filters import RelFilter
from app.service import CityGraph
from app.stores.base import GuideCountStore
from app.vocabulary import Kind

browser_router = APIRouter(prefix="/browser", include_in_schema=False)
_CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS"}


@lru_cache(maxsize=2)
def _guide(version: str, graph: CityGraph) -> str:
    store = graph.store
    if isinstance(store, GuideCountStore):  # aggregated in the database, prepared in the background
        kinds, types = graph.guide_counts()
        holdings = browser_guide.Holdings(
            Counter({Kind(k): n for k, n in kinds.items()}),
            Counter({t: n for t, (n, _) in types.items()}),
            Counter({t: started for t, (_, started) in types.items()}),
        )
    else:  # counted from the store's pages, never the whole graph at once
        page = graph.settings.export_page_size
        holdings = browser_guide.Holdings.count(entity_pages(store, page), relationship_pages(store, RelFilter(), page))
    return browser_guide.guide_html(holdings, CypherRegistry())


@browser_router.get(f"/{browser_guide.GUIDE_FILE}")
def guide(graph: GraphDep) -> Response:
    graph.refresh()
    return Response(_guide(graph.store.version, graph), media_type="text/html; charset=utf-8", headers=_CORS)


@browser_router.get(f"/{browser_guide.STYLE_FILE}")
def style() -> Response:
    return Response(browser_guide.grass(), media_type="text/plain; charset=utf-8", headers=_CORS)


@browser_router.options("/{name}")
def preflight(name: str) -> Response:
    return Response(status_code=204, headers={**_CORS, "Access-Control-Allow-Headers": "*"})
