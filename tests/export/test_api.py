"""`GET /snapshot` on each backend: the file, its media type and name; bad input in the one error shape."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from fastapi.testclient import TestClient

from app.dates import DAY_MAX, DAY_MIN
from tests.api.test_error_shape import assert_error_shape

MEDIA = {
    "json": "application/json", "cytoscape": "application/json", "gexf": "application/gexf+xml",
    "graphml": "application/graphml+xml", "csv": "application/zip", "cypher": "application/x-cypher-query",
    "png": "image/png", "svg": "image/svg+xml", "report": "application/zip",
}  # fmt: skip


@pytest.mark.parametrize("fmt", ["json", "gexf", "graphml", "csv", "cypher", "png"])
def test_snapshot_formats(client: TestClient, fmt: str) -> None:
    """Each format answers 200 with its media type and a file name saying what is in it."""
    r = client.get("/snapshot", params={"format": fmt, "around": "Viborg", "as_of": "2016"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(MEDIA[fmt])
    assert r.headers["content-disposition"].startswith('attachment; filename="citygraph_viborg-kommune_r1_2016.')
    assert len(r.content) > 500


def test_snapshot_is_the_same_on_every_backend(client: TestClient) -> None:
    """The node-link export of Viborg in 2016 holds what its manifest counts, on each backend."""
    params = {"format": "json", "around": "viborg-kommune", "as_of": "2016", "types": "PARTICIPATED_IN,LED"}
    r = client.get("/snapshot", params=params)
    body = r.json()
    assert body["manifest"]["counts"]["relationships"] == len(body["edges"]) > 0
    assert {e["type"] for e in body["edges"]} <= {"PARTICIPATED_IN", "LED"}
    assert body["manifest"]["filters"]["around"]["id"] == "viborg-kommune"


@pytest.mark.parametrize(("as_of", "where"), [("2099", "after"), ("1800", "before")])
def test_window_outside_the_data_warns(client: TestClient, seed_dataset, as_of: str, where: str) -> None:
    """A window outside the data's dates still answers, with a warning header and the same note in the manifest."""
    r = client.get("/snapshot", params={"format": "json", "as_of": as_of})
    assert r.status_code == 200, r.text
    days = [
        d for rel in seed_dataset.relationships for d in (rel.period.first, rel.period.last) if DAY_MIN < d < DAY_MAX
    ]
    warning = r.headers["x-citygraph-warning"]
    assert f"lies {where} every date in the data ({min(days).isoformat()} to {max(days).isoformat()})" in warning
    assert r.json()["manifest"]["warnings"] == [warning]
    inside = client.get("/snapshot", params={"format": "json", "as_of": "2016"})
    assert "x-citygraph-warning" not in inside.headers and inside.json()["manifest"]["warnings"] == []


def test_report_bundle_over_http(client: TestClient) -> None:
    """The report zip arrives whole."""
    r = client.get("/snapshot", params={"format": "report", "around": "viborg-kommune", "as_of": "2016"})
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert "manifest.json" in z.namelist()
        assert json.loads(z.read("manifest.json"))["counts"]["entities"] > 10


BAD = [
    ({"format": "pdf"}, 422, "format"),
    ({"format": "json", "around": "viborg-kommune", "radius": 5}, 422, "radius"),
    ({"format": "json", "around": "viborg-kommune", "radius": 0}, 422, "radius"),
    ({"format": "json", "radius": "far"}, 422, "radius"),
    ({"format": "gexf", "as_of": "1200", "types": "AWARDED"}, 404, None),
    ({"format": "png", "layout": "circle"}, 422, "layout"),
    ({"format": "png", "labels": "Atlantis"}, 404, "labels"),
    ({"format": "json", "around": "Atlantis"}, 404, "around"),
    ({"format": "json", "kinds": "Planet"}, 422, "kinds"),
    ({"format": "json", "as_of": "2016", "from": "2010"}, 422, "as_of"),
]


@pytest.mark.parametrize(("params", "status", "field"), BAD)
def test_bad_input_in_the_one_error_shape(client: TestClient, params: dict, status: int, field: str | None) -> None:
    """Unknown format, radius out of range, empty result and other bad input answer in the one shape."""
    error = assert_error_shape(client.get("/snapshot", params=params), status)
    if field:
        assert error["details"].get("field") == field
    if status == 404 and field is None:
        assert error["code"] == "empty_result"
    if field == "format":
        assert "gexf" in error["details"]["allowed"]
