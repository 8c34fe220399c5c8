"""Finding entities by id, name or alias: case- and accent-insensitive, typo-tolerant.

One scoring rule for both backends (`match_score`): a key equal to the query scores 1.0,
a key starting with it 0.9, a word of a key starting with it 0.8, a key containing it 0.7.
Otherwise, if a word of its keys is near a query word (starts with it, or is a typo or two
away: `app.search_keys.near_word`, what the Neo4j full-text index finds), the closest key
by rapidfuzz's `ratio` scores at most 0.6. Hits rank by score, then degree, then id. The embedded backend scores every key in one batch
(`EntityIndex`); the Neo4j backend asks the database for candidates and ranks them with
the same function (`StoreNames`), so on the same data both answer alike.
"""

from __future__ import annotations

import bisect
import gc
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from app.analysis.name_postings import GRAM, Postings, deletions, distinct, trigrams
from app.errors import AmbiguousEntity, EntityNotFound
from app.model import Entity
from app.search_keys import MAX_WORD_EDITS, entity_keys, fold, near_word, query_words, word_edits
from app.stores.base import NameSearchStore

__all__ = ["EntityIndex", "Hit", "Names", "StoreNames", "entity_keys", "fold", "match_score", "summary"]

FUZZY_WEIGHT = 0.6  # a fuzzy match ranks below every exact, prefix or substring one
SEARCH_FLOOR = 0.45  # the least score a search hit needs (a fuzzy ratio of 75)
SUGGEST_FLOOR = 0.3  # suggestions for an unknown name may be looser (a ratio of 50)


@dataclass(frozen=True)
class Hit:
    """An entity found for a query, its score and its degree (the first tie-break)."""

    entity: Entity
    score: float
    degree: int


def rule_score(key: str, query: str) -> float:
    """The score of the match rules that need no fuzzy comparison; 0 when none applies.

    Examples
    --------
    >>> [rule_score(k, "arhus") for k in ("arhus", "arhus kommune", "region arhus", "skarhus", "aros")]
    [1.0, 0.9, 0.8, 0.7, 0.0]
    """
    if key == query:
        return 1.0
    if key.startswith(query):
        return 0.9
    if f" {query}" in key:  # a word other than the first starts with it
        return 0.8
    if query in key:
        return 0.7
    return 0.0


def _cutoff(floor: float) -> float:
    """The least rapidfuzz ratio (0–100) whose fuzzy score can reach `floor` (a hair
    lower, so that rounding never drops a ratio the score test below keeps)."""
    return max(floor / FUZZY_WEIGHT * 100 - 1e-9, 0.0)


def fuzzy_score(ratio: float) -> float:
    return FUZZY_WEIGHT * ratio / 100


def fuzzy_candidate(keys: Sequence[str], query: str) -> bool:
    """Whether a word of the keys is near a word of the query (`near_word`)."""
    tokens = {t for key in keys for t in key.split()}
    return any(near_word(w, t) for w in query_words(query) for t in tokens)


def match_score(keys: Sequence[str], query: str, floor: float = 0.0) -> float:
    """How well a folded query matches an entity's keys, from 0 to 1 (a fuzzy score below
    `floor` counts as 0: rapidfuzz then gives up as soon as it cannot reach it)."""
    best = max((rule_score(key, query) for key in keys), default=0.0)
    if best or not fuzzy_candidate(keys, query):
        return best
    cutoff = _cutoff(floor)
    return fuzzy_score(max((fuzz.ratio(query, key, score_cutoff=cutoff) for key in keys), default=0.0))


def ranked(hits: Iterable[Hit], limit: int) -> list[Hit]:
    """Best score first, then the better connected, then by id."""
    return sorted(hits, key=lambda h: (-h.score, -h.degree, h.entity.id))[:limit]


def summary(entity: Entity) -> dict[str, str]:
    """The few fields that tell entities apart in a list of candidates."""
    return {"id": entity.id, "name": entity.name, "kind": entity.kind.value}


class Names(ABC):
    """Resolves references and ranks searches; how candidates are found is the subclass's."""

    @abstractmethod
    def exact(self, key: str) -> list[Entity]:
        """The entities one of whose keys is the folded `key`, by id."""

    @abstractmethod
    def search(self, q: str, kind: str | None = None, limit: int = 10, floor: float = SEARCH_FLOOR) -> list[Hit]:
        """Entities ranked by match, then by degree, then by id."""

    def resolve(self, ref: str, field: str = "entity") -> Entity:
        """The one entity `ref` names: raises `EntityNotFound` or `AmbiguousEntity`."""
        exact = self.exact(fold(ref))
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
        suggestions = [summary(h.entity) for h in self.search(ref, limit=5, floor=SUGGEST_FLOOR)]
        hint = f"; did you mean {', '.join(repr(s['name']) for s in suggestions[:3])}?" if suggestions else ""
        raise EntityNotFound(f"{field}: no entity is called {ref!r}{hint}", field=field, suggestions=suggestions)


