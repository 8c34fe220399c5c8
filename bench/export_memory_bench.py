"""Memory of streamed exports from Neo4j, beside reading the whole graph at once.

Run: `.venv/bin/python -m bench.export_memory_bench [--relationships N]` (starts a throw-away
local Neo4j on free ports, loads a synthetic graph, stops it). Rewrites the "Export memory"
section of bench/README.md. Each measurement is a fresh Python process that connects, does
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
from bench.common import table
from bench.export_bench import README
from seed import neo4j_load
from seed.synth import synthetic_dataset
from tests.neo4j_server import PASSWORD, LocalNeo4j

SECTION = "## Export memory"
FORMATS = ("json", "gexf", "csv")
ROOT = Path(__file__).resolve().parent.parent
PAGE = Settings(_env_file=None).export_page_size  # type: ignore[call-arg]


CHILD = """
import sys
from app.config import Settings
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
    with open("/dev/null", "wb") as sink:
        for chunk in prepare(CityGraph(store, settings), what, SnapshotFilters()).chunks():
            sink.write(chunk)
print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024)
"""


def measure(uri: str, what: str) -> tuple[float, float]:
    """Peak RSS (MB) and seconds of a fresh process doing `what`."""
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, uri, PASSWORD, what], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return float(done.stdout.strip().splitlines()[-1]), time.perf_counter() - t0


def run(relationships: int) -> str:
    data = synthetic_dataset(relationships, 7)
    size = f"{len(data.entities):,} entities and {len(data.relationships):,} relationships"
    with tempfile.TemporaryDirectory() as tmp:
        server = LocalNeo4j(Path(tmp))
        server.start()
        try:
            driver = GraphDatabase.driver(server.uri, auth=("neo4j", PASSWORD))
            neo4j_load.load(driver, data, CypherRegistry(), batch_size=5000)
            driver.close()
            rows = []
            for what, label in [("connect", "connect only (baseline)"), ("whole", "whole read (`store.snapshot`)")] + [
                (fmt, f"streamed `{fmt}` export, whole file") for fmt in FORMATS
            ]:
                mb, seconds = measure(server.uri, what)
                rows.append([label, f"{mb:,.0f}", f"{seconds:.1f}"])
                print(rows[-1], flush=True)
        finally:
            server.stop()
    return (
        f"A synthetic graph of {size} in "
        f"the local Neo4j; pages of {PAGE:,} entities (`bench/export_memory_bench.py`).\n\n"
        + table(["process", "peak RSS (MB)", "seconds"], rows)
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
    parser.add_argument("--relationships", type=int, default=100_000)
    args = parser.parse_args()
    body = run(args.relationships)
    print(body)
    write_section(body)


if __name__ == "__main__":
    main()
