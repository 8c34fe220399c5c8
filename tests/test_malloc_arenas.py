"""`citygraph serve` limits glibc's malloc arenas (app/malloc_arenas.py) before its threads start."""

from __future__ import annotations

import platform

import pytest
from typer.testing import CliRunner

from app import malloc_arenas
from app.cli import app


def test_glibc_takes_the_limit_and_zero_leaves_the_default() -> None:
    assert malloc_arenas.limit_arenas(0) is False
    if platform.libc_ver()[0] != "glibc":
        pytest.skip("not glibc: nothing to limit")
    assert malloc_arenas.limit_arenas(2) is True


def test_serve_limits_the_arenas_from_the_setting_before_the_server_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[object] = []
    monkeypatch.setattr(malloc_arenas, "limit_arenas", lambda n: calls.append(("arenas", n)) or True)
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append("run"))
    monkeypatch.setenv("CITYGRAPH_MALLOC_ARENAS", "3")
    from app.config import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--backend", "memory"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert calls == [("arenas", 3), "run"]
