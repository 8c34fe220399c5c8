"""Bulk loading: `citygraph seed` into an empty Neo4j beside `neo4j-admin database import full`.

One run, same synthetic data (`citygraph synth`), same machine:

1. `synthesize` writes the CSV folder (or `--data` names one); `load_dataset` reads and checks
   it (the step `seed` runs before it writes anything, on either route);
2. the anchor: Neo4j's offline importer (`neo4j-local/import.sh`, jars from Maven Central)
   imports the same entities and relationships, with the properties our loader writes, into a
   fresh store; the server is then started on it (not timed) and the project's schema (unique
   constraint and indexes) built, since the importer builds none;
3. `citygraph seed --bulk` (`seed.bulk_import.bulk_seed`), the WHOLE route from the checked
   dataset: the importer's files, the importer, the server's start, schema and version mark,
   the server's stop;
4. the Cypher loader (`seed.neo4j_load.load`, the CREATE path for an empty database) into a
   fresh server (`--no-cypher` skips it; the table then says so).

Run: `nice -n 10 .venv/bin/python -m bench.bulk_load_bench [--relationships N | --data DIR]`
(1M: about a quarter of an hour on 2 busy cores; the Python process reaches 2.6 GB, and the
forked CSV writer shares most of it). Prints the tables and rewrites the "Bulk loading" (and,
when it synthesized, the "Synthetic data") sections of bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from neo4j import GraphDatabase

from app.cypher_registry import CypherRegistry
from bench.common import table
from bench.export_bench import write_section
from seed import neo4j_load
from seed.bulk_import import bulk_seed, run_importer
from seed.import_csv import has_line_breaks, write_import_files
from seed.loader import load_dataset
from seed.synth import ALPHA, SynthSummary, synthesize
from tests.neo4j_server import PASSWORD, LocalNeo4j


def admin_import(home: Path, nodes: list[Path], rels: list[Path], multiline: bool) -> float:
    """Seconds `neo4j-admin database import full` takes (JVM start-up included)."""
    home.mkdir(parents=True)
    t0 = time.perf_counter()
    run_importer(home, nodes, rels, multiline=multiline)
    return time.perf_counter() - t0


def counts(uri: str) -> tuple[int, int]:
    with GraphDatabase.driver(uri, auth=("neo4j", PASSWORD)) as driver, driver.session() as s:
        nodes = s.run("MATCH (e:Entity) RETURN count(e) AS n").single()["n"]  # type: ignore[index]
        rels = s.run("MATCH (:Entity)-[r]->(:Entity) RETURN count(r) AS n").single()["n"]  # type: ignore[index]
    return int(nodes), int(rels)


def with_server(home: Path, work: Any) -> Any:
    server = LocalNeo4j(home)
    server.start()
    try:
        return work(server)
    finally:
        server.stop()


def _loads(loads: tuple[float, float, float]) -> str:
    return " / ".join(f"{x:.1f}" for x in loads)


def degree_section(summary: SynthSummary, seed: int) -> str:
    rows = [[span, f"{n:,}"] for span, n in summary.distribution()]
    hubs = ", ".join(f"{d:,}" for _, d in summary.hubs(5))
    return (
        f"`citygraph synth --relationships {summary.relationships:,} --seed {seed}` (`seed/synth.py`): "
        f"{summary.entities:,} entities, {summary.relationships:,} relationships in {summary.rows:,} rows "
        f"(a relationship with two sources is two rows). Popularity follows a power law "
        f"(weight 1/rank^{ALPHA}); endpoints are drawn by popularity among the kinds each type joins. "
        f"The five largest hubs have {hubs} links. Degree distribution (links per entity, both directions):\n\n"
        + table(["degree", "entities"], rows)
        + "\n\nAbout 15 % of relationships are undated; dated ones start between 1945 and 2025, 60 % to the "
        "year, 25 % to the month, 15 % to the day; 40 % of dated ones end; 5 % of year-dated ones are "
        "`circa`; about 5 % are renewals of the same link later, and the symmetric types (twinning, "
        "partnership, cooperation) make up about a quarter."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relationships", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, help="An existing synthetic folder instead of synthesizing one.")
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--no-cypher", action="store_true", help="Skip the Cypher loader (minutes at 1M).")
    parser.add_argument("--no-readme", action="store_true", help="Print only; leave bench/README.md alone.")
    args = parser.parse_args()
    registry = CypherRegistry()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        summary: SynthSummary | None = None
        synth_s = 0.0
        if args.data is None:
            t0 = time.perf_counter()
            summary = synthesize(args.relationships, args.seed, work / "data")
            synth_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        dataset = load_dataset(args.data or work / "data")
        read_s = time.perf_counter() - t0
        print(f"synth {synth_s:.1f} s, read and check {read_s:.1f} s", flush=True)

        t0 = time.perf_counter()
        route = bulk_seed(dataset, work / "route", PASSWORD, registry=registry, step=lambda s: print(s, flush=True))
        route_s = time.perf_counter() - t0
        route_counts = (route.nodes, route.relationships)
        print(f"seed --bulk {route_s:.1f} s: {route.seconds}", flush=True)

        (work / "files").mkdir()
        t0 = time.perf_counter()
        nodes, rels = write_import_files(dataset, work / "files")
        csv_s = time.perf_counter() - t0
        tool_s = admin_import(work / "imported", nodes, rels, has_line_breaks(dataset))
        print(f"import CSVs {csv_s:.1f} s, neo4j-admin import {tool_s:.1f} s", flush=True)

        def schema_after_import(server: LocalNeo4j) -> tuple[float, tuple[int, int]]:
            with GraphDatabase.driver(server.uri, auth=("neo4j", PASSWORD)) as driver:
                t = time.perf_counter()
                neo4j_load.create_schema(driver, registry, "neo4j")
                return time.perf_counter() - t, counts(server.uri)

        schema_s, imported = with_server(work / "imported", schema_after_import)
        print(f"schema after import {schema_s:.1f} s", flush=True)

        def our_load(server: LocalNeo4j) -> tuple[float, tuple[int, int]]:
            with GraphDatabase.driver(server.uri, auth=("neo4j", PASSWORD)) as driver:
                t = time.perf_counter()
                neo4j_load.load(driver, dataset, registry, batch_size=args.batch_size)
                return time.perf_counter() - t, counts(server.uri)

        ours_s, loaded = (0.0, imported) if args.no_cypher else with_server(work / "ours", our_load)
        print(f"cypher load {ours_s:.1f} s", flush=True)

    load_after = os.getloadavg()
    expected = (len(dataset.entities), len(dataset.relationships))
    same = (
        "all give the same counts"
        if imported == loaded == route_counts == expected
        else f"COUNTS DIFFER: anchor {imported}, cypher {loaded}, route {route_counts}, data {expected}"
    )
    anchor = tool_s + schema_s
    n = len(dataset.relationships)
    ready_s = route_s - route.seconds["stop the server"]

    def ratio(seconds: float) -> str:
        return f"{seconds / anchor:.2f}×"

    rows = [
        ["neo4j-admin database import full (JVM start-up included)", f"{tool_s:.1f}", f"{n / tool_s:,.0f}", ""],
        ["… then the project's schema (constraint, indexes) on the imported store", f"{schema_s:.1f}", "", ""],
        ["**anchor**: import + schema", f"{anchor:.1f}", f"{n / anchor:,.0f}", "1.00×"],
        ["**`citygraph seed --bulk`**, whole route until the server has stopped", f"{route_s:.1f}",
         f"{n / route_s:,.0f}", f"**{ratio(route_s)}**"],
        ["… of which until the schema is online (ready to serve)", f"{ready_s:.1f}", f"{n / ready_s:,.0f}",
         ratio(ready_s)],
    ]  # fmt: skip
    if not args.no_cypher:
        rows.append(
            [
                f"`citygraph seed` Cypher loader, empty database (CREATE, {args.batch_size:,} rows a batch)",
                f"{ours_s:.1f}",
                f"{n / ours_s:,.0f}",
                ratio(ours_s),
            ]
        )
    steps = [[f"`seed --bulk`: {name}", f"{s:.1f}"] for name, s in route.seconds.items()]
    extra = [
        *steps,
        ["the importer's files again, for the anchor (not in the anchor)", f"{csv_s:.1f}"],
        ["read and check the data folder (`seed` does it before either route)", f"{read_s:.1f}"],
        *([["`citygraph synth`", f"{synth_s:.1f}"]] if summary else []),
    ]
    source = (
        f"`citygraph synth --relationships {args.relationships:,} --seed {args.seed}`" if summary else f"`{args.data}`"
    )
    body = (
        f"{len(dataset.entities):,} entities and {n:,} relationships from {source}, each loaded into a fresh "
        f"store; {same}. Goal: the project's load within 2× of the importer.\n\n"
        + table(["load", "seconds", "relationships / s", "× anchor"], rows)
        + "\n\nSteps (the route's own, then outside the comparison):\n\n"
        + table(["step", "seconds"], extra)
        + f"\n\nMachine load (`uptime`, 1/5/15 min) at the start: {_loads(load_before)}; at the end: "
        f"{_loads(load_after)} (2 cores, shared)."
    )
    print(body)
    if not args.no_readme:
        write_section(body, "## Bulk loading (`bench/bulk_load_bench.py`)")
        if summary:
            print(degree_section(summary, args.seed))
            write_section(degree_section(summary, args.seed), "## Synthetic data (`citygraph synth`)")


if __name__ == "__main__":
    main()
