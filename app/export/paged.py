"""Reading a store in pages: exports write as they read, so their memory does not grow with the graph.

`entity_pages`, `node_pages` and `relationship_pages` walk the store's keyset pages: entities
by id, relationships by (source id, id), each page at most `page_size` rows, however many
relationships one hub has. `Paged`
is a sequence an export can iterate as often as it needs, each time reading the pages again,
with its length known from a first counting pass.

Reading a page and writing it out are each a step of progress (`app.deadline`): once an
answer streams, each may take the whole export budget, so a long export that keeps going
runs to its end while a page that stalls still times out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from app import deadline
from app.filters import RelFilter
from app.model import Entity, Relationship
from app.stores.base import START, ExportNodeStore, GraphStore, NodeRow, RelCursor
from app.vocabulary import Kind

T = TypeVar("T")


K = TypeVar("K")


def _keyset(
    read: Callable[[K, int], list[T]], start: K, key: Callable[[T], K], page_size: int, what: str
) -> Iterator[T]:
    """Every row `read(after, page_size)` gives, page after page from `start`, each page
    resuming after the `key` of the last row of the one before."""
    after = start
    while True:
        deadline.current().progress(f"writing the {what}")  # writing the last page was one step
        page = read(after, page_size)
        deadline.current().progress(f"reading the {what}")  # reading this one another
        yield from page
        if len(page) < page_size:
            return
        after = key(page[-1])


def entity_pages(store: GraphStore, page_size: int) -> Iterator[Entity]:
    """Every entity, in id order, read `page_size` at a time."""
    return _keyset(store.entities_page, "", lambda e: e.id, page_size, "entities")


def node_pages(
    store: ExportNodeStore, rel_filter: RelFilter, kinds: frozenset[Kind] | None, page_size: int
) -> Iterator[NodeRow]:
    """Every entity (of `kinds`) in id order with its degree and periods under the filter, `page_size` at a time."""

    def read(after: str, limit: int) -> list[NodeRow]:
        return store.export_nodes_page(rel_filter, kinds, after, limit)

    return _keyset(read, "", lambda row: row[0].id, page_size, "entities")


def relationship_pages(
    store: GraphStore, rel_filter: RelFilter, page_size: int, kinds: frozenset[Kind] | None = None
) -> Iterator[Relationship]:
    """Every relationship passing the filter (both ends of `kinds`), by source id then id, `page_size` at a time."""

    def read(after: RelCursor, limit: int) -> list[Relationship]:
        return store.relationships_page(rel_filter, kinds, after, limit)

    return _keyset(read, START, lambda r: (r.source, r.id), page_size, "relationships")


class Paged(Generic[T]):
    """A re-iterable view of store pages: each iteration reads them again, filtered by `keep`."""

    def __init__(self, read: Callable[[], Iterator[T]], keep: Callable[[T], bool] | None, length: int = 0):
        self._read = read
        self._keep = keep
        self._length = length

    def __iter__(self) -> Iterator[T]:
        keep = self._keep
        return iter(self._read()) if keep is None else (item for item in self._read() if keep(item))

    def __len__(self) -> int:
        return self._length

    def keeping(self, keep: Callable[[T], bool] | None) -> Paged[T]:
        """The same pages, filtered by `keep` instead."""
        return Paged(self._read, keep, self._length)

    def counted(self, length: int) -> Paged[T]:
        """The same view, with its length now known."""
        return Paged(self._read, self._keep, length)
