"""Name matching: the accent rules, the ranking rules, and the batch search equal to the
one-entity score it is built from."""

from __future__ import annotations

import random

import pytest
from rapidfuzz.distance import OSA

from app.analysis import name_postings, names
from app.analysis.names import EntityIndex, fold
from app.errors import AmbiguousEntity, EntityNotFound
from app.model import Dataset, Entity
from app.stores.memory import MemoryStore
from app.vocabulary import Kind
from seed.synth import synthetic_dataset

QUERIES = (
    "aarhus", "Århus", "amt", "Viborg Komune", "Marijampole", "sister city of harbin", "xq",
    "Odnse", "kopenhagen", "kommune", "vib", "ærø", "region midt", "Nowhere-at-all", "a",
)  # fmt: skip


def oracle(index: EntityIndex, q: str, kind: str | None, floor: float) -> list[tuple[str, float, int]]:
    """The ranking by scoring each entity alone with `match_score`: what the batch must equal."""
    query = fold(q)
    scored = []
    for e in index.entities:
        score = names.match_score(index.keys[e.id], query, floor)
        if score >= floor and (kind is None or e.kind.value == kind):
            scored.append((e.id, round(score, 4), index.degree.get(e.id, 0)))
    return sorted(scored, key=lambda t: (-t[1], -t[2], t[0]))


@pytest.mark.parametrize("floor", [names.SEARCH_FLOOR, names.SUGGEST_FLOOR])
def test_batch_search_equals_scoring_one_by_one(seed_dataset: Dataset, floor: float) -> None:
    """`EntityIndex.search` (containment per key, then rapidfuzz over all keys at once) ranks
    exactly as scoring every entity alone: same entities, scores and order."""
    degree: dict[str, int] = {}
    for r in seed_dataset.relationships:
        degree[r.source] = degree.get(r.source, 0) + 1
        degree[r.target] = degree.get(r.target, 0) + 1
    index = EntityIndex(seed_dataset.entities, degree)
    for q in QUERIES:
        for kind in (None, "Municipality"):
            got = [(h.entity.id, h.score, h.degree) for h in index.search(q, kind, limit=1000, floor=floor)]
            assert got == oracle(index, q, kind, floor), (q, kind)
    assert index.search("kopenhagen", floor=floor)  # fuzzy hits do occur among these queries


def entity(eid: str, name: str, *aliases: str, kind: Kind = Kind.ForeignCity) -> Entity:
    return Entity(eid, kind, name, aliases=aliases)


def test_rules_rank_exact_prefix_word_substring_then_fuzzy() -> None:
    index = EntityIndex(
        [
            entity("e1", "Borg"),
            entity("e2", "Borgholm"),
            entity("e3", "Old Borgund"),
            entity("e4", "Viborg"),
            entity("e5", "Borj"),
        ]
    )
    hits = index.search("borg", limit=10, floor=names.SUGGEST_FLOOR)
    assert [(h.entity.id, h.score) for h in hits] == [
        ("e1", 1.0), ("e2", 0.9), ("e3", 0.8), ("e4", 0.7), ("e5", 0.45),
    ]  # fmt: skip


def test_degree_then_id_break_ties() -> None:
    index = EntityIndex(
        [entity("b", "Lund"), entity("d", "Lund Dom"), entity("a", "Lund Kommune"), entity("c", "Lund Stift")], {"c": 5}
    )
    # 1.0, then the 0.9s by degree, then by id
    assert [(h.entity.id, h.score, h.degree) for h in index.search("Lund", limit=5)] == [
        ("b", 1.0, 0), ("c", 0.9, 5), ("a", 0.9, 0), ("d", 0.9, 0),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("written", "asked"),
    [("Århus", "Aarhus"), ("Aarhus", "århus"), ("Ærøskøbing", "AEROSKOBING"), ("Marijampolė", "marijampole"),
     ("Győr-Moson-Sopron", "gyor moson sopron"), ("Łódź", "Lodz")],
)  # fmt: skip
def test_accent_rules(written: str, asked: str) -> None:
    index = EntityIndex([entity("x", written), entity("y", "Elsewhere")])
    assert index.resolve(asked).id == "x"
    assert index.search(asked)[0].score == 1.0


