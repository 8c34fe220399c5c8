"""`GET /snapshot`: the network as a file, in any export format, streamed as it is written."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from app.api.deps import AsOf, From, GraphDep, Kinds, To, Types
from app.export.formats import FORMATS, prepare
from app.export.snapshot import RADIUS_MAX, SnapshotFilters

snapshot_router = APIRouter()
WARNING_HEADER = "X-Citygraph-Warning"

FormatParam = Annotated[
    str, Query(description="One of: " + "; ".join(f"`{f.name}`: {f.help}" for f in FORMATS.values()) + ".")
]


@snapshot_router.get(
    "/snapshot",
    summary="The network or a neighbourhood as a file: JSON, GEXF, GraphML, CSV, Cypher, PNG, SVG or a report",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {f.media_type: {} for f in FORMATS.values()},
            "description": "The file, with a manifest inside. When the date window lies outside the data's "
            f"dates, `{WARNING_HEADER}` says so (as does the manifest's `warnings`).",
            "headers": {
                WARNING_HEADER: {"description": "A window outside the data's dates", "schema": {"type": "string"}}
            },
        }
    },
)
def snapshot(
    graph: GraphDep,
    format: FormatParam = "json",
    as_of: AsOf = None,
    start: From = None,
    end: To = None,
    kinds: Kinds = None,
    types: Types = None,
    around: Annotated[
        str | None, Query(max_length=200, description="Keep only this entity's neighbourhood (id, name or alias).")
    ] = None,
    radius: Annotated[int, Query(description=f"Hops around `around`, 1 to {RADIUS_MAX}.")] = 1,
    layout: Annotated[
        str, Query(description="Figures and Cytoscape positions: `spring` (seeded) or `geo` (longitude/latitude).")
    ] = "spring",
    labels: Annotated[
        list[str] | None,
        Query(description="Figures: entities to name (repeat or comma-separate); default the best-connected."),
    ] = None,
) -> StreamingResponse:
    filters = SnapshotFilters(as_of, start, end, tuple(kinds or ()), tuple(types or ()), around, radius)
    export = prepare(graph, format, filters, layout, labels)
    headers = {"Content-Disposition": f'attachment; filename="{export.filename}"'}
    if export.warnings:  # also in the manifest inside the file; the header lets a client see it without parsing
        headers[WARNING_HEADER] = " ".join(export.warnings)
    return StreamingResponse(export.chunks(), media_type=export.format.media_type, headers=headers)
