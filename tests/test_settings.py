"""Settings: defaults that meet the local Neo4j, CORS, and failing fast on bad values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.api.main import create_app
from app.config import Settings
from app.stores.memory import MemoryStore

LAUNCHER = (
    Path(__file__).resolve().parent.parent / "neo4j-local" / "src" / "main" / "java" / "local" / "Neo4jLocal.java"
)


def test_defaults_meet_the_local_neo4j() -> None:
    """With no settings, the service and `citygraph seed` reach what `make neo4j` starts."""
    java = LAUNCHER.read_text(encoding="utf-8")
    port = re.search(r'env\("NEO4J_LOCAL_BOLT_PORT", "(\d+)"\)', java)
    password = re.search(r'env\("NEO4J_LOCAL_PASSWORD", "([^"]+)"\)', java)
    assert port and password
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.neo4j_uri == f"bolt://localhost:{port.group(1)}"
    assert settings.neo4j_local_bolt_port == int(port.group(1))  # so plain `seed` knows the URI is the local one
    assert settings.neo4j_user == "neo4j"
    assert settings.neo4j_password.get_secret_value() == password.group(1)
    assert settings.neo4j_is_local and not settings.dev_mode  # accepted because the server is this machine's


@pytest.mark.parametrize("uri", ["bolt://db.example.org:7687", "neo4j://10.0.0.5", "bolt://neo4j:7687"])
def test_the_public_local_password_is_refused_for_another_machine(uri: str) -> None:
    """`citygraph-dev` is public: outside development mode it only opens a Neo4j on loopback."""
    with pytest.raises(ValidationError, match="public password"):
        Settings(_env_file=None, NEO4J_URI=uri)  # type: ignore[call-arg]
    assert Settings(_env_file=None, NEO4J_URI=uri, dev_mode=True).dev_mode  # type: ignore[call-arg]
    assert Settings(_env_file=None, NEO4J_URI=uri, NEO4J_PASSWORD="a-real-secret").neo4j_uri == uri  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("env", "value"),
    [
        ("CITYGRAPH_BACKEND", "postgres"),
        ("CITYGRAPH_PORT", "70000"),
        ("CITYGRAPH_MAX_HOPS", "50"),
        ("CITYGRAPH_NEO4J_TIMEOUT", "-1"),
    ],
)
def test_bad_settings_fail_fast(monkeypatch: pytest.MonkeyPatch, env: str, value: str) -> None:
    """A bad value stops start-up with a message naming the setting."""
    monkeypatch.setenv(env, value)
    with pytest.raises(ValidationError, match=env.removeprefix("CITYGRAPH_").lower()):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_cors_origins_are_allowed_only_when_configured(seed_dataset) -> None:  # type: ignore[no-untyped-def]
    """A configured origin gets CORS headers for GET; others get none."""
    settings = Settings(_env_file=None, cors_origins=["https://example.org"])  # type: ignore[call-arg]
    with TestClient(create_app(settings, MemoryStore(seed_dataset))) as client:
        ok = client.get("/health", headers={"Origin": "https://example.org"})
        assert ok.headers.get("access-control-allow-origin") == "https://example.org"
        other = client.get("/health", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers
