"""A Cypher script that recreates the snapshot in an empty Neo4j: `cypher-shell -f FILE`.

It runs the project's own statements from the Cypher registry, unchanged: the schema, then
`load_entities:{Kind}` and `load_relationships:{TYPE}` once per batch of rows, each batch
set with `:param rows => [...]` (cypher-shell's and Neo4j Browser's parameter command, one
line), then `set_meta`. The batches are written in one pass over the snapshot's pages (all the
entities', then the relationships'), each sent as soon as it is full, so a large script streams
from its start and takes one read of the graph; batches of different labels interleave. Properties are exactly what the loader writes
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
SPOOL_CHARS = 256 * 1024  # a label's open batch beyond this waits on disk until it is full
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
    yield FLUSH  # the header goes out now, before the first page is read
    counter = stats.RecordCounter()  # the `/stats` counts, made on the way: no pass of their own
    entities = _each(snapshot.entities, counter.entity)
    yield from _batches(entities, lambda e: e.kind.value, entity_row, registry, "load_entities")
    rels = _each(snapshot.relationships, counter.relationship)
    yield from _batches(rels, lambda r: r.type, relationship_row, registry, "load_relationships")
    yield f"\n:param stats => {literal(stats.to_json(counter.counts()))}\n"  # what set_meta records
    yield "\n" + registry["set_meta"] + ";\n"


def _each(items: Iterable[T], see: Callable[[T], None]) -> Iterator[T]:
    for item in items:
        see(item)
        yield item


def _batches(
    items: Iterable[T],
    label_of: Callable[[T], str],
    row: Callable[[T], dict[str, Any]],
    registry: CypherRegistry,
    name: str,
) -> Iterator[str]:
    """The load batches of `items` in one pass, each sent as soon as it is full.

    Each label (kind or type) has one open batch, its rows in the order given, written as they
    come into the label's temporary file (in memory while small, on disk beyond `SPOOL_CHARS`).
    When it reaches `BATCH` rows it is sent and the file emptied for the next, so the batches of
    the labels interleave in the order they fill; at the end the part-filled ones follow, label
    by label in name order. Memory holds no batch, only the count of each label's open one, and
    the first batch goes out once `BATCH` rows of one label have been read, whatever the graph's size.
    """
    spools: dict[str, IO[str]] = {}
    open_rows: dict[str, int] = {}

    def send(label: str) -> Iterator[str]:
        spool = spools[label]
        spool.write(f"]\n{registry[f'{name}:{label}']};\n")
        open_rows[label] = 0
        spool.seek(0)
        while text := spool.read(CHUNK):
            yield text
        spool.seek(0)
        spool.truncate()

    try:
        for item in items:
            label = label_of(item)
            if label not in spools:
                spools[label] = tempfile.SpooledTemporaryFile(SPOOL_CHARS, mode="w+", encoding="utf-8")  # noqa: SIM115
            n = open_rows.get(label, 0)
            spools[label].write(("\n:param rows => [" if n == 0 else ", ") + literal(row(item)))
            open_rows[label] = n + 1
            if n + 1 == BATCH:
                yield from send(label)
        for label in sorted(spools):
            if open_rows[label]:
                yield from send(label)
    finally:
        for spool in spools.values():
            spool.close()


def render(snapshot: Snapshot) -> Iterator[bytes]:
    return encoded(pieces(snapshot))
