"""Where the API process's memory goes on the Neo4j backend, phase by phase.

Starts a local Neo4j (with GDS) on a kept store of `bench/scale_bench.py`
(`build/scale/neo4j-N`, loaded by `scale_bench --keep`), then `citygraph serve --backend
neo4j`, and reads the API process's resident memory (VmRSS) and its peak (VmHWM) from /proc:
after start, after the background preparation of the rankings, and after the centralities
were asked (the first 20, and all of one kind, which pages through a whole ranking), then
after each of the other endpoints `scale_bench` asks (once each). A sampler reads VmRSS
every 0.2 s, so the peak is placed in its phase.

Run: `nice -n 10 .venv/bin/python -m bench.api_rss --size 1000000` (a few minutes at 1M,
most of it the preparation). With `--uri bolt://…` and `--data-dir FOLDER` it measures
against a Neo4j already running on that data (`NEO4J_USER`/`NEO4J_PASSWORD` from the
environment) instead of starting one: the shared 1M server, read only. Prints a table;
writes nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from bench.scale_bench import CACHE, CLI, api, data_folder, prepared, requests_for, rss_mb
from seed.synth import SynthSummary
from tests.neo4j_server import PASSWORD, LocalNeo4j

PREPARE_TRIES = 30  # /health errors tolerated while waiting for the preparation (a loaded shared server)
ASKED = (
    "/centrality?metric=degree",
    "/centrality?metric=pagerank",
    "/centrality?metric=betweenness",
    "/centrality?metric=degree&kinds=municipality&limit=20",  # pages through the whole ranking
)


class Sampler(threading.Thread):
    """VmRSS of `pid` every `period` seconds, with the name of the phase it was read in."""

    def __init__(self, pid: int, period: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.period = pid, period
        self.phase = "start"
        self.peaks: dict[str, float] = {}
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                rss, _ = rss_mb(self.pid)
            except (OSError, KeyError):
                return
            self.peaks[self.phase] = max(self.peaks.get(self.phase, 0.0), rss)
            time.sleep(self.period)


def _status(base: str, path: str) -> int:
    with urllib.request.urlopen(base + path, timeout=120) as response:  # noqa: S310 (loopback)
        response.read()  # JSON, or a file (PNG) for the snapshot endpoints
        return int(response.status)


def _once(base: str, path: str) -> int:
    """One request's status (an error status too), its body read and dropped."""
    try:
        return _status(base, path)
    except urllib.error.HTTPError as exc:
        return exc.code


def summary_of(folder: Path) -> SynthSummary:
    """The degrees of a synthetic folder's entities, read from its CSV files (as `synthesize`
    counts them: one per distinct source, type, target and start)."""
    with (folder / "entities.csv").open(newline="") as f:
        degrees = {row["id"]: 0 for row in csv.DictReader(f)}
    seen: set[tuple[str, str, str, str]] = set()
    rows = 0
    with (folder / "relationships.csv").open(newline="") as f:
        for row in csv.reader(f):
            rows += 1
            key = (row[0], row[1], row[2], row[3])
            if rows > 1 and key not in seen:
                seen.add(key)
                degrees[row[0]] += 1
                degrees[row[2]] += 1
    return SynthSummary(len(degrees), len(seen), rows - 1, degrees)


@contextlib.contextmanager
def neo4j_at(args: argparse.Namespace) -> Iterator[dict[str, str]]:
    """The Neo4j settings of the server measured against: the one named, or a local one
    started on the kept store (and stopped after)."""
    if args.uri:
        yield {"NEO4J_URI": args.uri, "NEO4J_PASSWORD": os.environ.get("NEO4J_PASSWORD", PASSWORD)}
        return
    store = CACHE / f"neo4j-{args.size}"
    if not store.exists():
        raise SystemExit(f"no kept store at {store}: run `bench.scale_bench --sizes {args.size} --keep` first")
    server = LocalNeo4j(store, heap=args.heap, settings={"server.memory.pagecache.size": "2g"})
    server.start()
    try:
        yield {"NEO4J_URI": server.uri, "NEO4J_PASSWORD": PASSWORD}
    finally:
        server.stop()


def _prepared(base: str) -> tuple[str, float | None]:
    """`scale_bench.prepared`, asked again when a busy server's /health is an error (no `analytics`)."""
    for _ in range(PREPARE_TRIES):
        try:
            return prepared(base)
        except (KeyError, OSError, ValueError):
            time.sleep(2)
    return prepared(base)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000, help="The kept store's relationship count.")
    parser.add_argument("--heap", default="4g", help="The local Neo4j's heap.")
    parser.add_argument("--uri", help="A running Neo4j holding the data (not started or stopped here).")
    parser.add_argument("--data-dir", type=Path, help="The synthetic folder that Neo4j holds (with --uri).")
    args = parser.parse_args()
    if args.uri and not args.data_dir:
        parser.error("--uri needs --data-dir (the folder its data came from)")
    folder = args.data_dir or CACHE / f"{args.size}-seed1"
    summary = summary_of(folder) if args.data_dir else data_folder(args.size)[1]
    others = requests_for(summary, random.Random(args.size))  # as scale_bench asks them
    rows: list[tuple[str, float, float]] = []
    with neo4j_at(args) as neo4j:
        env = {**os.environ, **neo4j, "CITYGRAPH_LOG_LEVEL": "WARNING",
               # A cold store on a loaded machine can take longer than 10 s for its first query.
               "CITYGRAPH_NEO4J_TIMEOUT": "60",
               "CITYGRAPH_DATA_DIR": str(folder)}  # fmt: skip
        with api(env, "neo4j") as (base, proc):
            sampler = Sampler(proc.pid)
            sampler.start()
            rows.append(("after start (first /health)", *rss_mb(proc.pid)))
            sampler.phase = "preparing"
            state, seconds = _prepared(base)
            rows.append((f"prepared ({state}, {seconds} s)", *rss_mb(proc.pid)))
            sampler.phase = "asking"
            for path in ASKED:
                rows.append((f"{path} → {_once(base, path)}", *rss_mb(proc.pid)))
            for name, path in others.items():
                if not name.startswith(("centrality", "/health")):
                    sampler.phase = name
                    rows.append((f"{name} → {_once(base, path)}", *rss_mb(proc.pid)))
            sampler.stopped.set()
            sampler.join()
    print(f"API process on the Neo4j backend at {args.size:,} relationships ({CLI}, code of {Path.cwd()})")
    print("| after | VmRSS (MB) | VmHWM (MB) |\n|---|---|---|")
    for name, rss, peak in rows:
        print(f"| {name} | {rss:.0f} | {peak:.0f} |")
    print("sampled peak by phase (MB):", {k: round(v) for k, v in sampler.peaks.items()})


if __name__ == "__main__":
    main()
