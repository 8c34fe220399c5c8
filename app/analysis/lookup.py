"""Entities by id, fetched as an answer needs them rather than held whole.

An answer names a few entities (a path's nodes, an entity's neighbours, a ranking's top
rows). `EntityLookup` fetches those in one store query, more on demand, and keeps them
for the request; `EntityCache` keeps recently used ones across requests, bounded in
(approximate) bytes and keyed by dataset version, so a reseeded database is never
answered from an older version's entities.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from app import deadline
from app.cache import STR_OVERHEAD, ByteBudgetCache
from app.model import Entity

Fetch = Callable[[Sequence[str]], list[tuple[Entity, int]]]
EntityCache = ByteBudgetCache[tuple[Entity, int]]
# Bytes of an entity's objects beyond its text: the dataclass and its tuples (~ 300), the
# (entity, degree) pair and the cache's entry and dict slot (~ 300).
ENTRY_OVERHEAD = 600


def entity_bytes(entity: Entity) -> int:
    """Estimated bytes of one cached entity: a fixed overhead and each of its strings.

    Examples
    --------
    >>> from app.vocabulary import Kind
    >>> entity_bytes(Entity("a", Kind.Company, "Abc", aliases=("A",)))
    752
    """
    text = (entity.id, entity.name, entity.name_en, entity.description, *entity.aliases)
    quotes = (t for s in entity.sources for t in (s.document, s.quote, s.url))
    return ENTRY_OVERHEAD + sum(STR_OVERHEAD + len(t) for t in (*text, *quotes) if t)


class EntityLookup(Mapping[str, Entity]):
    """The entities one answer uses, by id: `prefetch` the ids an answer knows of in one
    store query; any other id is fetched when first read. Iterates over what it holds."""

    def __init__(self, fetch: Fetch, version: str, cache: EntityCache | None = None):
        self._fetch = fetch
        self._version = version
        self._cache = cache
        self._held: dict[str, tuple[Entity, int]] = {}
        self._absent: set[str] = set()

    def prefetch(self, ids: Iterable[str]) -> EntityLookup:
        wanted = [i for i in dict.fromkeys(ids) if i not in self._held and i not in self._absent]
        if not wanted:
            return self
        if self._cache is not None:
            for i in wanted:
                kept = self._cache.get(self._version, i)
                if kept is not None:
                    self._held[i] = kept
            wanted = [i for i in wanted if i not in self._held]
        if wanted:
            # Naming what an answer found is a few index seeks, done even when the search used
            # up the request's time (a path search stops at the deadline and keeps its paths):
            # their own budget, bounded by the store's query timeout, but cancelled with the request.
            with deadline.within(deadline.Deadline(math.inf, "the entity lookup", parent=deadline.current())):
                found = self._fetch(wanted)
            self._held.update((e.id, (e, degree)) for e, degree in found)
            self._absent.update(i for i in wanted if i not in self._held)
            if self._cache is not None:
                for e, degree in found:
                    self._cache.put(self._version, e.id, (e, degree), entity_bytes(e))
        return self

    def __getitem__(self, entity_id: str) -> Entity:
        if entity_id not in self._held:
            self.prefetch([entity_id])
        try:
            return self._held[entity_id][0]
        except KeyError:
            raise KeyError(entity_id) from None

    def __contains__(self, entity_id: object) -> bool:
        if isinstance(entity_id, str) and entity_id not in self._held:
            self.prefetch([entity_id])
        return entity_id in self._held

    def __iter__(self) -> Iterator[str]:
        return iter(self._held)

    def __len__(self) -> int:
        return len(self._held)

    def degree(self, entity_id: str) -> int:
        """The entity's degree, all time (0 for an unknown id)."""
        self.prefetch([entity_id])
        held = self._held.get(entity_id)
        return held[1] if held else 0
