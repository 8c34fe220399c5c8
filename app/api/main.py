"""The FastAPI application: one store per process, opened in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app import __version__
from app.api import docs, errors, limits
from app.api.admission import CostControl
from app.api.browser_routes import browser_router
from app.api.routes import router
from app.api.snapshot_routes import snapshot_router
from app.config import Settings, get_settings
from app.service import CityGraph
from app.stores.base import GraphStore
from app.stores.factory import open_store

DESCRIPTION = """
The international relationships of Danish municipalities and regions (city diplomacy),
from five Danish source documents: who worked with whom, when, and where it is written.
Every answer carries dates, sources (document and verbatim quote) and a readable
explanation. Read-only.
"""


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """The API over `store`, or over the store the settings name (opened at start-up)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        app.state.graph = CityGraph(store or open_store(settings), settings)
        app.state.graph.prepare()
        try:
            yield
        finally:
            if own:
                app.state.graph.store.close()

    app = FastAPI(
        title="City Diplomacy Graph", version=__version__, description=DESCRIPTION, lifespan=lifespan,
        docs_url=None, redoc_url=None,  # served offline by app.api.docs
    )  # fmt: skip
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET"], allow_headers=["*"]
        )
    errors.install(app)
    docs.install(app)
    limits.install(app, settings)
    app.add_middleware(CostControl, settings=settings)
    app.include_router(router)
    app.include_router(snapshot_router)
    app.include_router(browser_router)
    return app
