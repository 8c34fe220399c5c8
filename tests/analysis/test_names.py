"""Name matching: a very long unknown name costs no sequence matching; rankings unchanged."""

from __future__ import annotations

import difflib

import pytest

from app.analysis import names
from app.analysis.names import EntityIndex, fold
from app.errors import EntityNotFound
from app.model import Dataset


class CountingMatcher(difflib.SequenceMatcher):  # type: ignore[type-arg]
    calls = 0

    def ratio(self) -> float:
        CountingMatcher.calls += 1
        return super().ratio()


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> type[CountingMatcher]:
    CountingMatcher.calls = 0
    monkeypatch.setattr(names.difflib, "SequenceMatcher", CountingMatcher)
    return CountingMatcher


def test_long_unknown_name_skips_fuzzy_matching(seed_dataset: Dataset, counting: type[CountingMatcher]) -> None:
    """A 15,000-character name is refused with no sequence match at all (issue 9, defect 1)."""
    index = EntityIndex(seed_dataset.entities)
    with pytest.raises(EntityNotFound):
        index.resolve("Aarhus" * 2500)
    assert counting.calls == 0


def test_pruning_keeps_the_ranking(seed_dataset: Dataset) -> None:
    """Scores with the length bound equal the unpruned scores wherever they reach the floor."""
    index = EntityIndex(seed_dataset.entities)
    for q in ("aarhus", "amt", "Viborg Komune", "Marijampole", "sister city of harbin", "xq"):
        query = fold(q)
        for e in index.entities:
            keys = index.keys[e.id]
            full = names.match_score(keys, query)
            pruned = names.match_score(keys, query, 0.3)
            assert pruned == full or (full < 0.3 and pruned < 0.3)
