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


def count_records(entities: Iterable[Entity], rels: Iterable[Relationship]) -> dict[str, Any]:
    """By kind, type, decade of start (`None`: no start), dating and document; and the
    numbers of dated and of attested-only relationships."""
    counts: dict[str, Any] = {key: Counter() for key in COUNTERS}
    counts["by_kind"].update(e.kind.value for e in entities)
    dated = attested_only = 0
    for r in rels:  # one pass: an export hands its relationships in as store pages, never all at once
        counts["by_type"][r.type] += 1
        counts["by_decade"][r.start.year // 10 * 10 if r.start else None] += 1
        counts["by_dating"][r.dating] += 1
        counts["by_document"].update(s.document for s in r.sources)
        dated += r.dated
        attested_only += bool(r.attested and not r.dated)
    return {**counts, "dated": dated, "attested_only": attested_only}


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
