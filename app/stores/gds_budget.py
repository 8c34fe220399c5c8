"""How much GDS work fits in the time a request has left: the iterations of PageRank and
eigenvector, the sources of a sampled betweenness.

GDS cannot hand back what an algorithm found once its transaction times out, and Neo4j
notices a timeout only on its monitor's next round (a PageRank of a window at 1M cut off by
the budget came back 2-3 s after it, as a 504). So the work is sized before it starts: from
how long one unit of it took lately (one relationship in one iteration; one node or
relationship in one source's search), a share of the time left goes to the algorithm, the
rest to streaming the scores, and the answer says what was done (`approximate` with
`iterations` or `sample_size`). Outside a request (the background preparation with its own
long budget, the CLI, tests) the deadline is far or infinite and the work runs whole.
"""

from __future__ import annotations

import math
import threading

from app import deadline

# Seconds per unit of work before any run was measured: about 2.5x what this machine did
# at a 1M window under a light load (PageRank 40 ns, eigenvector 170 ns per relationship
# and iteration; betweenness 47 ns per node and relationship of each source's search).
# "stream": seconds to stream one node's score to the API (6 us at a light load, 20 at load 12).
FIRST_GUESS = {"pagerank": 100e-9, "eigenvector": 500e-9, "betweenness": 120e-9, "stream": 20e-6}
# Seconds each step costs whatever the graph's size (GDS's threads and its convergence check):
# an eigenvector iteration took 40 ms on a window of 10k relationships, as long as 250k
# relationships would.
OVERHEAD = {"pagerank": 0.003, "eigenvector": 0.04, "betweenness": 0.0, "stream": 0.0}
SHARE = 0.5  # of the time left after the scores' stream: the algorithm's (the load may rise meanwhile)
LEARN_MIN_UNITS = 100_000  # units a step: below, the overhead is most of a step, and the pace unclear


def fit(left: float, stream_seconds: float, step_seconds: float, most: int) -> int:
    """How many steps (iterations, sources) of `step_seconds` each fit in `left` seconds,
    after streaming the scores: between 1 and `most`.

    Examples
    --------
    >>> fit(math.inf, 0.1, 0.01, 1000)
    1000
    >>> fit(3.0, 1.0, 0.032, 1000)  # (3 s - 1 s of stream) / 2, 32 ms a step
    31
    >>> fit(0.5, 1.0, 0.032, 1000)  # no time left: one step, marked by its caller
    1
    """
    if math.isinf(left):
        return most
    usable = (left - stream_seconds) * SHARE
    return max(1, min(most, int(usable / max(step_seconds, 1e-12))))


class Pace:
    """Seconds one unit of each algorithm's work took in its latest large enough run."""

    def __init__(self, seconds: dict[str, float] | None = None):
        self._seconds = {**FIRST_GUESS, **(seconds or {})}
        self._lock = threading.Lock()

    def seconds(self, algorithm: str) -> float:
        with self._lock:
            return self._seconds[algorithm]

    def steps(self, algorithm: str, nodes: int, units_per_step: int, most: int) -> int:
        """The steps of `algorithm` that fit in the current deadline (`fit`)."""
        step = OVERHEAD[algorithm] + units_per_step * self.seconds(algorithm)
        return fit(deadline.current().remaining(), nodes * self.seconds("stream"), step, most)

    def learn(self, algorithm: str, units_per_step: int, steps: int, seconds: float) -> None:
        """Remember the pace of a run of `steps` steps of `units_per_step` units that took `seconds`.

        Examples
        --------
        >>> pace = Pace()
        >>> pace.learn("pagerank", 800_000, 20, 0.06 + 0.7)  # 20 steps of 3 ms overhead, 0.7 s of work
        >>> round(pace.seconds("pagerank") * 1e9)  # ns a relationship and iteration
        44
        """
        if units_per_step < LEARN_MIN_UNITS or steps < 1:
            return
        per_unit = (seconds / steps - OVERHEAD[algorithm]) / units_per_step
        if per_unit > 0:
            with self._lock:
                self._seconds[algorithm] = per_unit

    def ran_out(self, *algorithms: str) -> None:
        """A run sized by this pace ran out of time (GDS slower than lately: more load): the
        next one is sized as if each of `algorithms` took twice as long, since a run cut off
        teaches nothing by itself.

        Examples
        --------
        >>> pace = Pace({"pagerank": 40e-9})
        >>> pace.ran_out("pagerank", "stream"); round(pace.seconds("pagerank") * 1e9)
        80
        """
        with self._lock:
            for algorithm in algorithms:
                self._seconds[algorithm] *= 2
