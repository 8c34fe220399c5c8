"""Graph stores: one protocol (`base.GraphStore`), an embedded and a Neo4j implementation."""
