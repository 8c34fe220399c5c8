"""Brokerage over HTTP at 10k and 100k synthetic relationships, on both backends: the top
ranking (first call and repeated) and the top hub's own brokerage, each with its marks.

    nice -n 10 .venv/bin/python -m bench.brokerage_bench [--sizes 10000,100000]

A slice of `bench.scale_bench` (same data, same kept stores in build/scale/, same service
over HTTP with the default settings, the hub picked alike): quick enough to run before and
after a change to brokerage (put the other version's tree first on PYTHONPATH). Prints one
Markdown table and the background preparation as /health reports it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import urllib.parse

from bench.scale_bench import CACHE, CLI, EMBEDDED_MAX, _cell, _get, api, data_folder, measure, prepared
from tests.neo4j_server import PASSWORD, LocalNeo4j


def requests_for(hub: str) -> dict[str, str]:
    return {
        "/health": "/health",
        "brokerage top": "/brokerage",
        "brokerage top, sector": "/brokerage?groups=sector",
        "brokerage of the top hub": f"/brokerage?entity={urllib.parse.quote(hub)}",
    }


def serve(env: dict[str, str], backend: str, hub: str, size: int) -> dict[str, str]:
    cells = {}
    with api(env, backend) as (base, _):
        state, seconds = prepared(base)
        analytics = json.loads(_get(base, "/health")[1])["analytics"]
        print(f"{backend} {size:,}: prepared {state} in {seconds} s: {analytics}", flush=True)
        for name, path in requests_for(hub).items():
            got = measure(base, path)
            cells[f"{name} (first)"] = _cell(got, True)
            cells[f"{name} (repeated, p50)"] = _cell(got, False)
            print(f"  {name}: first {cells[f'{name} (first)']} repeated {cells[f'{name} (repeated, p50)']}", flush=True)
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    columns: dict[str, dict[str, str]] = {}
    for size in (int(s) for s in args.sizes.split(",")):
        folder, summary = data_folder(size)
        hub = summary.hubs(1)[0][0]
        env = {**os.environ, "CITYGRAPH_DATA_DIR": str(folder), "CITYGRAPH_LOG_LEVEL": "WARNING"}
        server = LocalNeo4j(CACHE / f"neo4j-{size}", heap="4g", settings={"server.memory.pagecache.size": "2g"})
        server.start()
        try:
            neo4j_env = {**env, "NEO4J_URI": server.uri, "NEO4J_PASSWORD": PASSWORD}
            subprocess.run([CLI, "seed"], env=neo4j_env, check=True, stdout=subprocess.DEVNULL)
            columns[f"neo4j {size // 1000:,}k"] = serve(neo4j_env, "neo4j", hub, size)
        finally:
            server.stop()
        if size <= EMBEDDED_MAX:
            columns[f"memory {size // 1000:,}k"] = serve(env, "memory", hub, size)
    names = list(next(iter(columns.values())))
    print("| request | " + " | ".join(f"{c} (ms)" for c in columns) + " |")
    print("|---|" + "---|" * len(columns))
    for name in names:
        print(f"| {name} | " + " | ".join(col[name] for col in columns.values()) + " |")


if __name__ == "__main__":
    main()
