"""Per-request cost control: a deadline for every request, admission for heavy ones, and
cancellation when the client goes away.

Kinds of request:

- *light*: `/health`, entity lookups, search, neighbours, timelines: bounded input, small
  answers; always admitted.
- *heavy*: paths, centrality, brokerage, stats and `/snapshot`: CPU-bound in Python
  (networkx, figures) or long-running in the database. At most
  `max_heavy_requests` run at once; up to `max_waiting_requests` more wait, each at most
  `admission_wait` seconds, and the rest get 429 with `Retry-After`. Few heavy threads
  means few holders of Python's GIL, so light requests stay fast beside them.

The deadline starts when a request is admitted: `export_time_budget` for `/snapshot`,
`request_time_budget` for everything else. It is the current `app.deadline` for all the
code of the request, the Neo4j store's transaction timeouts included.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import deadline
from app.api.errors import error_body
from app.config import Settings

HEAVY_PREFIXES = ("/paths", "/centrality", "/brokerage", "/stats", "/snapshot")


def is_heavy(path: str) -> bool:
    return path.startswith(HEAVY_PREFIXES)


class Admission:
    """Slots for heavy requests, and a running estimate of how long one takes."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.slots = asyncio.Semaphore(settings.max_heavy_requests)
        self.waiting = 0
        self.mean_seconds = 0.5  # updated as requests finish; only used to suggest Retry-After

    def retry_after(self) -> int:
        """Seconds until a slot is likely free: the queue ahead, served `max_heavy_requests` at a time."""
        ahead = (self.waiting + 1) / self.settings.max_heavy_requests
        return max(1, min(60, math.ceil(ahead * self.mean_seconds)))

    def finished(self, seconds: float) -> None:
        self.mean_seconds = 0.8 * self.mean_seconds + 0.2 * seconds


class CostControl:
    """ASGI middleware: admission, the request's deadline, and disconnect watching."""

    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.settings = settings
        self.admission: Admission | None = None  # made on first use, inside the server's event loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        heavy = is_heavy(path)
        if not heavy:
            await self._serve(scope, receive, send, self.settings.request_time_budget, "request_time_budget")
            return
        if self.admission is None:
            self.admission = Admission(self.settings)
        admission = self.admission
        if admission.waiting >= self.settings.max_waiting_requests and admission.slots.locked():
            await _too_many(send, admission, "too many heavy requests are waiting")
            return
        admission.waiting += 1
        try:
            await asyncio.wait_for(admission.slots.acquire(), self.settings.admission_wait or 1e-9)
        except TimeoutError:
            await _too_many(send, admission, f"no slot for a heavy request within {self.settings.admission_wait:g} s")
            return
        finally:
            admission.waiting -= 1
        started = time.monotonic()
        try:
            snapshot = path.startswith("/snapshot")
            budget = self.settings.export_time_budget if snapshot else self.settings.request_time_budget
            await self._serve(scope, receive, send, budget, "export_time_budget" if snapshot else "request_time_budget")
        finally:
            admission.slots.release()
            admission.finished(time.monotonic() - started)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, seconds: float, setting: str) -> None:
        """Run the app under a fresh deadline that the client's disconnect cancels."""
        limit = deadline.Deadline(seconds, setting, reserve=seconds * self.settings.answer_reserve)
        inbox: asyncio.Queue[Message] = asyncio.Queue()

        async def watch() -> None:
            while True:
                message = await receive()
                await inbox.put(message)
                if message["type"] == "http.disconnect":
                    limit.cancel("the client disconnected")
                    return

        watcher = asyncio.create_task(watch())
        try:
            with deadline.within(limit):
                await self.app(scope, inbox.get, send)
        finally:
            watcher.cancel()


async def _too_many(send: Send, admission: Admission, why: str) -> None:
    seconds = admission.retry_after()
    body = error_body(429, "too_many_requests", f"{why}; try again in {seconds} s", retry_after=seconds, kind="heavy")
    payload = json.dumps(body).encode()
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"retry-after", str(seconds).encode()),
    ]
    start: dict[str, Any] = {"type": "http.response.start", "status": 429, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": payload})
