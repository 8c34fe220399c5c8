"""Degree points from counts (`app.analysis.degree_years`) equal each year's own ranking."""

from __future__ import annotations

import random
from collections import Counter

from app.analysis.centrality import ranking
from app.analysis.degree_years import DegreeYears


def test_points_equal_each_years_ranking() -> None:
    """Random entities whose degree changes over the years (some open-ended, some before any
    other): counted as `history_degree_counts` counts them, every year's score, rank and
    number ranked are what a ranking of that year's degree centrality gives."""
    rng = random.Random(11)
    timelines: dict[str, list[tuple[int, int, int]]] = {}  # entity: (from, to, degree) without overlaps
    for i in range(400):
        year, steps = rng.randrange(1940, 2000), []
        for _ in range(rng.randrange(1, 5)):
            last = year + rng.randrange(0, 15)
            steps.append((year, 9999 if rng.random() < 0.1 else last, rng.choice([1, 1, 2, 3, 7, 40])))
            year = last + 1 + rng.randrange(0, 3)
            if steps[-1][1] == 9999:
                break
        timelines[f"e{i}"] = steps
    counted = Counter(step for steps in timelines.values() for step in steps)
    table = DegreeYears([(a, b, d, c) for (a, b, d), c in counted.items()])
    for year in range(1930, 2040, 3):
        degree = {e: d for e, steps in timelines.items() for a, b, d in steps if a <= year <= b}
        n = len(degree)
        yearly = ranking({e: d * (1 / (n - 1)) if n > 1 else 0.0 for e, d in degree.items()})
        for entity in list(timelines)[:60]:
            hit = yearly.find(entity)
            assert table.point(year, degree.get(entity, 0)) == (*(hit or (0.0, None)), len(yearly)), (year, entity)
    assert DegreeYears([]).point(2000, 3) == (0.0, None, 0)
    assert DegreeYears([(2000, 2001, 1, 1)]).point(2000, 1) == (0.0, 1, 1)  # one ranked: rank 1, as a ranking of one
