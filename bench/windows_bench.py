"""First answers for windows, kinds and histories on the Neo4j backend, at one size.

Loads `build/scale/N-seed1` (written by `citygraph synth` if missing) with `citygraph seed
--bulk` into a throw-away local Neo4j, or, given `--uri`, asks a running Neo4j that already
holds that folder (e.g. a shared 1M server; read only). Then `citygraph serve --backend
neo4j` on a free port; waits for the background preparation, then asks each request below
once (the first answer: what a user meets) and once more (from the caches). Prints one row
per request with the status and the marks, and the load average before and after.

Run: `nice -n 10 .venv/bin/python -m bench.windows_bench --size 100000`, or for a running
server `... --data DIR --uri bolt://localhost:27687 --password ...`; `--env KEY=VALUE`
passes settings to the API (e.g. `CITYGRAPH_PREPARE_BROKERS=0` to skip brokers).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.scale_bench import CLI, _flags, _get, api, data_folder, prepared
from tests.neo4j_server import PASSWORD, LocalNeo4j

REQUESTS = {
    "degree, kinds=Municipality": "/centrality?metric=degree&kinds=Municipality",
    "pagerank, kinds=Company,Person, limit 100": "/centrality?metric=pagerank&kinds=Company,Person&limit=100",
    "degree as_of 2000": "/centrality?metric=degree&as_of=2000",
    "degree as_of 2000, kinds=Municipality": "/centrality?metric=degree&as_of=2000&kinds=Municipality",
    "pagerank as_of 2000": "/centrality?metric=pagerank&as_of=2000",
    "degree from 1995 to 2005": "/centrality?metric=degree&from=1995&to=2005",
    "degree history of the hub, 1990-2018": "/centrality/history?entity={hub}&metric=degree",
    "degree history of the hub, 1945-2025": "/centrality/history?entity={hub}&metric=degree&from=1945&to=2025",
    "degree history of a non-hub, 1945-2025": "/centrality/history?entity={other}&metric=degree&from=1945&to=2025",
    "pagerank history of the hub, 1990-2020 step 5": "/centrality/history?entity={hub}&metric=pagerank&from=1990&to=2020&step=5",
}  # fmt: skip


@contextmanager
def neo4j_env(folder: Path, uri: str | None, password: str, heap: str) -> Iterator[dict[str, str]]:
    """The environment of a Neo4j holding the data of `folder`: the given one, or a throw-away
    local one loaded with `seed --bulk` (stopped and removed after)."""
    env = {**os.environ, "CITYGRAPH_DATA_DIR": str(folder), "CITYGRAPH_LOG_LEVEL": "WARNING"}
    if uri:
        yield {**env, "NEO4J_URI": uri, "NEO4J_PASSWORD": password}
        return
    with tempfile.TemporaryDirectory(prefix="windows-neo4j-") as home:
        t0 = time.perf_counter()
        load = {**env, "NEO4J_LOCAL_DATA_DIR": home, "NEO4J_PASSWORD": PASSWORD}
        subprocess.run([CLI, "seed", "--bulk"], env=load, check=True, stdout=subprocess.DEVNULL)
        print(f"seed --bulk {folder.name}: {time.perf_counter() - t0:.1f} s", flush=True)
        server = LocalNeo4j(Path(home), heap=heap, settings={"server.memory.pagecache.size": "1g"})
        server.start()
        try:
            yield {**env, "NEO4J_URI": server.uri, "NEO4J_PASSWORD": PASSWORD}
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="Relationships of the synthetic data (seed 1).")
    parser.add_argument("--data", type=Path, help="The data folder instead of build/scale/N-seed1 (synthesized).")
    parser.add_argument("--uri", help="A running Neo4j that holds that data (read only); else a throw-away one.")
    parser.add_argument("--password", default=PASSWORD, help="The running Neo4j's password (with --uri).")
    parser.add_argument("--heap", default="2g", help="The throw-away Neo4j's heap.")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE settings for the API (repeatable).")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}", flush=True)
    folder = args.data or data_folder(args.size)[0]
    with neo4j_env(folder, args.uri, args.password, args.heap) as env:
        env |= dict(item.split("=", 1) for item in args.env)
        with api(env, "neo4j") as (base, _):
            t0 = time.perf_counter()
            state, seconds = prepared(base)
            steps = json.loads(_get(base, "/health")[1])["analytics"]["step_seconds"]
            print(f"prepared: {state} in {seconds} s (waited {time.perf_counter() - t0:.1f} s): {steps}", flush=True)
            ranked = json.loads(_get(base, "/centrality?metric=degree&limit=500")[1])["results"]
            hub, other = ranked[0]["entity"]["id"], ranked[-1]["entity"]["id"]
            for name, path in REQUESTS.items():
                for attempt in ("first", "again"):
                    status, body, took = _get(base, path.format(hub=hub, other=other))
                    marks = sorted(_flags(body))
                    points = json.loads(body).get("history") if status == 200 else None
                    shown = f" ({len(points)} years)" if points is not None else ""
                    print(
                        f"{name:<46} {attempt:<5} {took * 1000:9,.0f} ms  {status} {' '.join(marks)}{shown}", flush=True
                    )
    print(f"load average after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
