"""A zip of `nodes.csv` and `edges.csv` that Gephi's and Kumu's spreadsheet imports both accept.

One column set serves both tools (see the README, "CSV columns"):

- `nodes.csv`: `Id`, `Label`, `Type` first. Gephi keys nodes by `Id` and shows `Label`;
  Kumu keys elements by `Label` and reads `Type` as the element type (here the kind).
  Labels are made unique (a clashing name gets its kind in brackets), because Kumu
  matches connections to elements by label (`labels`: found without reading every entity
  first, so the file starts at once).
- `edges.csv`: `Source`, `Target`, `Type`, `Kind`, `Id`, `Label`, `Timeset` for Gephi
  (`Type` is Directed or Undirected; `Kind` the edge kind that keeps parallel edges apart,
  see `edge_kind`; `Label` the relationship type; `Timeset` the period as a Gephi interval
  set), then `From`, `To` (the labels) and `Direction` (directed or mutual) for Kumu. Every
  other column is an attribute in both.
- Both tables import through Gephi's spreadsheet importer with the column types it detects:
  dates as written are one text column, `Dates` ("1998–2001", "c. 2014–2018", "2004–"),
  because separate start and end columns ("2004", "1999-03") are detected as timestamps,
  which switch Gephi to timestamps and break the append of the edges (ClassCastException).
  The timeline comes from `Timeset` on both tables (a node's is the union of its ties').

UTF-8 with a byte-order mark, so that Excel, which otherwise reads a CSV in the local
code page, shows "Århus" and "Ølstykke" intact; Python reads it with `utf-8-sig`.
Rows end in CRLF (RFC 4180), lists are joined with "; ", dates keep their precision.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING

from app.export.archive import Member, zip_chunks
from app.export.spells import Interval, edge_interval, gephi_interval_set
from app.export.stream import CHUNK
from app.model import Relationship

if TYPE_CHECKING:
    from app.export.snapshot import Snapshot

NODE_COLUMNS = (
    "Id",
    "Label",
    "Type",
    "Name EN",
    "Aliases",
    "Country",
    "Latitude",
    "Longitude",
    "Description",
    "Sources",
    "Degree",
    "Timeset",
)
EDGE_COLUMNS = (
    "Source", "Target", "Type", "Kind", "Id", "Label", "Timeset", "From", "To", "Direction",
    "Dates", "Circa", "Status", "Description", "Sources",
)  # fmt: skip
BOM = "\ufeff"
NAMED_BATCH = 2000  # relationships whose ends are named (labelled) at once: one look-up of their names


def table_chunks(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """A CSV table (BOM, header, CRLF rows) as UTF-8 chunks of about `CHUNK` characters, written as rows come."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
        if out.tell() >= CHUNK:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def _listed(interval: Interval | None) -> list[Interval] | None:
    return [interval] if interval else None


def _num(v: float | None) -> str | None:
    return None if v is None else repr(v)


def dates_as_written(rel: Relationship) -> str:
    """The dates as the source gives them, in one cell that no spreadsheet reads as a number or date.

    Examples
    --------
    >>> from app.dates import PartialDate as P
    >>> dates_as_written(Relationship("a", "FUNDED", "b", start=P(1998), end=P(2001), circa=True))
    'c. 1998–2001'
    >>> dates_as_written(Relationship("a", "FUNDED", "b", start=P(2004, 3))), dates_as_written(Relationship("a", "FUNDED", "b"))
    ('2004-03–', '')
    """
    if not rel.dated:
        return ""
    return f"{'c. ' if rel.circa else ''}{rel.start or ''}–{rel.end or ''}"


def tables(snapshot: Snapshot) -> dict[str, Member]:
    """The two CSV files, each as a producer of its chunks (the relationships are read as they are written)."""
    return {"nodes.csv": lambda: _nodes(snapshot), "edges.csv": lambda: _edges(snapshot)}


def _nodes(snapshot: Snapshot) -> Iterator[bytes]:
    labels = snapshot.labels
    nodes = (
        [e.id, labels.of(e), e.kind.value, e.name_en, "; ".join(e.aliases), e.country, _num(e.lat), _num(e.lon),
         e.description, "; ".join(dict.fromkeys(s.document for s in e.sources)), degree, gephi_interval_set(spells)]
        for e, degree, spells in snapshot.nodes()
    )  # fmt: skip
    return table_chunks(NODE_COLUMNS, nodes)


def _edges(snapshot: Snapshot) -> Iterator[bytes]:
    return table_chunks(EDGE_COLUMNS, _edge_rows(snapshot))


def _edge_rows(snapshot: Snapshot) -> Iterator[list[object]]:
    labels = snapshot.labels
    kinded = snapshot.with_kinds()
    while batch := list(islice(kinded, NAMED_BATCH)):
        named = labels.of_ids({n for r, _ in batch for n in (r.source, r.target)})
        for r, kind in batch:
            yield [r.source, r.target, "Undirected" if r.symmetric else "Directed", kind, r.id, r.type,
                   gephi_interval_set(_listed(edge_interval(r))),
                   named[r.source], named[r.target], "mutual" if r.symmetric else "directed",
                   dates_as_written(r), "true" if r.circa else "false",
                   r.status, r.description, "; ".join(dict.fromkeys(s.document for s in r.sources))]  # fmt: skip


def manifest_member(snapshot: Snapshot) -> Member:
    return lambda: [(snapshot.manifest_json() + "\n").encode("utf-8")]


def render(snapshot: Snapshot) -> Iterator[bytes]:
    """The zip of the two tables and the manifest, each table written as the store's pages are read."""
    return zip_chunks({**tables(snapshot), "manifest.json": manifest_member(snapshot)})
