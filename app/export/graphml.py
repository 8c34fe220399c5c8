"""GraphML with a typed `<key>` for every attribute, and the manifest as graph data.

Node ids are the entity ids; edge ids are `e0`, `e1`, … in id order (GraphML ids must be
XML name tokens, which the relationship ids are not), with the relationship id in `rel_id`.
Lists (aliases, source documents) are joined with "; ". A missing value has no `<data>`.

For Gephi, which reads it without loss under default settings: the `label` attribute of
`<edge>` is the edge kind (the relationship type, unique per pair, see `edge_kind`), which
Gephi's GraphML importer keeps parallel edges apart by; symmetric types are
`directed="false"` in the directed graph. igraph and yEd read it; networkx's GraphML reader
refuses mixed graphs: read the node-link JSON there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from app.export.stream import FLUSH, encoded
from app.export.xml_text import attr, text, typed

if TYPE_CHECKING:
    from app.export.snapshot import Snapshot

# (domain, attribute name, GraphML type)
KEYS: tuple[tuple[str, str, str], ...] = (
    ("graph", "title", "string"), ("graph", "dataset_version", "string"), ("graph", "exported_at", "string"),
    ("graph", "manifest", "string"),
    ("node", "label", "string"), ("node", "kind", "string"), ("node", "name_en", "string"),
    ("node", "aliases", "string"), ("node", "country", "string"), ("node", "lat", "double"),
    ("node", "lon", "double"), ("node", "description", "string"), ("node", "sources", "string"),
    ("node", "degree", "int"),
    ("edge", "rel_id", "string"), ("edge", "type", "string"), ("edge", "label", "string"),
    ("edge", "start", "string"), ("edge", "end", "string"), ("edge", "start_precision", "string"),
    ("edge", "end_precision", "string"), ("edge", "first_day", "string"), ("edge", "last_day", "string"),
    ("edge", "circa", "boolean"), ("edge", "status", "string"), ("edge", "description", "string"),
    ("edge", "sources", "string"), ("edge", "symmetric", "boolean"),
)  # fmt: skip
_PREFIX = {"graph": "g", "node": "n", "edge": "e"}


def key_id(domain: str, name: str) -> str:
    return f"{_PREFIX[domain]}_{name}"


def _data(domain: str, values: list[tuple[str, Any]], indent: str) -> str:
    return "".join(
        f'{indent}<data key="{key_id(domain, name)}">{text(typed(v))}</data>\n'
        for name, v in values
        if v not in (None, "")
    )


def pieces(snapshot: Snapshot) -> Iterator[str]:
    m = snapshot.manifest
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
    for domain, name, kind in KEYS:
        yield f'  <key id="{key_id(domain, name)}" for="{domain}" attr.name="{name}" attr.type="{kind}"/>\n'
    yield '  <graph id="citygraph" edgedefault="directed">\n'
    graph_values = [
        ("title", snapshot.title), ("dataset_version", m["dataset_version"]),
        ("exported_at", m["exported_at"]), ("manifest", snapshot.manifest_json()),
    ]  # fmt: skip
    yield _data("graph", graph_values, "    ")
    yield FLUSH  # the header goes out before the nodes, which may need a pass over the relationships first
    for e, degree, _ in snapshot.nodes(spells=False):
        values = [
            ("label", e.name), ("kind", e.kind.value), ("name_en", e.name_en), ("aliases", "; ".join(e.aliases)),
            ("country", e.country), ("lat", e.lat), ("lon", e.lon), ("description", e.description),
            ("sources", "; ".join(dict.fromkeys(s.document for s in e.sources))), ("degree", degree),
        ]  # fmt: skip
        yield f"    <node id={attr(e.id)}>\n{_data('node', values, '      ')}    </node>\n"
    for i, (r, kind) in enumerate(snapshot.with_kinds()):
        values = [
            ("rel_id", r.id), ("type", r.type), ("label", r.type),
            ("start", str(r.start) if r.start else None), ("end", str(r.end) if r.end else None),
            ("start_precision", r.start.precision if r.start else None),
            ("end_precision", r.end.precision if r.end else None),
            ("first_day", r.period.first.isoformat() if r.start else None),
            ("last_day", r.period.last.isoformat() if r.end else None),
            ("circa", r.circa), ("status", r.status), ("description", r.description),
            ("sources", "; ".join(dict.fromkeys(s.document for s in r.sources))), ("symmetric", r.symmetric),
        ]  # fmt: skip
        ends = f"source={attr(r.source)} target={attr(r.target)}"
        how = ' directed="false"' if r.symmetric else ""
        yield f'    <edge id="e{i}" {ends}{how} label={attr(kind)}>\n{_data("edge", values, "      ")}    </edge>\n'
    yield "  </graph>\n</graphml>\n"


def render(snapshot: Snapshot) -> Iterator[bytes]:
    return encoded(pieces(snapshot))
