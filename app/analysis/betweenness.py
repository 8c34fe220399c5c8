"""Betweenness in this process, one source at a time, so it can stop at the request's deadline.

`networkx.betweenness_centrality` cannot be stopped mid-call, and the work bound of
`CentralityPlan` counts search steps, not seconds: on a loaded machine a sample sized to fit
the budget can still run far past it (12.8 s for a 5 s budget at 100k relationships). Here
the same Brandes accumulation runs source by source (networkx's own single-source steps,
so a complete run gives networkx's numbers to the bit), and stops before a source that
would, at the pace measured so far, end past `SHARE` of the time left; the sources done are
then the sample, rescaled as networkx rescales a sample, and the answer is marked
`approximate` with its smaller `sample_size`. Only when not even one source could start
does the request end in a 504.
"""

from __future__ import annotations

import math
import random
from typing import Any

import networkx as nx
from networkx.algorithms.centrality.betweenness import (
    _accumulate_basic,
    _rescale,
    _single_source_shortest_path_basic,
)

from app import deadline
from app.stores.base import Scores

SAMPLING_SEED = 1  # sampled betweenness starts from the same sources each time
SHARE = 0.7  # of the time left when it starts: the rest names the ranked entities and answers


def sources(graph: nx.Graph, k: int) -> list[Any]:
    """The sources a sample of `k` starts from: networkx's own choice for `seed=SAMPLING_SEED`
    (all nodes, in order, when `k` covers them)."""
    nodes = list(graph.nodes())
    return nodes if k >= len(nodes) else random.Random(SAMPLING_SEED).sample(nodes, k)  # noqa: S311 (a sample, not a secret)


def betweenness(graph: nx.Graph, k: int, limit: deadline.Deadline | None = None) -> Scores:
    """Normalised betweenness from `k` sources (every node when `k` ≥ its size: exact),
    stopped early at `limit` (the current deadline by default), then marked approximate.

    Examples
    --------
    >>> g = nx.path_graph(5)
    >>> betweenness(g, 5).values[2], betweenness(g, 5).approximate
    (0.6666666666666666, False)
    >>> spent = deadline.Deadline(0.0)
    >>> betweenness(g, 5, spent)
    Traceback (most recent call last):
    ...
    app.errors.QueryTimeout: betweenness ran past its 0 s budget (request_time_budget); narrow it (a date window, fewer hops, fewer kinds or types)
    """
    limit = limit or deadline.current()
    starts = sources(graph, k)
    n = graph.number_of_nodes()
    values = dict.fromkeys(graph, 0.0)
    at_start = limit.remaining()  # read on the deadline's own clock, as is every pace below
    done = 0
    for s in starts:
        if done == 0 or limit.cancelled:
            limit.check("betweenness")  # not one source could start, or the client left: nothing to answer
        elif not math.isinf(at_start):
            spent = at_start - limit.remaining()
            if spent + spent / done > at_start * SHARE:  # the next source would end past the share
                break
        found, preds, sigma, _ = _single_source_shortest_path_basic(graph, s)
        values, _ = _accumulate_basic(values, found, preds, sigma, s)
        done += 1
    exact = done == n == len(starts)
    sampled = None if exact else starts[:done]
    values = _rescale(values, n, normalized=True, directed=graph.is_directed(), endpoints=False, sampled_nodes=sampled)
    return Scores(values, approximate=not exact, sample_size=None if exact else done)
