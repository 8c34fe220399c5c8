"""Finding entities by id, name or alias: case- and accent-insensitive.

`fold` turns any spelling into a search key ("Århus" → "arhus", "Marijampolė" →
"marijampole"); Danish letters that do not decompose are spelled out the usual way
(ø → o, æ → ae, å → a, and "aa" is read as "a", so "Aarhus" and "Århus" meet).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from app.errors import AmbiguousEntity, EntityNotFound
from app.model import Entity

_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "å": "a", "ß": "ss", "ł": "l", "đ": "d", "ı": "i"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """A search key: lowercase ASCII words separated by single spaces.

    Examples
    --------
    >>> fold("Århus"), fold("Aarhus"), fold("Marijampolė"), fold("Győr-Moson-Sopron")
    ('arhus', 'arhus', 'marijampole', 'gyor moson sopron')
    """
    text = text.casefold().translate(_SPECIAL)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.replace("aa", "a")
    return _NON_ALNUM.sub(" ", text).strip()


def entity_keys(entity: Entity) -> list[str]:
    """Every search key of an entity: its id, names and aliases, folded."""
    names: Iterable[str] = (entity.id, entity.name, entity.name_en or "", *entity.aliases)
    return sorted({fold(n) for n in names if n and fold(n)})


FUZZY_WEIGHT = 0.6  # a fuzzy match ranks below every exact, prefix or substring one


def match_score(keys: list[str], query: str, floor: float = 0.0) -> float:
    """How well a folded query matches an entity's keys, from 0 to 1 (scores below `floor`
    count as 0 where that saves work).

    The fuzzy comparison is skipped when its upper bound (`real_quick_ratio`, from the two
    lengths alone) cannot reach `floor` or beat the best key so far, so a very long unknown
    name costs a length comparison per key, not a quadratic sequence match.
    """
    best = 0.0
    for key in keys:
        if key == query:
            return 1.0
        if key.startswith(query):
            best = max(best, 0.9)
        elif any(word.startswith(query) for word in key.split()):
            best = max(best, 0.8)
        elif query in key:
            best = max(best, 0.7)
        else:
            bound = FUZZY_WEIGHT * 2 * min(len(query), len(key)) / (len(query) + len(key))
            if bound >= floor and bound > best:
                best = max(best, FUZZY_WEIGHT * difflib.SequenceMatcher(None, query, key).ratio())
    return best


class EntityIndex:
    """Resolves references and ranks searches over a fixed set of entities."""

    def __init__(self, entities: Iterable[Entity], degree: dict[str, int] | None = None):
        self.entities = sorted(entities, key=lambda e: e.id)
        self.by_id = {e.id: e for e in self.entities}
        self.degree = degree or {}
        self.keys = {e.id: entity_keys(e) for e in self.entities}
        self.by_key: dict[str, list[Entity]] = {}
        for e in self.entities:
            for k in self.keys[e.id]:
                self.by_key.setdefault(k, []).append(e)

    def search(
        self, q: str, kind: str | None = None, limit: int = 10, floor: float = 0.45
    ) -> list[tuple[Entity, float]]:
        """Entities ranked by match, then by degree, then by id."""
        query = fold(q)
        if not query:
            return []
        scored = []
        for e in self.entities:
            if kind and e.kind.value != kind:
                continue
            score = match_score(self.keys[e.id], query, floor)
            if score >= floor:
                scored.append((e, round(score, 4)))
        scored.sort(key=lambda es: (-es[1], -self.degree.get(es[0].id, 0), es[0].id))
        return scored[:limit]

    def resolve(self, ref: str, field: str = "entity") -> Entity:
        """The one entity `ref` names: raises `EntityNotFound` or `AmbiguousEntity`."""
        key = fold(ref)
        exact = self.by_key.get(key, [])
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            # An id is unambiguous even where it also reads as another entity's name.
            by_id = [e for e in exact if e.id == ref]
            if len(by_id) == 1:
                return by_id[0]
            raise AmbiguousEntity(
                f"{field}: {ref!r} could mean {len(exact)} entities; use one of their ids",
                field=field,
                candidates=[summary(e) for e in exact],
            )
        suggestions = [summary(e) for e, _ in self.search(ref, limit=5, floor=0.3)]
        hint = f"; did you mean {', '.join(repr(s['name']) for s in suggestions[:3])}?" if suggestions else ""
        raise EntityNotFound(f"{field}: no entity is called {ref!r}{hint}", field=field, suggestions=suggestions)


def summary(entity: Entity) -> dict[str, str]:
    """The few fields that tell entities apart in a list of candidates."""
    return {"id": entity.id, "name": entity.name, "kind": entity.kind.value}
