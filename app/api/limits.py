"""Caps of query parameters that come from `Settings`, shown in `/openapi.json`.

A route marks a capped parameter with `capped_by("max_results")`; the service checks the
value against that setting (a 422 in the one error shape), and `install` writes the
setting's value into the OpenAPI document as the parameter's `maximum`. The cap has one
source, the setting, and the document shows what this process enforces.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from app.config import Settings

CAP_KEY = "x-capped-by"


def capped_by(setting: str) -> dict[str, Any]:
    """The JSON-schema marker naming the setting that caps a parameter."""
    if setting not in Settings.model_fields:
        raise ValueError(f"no setting {setting!r}")
    return {CAP_KEY: setting}


def fill_caps(node: Any, settings: Settings) -> None:
    """Give every schema marked with `CAP_KEY` the setting's value as its `maximum`.

    Examples
    --------
    >>> doc = {"parameters": [{"schema": {"type": "integer", CAP_KEY: "max_hops"}}]}
    >>> fill_caps(doc, Settings(_env_file=None, max_hops=5))
    >>> doc["parameters"][0]["schema"]["maximum"]
    5
    """
    if isinstance(node, dict):
        if CAP_KEY in node:
            node["maximum"] = getattr(settings, node[CAP_KEY])
        for value in node.values():
            fill_caps(value, settings)
    elif isinstance(node, list):
        for value in node:
            fill_caps(value, settings)


def install(app: FastAPI, settings: Settings) -> None:
    """Serve the OpenAPI document with the caps of `settings` filled in."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        fill_caps(schema, settings)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
