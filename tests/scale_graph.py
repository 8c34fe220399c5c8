"""A synthetic graph with a realistic shape, for scale tests: heavy-tailed degrees
(preferential attachment: a few hubs, many entities with one or two links), every kind and
type, years 1950–2020 with some undated links, and some parallel links.

Deterministic for a seed. `citygraph synth` (issue 8) writes such graphs as CSV folders;
this in-memory one keeps the normal suite free of files.
"""

from __future__ import annotations

import random

from app.dates import PartialDate
from app.model import Dataset, Entity, Relationship, Source
from app.vocabulary import REL_TYPE_NAMES, Kind

SRC = (Source("synthetic.txt", "generated"),)


def scale_dataset(relationships: int, seed: int = 1) -> Dataset:
    """About `relationships` relationships over one entity per four of them."""
    rng = random.Random(seed)
    kinds = list(Kind)
    n = max(relationships // 4, 10)
    entities = tuple(
        Entity(f"s{i:07d}", kinds[i % len(kinds)], f"Synthetic {i} Ærøskøbing" if i % 7 == 0 else f"Synthetic {i}",
               country="DK" if i % 3 else "SE", sources=SRC)
        for i in range(n)
    )  # fmt: skip
    ends: list[int] = [0, 1]  # every endpoint so far: drawing from it is preferential attachment
    rels: dict[str, Relationship] = {}
    i = 0
    while len(rels) < relationships:
        i += 1
        a = min(len(ends) // 2 + 1, n - 1) if rng.random() < 0.3 else rng.randrange(n)
        b = rng.choice(ends)
        if a == b:
            continue
        year = rng.randint(1950, 2020)
        undated = rng.random() < 0.1
        start = None if undated else PartialDate(year, rng.randint(1, 12) if i % 3 == 0 else None)
        end = PartialDate(year + rng.randint(0, 15)) if not undated and rng.random() < 0.5 else None
        rel = Relationship(f"s{a:07d}", REL_TYPE_NAMES[i % len(REL_TYPE_NAMES)], f"s{b:07d}", start=start, end=end,
                           description=f"link {i}", sources=SRC)  # fmt: skip
        rels.setdefault(rel.id, rel)
        ends += [a, b]
    return Dataset(entities, tuple(rels.values()), version=f"synthetic-{relationships}-{seed}")