class EntityIndex(Names):
    """Every entity's keys in memory (the embedded backend), found through posting lists.

    A query of three letters or more reads the keys posted under its rarest trigram
    (`name_postings`) and keeps those containing it; a shorter one tests every key (a
    containment test per key, at C speed). Fuzzy candidates are the entities with a word
    near a query word (`near_word`): the words it starts (a range of the sorted words) and
    those within its edits (their deletion variants' postings); their keys are then scored
    by rapidfuzz's `ratio`. Fuzzy hits rank below every rule hit, so they are looked for
    only when the rule hits do not fill the answer; when a query word is so short that its
    candidates are a large share of all entities, one `rapidfuzz.process.cdist` over all
    keys is cheaper and gives the same hits. Candidates' keys are scored in one rapidfuzz
    call and ranked with numpy (a typo of a synthetic id has thousands of near words at
    100k relationships; a Python call per key and a heap keyed by a lambda grew with them).
    Built once per dataset version (at load, `CityGraph.prepare`).
    """

    SCAN_SHARE = 8  # fuzzy candidates above 1/SCAN_SHARE of the entities: score every key at once instead

    def __init__(self, entities: Iterable[Entity], degree: dict[str, int] | None = None):
        # The build makes millions of small strings and tuples; the cyclic collector would
        # rescan every object of the loaded dataset after each few hundred of them (tens of
        # seconds at 100k relationships instead of one). Nothing built here forms a cycle.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._build(entities, degree)
        finally:
            if collecting:
                gc.enable()

    def _build(self, entities: Iterable[Entity], degree: dict[str, int] | None) -> None:
        self.entities = sorted(entities, key=lambda e: e.id)
        self.by_id = {e.id: e for e in self.entities}
        self.degree = degree or {}
        self.keys = {e.id: entity_keys(e) for e in self.entities}
        self.by_key: dict[str, list[Entity]] = {}
        self._flat: list[str] = []  # every entity's keys, one after another
        self._owner: list[int] = []  # the position in `entities` of each key's entity
        words: dict[str, set[int]] = {}  # each word of a key → the entities whose keys hold it
        for i, e in enumerate(self.entities):
            for k in self.keys[e.id]:
                self.by_key.setdefault(k, []).append(e)
                self._flat.append(k)
                self._owner.append(i)
                for word in k.split():
                    words.setdefault(word, set()).add(i)
        self._degrees = [self.degree.get(e.id, 0) for e in self.entities]
        self._kinds = [e.kind.value for e in self.entities]
        self._degree_array = np.array(self._degrees, dtype=np.int64)
        self._kind_array = np.array(self._kinds)
        self._owner_array = np.array(self._owner, dtype=np.int32)
        # Where each entity's keys begin in `_flat` (every entity has one at least: its id).
        self._key_start = np.searchsorted(self._owner_array, np.arange(len(self.entities) + 1)).astype(np.int64)
        self._grams = Postings.of(enumerate(map(trigrams, self._flat)))
        self._words = sorted(words)
        # The entities holding each word, one array for all words: word i's are at
        # `_word_owner_ids[_word_owner_start[i]:_word_owner_start[i + 1]]`.
        owners = [sorted(words[w]) for w in self._words]
        self._word_owner_start = np.cumsum([0, *map(len, owners)], dtype=np.int64)
        self._word_owner_ids = np.fromiter((i for o in owners for i in o), dtype=np.int32)
        self._word_lengths = np.array([len(w) for w in self._words], dtype=np.int32)
        self._longest_word = max(map(len, self._words), default=0)
        self._variants = Postings.of(
            (i, deletions(w, MAX_WORD_EDITS if len(w) > 3 else 1)) for i, w in enumerate(self._words)
        )

    def exact(self, key: str) -> list[Entity]:
        return self.by_key.get(key, [])

    def _containing(self, query: str) -> list[int]:
        """The positions in `_flat` of the keys containing `query`."""
        flat = self._flat
        if len(query) < GRAM:
            return [i for i, key in enumerate(flat) if query in key]
        grams = trigrams(query)
        rarest = min(grams, key=self._grams.count)
        return [i for i in self._grams.ids([rarest]).tolist() if query in flat[i]]

    def _near_entities(self, query: str) -> npt.NDArray[np.int32]:
        """The entities with a word near a word of `query` (`near_word`), sorted."""
        words: list[str] = self._words
        near: list[npt.NDArray[np.int64]] = []
        for w in query_words(query):
            lo = bisect.bisect_left(words, w)
            hi = bisect.bisect_left(words, w + "{", lo)  # "{" sorts after every folded character
            near.append(np.arange(lo, hi))
            edits = word_edits(w)
            if edits and len(w) - edits <= self._longest_word:  # a longer word is more than its edits from every word
                posted = self._variants.ids(deletions(w, edits))
                posted = posted[np.abs(self._word_lengths[posted] - len(w)) <= edits]
                found = process.extract(
                    w, [words[i] for i in posted.tolist()], scorer=OSA.distance, score_cutoff=edits, limit=None
                )
                near.append(posted[[j for *_, j in found]].astype(np.int64))
        return self._owners_of(distinct(np.concatenate(near)) if near else np.arange(0))

    def _owners_of(self, word_ids: npt.NDArray[np.int_]) -> npt.NDArray[np.int32]:
        """The entities holding any of the words, once each, sorted."""
        starts, ends = self._word_owner_start[word_ids], self._word_owner_start[word_ids + 1]
        return distinct(self._word_owner_ids[_ranges(starts, ends)])

    def _fuzzy(
        self, query: str, ruled: npt.NDArray[np.int32], floor: float
    ) -> tuple[npt.NDArray[np.int32], list[float]]:
        """The fuzzy hits of `query` among the entities not in `ruled`: their positions and
        scores (unrounded; below `floor` left out only as far as rapidfuzz's cutoff does)."""
        cutoff = _cutoff(floor)
        near = self._near_entities(query)
        near = near[~np.isin(near, ruled)]
        if not len(near):
            return near, []
        if len(near) * self.SCAN_SHARE <= len(self.entities):
            # Only the candidates' keys: each entity's keys lie together in `_flat`.
            positions = _ranges(self._key_start[near], self._key_start[near + 1])
            keys = [self._flat[i] for i in positions.tolist()]
            counts = self._key_start[near + 1] - self._key_start[near]
            ratios = process.cdist([query], keys, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.float64)[0]
            best = np.maximum.reduceat(ratios, np.cumsum(counts) - counts)
        else:  # most keys are candidates' anyway: every key in one call, then the candidates'
            ratios = process.cdist([query], self._flat, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.float64)[0]
            best = np.maximum.reduceat(ratios, self._key_start[:-1])[near]
        kept = best > 0
        return near[kept], [fuzzy_score(r) for r in best[kept].tolist()]

    def search(self, q: str, kind: str | None = None, limit: int = 10, floor: float = SEARCH_FLOOR) -> list[Hit]:
        query = fold(q)
        if not query:
            return []
        flat, owner, kinds = self._flat, self._owner, self._kinds
        best: dict[int, float] = {}
        for i in self._containing(query):
            score = rule_score(flat[i], query)
            if score > best.get(owner[i], 0.0):
                best[owner[i]] = score
        positions = np.fromiter(best, dtype=np.int32, count=len(best))
        scores = [round(score, 4) for score in best.values()]
        # Every rule score is above every floor and every fuzzy score: enough of them settle the answer.
        if sum(1 for i in best if kind is None or kinds[i] == kind) < limit:
            fuzzy, fuzzy_scores = self._fuzzy(query, positions, floor)
            positions = np.concatenate([positions, fuzzy])
            scores += _rounded(fuzzy_scores)
        score_array = np.array(scores, dtype=np.float64)
        keep = score_array >= floor
        if kind is not None:
            keep &= self._kind_array[positions] == kind
        positions, score_array = positions[keep], score_array[keep]
        # Entities are in id order, so a position breaks ties as the id does.
        order = np.lexsort((positions, -self._degree_array[positions], -score_array))[:limit]
        degrees, entities = self._degrees, self.entities
        top = zip(positions[order].tolist(), score_array[order].tolist(), strict=True)
        return [Hit(entities[i], s, degrees[i]) for i, s in top]


