"""Domain errors, each knowing its HTTP status and error code.

One handler in `app.api.errors` turns every one of them, and FastAPI's own validation
errors, into the one JSON error shape::

    {"error": {"status": 404, "code": "entity_not_found", "message": "...", "details": {...}}}
"""

from __future__ import annotations

from typing import Any


class CityGraphError(Exception):
    """Base of every error the library raises on purpose."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, **details: Any):
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"status": self.status, "code": self.code, "message": self.message, "details": self.details}}


class EntityNotFound(CityGraphError):
    """No entity has that id, name or alias; `details.suggestions` holds near names."""

    status = 404
    code = "entity_not_found"


class AmbiguousEntity(CityGraphError):
    """Several entities answer to that name; `details.candidates` lists them."""

    status = 409
    code = "ambiguous_entity"


class InvalidParameter(CityGraphError):
    """A parameter is out of range or malformed; `details.field` names it."""

    status = 422
    code = "invalid_parameter"

    def __init__(self, field: str, message: str, **details: Any):
        super().__init__(f"{field}: {message}", field=field, **details)


class EmptyResult(CityGraphError):
    """A snapshot or export whose filters leave nothing to return."""

    status = 404
    code = "empty_result"


class TooLarge(CityGraphError):
    """An answer that would pass a documented size limit; `details.narrow_with` names the filters that shrink it."""

    status = 422
    code = "too_large"


class StoreUnavailable(CityGraphError):
    """The database cannot be reached (or refused our credentials)."""

    status = 503
    code = "store_unavailable"


class AnalyticsUnavailable(StoreUnavailable):
    """The Neo4j server answers but lacks the Graph Data Science plugin that analytics run in."""

    code = "analytics_unavailable"


class NotLoaded(CityGraphError):
    """The database holds no complete dataset (empty, or a load was cut off): seed it."""

    status = 503
    code = "not_loaded"


class QueryTimeout(CityGraphError):
    """A request ran past its time budget (in the database or in Python) and found nothing to return."""

    status = 504
    code = "query_timeout"


class StillComputing(QueryTimeout):
    """The budget ran out before work the answer needs was done, and that work goes on in the
    background (a window's graph filtered from the base projection): nothing to return yet,
    nothing failed; `Retry-After` says when to ask again. A 202, not a 5xx: accepted, under way."""

    status = 202
    code = "still_computing"

    def __init__(self, message: str, retry_after: int, **details: Any):
        super().__init__(message, retry_after=retry_after, **details)
        self.retry_after = retry_after


class Overloaded(CityGraphError):
    """Too many requests of this kind are running or waiting; `Retry-After` says when to try again."""

    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, retry_after: int, **details: Any):
        super().__init__(message, retry_after=retry_after, **details)
        self.retry_after = retry_after


class RequestCancelled(CityGraphError):
    """The client went away; the work for it stopped. Nobody reads this answer."""

    status = 499
    code = "client_closed_request"