def test_typo_suggestions_and_ambiguity() -> None:
    index = EntityIndex([entity("odense", "Odense"), entity("lund-se", "Lund"), entity("lund-no", "Lund")])
    with pytest.raises(EntityNotFound) as missing:
        index.resolve("Odnse")
    assert missing.value.details["suggestions"][0]["id"] == "odense"
    assert "did you mean 'Odense'" in missing.value.message
    with pytest.raises(AmbiguousEntity) as ambiguous:
        index.resolve("lund")
    assert [c["id"] for c in ambiguous.value.details["candidates"]] == ["lund-no", "lund-se"]
    assert index.resolve("lund-se").id == "lund-se"


def test_long_unknown_name_is_refused_without_suggestions(seed_dataset: Dataset) -> None:
    """A 15,000-character name matches nothing: rapidfuzz's cutoff rules every key out by length."""
    index = EntityIndex(seed_dataset.entities)
    with pytest.raises(EntityNotFound) as missing:
        index.resolve("Aarhus" * 2500)
    assert missing.value.details["suggestions"] == []


def _typos(word: str, rng: random.Random) -> list[str]:
    """A word with a letter dropped, doubled, swapped with its neighbour and replaced."""
    i = rng.randrange(max(len(word) - 1, 1))
    return [
        word[:i] + word[i + 1 :], word[:i] + word[i] + word[i:], word[:i] + word[i + 1 : i + 2] + word[i] + word[i + 2 :],
        word[:i] + "q" + word[i + 1 :],
    ]  # fmt: skip


def test_posted_search_equals_scoring_one_by_one_on_synthetic_names() -> None:
    """On a synthetic graph (names alike but for a number, so many near misses) the posting
    lists find exactly what scoring every entity finds, at any limit: prefixes, typos of one
    and two edits, several words, one or two letters (the scan), and rule hits that fill the
    answer (no fuzzy search needed)."""
    dataset = synthetic_dataset(3000)
    index = EntityIndex(dataset.entities, MemoryStore(dataset).degrees())
    rng = random.Random(8)
    queries = ["e1", "mu", "7", "municipality", "region 3", "mun12 kommune"]
    for e in rng.sample(index.entities, 25):
        queries += [e.id[:4], e.name, e.name[:-1] + "x", *_typos(fold(e.name).split()[0], rng), *_typos(e.id, rng)]
    scanned = posted = 0
    for q in queries:
        for floor in (names.SEARCH_FLOOR, names.SUGGEST_FLOOR):
            want = oracle(index, q, None, floor)
            for limit in (1, 5, 1000):
                got = [(h.entity.id, h.score, h.degree) for h in index.search(q, None, limit=limit, floor=floor)]
                assert got == want[:limit], (q, floor, limit)
        near = index._near_entities(fold(q)) if fold(q) else set()
        scanned += len(near) * index.SCAN_SHARE > len(index.entities)
        posted += 0 < len(near) * index.SCAN_SHARE <= len(index.entities)
    assert scanned and posted  # both ways of finding fuzzy candidates were checked
    assert index.search("Municipalty 12", limit=3)  # a typo still finds something


@pytest.mark.parametrize(
    ("word", "other"), [("viborg", "vibrog"), ("odense", "odnse"), ("aarhus", "arhsu"), ("ab", "ba")]
)
def test_words_within_their_edits_share_a_deletion_variant(word: str, other: str) -> None:
    """The symmetric-deletion rule the typo postings rest on: within k edits (a swap of
    neighbours is one), some string is reached from both by at most k deletions."""
    k = 2
    assert OSA.distance(word, other) <= k
    assert name_postings.deletions(word, k) & name_postings.deletions(other, k)
