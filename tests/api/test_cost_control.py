"""Issue 9's defects, reproduced: unbounded input, dates in other digits, raw text in headers.

Counters, not clocks: a test shows the costly work was never started.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.analysis import names
from app.service import CityGraph
from tests.api.test_error_shape import assert_error_shape


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts of the costly steps: fuzzy name search and entity resolution."""
    counts = {"search": 0, "resolve": 0}
    search, resolve = names.EntityIndex.search, CityGraph.resolve

    def counted_search(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        counts["search"] += 1
        return search(self, *args, **kwargs)

    def counted_resolve(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        counts["resolve"] += 1
        return resolve(self, *args, **kwargs)

    monkeypatch.setattr(names.EntityIndex, "search", counted_search)
    monkeypatch.setattr(CityGraph, "resolve", counted_resolve)
    return counts


LONG = "Atlantis" * 1875  # 15,000 characters, no such entity


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (f"/entities/{LONG}", {}, "entity"),
        (f"/entities/{LONG}/neighbors", {}, "entity"),
        ("/entities", {"q": LONG}, "q"),
        ("/paths", {"source": LONG, "target": "Irbid"}, "source"),
        ("/centrality/history", {"entity": LONG}, "entity"),
        ("/snapshot", {"around": LONG}, "around"),
    ],
)
def test_a_15000_character_name_is_refused_before_any_search(
    client: TestClient, calls: dict[str, int], path: str, params: dict[str, str], field: str
) -> None:
    """An unknown name of 15,000 characters is a 422 naming the field; no name is fuzzy-matched."""
    error = assert_error_shape(client.get(path, params=params), 422)
    assert error["details"]["field"] == field
    assert calls == {"search": 0, "resolve": 0}


def test_labels_repeated_3000_times_are_refused_before_any_lookup(client: TestClient, calls: dict[str, int]) -> None:
    """`labels` repeated 3,000 times: refused by count before one name is resolved or a figure drawn."""
    params = [("format", "png"), *[("labels", "Aarhus")] * 3000]
    error = assert_error_shape(client.get("/snapshot", params=params), 422)
    assert error["details"]["field"] == "labels"
    assert calls["resolve"] == 0


def test_repeated_labels_count_once(client: TestClient, calls: dict[str, int]) -> None:
    """The same name repeated (any case, repeated or comma-separated) is resolved once."""
    params = [
        ("format", "svg"),
        ("around", "Viborg"),
        ("labels", "Viborg Kommune,viborg kommune"),
        ("labels", "VIBORG KOMMUNE"),
    ]
    r = client.get("/snapshot", params=params)
    assert r.status_code == 200, r.text
    assert calls["resolve"] == 2  # `around`, and the one label


def test_too_many_different_labels_are_refused(client: TestClient, calls: dict[str, int]) -> None:
    """More different names than a figure can show is a 422, checked before any lookup."""
    many = ",".join(f"name{i}" for i in range(40))
    error = assert_error_shape(client.get("/snapshot", params={"format": "png", "labels": many}), 422)
    assert error["details"]["field"] == "labels" and "at most 30" in error["message"]
    assert calls["resolve"] == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("as_of", "٢٠١٦"),  # Arabic-Indic digits: was a 500
        ("as_of", "۲۰۱۶"),  # Extended Arabic-Indic
        ("from", "２０１０"),  # full-width
        ("to", "２０１８"),
        ("as_of", "2016-٠٢"),
    ],
)
@pytest.mark.parametrize("path", ["/snapshot", "/centrality", "/entities/viborg-kommune/neighbors"])
def test_dates_in_other_digits_are_a_clear_422(client: TestClient, path: str, field: str, value: str) -> None:
    """Only ASCII digits make a date; others get a 422 that says so, never a 500."""
    error = assert_error_shape(client.get(path, params={field: value}), 422)
    assert error["details"]["field"] == field
    assert "ASCII digits" in error["message"]


def test_centrality_history_years_in_other_digits(client: TestClient) -> None:
    error = assert_error_shape(client.get("/centrality/history", params={"entity": "Viborg", "from": "١٩٩٠"}), 422)
    assert error["details"]["field"] == "from"


def test_file_name_is_built_from_parsed_dates(client: TestClient) -> None:
    """`as_of=%202016%20` names the file after 2016, not after the raw text."""
    r = client.get("/snapshot?format=json&as_of=%202016%20")
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"] == 'attachment; filename="citygraph_2016.json"'
    r = client.get("/snapshot", params={"format": "json", "from": " 2010-01", "to": "2012 "})
    assert r.headers["content-disposition"] == 'attachment; filename="citygraph_2010-01_2012.json"'


def test_head_answers_wherever_get_does(client: TestClient) -> None:
    """HEAD gives GET's status and headers without a body; the snapshot is not drawn for it."""
    for path in ("/health", "/entities/Viborg", "/stats", "/snapshot?format=png&around=Viborg"):
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
    assert client.head("/entities/Atlantis").status_code == 404
