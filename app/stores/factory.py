"""Opening the configured store: one per process."""

from __future__ import annotations

from app.config import Settings
from app.stores.base import GraphStore
from app.stores.memory import MemoryStore
from seed.loader import load_dataset


def open_store(settings: Settings) -> GraphStore:
    """The store `settings.backend` names, ready to answer."""
    if settings.backend == "neo4j":
        from app.stores.neo4j_store import Neo4jStore  # imported only when used

        return Neo4jStore.connect(settings)
    return MemoryStore(load_dataset(settings.data_dir))