def _ranges(starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The integers of every range [start, end), one after another.

    Examples
    --------
    >>> _ranges(np.array([2, 7]), np.array([4, 8])).tolist()
    [2, 3, 7]
    """
    counts = ends - starts
    ranges: npt.NDArray[np.int64] = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(
        starts - (np.cumsum(counts) - counts), counts
    )
    return ranges


def _rounded(scores: list[float]) -> list[float]:
    """Each score rounded to 4 places as `round` does, computed once per distinct score
    (fuzzy scores repeat: a few ratios for thousands of candidates)."""
    once = {s: round(s, 4) for s in set(scores)}
    return [once[s] for s in scores]


class StoreNames(Names):
    """Names looked up where the data is (Neo4j): exact keys by an index, search candidates
    from the store, ranked here by `match_score` as the embedded backend ranks them.

    The store returns the best `limit` entities by the match rules (then degree, id) — if
    it finds fewer, every entity containing the query — and only then the fuzzy candidates
    of its full-text index (`candidates` of them, best first). Fuzzy hits can only rank
    below rule hits, so they are needed only to fill the answer.
    """

    def __init__(self, store: NameSearchStore, candidates: int):
        self.store = store
        self.candidates = candidates

    def exact(self, key: str) -> list[Entity]:
        return [e for e, _ in self.store.entities_with_key(key)] if key else []

    def search(self, q: str, kind: str | None = None, limit: int = 10, floor: float = SEARCH_FLOOR) -> list[Hit]:
        query = fold(q)
        if not query:
            return []
        found = {e.id: (e, degree) for e, degree in self.store.name_matches(query, kind, limit)}
        if len(found) < limit:
            for e, degree in self.store.name_candidates(query, kind, self.candidates):
                found.setdefault(e.id, (e, degree))
        hits = []
        for e, degree in found.values():
            score = match_score(entity_keys(e), query, floor)
            if score >= floor:
                hits.append(Hit(e, round(score, 4), degree))
        return ranked(hits, limit)
