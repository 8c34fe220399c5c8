"""`GET /snapshot`: the network as a file, in any export format, streamed as it is written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from app import deadline
from app.api.deps import (
    LABELS_MAX,
    AsOf,
    FormatParam,
    From,
    GraphDep,
    Kinds,
    Labels,
    LayoutParam,
    To,
    Types,
    bounded_values,
    entity_query,
    normal_date,
)
from app.api.disposition import attachment
from app.api.models import error_responses, get_and_head
from app.export.formats import DRAWN, FORMATS, prepare
from app.export.snapshot import RADIUS_MAX, SnapshotFilters

snapshot_router = APIRouter()
WARNING_HEADER = "X-Citygraph-Warning"


@get_and_head(
    snapshot_router,
    "/snapshot",
    summary="The network or a neighbourhood as a file: JSON, GEXF, GraphML, CSV, Cypher, PNG, SVG or a report",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {f.media_type: {} for f in FORMATS.values()},
            "description": "The file, with a manifest inside; `Content-Disposition` names it after the filters. "
            f"When the date window lies outside the data's dates, `{WARNING_HEADER}` says so (as does the manifest's `warnings`).",
            "headers": {
                WARNING_HEADER: {"description": "A window outside the data's dates", "schema": {"type": "string"}}
            },
        },
        **error_responses(404, 409, 422, 429, 503, 504),
    },
)
def snapshot(
    request: Request,
    graph: GraphDep,
    format: FormatParam = "json",
    as_of: AsOf = None,
    start: From = None,
    end: To = None,
    kinds: Kinds = None,
    types: Types = None,
    around: Annotated[str | None, entity_query("Keep only this entity's neighbourhood (id, name or alias).")] = None,
    radius: Annotated[int, Query(ge=1, le=RADIUS_MAX, description=f"Hops around `around`, 1 to {RADIUS_MAX}.")] = 1,
    layout: LayoutParam = "spring",
    labels: Labels = None,
) -> Response:
    # Only parsed values travel on: they name the file, so raw text never reaches a header.
    filters = SnapshotFilters(
        normal_date("as_of", as_of),
        normal_date("from", start),
        normal_date("to", end),
        tuple(kinds or ()),
        tuple(types or ()),
        around,
        radius,
    )
    limit = deadline.current()
    if limit is not deadline.UNBOUNDED:  # one query of an export may take its budget (neo4j_timeout suits requests)
        limit.query_cap = limit.seconds
    export = prepare(graph, format, filters, layout, bounded_values("labels", labels, LABELS_MAX))
    headers = {"Content-Disposition": attachment(export.filename)}
    if export.warnings:  # also in the manifest inside the file; the header lets a client see it without parsing
        headers[WARNING_HEADER] = " ".join(export.warnings)
    if request.method == "HEAD":  # the headers a GET would send, without drawing the file
        return Response(headers=headers, media_type=export.format.media_type)
    if export.format.name in DRAWN:  # held in memory anyway: drawn before the status line, so errors are clean
        return Response(b"".join(export.chunks()), media_type=export.format.media_type, headers=headers)
    return StreamingResponse(
        until_cancelled(export.chunks(), limit), media_type=export.format.media_type, headers=headers
    )


def until_cancelled(chunks: Iterator[bytes], limit: deadline.Deadline) -> Iterator[bytes]:
    """The file's chunks under the streaming rule of `app.deadline`, stopping once the client has gone.

    From the status line on, the export budget bounds each step (a page read from the store)
    rather than the whole file. Each chunk is produced with `limit` as the current deadline,
    whichever thread the server asks for it on. An error raised here ends the connection
    without the chunked encoding's last chunk, so a client can tell the file is incomplete.
    """
    limit.stream()
    while True:
        with deadline.within(limit):
            chunk = next(chunks, None)
        if chunk is None or limit.cancelled:
            return
        yield chunk
