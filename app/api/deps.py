"""Dependencies the routes share: the service, and every query parameter with its caps.

Every input is bounded here, before any work: entity references and search text in
length, repeatable parameters in count and in the length of each value (comma lists are
split, de-duplicated and counted again). Closed sets are enums in the OpenAPI document,
taken from the module that defines them; matching stays lenient (any case, comma lists),
and the service still answers an unknown value with a 422 that lists the allowed ones.
"""

from __future__ import annotations

from typing import Annotated, Any, get_args

from fastapi import Depends, Path, Query, Request
from pydantic import Field

from app.analysis.brokerage import GROUPINGS
from app.analysis.centrality import METRICS
from app.analysis.narrative import LANGS
from app.errors import InvalidParameter
from app.export.figure import LAYOUTS
from app.export.formats import FORMATS
from app.filters import RelFilter, parse_date, split_values
from app.service import CityGraph
from app.stores.base import PathMode
from app.vocabulary import REL_TYPE_NAMES, Kind

REF_MAX = 200  # characters of an entity reference or a search text
LIST_ITEM_MAX = 1000  # characters of one value of a repeatable parameter (it may be a comma list)
LABELS_MAX = 30  # entities a figure may name
DATE_MAX = 10  # YYYY-MM-DD

KIND_VALUES = [k.value for k in Kind]
TYPE_VALUES = list(REL_TYPE_NAMES)
FORMAT_VALUES = list(FORMATS)
LAYOUT_VALUES = list(LAYOUTS)
METRIC_VALUES = list(METRICS)
MODE_VALUES = list(get_args(PathMode))
GROUPING_VALUES = list(GROUPINGS)
LANG_VALUES = list(LANGS)


def one_of(values: list[str]) -> dict[str, Any]:
    return {"enum": values}


def get_graph(request: Request) -> CityGraph:
    """The service, after checking its store answers (503 if not) and is current."""
    graph: CityGraph = request.app.state.graph
    graph.refresh()
    return graph


GraphDep = Annotated[CityGraph, Depends(get_graph)]

EntityPath = Annotated[
    str, Path(min_length=1, max_length=REF_MAX, description="Id, name or alias; case and accents do not matter.")
]


def entity_query(description: str) -> Any:
    return Query(min_length=1, max_length=REF_MAX, description=description)


# The pattern documents the form; `parse_date` checks it (ASCII digits only, a real day) and says what is wrong.
DATE_PATTERN = r"^[1-9][0-9]{3}(-(0[1-9]|1[0-2])(-(0[1-9]|1[0-9]|2[0-8]))?)?$"
Date = Annotated[str, Field(max_length=DATE_MAX + 2, json_schema_extra={"pattern": DATE_PATTERN})]
AsOf = Annotated[
    Date | None,
    Query(
        description="Keep what was in force on this date (YYYY, YYYY-MM or YYYY-MM-DD in ASCII digits; a year means any time in it).",
        examples=["2016"],
    ),
]
From = Annotated[Date | None, Query(alias="from", description="Start of a window: keep what overlaps it.")]
To = Annotated[Date | None, Query(alias="to", description="End of a window: keep what overlaps it.")]
Types = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=LIST_ITEM_MAX, json_schema_extra=one_of(TYPE_VALUES))]] | None,
    Query(max_length=len(TYPE_VALUES), description="Relationship types to keep (repeat or comma-separate)."),
]
Kinds = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=LIST_ITEM_MAX, json_schema_extra=one_of(KIND_VALUES))]] | None,
    Query(max_length=len(KIND_VALUES), description="Entity kinds to keep (repeat or comma-separate)."),
]
KindParam = Annotated[
    str | None,
    Query(
        min_length=1, max_length=50, description="Only entities of this kind.", json_schema_extra=one_of(KIND_VALUES)
    ),
]
Labels = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=LIST_ITEM_MAX)]] | None,
    Query(
        max_length=LABELS_MAX,
        description=f"Figures: entities to name (repeat or comma-separate; at most {LABELS_MAX}, repeats counted once); default the best-connected.",
    ),
]
Refs = Annotated[list[Annotated[str, Field(min_length=1, max_length=REF_MAX)]] | None, Query()]
FormatParam = Annotated[
    str,
    Query(
        max_length=20,
        description="One of: " + "; ".join(f"`{f.name}`: {f.help}" for f in FORMATS.values()) + ".",
        json_schema_extra=one_of(FORMAT_VALUES),
    ),
]
LayoutParam = Annotated[
    str,
    Query(
        max_length=20,
        description="Figures and Cytoscape positions: `spring` (seeded) or `geo` (longitude/latitude).",
        json_schema_extra=one_of(LAYOUT_VALUES),
    ),
]
MetricParam = Annotated[
    str, Query(max_length=20, description="Centrality measure.", json_schema_extra=one_of(METRIC_VALUES))
]
ModeParam = Annotated[
    str,
    Query(
        max_length=20,
        description="shortest: all shortest paths; all: simple paths up to max_hops; temporal: time-respecting paths.",
        json_schema_extra=one_of(MODE_VALUES),
    ),
]
GroupsParam = Annotated[
    str,
    Query(
        max_length=20,
        description="place: danish/foreign/international; sector: public/private/joint.",
        json_schema_extra=one_of(GROUPING_VALUES),
    ),
]


def normal_date(field: str, value: str | None) -> str | None:
    """The date as parsed (`" 2016 "` → `"2016"`), so only checked values travel on (into file names, too)."""
    return None if value is None else str(parse_date(field, value))


def bounded_values(field: str, items: list[str] | None, cap: int) -> list[str] | None:
    """A repeatable parameter's values, comma lists split, repeats dropped (any case), at most `cap`.

    Examples
    --------
    >>> bounded_values("labels", ["Aarhus,aarhus", "Viborg"], 5)
    ['Aarhus', 'Viborg']
    """
    if items is None:
        return None
    seen: dict[str, str] = {}
    for value in split_values(items):
        seen.setdefault(value.casefold(), value)
        if len(seen) > cap:
            raise InvalidParameter(field, f"at most {cap} different values")
    return list(seen.values())


def rel_filter(as_of: AsOf = None, start: From = None, end: To = None, types: Types = None) -> RelFilter:
    return RelFilter.build(
        as_of=normal_date("as_of", as_of),
        start=normal_date("from", start),
        end=normal_date("to", end),
        types=bounded_values("types", types, len(TYPE_VALUES)),
    )


FilterDep = Annotated[RelFilter, Depends(rel_filter)]


LangParam = Annotated[
    str,
    Query(
        max_length=5,
        description="Names in narratives: en (English where known, the default) or da.",
        json_schema_extra=one_of(LANG_VALUES),
    ),
]
