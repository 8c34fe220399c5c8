"""Neo4j Browser is served by the local Neo4j and connects to its Bolt port."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import urllib.request

import pytest

from tests.conftest import IN_CI
from tests.neo4j_server import LocalNeo4j

pytestmark = pytest.mark.neo4j


def test_browser_page_is_served(neo4j_server: LocalNeo4j) -> None:
    """GET /browser/ answers the Browser's HTML page."""
    with urllib.request.urlopen(f"{neo4j_server.http}/browser/", timeout=10) as response:  # noqa: S310 - our own local server
        assert response.status == 200
        page = response.read().decode("utf-8")
    assert "<title>Neo4j Browser</title>" in page


def test_discovery_advertises_our_bolt_port(neo4j_server: LocalNeo4j) -> None:
    """The discovery document at / tells the Browser which Bolt port to use."""
    request = urllib.request.Request(f"{neo4j_server.http}/", headers={"Accept": "application/json"})  # noqa: S310 - our own local server
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own local server
        discovery = json.load(response)
    assert discovery["bolt_direct"].endswith(f":{neo4j_server.bolt_port}")
    assert discovery["neo4j_version"].startswith("5.26")


@pytest.mark.browser
def test_browser_renders_in_chromium_with_our_bolt_port(neo4j_server: LocalNeo4j) -> None:
    """Headless Chromium renders the Browser's connect form, pre-filled with our Bolt port."""
    chromium = shutil.which("chromium")
    if chromium is None:
        if IN_CI:
            pytest.fail("chromium is missing; `make test` installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=20000", "--dump-dom", f"{neo4j_server.http}/browser/"],
            capture_output=True, text=True, timeout=120, check=True,
        ).stdout  # fmt: skip
    assert "Connect to Neo4j" in dom
    assert f"localhost:{neo4j_server.bolt_port}" in dom
