"""A Cypher script that recreates the snapshot in an empty Neo4j: `cypher-shell -f FILE`.

It runs the project's own statements from the Cypher registry, unchanged: the schema, then
`load_entities:{Kind}` and `load_relationships:{TYPE}` once per batch of rows, each batch
set with `:param rows => [...]` (cypher-shell's and Neo4j Browser's parameter command, one
line), then `set_meta`. Properties are exactly what the loader writes
(`app.stores.neo4j_records`), dates as `date('…')`. The loaded version is the dataset's
when the snapshot is the whole dataset, else `<version>+snapshot-<digest of the filters>`,
so the API never mistakes a part for the whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from app.cypher_registry import CypherRegistry
from app.export.stream import encoded
from app.stores.neo4j_records import load_rows

if TYPE_CHECKING:
    from app.export.snapshot import Snapshot

BATCH = 500
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def literal(value: Any) -> str:
    """A Cypher literal for a property value.

    Examples
    --------
    >>> literal({"name": "Århus 'Smilets By'", "lat": 56.15, "tags": ["a", None], "d": dt.date(1998, 1, 1)})
    "{name: 'Århus \\\\'Smilets By\\\\'', lat: 56.15, tags: ['a', null], d: date('1998-01-01')}"
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"no Cypher literal for {value!r}")
        return repr(value)
    if isinstance(value, str):
        return "'" + "".join(_ESCAPES.get(c, c if c >= " " else f"\\u{ord(c):04x}") for c in value) + "'"
    if isinstance(value, dt.date):
        return f"date('{value.isoformat()}')"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")


def _key(name: str) -> str:
    return name if name.isidentifier() else "`" + name.replace("`", "``") + "`"


def loaded_version(snapshot: Snapshot) -> str:
    """The dataset version the script records: the dataset's own only for a whole-dataset export."""
    version = str(snapshot.manifest["dataset_version"])
    if snapshot.filters.unfiltered:
        return version
    digest = hashlib.sha256(json.dumps(snapshot.manifest["filters"], sort_keys=True).encode()).hexdigest()[:12]
    return f"{version}+snapshot-{digest}"


def pieces(snapshot: Snapshot, registry: CypherRegistry | None = None) -> Iterator[str]:
    registry = registry or CypherRegistry()
    yield f"// City Diplomacy Graph snapshot: {snapshot.title}\n"
    yield "// Recreate it in an empty Neo4j 5: cypher-shell -a bolt://localhost:7687 -u neo4j -f THIS_FILE\n"
    yield "// The statements are the project's own (cypher/*.cypher); the manifest follows.\n"
    for line in snapshot.manifest_json().splitlines():
        yield f"// {line}\n"
    yield "\n"
    for statement in registry.statements("schema"):
        yield statement + ";\n"
    by_kind, by_type = load_rows(snapshot.entities, snapshot.relationships)
    yield f"\n:param version => {literal(loaded_version(snapshot))}\n"  # the loads tag what they write with it
    for name, groups in (("load_entities", by_kind), ("load_relationships", by_type)):
        for label, rows in sorted(groups.items()):
            statement = registry[f"{name}:{label}"]
            for i in range(0, len(rows), BATCH):
                yield f"\n:param rows => {literal(rows[i : i + BATCH])}\n"
                yield statement + ";\n"
    yield "\n" + registry["set_meta"] + ";\n"


def render(snapshot: Snapshot) -> Iterator[bytes]:
    return encoded(pieces(snapshot))
