"""Neo4j: batched vs per-row loading, and the service's overhead over raw Cypher.

Starts a throw-away local Neo4j (neo4j-local/), then in one run:

1. loads a synthetic graph of 100k relationships (20k entities) with the project's
   batched UNWIND loader, and loads a sample of the same relationships one MERGE per
   transaction (the per-row way), reporting relationships per second of each;
2. loads the seed data and times each path query through the service (`CityGraph.paths`
   over `Neo4jStore`: resolution, composition, ranking, narratives) against the same
   Cypher sent directly with the driver.

Run: .venv/bin/python -m bench.neo4j_bench   (about two minutes)
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from neo4j import GraphDatabase

from app.config import Settings
from app.cypher_registry import CypherRegistry
from app.dates import DAY_MAX, DAY_MIN
from app.service import CityGraph
from app.stores.neo4j_records import relationship_props
from app.stores.neo4j_store import Neo4jStore
from bench.common import percentiles, table, time_calls
from seed import neo4j_load
from seed.loader import load_dataset
from seed.synth import synthetic_dataset
from tests.neo4j_server import PASSWORD, LocalNeo4j

N_RELS = 100_000
PER_ROW_SAMPLE = 3_000
REPEAT = 50


def load_comparison(driver, registry: CypherRegistry) -> list[list[str]]:  # type: ignore[no-untyped-def]
    data = synthetic_dataset(N_RELS, 7)  # `citygraph synth`, read back
    n_entities = len(data.entities)
    neo4j_load.reset(driver, registry, "neo4j")
    done = [0]
    entities_loaded_at = [0.0]

    def progress(n: int) -> None:  # notes when the last entity batch is in
        done[0] += n
        if done[0] == n_entities:
            entities_loaded_at[0] = time.perf_counter()

    t0 = time.perf_counter()
    neo4j_load.load(driver, data, registry, batch_size=5000, progress=progress)
    total = time.perf_counter() - t0
    rel_phase = time.perf_counter() - entities_loaded_at[0]
    sample = data.relationships[:PER_ROW_SAMPLE]
    with driver.session() as session:  # fresh ids, so each MERGE creates, as in a first load
        t0 = time.perf_counter()
        for r in sample:
            session.run(
                registry[f"load_relationship_one:{r.type}"],
                source=r.source,
                target=r.target,
                id="perrow|" + r.id,
                props=relationship_props(r),
            ).consume()
        per_row = time.perf_counter() - t0
    per_row_rate = PER_ROW_SAMPLE / per_row
    batched_rate = N_RELS / rel_phase
    return [
        [
            "batched UNWIND, 5,000 rows a batch: relationships",
            f"{N_RELS:,}",
            f"{rel_phase:.1f}",
            f"{batched_rate:,.0f}",
            f"{batched_rate / per_row_rate:.0f}×",
        ],
        [
            f"batched UNWIND: the whole load, with {n_entities:,} entities",
            f"{N_RELS:,}",
            f"{total:.1f}",
            f"{N_RELS / total:,.0f}",
            f"{N_RELS / total / per_row_rate:.0f}×",
        ],
        ["one MERGE per transaction", f"{PER_ROW_SAMPLE:,} (sample)", f"{per_row:.1f}", f"{per_row_rate:,.0f}", "1×"],
    ]


PATHS = [
    ("shortest via Viborg", dict(source="Grundfos", target="Irbid", via=["Viborg"])),
    ("all, 3 hops", dict(source="Grundfos", target="Irbid", mode="all", max_hops=3)),
    ("temporal, 3 hops", dict(source="Grundfos", target="Irbid", mode="temporal", max_hops=3)),
]


def path_overhead(driver, settings: Settings, registry: CypherRegistry) -> list[list[str]]:  # type: ignore[no-untyped-def]
    seed = load_dataset(settings.data_dir)
    neo4j_load.reset(driver, registry, "neo4j")
    neo4j_load.load(driver, seed, registry)
    store = Neo4jStore.connect(settings)
    graph = CityGraph(store, settings)
    rows = []
    window = {"first": DAY_MIN, "last": DAY_MAX, "types": None, "blocked_kinds": ["Country"], "max_paths": 10_000}
    for label, kwargs in PATHS:
        mode = str(kwargs.get("mode", "shortest"))
        hops = int(kwargs.get("max_hops", 4))  # type: ignore[call-overload]
        if "via" in kwargs:  # the two segments the service sends, each blocking the other ends
            calls = [("grundfos", "viborg-kommune", ["irbid"]), ("viborg-kommune", "irbid", ["grundfos"])]
            hops -= 1
        else:
            calls = [("grundfos", "irbid", [])]

        def direct(calls=calls, mode=mode, hops=hops) -> None:  # type: ignore[no-untyped-def]
            with driver.session() as session:
                for a, b, blocked in calls:
                    session.execute_read(
                        lambda tx, a=a, b=b, blocked=blocked: tx.run(
                            registry[f"paths_{mode}:{hops}"], source=a, target=b, blocked=blocked, **window
                        ).data()
                    )

        service = percentiles(time_calls(lambda kw=kwargs: graph.paths(**kw), REPEAT))[0]  # type: ignore[arg-type]
        raw = percentiles(time_calls(direct, REPEAT))[0]
        rows.append([label, f"{raw:.2f}", f"{service:.2f}", f"{(service / raw - 1) * 100:+.0f}%"])
    store.close()
    return rows


def run() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        server = LocalNeo4j(Path(tmp))
        server.start()
        try:
            settings = Settings(_env_file=None, backend="neo4j", NEO4J_URI=server.uri, NEO4J_PASSWORD=PASSWORD)  # type: ignore[call-arg]
            driver = GraphDatabase.driver(server.uri, auth=("neo4j", PASSWORD))
            registry = CypherRegistry()
            loads = load_comparison(driver, registry)
            paths = path_overhead(driver, settings, registry)
            driver.close()
        finally:
            server.stop()
    return (
        "Loading a synthetic graph\n\n"
        + table(["load", "relationships", "seconds", "relationships / s", "vs per-row"], loads)
        + "\n\nPath queries on the seed data (p50 of "
        + str(REPEAT)
        + " calls)\n\n"
        + table(["query", "Cypher via driver (ms)", "through the service (ms)", "service adds"], paths)
    )


if __name__ == "__main__":
    print(run())
