"""docker-compose.yml is as the README says (no Docker engine here to run it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


PUBLISH = "${CITYGRAPH_PUBLISH_ADDRESS:-127.0.0.1}"


def test_services_and_ports() -> None:
    """A settings check, Neo4j 5.26 community with Browser and Bolt ports, a one-shot seed, and the API."""
    services = compose()["services"]
    assert set(services) == {"settings", "neo4j", "seed", "api"}
    assert services["neo4j"]["image"] == "neo4j:5.26-community"
    assert {f"{PUBLISH}:7474:7474", f"{PUBLISH}:7687:7687"} <= {p.split()[0] for p in services["neo4j"]["ports"]}
    assert services["api"]["ports"] == [f"{PUBLISH}:8000:8000"]
    assert services["seed"]["command"] == ["citygraph", "seed"]
    assert services["seed"]["restart"] == "no"


def test_every_published_port_is_on_loopback_by_default() -> None:
    """No port is published on all interfaces unless .env says so."""
    for name, service in compose()["services"].items():
        for port in service.get("ports", []):
            assert port.split()[0].startswith(PUBLISH + ":"), (name, port)


def test_neo4j_gets_its_password_only_after_the_service_rules_pass(tmp_path: Path) -> None:
    """Neo4j waits for the settings check, which runs the service's own rules on the same .env."""
    services = compose()["services"]
    check = services["settings"]
    assert services["neo4j"]["depends_on"]["settings"]["condition"] == "service_completed_successfully"
    assert check["env_file"] == ".env" and check["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    assert check["command"] == ["python", "-m", "app.config"]
    env = {"PATH": os.environ["PATH"], "NEO4J_URI": "bolt://neo4j:7687"}

    def run(**extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *check["command"][1:]], env={**env, **extra}, cwd=tmp_path,
            capture_output=True, text=True, check=False,
        )  # fmt: skip

    for public in ("change-me", "citygraph-dev"):
        refused = run(NEO4J_PASSWORD=public)
        assert refused.returncode == 1 and "NEO4J_PASSWORD" in refused.stderr
        assert public not in refused.stderr  # the message never echoes the password
        assert run(NEO4J_PASSWORD=public, CITYGRAPH_DEV_MODE="true").returncode == 0
    assert run(NEO4J_PASSWORD="a-real-secret-1").returncode == 0


def test_neo4j_has_a_healthcheck_and_a_named_volume() -> None:
    """Neo4j is health-checked and keeps its data in a named volume."""
    c = compose()
    neo4j = c["services"]["neo4j"]
    assert "healthcheck" in neo4j and neo4j["healthcheck"]["test"]
    volume = neo4j["volumes"][0].split(":")[0]
    assert volume in c["volumes"]


def test_dependencies_wait_for_health_and_seed() -> None:
    """seed waits for a healthy Neo4j; api for a healthy Neo4j and a finished seed."""
    services = compose()["services"]
    assert services["seed"]["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert services["api"]["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert services["api"]["depends_on"]["seed"]["condition"] == "service_completed_successfully"
    for name in ("seed", "api"):
        assert services[name]["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
        assert services[name]["env_file"] == ".env"


def test_password_comes_from_the_env_file() -> None:
    """The password is never in the compose file; .env.example is committed, .env ignored."""
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "${NEO4J_PASSWORD" in text
    assert (ROOT / ".env.example").is_file()
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_example_password_is_refused_outside_dev_mode() -> None:
    """The service will not start with the example password unless dev mode is on."""
    import pytest
    from pydantic import ValidationError

    from app.config import EXAMPLE_PASSWORD, Settings

    with pytest.raises(ValidationError, match="example value"):
        Settings(_env_file=None, NEO4J_PASSWORD=EXAMPLE_PASSWORD)  # type: ignore[call-arg]
    assert Settings(_env_file=None, NEO4J_PASSWORD=EXAMPLE_PASSWORD, dev_mode=True).dev_mode  # type: ignore[call-arg]


def test_readme_describes_the_compose_set_up() -> None:
    """The README names the services and ports the compose file has."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for word in ("docker compose up", ".env.example", "7474", "7687", "8000"):
        assert word in readme


def test_neo4j_browser_plays_the_guide_the_api_serves() -> None:
    """Compose sets the same Browser settings as the local launcher (checked by strict config
    there), pointing at the api's guide and style routes on its published port."""
    services = compose()["services"]
    env = services["neo4j"]["environment"]
    launcher = (ROOT / "neo4j-local/src/main/java/local/Neo4jLocal.java").read_text(encoding="utf-8")
    settings = {
        k.removeprefix("NEO4J_").replace("__", "\0").replace("_", ".").replace("\0", "_"): v for k, v in env.items()
    }
    for name in ("browser.post_connect_cmd", "browser.remote_content_hostname_whitelist", "internal.dbms.uris.browser"):
        assert f'"{name}"' in launcher, name
        assert name in settings, name
    api_port = services["api"]["ports"][0].split(":")[-2]
    assert settings["browser.post_connect_cmd"] == (
        f"style http://localhost:{api_port}/browser/style.grass; play http://localhost:{api_port}/browser/guide.html"
    )


def test_timed_out_transactions_are_stopped_as_soon_in_compose_as_locally() -> None:
    """Both servers look for transactions past their timeout every 100 ms (Neo4j's default is
    2 s), so a query the request's budget stops ends within it in either."""
    env = compose()["services"]["neo4j"]["environment"]
    launcher = (ROOT / "neo4j-local/src/main/java/local/Neo4jLocal.java").read_text(encoding="utf-8")
    assert env["NEO4J_db_transaction_monitor_check_interval"] == "100ms"
    assert 'conf.put("db.transaction.monitor.check.interval", "100ms");' in launcher
