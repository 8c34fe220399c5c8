"""Odd and hostile input never crashes the service, never writes, and gets the one shape."""

from __future__ import annotations

import random
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.api.test_error_shape import assert_error_shape

ODD = [
    "", " ", "%", "*", "..", "../../etc/passwd", "\u0000", "é" * 300, "🙂", "Viborg\nKommune",
    "') DETACH DELETE n //", "x} RETURN 1 //", "$source", "{{type}}", "-1", "9" * 40, "2016-02-30",
    "NaN", "null", "[]", "0001-01-01", "9999-12-31", "Århus'; MATCH (n) DETACH DELETE n; //",
]  # fmt: skip
ENDPOINTS = {
    "/entities": ["q", "kind", "limit"],
    "/entities/viborg-kommune/neighbors": ["as_of", "from", "to", "types", "kinds", "limit"],
    "/paths": ["source", "target", "via", "mode", "max_hops", "as_of", "from", "to", "types", "exclude", "limit"],
    "/centrality": ["metric", "as_of", "kinds", "limit"],
    "/centrality/history": ["entity", "metric", "from", "to", "step"],
    "/brokerage": ["entity", "as_of", "groups", "limit"],
}
BASE = {
    "/paths": {"source": "Grundfos", "target": "Irbid"},
    "/centrality/history": {"entity": "Viborg"},
    "/entities": {"q": "x"},
}


def cases(seed: int = 1, per_endpoint: int = 8) -> list[tuple[str, dict[str, str]]]:
    rng = random.Random(seed)
    out = []
    for path, params in ENDPOINTS.items():
        for _ in range(per_endpoint):
            query = dict(BASE.get(path, {}))
            for name in rng.sample(params, k=rng.randint(1, 3)):
                query[name] = rng.choice(ODD)
            out.append((path, query))
    out += [(f"/entities/{quote(odd, safe='')}", {}) for odd in ODD if odd.strip()]
    return out


@pytest.mark.parametrize(("path", "params"), cases())
def test_odd_input_gets_an_answer_or_a_clear_error(client: TestClient, path: str, params: dict[str, str]) -> None:
    """Every request answers 200 or a 4xx in the one shape; nothing is written."""
    response = client.get(path, params=params)
    if response.status_code != 200:
        assert response.status_code in (404, 409, 422), response.text
        assert_error_shape(response, response.status_code)


def test_nothing_was_written(client: TestClient, seed_dataset) -> None:  # type: ignore[no-untyped-def]
    """After hostile input the graph still has exactly the seed data."""
    for path, params in cases()[:40]:
        client.get(path, params=params)
    health = client.get("/health").json()
    assert (health["nodes"], health["relationships"]) == (len(seed_dataset.entities), len(seed_dataset.relationships))
