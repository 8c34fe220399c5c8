"""Caps of query parameters come from `Settings` alone: enforced with them, documented with them."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.model import Dataset
from app.stores.memory import MemoryStore
from tests.api.test_error_shape import assert_error_shape

CAPPED = [
    ("/entities", "limit", "max_results"),
    ("/entities/{entity}/neighbors", "limit", "max_results"),
    ("/centrality", "limit", "max_results"),
    ("/brokerage", "limit", "max_results"),
    ("/paths", "limit", "max_paths"),
    ("/paths", "max_hops", "max_hops"),
    ("/paths/story", "max_hops", "max_hops"),
]
# A request just over each cap, once the caps below are set.
OVER = {
    "/entities": {"q": "Viborg"},
    "/entities/{entity}/neighbors": {},
    "/centrality": {},
    "/brokerage": {},
    "/paths": {"source": "Viborg", "target": "Aarhus"},
    "/paths/story": {"source": "Viborg", "target": "Aarhus"},
}
SMALL = {"max_results": 120, "max_paths": 12, "max_hops": 5}  # not below the defaults (limit 100, max_hops 4)


def parameter(doc: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    key = next(p for p in doc["paths"] if p.replace("{entity:path}", "{entity}") == path)
    return next(p for p in doc["paths"][key]["get"]["parameters"] if p["name"] == name)


@pytest.fixture(scope="module")
def small_client(seed_dataset: Dataset) -> Any:
    settings = Settings(_env_file=None, **SMALL)  # type: ignore[arg-type]
    with TestClient(create_app(settings, MemoryStore(seed_dataset))) as c:
        yield c


@pytest.mark.parametrize(("path", "name", "setting"), CAPPED)
def test_openapi_shows_the_settings_cap(small_client: TestClient, path: str, name: str, setting: str) -> None:
    """The document's `maximum` is the setting's value in this process, and names the setting."""
    param = parameter(small_client.get("/openapi.json").json(), path, name)
    assert param["schema"]["maximum"] == SMALL[setting]
    assert param["schema"]["x-capped-by"] == setting


@pytest.mark.parametrize(("path", "name", "setting"), CAPPED)
def test_the_service_refuses_above_the_settings_cap(
    small_client: TestClient, path: str, name: str, setting: str
) -> None:
    """One over the cap is a 422 naming the parameter; the cap itself is accepted."""
    url = path.replace("{entity}", "Viborg")
    params = {**OVER[path], name: SMALL[setting] + 1}
    error = assert_error_shape(small_client.get(url, params=params), 422)
    assert error["details"]["field"] == name
    assert small_client.get(url, params={**params, name: SMALL[setting]}).status_code == 200


def test_the_default_caps_are_the_defaults(seed_dataset: Dataset) -> None:
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(defaults, MemoryStore(seed_dataset))) as c:
        doc = c.get("/openapi.json").json()
    for path, name, setting in CAPPED:
        assert parameter(doc, path, name)["schema"]["maximum"] == getattr(defaults, setting)


def test_history_points_are_capped_by_the_setting(seed_dataset: Dataset) -> None:
    settings = Settings(_env_file=None, max_history_points=5)  # type: ignore[call-arg]
    with TestClient(create_app(settings, MemoryStore(seed_dataset))) as c:
        params = {"entity": "Viborg", "from": "2000", "to": "2010"}
        error = assert_error_shape(c.get("/centrality/history", params=params), 422)
        assert "max_history_points" in error["message"]
        assert len(c.get("/centrality/history", params={**params, "step": 2}).json()["history"]) == 6
