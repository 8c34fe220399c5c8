"""Memory of every export format from Neo4j at two sizes, beside reading the whole graph at once.

Run: `.venv/bin/python -m bench.export_memory_bench [--sizes 10000 100000]` (for each size,
starts a throw-away local Neo4j on free ports, loads a synthetic graph, stops it). Rewrites
the "Export memory" section of bench/README.md with the peak memory over the connect-only
baseline at each size and its growth. Each measurement is a fresh Python process that connects, does
one thing and reports its peak resident memory (VmHWM, which starts afresh at exec, unlike
ru_maxrss, which inherits the parent's): an export written to /dev/null,
or the "whole read" the exports did before paging, `store.snapshot()` (every entity and
relationship, before a byte was written); "connect only" is the baseline.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from neo4j import GraphDatabase

from app.config import Settings
from app.cypher_registry import CypherRegistry
from app.export.formats import FORMATS as FORMATS_BY_NAME
from bench.common import table
from bench.export_bench import README
from seed import neo4j_load
from seed.synth import synthetic_dataset
from tests.neo4j_server import PASSWORD, LocalNeo4j

SECTION = "## Export memory"
FORMATS = tuple(FORMATS_BY_NAME)
ROOT = Path(__file__).resolve().parent.parent
PAGE = Settings(_env_file=None).export_page_size  # type: ignore[call-arg]


CHILD = """
import sys
from app.config import Settings
from app.errors import TooLarge
from app.export.formats import prepare
from app.export.snapshot import SnapshotFilters
from app.filters import RelFilter
from app.service import CityGraph
from app.stores.neo4j_store import Neo4jStore
uri, password, what = sys.argv[1:4]
settings = Settings(_env_file=None, backend="neo4j", NEO4J_URI=uri, NEO4J_PASSWORD=password, NEO4J_TIMEOUT=120)
store = Neo4jStore.connect(settings)
if what == "whole":
    store.snapshot(RelFilter())
elif what != "connect":
    try:
        with open("/dev/null", "wb") as sink:
            for chunk in prepare(CityGraph(store, settings), what, SnapshotFilters()).chunks():
                sink.write(chunk)
    except TooLarge:
        print("refused")
print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024)
"""


def measure(uri: str, what: str) -> tuple[float, float, bool]:
    """Peak RSS (MB) and seconds of a fresh process doing `what`, and whether the export was refused."""
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, uri, PASSWORD, what], capture_output=True, text=True, check=True, cwd=ROOT
    )
    lines = done.stdout.strip().splitlines()
    return float(lines[-1]), time.perf_counter() - t0, "refused" in lines


WHATS = [("connect", "connect only (baseline)"), ("whole", "whole read (`store.snapshot`)")] + [
    (fmt, f"`{fmt}` export, whole network") for fmt in FORMATS
]


def run(relationships: int) -> tuple[str, dict[str, tuple[float, float, bool]]]:
    """The graph's size, and each process's peak RSS, seconds and refusal at that size."""
    data = synthetic_dataset(relationships, 7)
    size = f"{len(data.entities):,} entities and {len(data.relationships):,} relationships"
    found: dict[str, tuple[float, float, bool]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        server = LocalNeo4j(Path(tmp))
        server.start()
        try:
            driver = GraphDatabase.driver(server.uri, auth=("neo4j", PASSWORD))
            neo4j_load.load(driver, data, CypherRegistry(), batch_size=5000)
            driver.close()
            for what, _ in WHATS:
                found[what] = measure(server.uri, what)
                print(relationships, what, found[what], flush=True)
        finally:
            server.stop()
    return size, found


def report(sizes: list[int], runs: list[tuple[str, dict[str, tuple[float, float, bool]]]]) -> str:
    """One row per process: peak RSS over the baseline at each size, the growth, and the seconds."""
    base = [found["connect"][0] for _, found in runs]
    rows = []
    for what, label in WHATS:
        over = [found[what][0] - b for (_, found), b in zip(runs, base, strict=True)]
        cells = [
            f"{mb:,.0f}" + (" (refused)" if found[what][2] else "") for mb, (_, found) in zip(over, runs, strict=True)
        ]
        refused = any(found[what][2] for _, found in runs)  # drawing and refusing do not compare
        growth = "" if what == "connect" or refused or min(over) <= 0 else f"{over[-1] / over[0]:.1f}×"
        rows.append([label, *cells, growth, *(f"{found[what][1]:.1f}" for _, found in runs)])
    header = ["process", *(f"MB over baseline, {n:,} rels" for n in sizes), "growth", *(f"s, {n:,}" for n in sizes)]
    graphs = "; ".join(f"{size}" for size, _ in runs)
    return (
        f"Synthetic graphs ({graphs}) in the local Neo4j; pages of {PAGE:,} entities "
        f"(`bench/export_memory_bench.py`). The baseline (connect only) peaks at "
        f"{', '.join(f'{b:,.0f}' for b in base)} MB.\n\n" + table(header, rows)
    )


def write_section(body: str) -> None:
    text = README.read_text(encoding="utf-8")
    start = text.find(SECTION)
    if start >= 0:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + text[end + 1 :] if end >= 0 else text[:start]
    README.write_text(text.rstrip("\n") + f"\n\n{SECTION}\n\n{body}\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    body = report(args.sizes, [run(n) for n in args.sizes])
    print(body)
    write_section(body)


if __name__ == "__main__":
    main()
