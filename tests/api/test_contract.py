"""The OpenAPI document is the contract: schemathesis checks every operation against it.

Every operation (GET and HEAD), every schemathesis check, on both backends (the embedded
store and the session's real Neo4j), with a fixed seed and a bounded number of examples.
Beside it, static checks of the document itself: error statuses in the one shape, enums.
"""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis.checks import CHECKS, load_all_checks

from app.api.main import create_app
from app.config import Settings
from app.dates import PartialDate
from app.export.formats import FORMATS
from app.stores.base import GraphStore
from app.vocabulary import REL_TYPE_NAMES, Kind

load_all_checks()
ALL_CHECKS = CHECKS.get_all()
EXAMPLES = 12  # per operation and backend: the suite's CI time stays at a couple of minutes


def test_every_operation_keeps_the_contract(seed_store: GraphStore, settings: Settings) -> None:
    """Every operation, valid and invalid input: answers conform to the documented models,
    statuses, media types and headers, invalid input is refused, valid input accepted; no 5xx."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings, seed_store))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 24  # 12 endpoints, GET and HEAD
    failures: list[str] = []
    for operation in operations:
        for mode in schemathesis.GenerationMode:
            failures += run_operation(operation, mode)
    assert not failures, "\n\n".join(failures)


def run_operation(operation: Any, mode: schemathesis.GenerationMode) -> list[str]:
    """Up to EXAMPLES generated requests to one operation; the failure found, if any."""
    if mode is schemathesis.GenerationMode.NEGATIVE and not operation.definition.raw.get("parameters"):
        return []  # nothing to get wrong: /health and /stats take no parameters

    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,  # a fixed seed: the same examples every run
        suppress_health_check=list(hypothesis.HealthCheck),
        database=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    def check(case: schemathesis.Case) -> None:
        if mode is schemathesis.GenerationMode.POSITIVE and crosses_parameters(case.query or {}, case.path):
            hypothesis.reject()
        if case.path == "/snapshot" and (case.query or {}).get("format") in FIGURES:
            case.query["format"] = "json"  # a figure costs seconds; figures have their own tests (tests/export)
        case.call_and_validate(checks=ALL_CHECKS)

    try:
        check()
    except Exception as exc:  # collect every operation's failure, then report them all
        return [f"{operation.label} ({mode.value}): {exc}"]
    return []


FIGURES = ("png", "svg", "report")


def crosses_parameters(query: dict[str, Any], path: str) -> bool:
    """Whether valid-looking input breaks a rule between parameters, which OpenAPI cannot
    state (so a 422 for it is right): `as_of` with a `from`/`to` window, a window that ends
    before it starts, a history of more than 200 points."""
    first, last = query.get("from"), query.get("to")
    if path == "/centrality/history":
        first, last = first or "1990", last or "2018"
        years = int(str(last)[:4]) - int(str(first)[:4])
        return years < 0 or years // int(query.get("step", 1)) > 200
    if query.get("as_of") and (first or last):
        return True
    if first and last:
        return PartialDate.parse(first).first_day > PartialDate.parse(last).last_day
    return False


@pytest.fixture(scope="module")
def openapi(seed_dataset) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from app.stores.memory import MemoryStore

    with TestClient(create_app(Settings(_env_file=None), MemoryStore(seed_dataset))) as c:  # type: ignore[call-arg]
        return c.get("/openapi.json").json()  # type: ignore[no-any-return]


def test_every_error_status_is_documented_in_the_one_shape(openapi: dict[str, Any]) -> None:
    """Each operation lists its error statuses with the project's error model (422 too, not FastAPI's)."""
    for path, ops in openapi["paths"].items():
        for method, op in ops.items():
            statuses = {s for s in op["responses"] if s != "200"}
            assert statuses, (method, path)
            assert "503" in statuses and "504" in statuses, (method, path)
            for status in statuses:
                content = op["responses"][status]["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/ErrorResponse"}, (method, path, status)
    assert "HTTPValidationError" not in openapi["components"]["schemas"]


def test_every_get_has_a_head(openapi: dict[str, Any]) -> None:
    for path, ops in openapi["paths"].items():
        assert {"get", "head"} <= set(ops), path


def test_closed_sets_are_enums_from_their_sources(openapi: dict[str, Any]) -> None:
    """format, kind(s), types, layout, metric, mode and groups list their values, taken from one place."""

    def param(path: str, name: str) -> dict[str, Any]:
        op = openapi["paths"][path]["get"]
        schema = next(p["schema"] for p in op["parameters"] if p["name"] == name)
        if "anyOf" in schema and "enum" not in schema:
            schema = next(s for s in schema["anyOf"] if s.get("type") != "null")
        return schema.get("items", schema)  # type: ignore[no-any-return]

    assert param("/snapshot", "format")["enum"] == list(FORMATS)
    assert param("/snapshot", "layout")["enum"] == ["spring", "geo"]
    assert param("/snapshot", "types")["enum"] == list(REL_TYPE_NAMES)
    assert param("/snapshot", "kinds")["enum"] == [k.value for k in Kind]
    assert param("/entities", "kind")["enum"] == [k.value for k in Kind]
    assert param("/centrality", "metric")["enum"] == ["degree", "betweenness", "closeness", "eigenvector", "pagerank"]
    assert param("/paths", "mode")["enum"] == ["shortest", "all", "temporal"]
    assert param("/brokerage", "groups")["enum"] == ["place", "sector"]


def test_answers_have_models(openapi: dict[str, Any]) -> None:
    """Every JSON answer has a schema (the snapshot is a file in one of its formats)."""
    for path, ops in openapi["paths"].items():
        ok = ops["get"]["responses"]["200"]["content"]
        if path == "/snapshot":
            assert "image/png" in ok and "application/json" in ok
        else:
            assert ok["application/json"]["schema"], path
