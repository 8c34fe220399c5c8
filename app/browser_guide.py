"""The project's guide and style for Neo4j Browser, run on connect (`browser.post_connect_cmd`).

`guide_html` is a legacy `:play` guide (an HTML fragment of slides): what the graph holds,
counted from the data it is given, how dates and sources are stored, and the queries of
`cypher/browser.cypher` as runnable blocks (a click puts one in the editor). `grass` is the
GraSS style: the kind colours of the figures (`app.palette`), nodes captioned by `name` as in
the figures, relationships by type. Both are plain text, the same bytes for the same data, so
the local launcher can serve them as files and the API can serve them from its store.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from app.cypher_registry import CypherRegistry
from app.model import Entity, Relationship
from app.palette import KIND_COLOURS, text_colour
from app.vocabulary import KIND_HELP, REL_TYPE_BY_NAME, Kind

GUIDE_FILE, STYLE_FILE = "guide.html", "style.grass"
QUERIES_PER_SLIDE = 3
_NODE_DIAMETER = {Kind.Municipality: 80, Kind.Region: 80, Kind.ForeignCity: 70, Kind.Country: 60}


def grass() -> str:
    """The GraSS style sheet: one fixed colour per kind, captions by name and by type."""
    rules = [
        "node {\n  diameter: 65px;\n  color: #A5ABB6;\n  border-color: #808080;\n  border-width: 2px;\n"
        '  text-color-internal: #000000;\n  font-size: 10px;\n  caption: "{name}";\n}',
        "relationship {\n  color: #A5ABB6;\n  shaft-width: 2px;\n  font-size: 8px;\n  padding: 3px;\n"
        '  text-color-external: #000000;\n  text-color-internal: #FFFFFF;\n  caption: "<type>";\n}',
    ]
    for kind in Kind:
        colour = KIND_COLOURS[kind]
        rules.append(
            f"node.{kind.value} {{\n  color: {colour};\n  border-color: {colour};\n"
            f"  text-color-internal: {text_colour(colour)};\n  diameter: {_NODE_DIAMETER.get(kind, 65)}px;\n"
            '  caption: "{name}";\n}'
        )
    return "\n".join(rules) + "\n"


def _slide(title: str, body: str) -> str:
    return (
        f'<slide class="row-fluid">\n<div class="col-sm-12">\n<h3>{html.escape(title)}</h3>\n{body}\n</div>\n</slide>'
    )


def _table(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="table-condensed">\n<tr>{head}</tr>\n{body}\n</table>'


def _swatch(kind: Kind) -> str:
    colour = KIND_COLOURS[kind]
    return (
        f'<span style="background:{colour};color:{text_colour(colour)};padding:1px 6px;'
        f'border-radius:8px">{kind.value}</span>'
    )


@dataclass(frozen=True)
class Holdings:
    """What the counts slide shows: entities by kind, relationships by type and, by type, how many have a start."""

    kinds: Counter[Kind]
    types: Counter[str]
    started: Counter[str]

    @classmethod
    def count(cls, entities: Iterable[Entity], relationships: Iterable[Relationship]) -> Holdings:
        """Counted in one pass over each (the embedded API passes the store's pages); Neo4j counts
        the same in two aggregations (`Neo4jStore.guide_counts`)."""
        kinds = Counter(e.kind for e in entities)
        types: Counter[str] = Counter()
        started: Counter[str] = Counter()
        for r in relationships:
            types[r.type] += 1
            started[r.type] += r.start is not None
        return cls(kinds, types, started)


def _holdings(holdings: Holdings) -> str:
    """The counts slide."""
    kinds, types, dated = holdings.kinds, holdings.types, holdings.started
    kind_rows = [
        (_swatch(k), str(n), html.escape(KIND_HELP[k]))
        for k, n in sorted(kinds.items(), key=lambda kn: (-kn[1], kn[0]))
    ]
    type_rows = [
        (f"<code>{t}</code>", str(n), str(dated[t]), html.escape(REL_TYPE_BY_NAME[t].help))
        for t, n in sorted(types.items(), key=lambda tn: (-tn[1], tn[0]))
    ]
    return (
        f"<p>{kinds.total()} entities and {types.total()} relationships from five Danish documents "
        "on the international work of Danish municipalities and regions (city diplomacy). Every entity has "
        "the label <code>Entity</code> and its kind; colours are the same as in the project's figures.</p>\n"
        + _table(("kind", "entities", "what it is"), kind_rows)
        + "\n<p>Relationship types (direction: read source → target):</p>\n"
        + _table(("type", "links", "with a start date", "meaning"), type_rows)
    )


_STORAGE = """<p><b>Dates as written.</b> <code>r.start</code> and <code>r.end</code> hold a date as the
source writes it: <code>"2018"</code>, <code>"2010-01"</code> or <code>"2007-01-10"</code>, with
<code>start_precision</code>/<code>end_precision</code> (<code>year</code>, <code>month</code>,
<code>day</code>). A year stands for the whole year. Where a source says a link existed at some date
but not when it began, <code>attested</code> lists those dates as written, and <code>dating</code>
says how the beginning is known: <code>dated</code> (a start), <code>attested</code> or
<code>undated</code>.</p>
<p><b>Dates for filtering.</b> <code>r.first</code> and <code>r.last</code> are Neo4j
<code>Date</code> values: the first day the start covers and the last day the end covers
(<code>"2018"</code> as an end is 2018-12-31); an attested link begins at its earliest
attestation. Open ends are 0001-01-01 and 9999-12-31, so
an undated link is in force at any date. Both are range-indexed per type. "In force in 2016":
<code>r.first &lt;= date('2016-12-31') AND r.last &gt;= date('2016-01-01')</code>.</p>
<p><b>Sources.</b> Every entity and link cites the seed documents (by file name) with short
verbatim quotes: <code>source_documents</code> lists each document once,
<code>source_quotes</code> every quote, and <code>source_quote_document</code> the position in
<code>source_documents</code> of each quote's document. <code>circa</code>, <code>status</code>
(planned, active, ended) and <code>description</code> (English) complete a link.</p>
<p><b>Names.</b> <code>name</code> is the name the entity goes by, in Danish where it is a Danish
name (Viborg Kommune, Region Midtjylland); <code>name_en</code> the English one where it differs;
<code>aliases</code> other spellings. The full-text index <code>entity_names</code> covers all three.</p>"""


def _query_block(doc: str, text: str) -> str:
    question, _, explanation = doc.partition("\n")
    return (
        f"<h4>{html.escape(question)}</h4>\n<p>{html.escape(' '.join(explanation.split()))}</p>\n"
        f'<pre mode="cypher" class="pre-scrollable code runnable">{html.escape(text)}</pre>'
    )


def guide_html(holdings: Holdings, registry: CypherRegistry) -> str:
    """The `:play` guide for the given data, with the `browser_*` queries in file order."""
    queries = [q for name, q in registry.queries.items() if name.startswith("browser_")]
    slides = [
        _slide(
            "City Diplomacy Graph",
            "<p>Danish municipalities' international relationships: who worked with whom, when, "
            "and where it is written. Click a query below to put it in the editor, then run it "
            "(Ctrl+Enter). Click a node or a relationship to see its properties.</p>\n"
            + "<ol>"
            + "".join(f"<li>{html.escape(q.doc.partition(chr(10))[0])}</li>" for q in queries)
            + "</ol>",
        ),
        _slide("What the graph holds", _holdings(holdings)),
        _slide("How dates and sources are stored", _STORAGE),
    ]
    for i in range(0, len(queries), QUERIES_PER_SLIDE):
        chunk = queries[i : i + QUERIES_PER_SLIDE]
        slides.append(_slide("Questions to ask", "\n".join(_query_block(q.doc, q.text) for q in chunk)))
    return (
        '<article class="guide">\n<carousel class="deck container-fluid">\n'
        + "\n".join(slides)
        + "\n</carousel>\n</article>\n"
    )


def write(folder: Path, entities: Iterable[Entity], relationships: Iterable[Relationship]) -> list[Path]:
    """Write the guide and the style into `folder` (created if missing); returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    guide, style = folder / GUIDE_FILE, folder / STYLE_FILE
    guide.write_text(guide_html(Holdings.count(entities, relationships), CypherRegistry()), encoding="utf-8")
    style.write_text(grass(), encoding="utf-8")
    return [guide, style]
