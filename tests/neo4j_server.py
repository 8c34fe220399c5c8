"""The local Neo4j for the tests: `seed.local_neo4j` with the tests' password."""

from __future__ import annotations

from seed.local_neo4j import RUN, LocalNeo4j, free_port

PASSWORD = "citygraph-test"  # LocalNeo4j's default password

__all__ = ["PASSWORD", "RUN", "LocalNeo4j", "free_port"]
