"""Dependencies the routes share: the service and the common query parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from app.filters import RelFilter
from app.service import CityGraph


def get_graph(request: Request) -> CityGraph:
    """The service, after checking its store answers (503 if not) and is current."""
    graph: CityGraph = request.app.state.graph
    graph.refresh()
    return graph


GraphDep = Annotated[CityGraph, Depends(get_graph)]

AsOf = Annotated[
    str | None,
    Query(
        description="Keep what was in force on this date (YYYY, YYYY-MM or YYYY-MM-DD; a year means any time in it).",
        examples=["2016"],
    ),
]
From = Annotated[str | None, Query(alias="from", description="Start of a window: keep what overlaps it.")]
To = Annotated[str | None, Query(alias="to", description="End of a window: keep what overlaps it.")]
Types = Annotated[list[str] | None, Query(description="Relationship types to keep (repeat or comma-separate).")]
Kinds = Annotated[list[str] | None, Query(description="Entity kinds to keep (repeat or comma-separate).")]


def rel_filter(as_of: AsOf = None, start: From = None, end: To = None, types: Types = None) -> RelFilter:
    return RelFilter.build(as_of=as_of, start=start, end=end, types=types)


FilterDep = Annotated[RelFilter, Depends(rel_filter)]
