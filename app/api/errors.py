"""One JSON error shape for every error response, validation errors included."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import CityGraphError

log = logging.getLogger("citygraph.api")
RETRY_UNAVAILABLE = 5  # seconds a client is told to wait when the database cannot be reached


def error_body(status: int, code: str, message: str, **details: object) -> dict[str, object]:
    return {"error": {"status": status, "code": code, "message": message, "details": details}}


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the one shape."""

    @app.exception_handler(CityGraphError)
    async def domain_error(_: Request, exc: CityGraphError) -> JSONResponse:
        retry = exc.details.get("retry_after", RETRY_UNAVAILABLE if exc.status == 503 else None)
        headers = {"Retry-After": str(retry)} if retry is not None else None
        return JSONResponse(exc.to_dict(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        fields = [".".join(str(p) for p in e["loc"] if p not in ("query", "path", "body")) for e in errors]
        parts = [f"{f or 'request'}: {e['msg']}" for f, e in zip(fields, errors, strict=True)]
        body = error_body(422, "invalid_parameter", "; ".join(parts), field=fields[0] if fields else None, errors=[
            {"field": f, "message": e["msg"]} for f, e in zip(fields, errors, strict=True)
        ])  # fmt: skip
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = f"no route {request.url.path}; see /docs" if exc.status_code == 404 else str(exc.detail)
        return JSONResponse(error_body(exc.status_code, code, message), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return JSONResponse(
            error_body(500, "internal_error", "an unexpected error occurred; it has been logged"), status_code=500
        )
