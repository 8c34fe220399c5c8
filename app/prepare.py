"""Prepared analytics: the default rankings computed in the background, once per dataset version.

On a large graph in Neo4j the first centrality of a window pays for projecting it (tens of
seconds at a million relationships), far past a request's budget. The window everyone asks
for first is the whole dataset, so the service computes its rankings (the metrics in
`CITYGRAPH_PREPARE_METRICS`) when it starts and after each reload, each step under a budget
of its own (`CITYGRAPH_PREPARE_TIME_BUDGET`), into the same byte-bounded cache requests read;
likewise the whole dataset's strongest brokers (`CITYGRAPH_PREPARE_BROKERS`). Until a step is
done a request computes as before (and may time out); `/health` says how far it got, which
step the budget cut after keeping what it found (`partial`: a broker ranking with its proven
rows), and which steps failed (`problem`; the steps after a failed one still run).
Only stores that compute analytics where the data is (Neo4j) are prepared: in memory the
work would hold the API's own interpreter.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from app import deadline
from app.errors import CityGraphError

log = logging.getLogger("citygraph.prepare")

State = Literal["off", "preparing", "ready", "failed"]


@dataclass(frozen=True)
class Partial:
    """What a step returns when the budget cut it after it kept what it found (marked)."""

    note: str


@dataclass
class Preparation:
    """How far the preparation of one dataset version got."""

    version: str
    state: State = "preparing"
    done: list[str] = field(default_factory=list)
    partial: dict[str, str] = field(default_factory=dict)  # step → what was cut
    took: dict[str, float] = field(default_factory=dict)  # step → seconds, once it ended
    seconds: float | None = None
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state, "prepared": list(self.done), "partial": dict(self.partial),
            "seconds": self.seconds, "step_seconds": dict(self.took), "problem": self.problem,
        }  # fmt: skip


class Preparer:
    """Runs `steps` (name → work) in a daemon thread whenever `start` sees a new version."""

    def __init__(self, steps: dict[str, Callable[[], object]], budget: float):
        self.steps = steps
        self.budget = budget
        self.current: Preparation | None = None
        self._lock = threading.Lock()

    def start(self, version: str) -> None:
        """Prepare `version` unless it is being or has been prepared (a no-op without steps)."""
        with self._lock:
            if not self.steps or (self.current and self.current.version == version):
                return
            self.current = run = Preparation(version)
        threading.Thread(target=self._run, args=(run,), name=f"prepare-{version}", daemon=True).start()

    def status(self) -> dict[str, Any]:
        run = self.current
        if not self.steps or run is None:
            return Preparation("", "off").to_dict()
        return run.to_dict()

    def _run(self, run: Preparation) -> None:
        t0 = time.monotonic()
        problems: list[str] = []
        try:
            for name, step in self.steps.items():
                if self.current is not run:  # a newer version superseded this one
                    return
                # Each step has the whole budget: a slow one (betweenness at a million) must not
                # leave the steps after it none. No request waits on them: one query may use all of it.
                budget = deadline.Deadline(self.budget, "prepare_time_budget", query_cap=self.budget)
                started = time.monotonic()
                try:
                    with deadline.within(budget):
                        found = step()
                except CityGraphError as exc:  # a timeout, the store gone: requests compute as before
                    problems.append(f"{name}: {exc.message}")
                    log.warning("preparing %s of %s stopped: %s", name, run.version, exc.message)
                    continue
                finally:
                    run.took[name] = round(time.monotonic() - started, 3)
                if isinstance(found, Partial):  # kept, but not whole: not listed as prepared
                    run.partial[name] = found.note
                else:
                    run.done.append(name)
            run.state, run.problem = ("failed", "; ".join(problems)) if problems else ("ready", None)
        except Exception as exc:
            run.state, run.problem = "failed", f"{type(exc).__name__}: {exc}"
            log.exception("preparing analytics of %s failed", run.version)
        finally:
            run.seconds = round(time.monotonic() - t0, 3)
