"""GEXF 1.3, dynamic: Gephi's timeline plays the network's growth from the relationship dates.

- `<graph mode="dynamic" timeformat="date">`; every dated relationship is an edge with one
  `<spell>` from its first to its last day. A date keeps its precision, so a relationship
  from 1998 to 2001 has the spell 1998-01-01 … 2001-12-31, and an open end is left out
  (the spell runs on). A relationship no source dates the start of begins at its earliest
  attestation; one neither dated nor attested has no spell: it holds at all times.
- A node's spells are the union of its relationships' spells (merged where they meet), so
  an entity appears with its first tie and goes when its last one ends; an entity with an
  undated relationship, or none, is always there.
- Attributes: kind, name_en, aliases, country, lat, lon, description, sources, degree on
  nodes; type, start, end, circa, status, description, sources, symmetric on edges.
- The manifest is the JSON text of `<meta><description>`; `lastmodifieddate` is the export day.

Edges for Gephi, which reads this file without loss under its default import settings:
each edge's `kind` is its relationship type (made unique where one pair has two
relationships of a type, see `edge_kind`), so parallel relationships stay apart instead of
merging; symmetric types (twinning, partnership, cooperation) are `type="undirected"` and
the rest `type="directed"`, and the graph has no `defaultedgetype` (a mixed graph, as
Gephi itself writes one). networkx's GEXF reader refuses mixed graphs: read the node-link
JSON there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from app.dates import DAY_MAX, DAY_MIN
from app.export.spells import Interval, edge_interval
from app.export.stream import FLUSH, encoded
from app.export.xml_text import attr, text, typed

if TYPE_CHECKING:
    from app.export.snapshot import Snapshot

NS = "http://gexf.net/1.3"
NODE_ATTRIBUTES = (
    ("kind", "string"), ("name_en", "string"), ("aliases", "string"), ("country", "string"),
    ("lat", "double"), ("lon", "double"), ("description", "string"), ("sources", "string"), ("degree", "integer"),
)  # fmt: skip
EDGE_ATTRIBUTES = (
    ("type", "string"), ("start", "string"), ("end", "string"), ("circa", "boolean"), ("status", "string"),
    ("description", "string"), ("sources", "string"), ("symmetric", "boolean"),
)  # fmt: skip


def _spells(intervals: list[Interval] | None, indent: str) -> str:
    if not intervals:
        return ""
    rows = []
    for first, last in intervals:
        start = f' start="{first.isoformat()}"' if first != DAY_MIN else ""
        end = f' end="{last.isoformat()}"' if last != DAY_MAX else ""
        rows.append(f"{indent}  <spell{start}{end}/>\n")
    return f"{indent}<spells>\n{''.join(rows)}{indent}</spells>\n"


def _attvalues(values: list[tuple[str, object]], indent: str) -> str:
    rows = [
        f'{indent}  <attvalue for="{key}" value={attr(typed(v))}/>\n' for key, v in values if v not in (None, "", ())
    ]
    return f"{indent}<attvalues>\n{''.join(rows)}{indent}</attvalues>\n" if rows else ""


def _declare(cls: str, attributes: tuple[tuple[str, str], ...]) -> str:
    rows = "".join(f'      <attribute id="{name}" title="{name}" type="{kind}"/>\n' for name, kind in attributes)
    return f'    <attributes class="{cls}">\n{rows}    </attributes>\n'


def pieces(snapshot: Snapshot) -> Iterator[str]:
    m = snapshot.manifest
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f'<gexf xmlns="{NS}" version="1.3">\n'
    yield f'  <meta lastmodifieddate="{m["exported_at"][:10]}">\n'
    yield f"    <creator>{text(m['generator'])}</creator>\n"
    yield "    <keywords>city diplomacy, Denmark, international relationships</keywords>\n"
    yield f"    <description>{text(json.dumps(m, ensure_ascii=False, indent=2))}</description>\n"
    yield "  </meta>\n"
    yield '  <graph mode="dynamic" timeformat="date" timerepresentation="interval" idtype="string">\n'
    yield _declare("node", NODE_ATTRIBUTES)
    yield _declare("edge", EDGE_ATTRIBUTES)
    yield FLUSH  # the header goes out before the nodes, which may need a pass over the relationships first
    yield f'    <nodes count="{len(snapshot.entities)}">\n'
    for e, degree, spells in snapshot.nodes():
        values: list[tuple[str, object]] = [
            ("kind", e.kind.value), ("name_en", e.name_en), ("aliases", "; ".join(e.aliases)), ("country", e.country),
            ("lat", e.lat), ("lon", e.lon), ("description", e.description),
            ("sources", "; ".join(dict.fromkeys(s.document for s in e.sources))), ("degree", degree),
        ]  # fmt: skip
        body = _attvalues(values, "        ") + _spells(spells, "        ")
        yield f"      <node id={attr(e.id)} label={attr(e.name)}>\n{body}      </node>\n"
    yield "    </nodes>\n"
    yield f'    <edges count="{len(snapshot.relationships)}">\n'
    for r, kind in snapshot.with_kinds():
        values = [
            ("type", r.type), ("start", str(r.start) if r.start else None), ("end", str(r.end) if r.end else None),
            ("circa", r.circa), ("status", r.status), ("description", r.description),
            ("sources", "; ".join(dict.fromkeys(s.document for s in r.sources))), ("symmetric", r.symmetric),
        ]  # fmt: skip
        interval = edge_interval(r)
        body = _attvalues(values, "        ") + _spells([interval] if interval else None, "        ")
        ends = f"source={attr(r.source)} target={attr(r.target)}"
        how = f'type="{"undirected" if r.symmetric else "directed"}" kind={attr(kind)}'
        yield f"      <edge id={attr(r.id)} {ends} {how} label={attr(r.type)}>\n{body}      </edge>\n"
    yield "    </edges>\n  </graph>\n</gexf>\n"


def render(snapshot: Snapshot) -> Iterator[bytes]:
    return encoded(pieces(snapshot))
