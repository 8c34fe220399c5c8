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
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, TypeVar

from app import stats
from app.cypher_registry import CypherRegistry
from app.export.stream import CHUNK, FLUSH, encoded
from app.stores.neo4j_records import entity_row, relationship_row

if TYPE_CHECKING:
    from app.export.snapshot import Snapshot

BATCH = 500
SPOOL_CHARS = 256 * 1024  # a label's batches beyond this wait on disk until their turn comes
T = TypeVar("T")
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
    yield f"\n:param version => {literal(loaded_version(snapshot))}\n"  # the loads tag what they write with it
    yield FLUSH  # the header goes out now: a label's batches come once the pass over its records is made
    yield from _batches(snapshot.entities, lambda e: e.kind.value, entity_row, registry, "load_entities")
    yield from _batches(snapshot.relationships, lambda r: r.type, relationship_row, registry, "load_relationships")
    counts = stats.to_json(stats.count_records(snapshot.entities, snapshot.relationships))
    yield f"\n:param stats => {literal(counts)}\n"  # the `/stats` counts set_meta records with the version
    yield "\n" + registry["set_meta"] + ";\n"


def _batches(
    items: Iterable[T],
    label_of: Callable[[T], str],
    row: Callable[[T], dict[str, Any]],
    registry: CypherRegistry,
    name: str,
) -> Iterator[str]:
    """The load batches of `items`, label by label in name order, each label's rows in the order given.

    One pass over `items`: each row is written as it comes into its label's temporary file (in
    memory while small, on disk beyond `SPOOL_CHARS`), which is read back when its turn comes;
    so memory holds no batch, only the count of each label's open one.
    """
    spools: dict[str, IO[str]] = {}
    open_rows: dict[str, int] = {}

    def close(label: str) -> None:
        spools[label].write(f"]\n{registry[f'{name}:{label}']};\n")
        open_rows[label] = 0

    try:
        for item in items:
            label = label_of(item)
            if label not in spools:
                spools[label] = tempfile.SpooledTemporaryFile(SPOOL_CHARS, mode="w+", encoding="utf-8")  # noqa: SIM115
            n = open_rows.get(label, 0)
            spools[label].write(("\n:param rows => [" if n == 0 else ", ") + literal(row(item)))
            open_rows[label] = n + 1
            if n + 1 == BATCH:
                close(label)
        for label in sorted(spools):
            if open_rows[label]:
                close(label)
            spool = spools[label]
            spool.seek(0)
            while text := spool.read(CHUNK):
                yield text
    finally:
        for spool in spools.values():
            spool.close()


def render(snapshot: Snapshot) -> Iterator[bytes]:
    return encoded(pieces(snapshot))
