"""The embedded (memory) backend's search, paths and in-process centrality at 10k and 100k.

A light companion of `bench/scale_bench.py` for the rows the embedded backend missed:
`citygraph serve --backend memory` over the synthetic folders, the same requests about the
same entities (`scale_bench.requests_for`), the first call and the p50 of the repeats, and
how long the server took to answer its first /health (the load, the name index included).
Run `nice -n 10 .venv/bin/python -m bench.embedded_bench --data-root FOLDER [--rows …] [--in-process N]` where FOLDER
holds `10000-seed1` and `100000-seed1` (`citygraph synth`); prints a table, writes nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path

from bench.api_rss import summary_of
from bench.scale_bench import api, measure, requests_for, rss_mb

ROWS = (
    "/health", "search (prefix)", "search (typo)", "unknown name (404 + suggestions)", "shortest path",
    "centrality betweenness", "centrality history",
)  # fmt: skip


def in_process(folder: Path, paths: list[str], names: list[str], repeats: int) -> dict[str, str]:
    """First call and p50 of `repeats` of each path through the app in this process, in CPU ms
    (`time.process_time`, every thread of the process): the work, whatever share of the cores
    a loaded machine gives it (wall times at load 15 on 2 cores were 2-10x the CPU and varied
    run to run)."""
    from fastapi.testclient import TestClient  # only here: the HTTP run needs no test client

    from app.api.main import create_app
    from app.config import Settings

    t0 = time.perf_counter()
    with TestClient(create_app(Settings(backend="memory", data_dir=folder, log_level="WARNING"))) as client:
        row = {"start (s)": f"{time.perf_counter() - t0:.1f}"}
        for name, path in zip(names, paths, strict=True):
            took = []
            for _ in range(repeats + 1):
                start = time.process_time()
                status = client.get(path).status_code
                took.append(time.process_time() - start)
            row[name] = f"{took[0] * 1000:,.1f} / {statistics.median(took[1:]) * 1000:,.2f}" + (
                f" ({status})" if status >= 400 else ""
            )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-root", type=Path, required=True, help="The folder holding N-seed1 folders.")
    parser.add_argument("--sizes", default="10000,100000", help="Relationship counts, comma-separated.")
    parser.add_argument(
        "--rows",
        default=",".join(ROWS),
        help="The requests to time, comma-separated (betweenness at 100k takes minutes).",
    )
    parser.add_argument(
        "--in-process",
        type=int,
        metavar="REPEATS",
        help="Time the requests through the app in this process (Starlette's test client, no socket, no "
        "uvicorn) in CPU time, p50 of REPEATS: on a loaded machine the HTTP run's p50 of 5 is mostly the scheduler's.",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = [r for r in args.rows.split(",") if r]
    if unknown := set(rows) - set(ROWS):
        parser.error(f"--rows: unknown {sorted(unknown)}; choose from {list(ROWS)}")
    results: dict[int, dict[str, str]] = {}
    for size in sizes:
        folder = args.data_root / f"{size}-seed1"
        paths = requests_for(summary_of(folder), random.Random(size))
        if args.in_process:
            results[size] = in_process(folder, [paths[name] for name in rows], rows, args.in_process)
            print(size, results[size], flush=True)
            continue
        env = {**os.environ, "CITYGRAPH_DATA_DIR": str(folder), "CITYGRAPH_LOG_LEVEL": "WARNING"}
        t0 = time.perf_counter()
        with api(env, "memory") as (base, proc):
            started = time.perf_counter() - t0
            row = {"start (s)": f"{started:.1f}"}
            for name in rows:
                got = measure(base, paths[name])
                flags = ", ".join(sorted(got.flags | {str(s) for s in set(got.statuses) if s >= 400}))
                row[name] = f"{got.cold * 1000:,.0f} / {got.warm * 1000:,.1f}" + (f" ({flags})" if flags else "")
            row["RSS (MB)"] = f"{rss_mb(proc.pid)[0]:.0f}"
        results[size] = row
        print(size, row, flush=True)
    print("| request (ms: first / p50 repeated) | " + " | ".join(f"{s:,}" for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name in results[sizes[0]]:
        print(f"| {name} | " + " | ".join(results[s][name] for s in sizes) + " |")


if __name__ == "__main__":
    main()
