"""Every error response of every endpoint has the one JSON shape."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

BAD_REQUESTS = [
    ("/entities", {}, 422, "q"),
    ("/entities", {"q": "x", "limit": 0}, 422, "limit"),
    ("/entities", {"q": "x", "kind": "Planet"}, 422, "kinds"),
    ("/entities/nowhere-at-all", {}, 404, "entity"),
    ("/entities/nowhere-at-all/neighbors", {}, 404, "entity"),
    ("/entities/viborg-kommune/neighbors", {"as_of": "2016-13"}, 422, "as_of"),
    ("/entities/viborg-kommune/neighbors", {"types": "FRIENDS_WITH"}, 422, "types"),
    ("/entities/nowhere-at-all/timeline", {}, 404, "entity"),
    ("/paths", {"source": "Grundfos"}, 422, "target"),
    ("/paths", {"source": "Grundfos", "target": "Irbid", "max_hops": 7}, 422, "max_hops"),
    ("/paths", {"source": "Grundfos", "target": "Irbid", "max_hops": 0}, 422, "max_hops"),
    ("/paths", {"source": "Grundfos", "target": "Irbid", "limit": 1000}, 422, "limit"),
    ("/paths", {"source": "Grundfos", "target": "Irbid", "mode": "fastest"}, 422, "mode"),
    ("/paths", {"source": "Grundfos", "target": "Irbid", "as_of": "yesterday"}, 422, "as_of"),
    ("/paths", {"source": "Grundfos", "target": "Irbid", "as_of": "2010", "from": "2009"}, 422, "as_of"),
    ("/paths", {"source": "Grundfos", "target": "Irbid", "from": "2010", "to": "2009"}, 422, "to"),
    ("/paths", {"source": "Grundfoss", "target": "Irbid"}, 404, "source"),
    ("/paths", {"source": "Grundfos", "target": "Irbidd"}, 404, "target"),
    ("/paths", {"source": "Grundfos", "target": "Irbid", "via": "Nowhere"}, 404, "via"),
    ("/centrality", {"metric": "fame"}, 422, "metric"),
    ("/centrality", {"kinds": "Planet"}, 422, "kinds"),
    ("/centrality", {"limit": 501}, 422, "limit"),
    ("/centrality/history", {"entity": "Viborg", "from": "2010", "to": "2000"}, 422, "to"),
    ("/centrality/history", {"entity": "Viborg", "step": 0}, 422, "step"),
    ("/brokerage", {"groups": "colour"}, 422, "groups"),
    ("/brokerage", {"entity": "Atlantis"}, 404, "entity"),
    ("/no/such/route", {}, 404, None),
]


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "details"}
    assert error["status"] == status
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and len(error["message"]) > 10
    assert isinstance(error["details"], dict)
    return error


@pytest.mark.parametrize(("path", "params", "status", "field"), BAD_REQUESTS)
def test_error_shape(client: TestClient, path: str, params: dict, status: int, field: str | None) -> None:
    """Bad input answers in the one error shape, naming the field at fault."""
    error = assert_error_shape(client.get(path, params=params), status)
    if field:
        assert error["details"].get("field") == field or field in error["message"]


def test_unknown_entity_suggests_near_names(client: TestClient) -> None:
    """A misspelt name answers 404 with suggestions, the intended entity among them."""
    error = assert_error_shape(client.get("/entities/Grundfoss"), 404)
    assert "grundfos" in [s["id"] for s in error["details"]["suggestions"]]
    assert "Grundfos" in error["message"]


def test_ambiguous_name_lists_candidates(fixture_client: TestClient) -> None:
    """A name that several entities answer to gives 409 with every candidate."""
    error = assert_error_shape(fixture_client.get("/entities/greek"), 409)
    assert sorted(c["id"] for c in error["details"]["candidates"]) == ["d", "e"]
    assert error["details"]["field"] == "entity"
    error = assert_error_shape(fixture_client.get("/paths", params={"source": "a", "target": "Greek"}), 409)
    assert error["details"]["field"] == "target"


def test_writes_are_not_allowed(client: TestClient) -> None:
    """No endpoint writes: POST, PUT and DELETE answer 405 in the one shape."""
    for method in ("post", "put", "delete", "patch"):
        assert_error_shape(getattr(client, method)("/entities/grundfos"), 405)
