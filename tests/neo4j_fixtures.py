"""Placeholder until the Neo4j backend lands: Neo4j tests skip (and fail in CI)."""

from __future__ import annotations

import pytest

from tests.conftest import IN_CI


@pytest.fixture(scope="session")
def neo4j_loader():  # type: ignore[no-untyped-def]
    """Loads a dataset into the local Neo4j and returns a store over it."""
    if IN_CI:
        pytest.fail("the Neo4j backend is not built yet")
    pytest.skip("the Neo4j backend is not built yet")
