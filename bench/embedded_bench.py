"""The embedded (memory) backend's search, paths and in-process centrality at 10k and 100k.

A light companion of `bench/scale_bench.py` for the rows the embedded backend missed:
`citygraph serve --backend memory` over the synthetic folders, the same requests about the
same entities (`scale_bench.requests_for`), the first call and the p50 of the repeats, and
how long the server took to answer its first /health (the load, the name index included).
Run `nice -n 10 .venv/bin/python -m bench.embedded_bench --data-root FOLDER` where FOLDER
holds `10000-seed1` and `100000-seed1` (`citygraph synth`); prints a table, writes nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path

from bench.api_rss import summary_of
from bench.scale_bench import api, measure, requests_for, rss_mb

ROWS = (
    "search (prefix)", "search (typo)", "unknown name (404 + suggestions)", "shortest path",
    "centrality betweenness", "centrality history",
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-root", type=Path, required=True, help="The folder holding N-seed1 folders.")
    parser.add_argument("--sizes", default="10000,100000", help="Relationship counts, comma-separated.")
    parser.add_argument(
        "--rows",
        default=",".join(ROWS),
        help="The requests to time, comma-separated (betweenness at 100k takes minutes).",
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
