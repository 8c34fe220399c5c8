"""Unique entity labels for the CSV tables, found without reading every entity before the first byte.

Kumu matches connections to elements by label, so each entity of a snapshot gets a label no
other has (`unique_labels`): its name; where several entities share the name, the name with
its kind in brackets; where that is taken too, by an entity earlier in id order, the name
with its id. Only the entities whose names clash can get anything but their name, so a
store that finds them (`ExportLabelStore`: on Neo4j, a count of names and index seeks) lets
the CSV hold just those, and look up the names of each batch of relationship ends, instead
of a label per entity read in a pass over all of them before the file starts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from app.filters import RelFilter
from app.model import Entity
from app.stores.base import ExportLabelStore
from app.vocabulary import Kind


def unique_labels(entities: Iterable[Entity]) -> dict[str, str]:
    """Entity id → a label no other of `entities` (in id order; iterated twice) has.

    Examples
    --------
    >>> from app.vocabulary import Kind
    >>> es = [Entity("b1", Kind.ForeignCity, "Brașov"), Entity("b2", Kind.ForeignRegion, "Brașov"),
    ...       Entity("b3", Kind.ForeignCity, "Brașov"), Entity("v", Kind.Municipality, "Viborg")]
    >>> unique_labels(es)
    {'b1': 'Brașov (ForeignCity)', 'b2': 'Brașov (ForeignRegion)', 'b3': 'Brașov (b3)', 'v': 'Viborg'}
    """
    counts = Counter(e.name for e in entities)
    labels: dict[str, str] = {}
    used: set[str] = set()
    for e in entities:
        label = e.name if counts[e.name] == 1 else f"{e.name} ({e.kind.value})"
        labels[e.id] = label if label not in used else f"{e.name} ({e.id})"
        used.add(labels[e.id])
    return labels


def clash_labels(sharing: Iterable[Entity]) -> list[str]:
    """The labels entities that share a name may get (name and kind, name and id): an entity named
    one of them clashes with them too."""
    return sorted({label for e in sharing for label in (f"{e.name} ({e.kind.value})", f"{e.name} ({e.id})")})


class Labels:
    """Each entity's label: its name, unless its name clashes (then as `unique_labels` gives it).

    Parameters
    ----------
    special : dict
        Id → label of the snapshot's entities whose names clash (`unique_labels` of those that
        share a name with another, and of those named as such an entity's label could be,
        `clash_labels`), or of all its entities.
    names : callable
        Ids → their entities' names, for relationship ends not in `special`.
    """

    def __init__(self, special: dict[str, str], names: Callable[[Sequence[str]], dict[str, str]]):
        self._special = special
        self._names = names

    def of(self, entity: Entity) -> str:
        return self._special.get(entity.id, entity.name)

    def of_ids(self, ids: Iterable[str]) -> dict[str, str]:
        """The labels of `ids` (one look-up of the names of those whose names do not clash)."""
        special, ids = self._special, set(ids)
        wanted = sorted(ids - special.keys())
        found = self._names(wanted) if wanted else {}
        return {**found, **{i: special[i] for i in ids if i in special}}


def store_labels(
    store: ExportLabelStore, rel_filter: RelFilter, kinds: frozenset[Kind] | None, every_entity: bool
) -> Labels:
    """The labels of an export (entities as `ExportLabelStore` keeps them), from the store: the
    entities sharing a name, those named as their labels could be, and names looked up by id."""
    sharing = store.export_shared_names(rel_filter, kinds, every_entity)
    named = store.export_entities_named(rel_filter, kinds, every_entity, clash_labels(sharing)) if sharing else []
    clashing = sorted({e.id: e for e in (*sharing, *named)}.values(), key=lambda e: e.id)
    return Labels(unique_labels(clashing), store.entity_names)
