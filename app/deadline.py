"""The time a request may still spend, visible to every layer without being passed by hand.

The API opens one `Deadline` per request (its budget from `Settings`) and cancels it when
the client disconnects. Code deep down reads it with `current()`: the Neo4j store turns
the time left into each transaction's server-side timeout, and Python loops call
`check()` (or read `expired` where they can return what they found so far). Outside a
request (CLI, tests calling the library) `current()` is a deadline that never expires.

A streamed answer (a whole-network export) is bounded differently once its first byte is
due: `stream()` gives each step of progress the whole budget again, and the reader of the
store's pages calls `progress()` after each page. A stream that keeps producing runs to its
end (its work bounded by the data's size); a page that stalls still times out; the client
leaving still cancels it at once. Everything before `stream()` (checks, counts, a refusal)
stays within one budget, so a refusal comes before the status line.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from app.errors import QueryTimeout, RequestCancelled

Clock = Callable[[], float]


class Deadline:
    """A time budget that can also be cancelled (the client went away).

    Examples
    --------
    >>> now = [0.0]
    >>> d = Deadline(5.0, "request_time_budget", clock=lambda: now[0])
    >>> d.remaining(), d.expired
    (5.0, False)
    >>> now[0] = 6.0
    >>> d.expired
    True
    >>> kept = Deadline(5.0, "request_time_budget", clock=lambda: now[0], reserve=0.5)
    >>> kept.remaining()  # the work gets 4.5 s; the answer is written in the last half second
    4.5
    >>> now[0] = 10.6
    >>> kept.check("the ranking")
    Traceback (most recent call last):
    app.errors.QueryTimeout: the ranking ran past its 5 s budget (request_time_budget); narrow it (a date window, fewer hops, fewer kinds or types)
    """

    def __init__(
        self,
        seconds: float,
        setting: str = "request_time_budget",
        clock: Clock = time.monotonic,
        parent: Deadline | None = None,
        query_cap: float | None = None,
        reserve: float = 0.0,
    ):
        self.seconds = seconds
        self.setting = setting  # the setting that gave the budget, named in timeout messages
        self._clock = clock
        # The work ends `reserve` seconds before the budget does: that time is kept for writing
        # an answer the budget cut short (and for the database to notice its own timeout).
        self._end = clock() + seconds - reserve
        self._cancelled: str | None = None
        self.streaming = False  # set by `stream()`: the budget now bounds each step, not the whole
        self.parent = parent  # a share of a larger budget is cancelled with it
        # The longest one database query may run under this deadline, in place of
        # `neo4j_timeout` (which is sized for requests): set by background work only.
        self.query_cap: float | None = query_cap if query_cap is not None else (parent.query_cap if parent else None)

    @property
    def cancelled(self) -> str | None:
        """Why the work was cancelled (the client went away), or None."""
        return self._cancelled or (self.parent.cancelled if self.parent else None)

    def share(self, fraction: float) -> Deadline:
        """A deadline for one step: `fraction` of the time left, cancelled with this one.

        Examples
        --------
        >>> now = [0.0]
        >>> whole = Deadline(10.0, clock=lambda: now[0])
        >>> now[0] = 2.0
        >>> step = whole.share(0.5)
        >>> step.remaining(), whole.remaining()
        (4.0, 8.0)
        >>> whole.cancel("client left")
        >>> step.cancelled
        'client left'
        """
        return Deadline(self.remaining() * fraction, self.setting, self._clock, parent=self)

    def remaining(self) -> float:
        """Seconds left (0 when cancelled or past the end)."""
        if self.cancelled:
            return 0.0
        return max(0.0, self._end - self._clock())

    @property
    def expired(self) -> bool:
        return self.cancelled is not None or self._clock() >= self._end

    def cancel(self, reason: str) -> None:
        self._cancelled = reason

    def stream(self) -> None:
        """The answer starts streaming: from now on the budget bounds each step of progress.

        Examples
        --------
        >>> now = [0.0]
        >>> d = Deadline(5.0, "export_time_budget", clock=lambda: now[0])
        >>> now[0] = 4.0
        >>> d.progress(); d.remaining()  # not streaming yet: one budget for everything
        1.0
        >>> d.stream(); now[0] = 8.0
        >>> d.expired
        False
        >>> d.progress(); now[0] = 12.0
        >>> d.remaining(), d.expired  # a step that keeps producing gets the budget again
        (1.0, False)
        >>> now[0] = 13.0
        >>> d.expired  # one that stalls for a whole budget is out of time
        True
        >>> d.progress("the export")
        Traceback (most recent call last):
        app.errors.QueryTimeout: the export ran past its 5 s budget (export_time_budget); narrow it (a date window, fewer hops, fewer kinds or types)
        """
        self.streaming = True
        self._end = self._clock() + self.seconds

    def progress(self, doing: str = "the request") -> None:
        """One step is done: raise as `check` does if it ran out of time, else, once the
        answer streams, give the next step the whole budget again."""
        self.check(doing)
        if self.streaming:
            self._end = self._clock() + self.seconds

    def check(self, doing: str = "the request") -> None:
        """Raise `RequestCancelled` or `QueryTimeout` (504) if no time is left."""
        if self.cancelled:
            raise RequestCancelled(f"{doing} stopped: {self.cancelled}")
        if self._clock() >= self._end:
            raise QueryTimeout(
                f"{doing} ran past its {self.seconds:g} s budget ({self.setting}); narrow it (a date window, fewer hops, fewer kinds or types)",
                budget_seconds=self.seconds,
                setting=self.setting,
            )


UNBOUNDED = Deadline(math.inf, "none")
_CURRENT: ContextVar[Deadline] = ContextVar("citygraph_deadline", default=UNBOUNDED)


def current() -> Deadline:
    """The deadline of the request being served (one that never expires outside a request)."""
    return _CURRENT.get()


@contextmanager
def within(deadline: Deadline) -> Iterator[Deadline]:
    """Make `deadline` the current one for the code inside (and threads it starts with a copied context)."""
    token = _CURRENT.set(deadline)
    try:
        yield deadline
    finally:
        _CURRENT.reset(token)


@contextmanager
def bounded(seconds: float, setting: str) -> Iterator[Deadline]:
    """The current deadline, or, outside a request (the CLI), a new one of `seconds`."""
    existing = current()
    if existing is not UNBOUNDED:
        yield existing
        return
    with within(Deadline(seconds, setting)) as fresh:
        yield fresh
