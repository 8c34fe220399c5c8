"""`/docs` and `/redoc` render in a real headless Chromium with no request leaving the machine."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page

from app.api.main import create_app
from app.config import Settings
from app.model import Dataset
from app.stores.memory import MemoryStore
from tests.browser_page import chromium, screenshot
from tests.neo4j_server import free_port

pytestmark = pytest.mark.browser
HTTP_METHODS = ("get", "head", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def served(settings: Settings, seed_dataset: Dataset) -> Iterator[tuple[str, FastAPI]]:
    """The API on the seed data, served by uvicorn on a free loopback port."""
    app = create_app(settings, MemoryStore(seed_dataset))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.config.port}", app
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def operations(app: FastAPI) -> list[tuple[str, str, str]]:
    """(method, path, operationId) of every documented endpoint."""
    paths = app.openapi()["paths"]
    return [(m, p, op["operationId"]) for p, item in paths.items() for m, op in item.items() if m in HTTP_METHODS]


def local(url: str, base: str) -> bool:
    """A request to the service itself (or to a blob it created in the page)."""
    return url.startswith((f"{base}/", f"blob:{base}/"))


def open_offline(browser: Browser, url: str) -> tuple[Page, list[str]]:
    """A fresh page at `url`; every request it makes is recorded."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url, wait_until="networkidle")
    return page, requests


def test_swagger_ui_renders_offline_and_lists_every_endpoint(browser: Browser, served: tuple[str, FastAPI]) -> None:
    base, app = served
    page, requests = open_offline(browser, f"{base}/docs")
    page.locator(".opblock").first.wait_for(timeout=30_000)
    shown = set(page.locator(".opblock").evaluate_all("bs => bs.map(b => b.id)"))
    missing = [(m, p) for m, p, op in operations(app) if f"operations-{_tag(app, p, m)}-{op}" not in shown]
    assert not missing, missing
    screenshot(page, "api-docs")
    assert requests and all(local(u, base) for u in requests), [u for u in requests if not local(u, base)]


def test_redoc_renders_offline_and_lists_every_endpoint(browser: Browser, served: tuple[str, FastAPI]) -> None:
    base, app = served
    page, requests = open_offline(browser, f"{base}/redoc")
    page.locator("[data-section-id^='operation/']").first.wait_for(timeout=30_000)
    shown = set(page.locator("[data-section-id^='operation/']").evaluate_all("s => s.map(e => e.dataset.sectionId)"))
    missing = [(m, p) for m, p, op in operations(app) if not any(s.endswith(f"operation/{op}") for s in shown)]
    assert not missing, missing
    screenshot(page, "api-redoc")
    assert requests and all(local(u, base) for u in requests), [u for u in requests if not local(u, base)]


def _tag(app: FastAPI, path: str, method: str) -> str:
    """Swagger UI files an operation under its first tag, or "default"."""
    tags = app.openapi()["paths"][path][method].get("tags") or ["default"]
    return str(tags[0]).replace(" ", "_")
