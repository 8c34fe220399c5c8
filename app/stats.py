"""The counts behind `/stats`: a function of the dataset alone, so one count per version.

The embedded store counts its records once per version; the Neo4j loader counts the
dataset it writes with the same function and keeps the result on the version mark
(`CityGraphMeta.stats`), so `/stats` on a million relationships reads one property instead
of aggregating them all. `to_json`/`from_json` carry the counts through that property.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from app.model import Entity, Relationship

COUNTERS = ("by_kind", "by_type", "by_decade", "by_dating", "by_document")


class RecordCounter:
    """The counts of `count_records`, made one record at a time (an export counts what it writes)."""

    def __init__(self) -> None:
        self._counts: dict[str, Any] = {key: Counter() for key in COUNTERS}
        self._dated = self._attested_only = 0

    def entity(self, e: Entity) -> None:
        self._counts["by_kind"][e.kind.value] += 1

    def relationship(self, r: Relationship) -> None:
        counts = self._counts
        counts["by_type"][r.type] += 1
        counts["by_decade"][r.start.year // 10 * 10 if r.start else None] += 1
        dating = r.dating
        counts["by_dating"][dating] += 1
        by_document = counts["by_document"]
        for s in r.sources:
            by_document[s.document] += 1
        dated = r.dated
        self._dated += dated
        self._attested_only += dating == "attested" and not dated  # attested, and neither start nor end

    def counts(self) -> dict[str, Any]:
        return {**self._counts, "dated": self._dated, "attested_only": self._attested_only}


def count_records(entities: Iterable[Entity], rels: Iterable[Relationship]) -> dict[str, Any]:
    """By kind, type, decade of start (`None`: no start), dating and document; and the
    numbers of dated and of attested-only relationships."""
    counter = RecordCounter()
    for e in entities:
        counter.entity(e)
    for r in rels:  # one pass: an export hands its relationships in as store pages, never all at once
        counter.relationship(r)
    return counter.counts()


def add_counts(*parts: dict[str, Any]) -> dict[str, Any]:
    """The counts of several parts of a dataset together (`count_records` of each).

    Examples
    --------
    >>> a = count_records([], [])
    >>> a["dated"] = 2
    >>> add_counts(a, a)["dated"]
    4
    """
    return {
        **{key: sum((p[key] for p in parts), Counter()) for key in COUNTERS},
        "dated": sum(p["dated"] for p in parts),
        "attested_only": sum(p["attested_only"] for p in parts),
    }


def to_json(counts: dict[str, Any]) -> str:
    """The counts as JSON text (pairs, since a decade key may be `None`).

    Examples
    --------
    >>> c = {"by_kind": Counter({"Company": 2}), "by_type": Counter(), "by_decade": Counter({None: 1, 1990: 2}),
    ...      "by_dating": Counter(), "by_document": Counter(), "dated": 2, "attested_only": 0}
    >>> from_json(to_json(c)) == c
    True
    """
    out: dict[str, Any] = {
        key: sorted(counts[key].items(), key=lambda kv: (kv[0] is None, str(kv[0]))) for key in COUNTERS
    }
    return json.dumps({**out, "dated": counts["dated"], "attested_only": counts["attested_only"]})


def from_json(text: str) -> dict[str, Any]:
    data = json.loads(text)
    return {
        **{key: Counter({k: n for k, n in data[key]}) for key in COUNTERS},
        "dated": data["dated"],
        "attested_only": data["attested_only"],
    }
