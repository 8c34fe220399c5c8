"""Work that outlives the request that asked for it: one run per key, shared by its waiters.

At a million relationships some steps take longer than a request's budget (an export's
counts, a window's graph filtered from the base projection). They run in a thread of their
own under a background budget. Requests that ask for the same key meanwhile share the run
and wait for it within their own deadline; past it they get a 504 while the run goes on, so
the next request finds the answer ready. A failed run is forgotten before its waiters wake,
so the request after a failure starts again.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Generic, TypeVar

from app import deadline
from app.errors import QueryTimeout, StillComputing

T = TypeVar("T")

POLL_SECONDS = 0.5  # how soon a waiter notices that its client went away


class SharedRuns(Generic[T]):
    """Background runs by key; the last `kept` finished answers stay (0: forgotten when done).

    Examples
    --------
    >>> runs: SharedRuns[int] = SharedRuns(kept=1)
    >>> first, started = runs.start("k", lambda: 6 * 7, deadline.UNBOUNDED, "example")
    >>> first.result(), started
    (42, True)
    >>> again, started = runs.start("k", lambda: 0, deadline.UNBOUNDED, "example")
    >>> again is first, started
    (True, False)
    """

    def __init__(self, kept: int = 0):
        self.kept = kept
        self._lock = threading.Lock()
        self._runs: OrderedDict[Hashable, Future[T]] = OrderedDict()

    def start(
        self, key: Hashable, work: Callable[[], T], budget: deadline.Deadline, name: str
    ) -> tuple[Future[T], bool]:
        """The run of `key` under way (or finished and kept), else `work` started under `budget`
        in a thread named `name`; and whether this call started it."""
        with self._lock:
            run = self._runs.get(key)
            if run is not None:
                self._runs.move_to_end(key)
                return run, False
            run = self._runs[key] = Future()
            while len(self._runs) > max(self.kept, 1) and next(iter(self._runs.values())).done():
                self._runs.popitem(last=False)  # the oldest finished answers; runs under way stay
        threading.Thread(target=self._run, args=(key, run, work, budget), name=name, daemon=True).start()
        return run, True

    def under_way(self, key: Hashable) -> Future[T] | None:
        """The run of `key` if it has started and not finished, else None."""
        with self._lock:
            run = self._runs.get(key)
        return run if run is not None and not run.done() else None

    def forget_finished(self, key: Hashable) -> None:
        """Forget `key`'s finished answer (kept, but its result was lost since): it may run again."""
        with self._lock:
            run = self._runs.get(key)
            if run is not None and run.done():
                del self._runs[key]

    def clear(self) -> None:
        """Forget every answer (the data changed); runs under way finish for their waiters."""
        with self._lock:
            self._runs.clear()

    def _run(self, key: Hashable, run: Future[T], work: Callable[[], T], budget: deadline.Deadline) -> None:
        try:
            with deadline.within(budget):
                answer = work()
        except BaseException as exc:  # handed to its waiters; the next request starts again
            self._forget(key, run)
            run.set_exception(exc)
            return
        if self.kept == 0:
            self._forget(key, run)
        run.set_result(answer)

    def _forget(self, key: Hashable, run: Future[T]) -> None:
        with self._lock:
            if self._runs.get(key) is run:
                del self._runs[key]


def wait(run: Future[T], doing: str, meanwhile: str) -> T:
    """`run`'s answer within the current deadline, noticing a client that leaves.

    Past the deadline a `QueryTimeout` names what was being done (`doing`) and what happens
    `meanwhile` (the run goes on) and what the person can do about it.
    """
    limit = deadline.current()
    while True:
        if limit.cancelled:
            limit.check(doing)
        left = limit.remaining()
        if left <= 0:
            raise QueryTimeout(
                f"{doing} took more than the {limit.seconds:g} s budget ({limit.setting}); {meanwhile}",
                budget_seconds=limit.seconds,
                setting=limit.setting,
            )
        try:
            return run.result(timeout=min(left, POLL_SECONDS))
        except FutureTimeout:
            continue


def wait_or_later(run: Future[T], doing: str, meanwhile: str) -> T:
    """`run`'s answer within the current deadline (`wait`); past it, while `run` goes on,
    `StillComputing`: a 202 with `Retry-After` (as long again as this request waited), since
    nothing failed and the answer is kept for the next request. A run that failed raises its
    own error."""
    waited = deadline.current().remaining()
    try:
        return wait(run, doing, meanwhile)
    except QueryTimeout as exc:
        if run.done():  # the run itself ran out of its own budget, or failed
            raise
        retry = max(1, math.ceil(waited))  # finite: an unbounded deadline never times out
        raise StillComputing(f"{exc.message}; try again in {retry} s", retry_after=retry, **exc.details) from exc
