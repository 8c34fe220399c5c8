"""First answers for windows other than the whole dataset, on a kept Neo4j store.

Starts the store `bench/scale_bench.py --keep` left in `build/scale/neo4j-N` (no `seed`:
the data is loaded), then `citygraph serve --backend neo4j`; waits for the background
preparation, then asks each request below once (the first answer: what a user meets) and
once more (from the caches). Prints one row per request with the status and the marks.

Run: `nice -n 10 .venv/bin/python -m bench.windows_bench [--size 1000000]`.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from bench.scale_bench import CACHE, _flags, _get, api, prepared
from tests.neo4j_server import PASSWORD, LocalNeo4j

REQUESTS = {
    "degree as_of 2000": "/centrality?metric=degree&as_of=2000",
    "pagerank as_of 2000": "/centrality?metric=pagerank&as_of=2000",
    "betweenness as_of 2000": "/centrality?metric=betweenness&as_of=2000",
    "degree from 1995 to 2005": "/centrality?metric=degree&from=1995&to=2005",
    "degree history 1990-2020 step 10": "/centrality/history?entity={hub}&metric=degree&from=1990&to=2020&step=10",
    "pagerank history 1990-2020 step 5": "/centrality/history?entity={hub}&metric=pagerank&from=1990&to=2020&step=5",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="The kept store's relationship count.")
    parser.add_argument("--heap", default="4g", help="The local Neo4j's heap.")
    args = parser.parse_args()
    folder, kept = CACHE / f"{args.size}-seed1", CACHE / f"neo4j-{args.size}"
    if not kept.exists():
        raise SystemExit(f"no kept store in {kept}: run bench.scale_bench --keep first")
    print(f"load average before: {os.getloadavg()}", flush=True)
    server = LocalNeo4j(Path(kept), heap=args.heap, settings={"server.memory.pagecache.size": "2g"})
    server.start()
    try:
        env = {**os.environ, "CITYGRAPH_DATA_DIR": str(folder), "CITYGRAPH_LOG_LEVEL": "WARNING",
               "NEO4J_URI": server.uri, "NEO4J_PASSWORD": PASSWORD}  # fmt: skip
        with api(env, "neo4j") as (base, _):
            t0 = time.perf_counter()
            state, seconds = prepared(base)
            print(f"prepared: {state} in {seconds} s (waited {time.perf_counter() - t0:.1f} s)", flush=True)
            top = json.loads(_get(base, "/centrality?metric=degree&limit=1")[1])["results"][0]["entity"]["id"]
            for name, path in REQUESTS.items():
                for attempt in ("first", "again"):
                    status, body, took = _get(base, path.format(hub=top))
                    marks = sorted(_flags(body))
                    print(f"{name:<36} {attempt:<5} {took * 1000:9,.0f} ms  {status} {' '.join(marks)}", flush=True)
    finally:
        server.stop()
    print(f"load average after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
