"""Driving Debian's headless Chromium with Playwright (no browser download: `executable_path`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import IN_CI, ROOT

# Every run of the browser tests writes these afresh, outside version control; the README's
# copies in docs/screenshots/ are refreshed from here on purpose (`make screenshots`).
SCREENSHOTS = ROOT / "build" / "screenshots"


def chromium_path() -> str:
    """Debian's chromium; a failure in CI, a skip elsewhere when it is missing."""
    path = shutil.which("chromium")
    if path is None:
        if IN_CI:
            pytest.fail("chromium is missing; `make test` installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium; each `new_page` of it gets a fresh profile (its own context)."""
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path)
    return path
