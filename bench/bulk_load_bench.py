"""Bulk loading: `citygraph seed` into an empty Neo4j beside `neo4j-admin database import full`.

One run, same synthetic data (`citygraph synth`), same machine:

1. `synthesize` writes the CSV folder (or `--data` names one);
2. `citygraph seed`, the plain command as a user runs it, in a process of its own, aimed at a
   local Neo4j that is stopped and has no database yet (its own data directory and Bolt port):
   it reads and checks the folder, then takes the importer route by itself (the importer's
   files, the importer, the server's start, schema and version mark, the server's stop). Its
   own output gives the checks' seconds and each step's;
3. the anchor: `load_dataset` reads the same folder here, Neo4j's offline importer
   (`neo4j-local/import.sh`, jars from Maven Central) imports the same entities and
   relationships, with the properties our loader writes, into a fresh store; the server is then
   started on it (not timed) and the project's schema (unique constraint and indexes) built,
   since the importer builds none;
4. the driver's route (`seed.neo4j_load.load`, the CREATE path `citygraph seed` takes into a
   running server's empty database) into a fresh server (`--no-cypher` skips it; the table
   then says so).

Run: `nice -n 10 .venv/bin/python -m bench.bulk_load_bench [--relationships N | --data DIR]`
(1M: about ten minutes on 2 quiet cores; each Python process, the command's and this one,
holds the dataset in turn, not both at once). Prints the tables and rewrites the "Bulk
loading" (and, when it synthesized, the "Synthetic data") sections of bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from neo4j import GraphDatabase

from app.cypher_registry import CypherRegistry
from bench.common import table
from bench.export_bench import write_section
from seed import neo4j_load
from seed.bulk_import import run_importer
from seed.import_csv import has_line_breaks, write_import_files
from seed.loader import load_dataset
from seed.synth import ALPHA, SynthSummary, synthesize
from tests.neo4j_server import PASSWORD, LocalNeo4j, free_port


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


def _peak_rss_mb(pid: int, peak: list[float]) -> None:
    """Keep `peak[0]` at the process's high-water RSS (VmHWM) until it exits."""
    status = Path(f"/proc/{pid}/status")
    while True:
        try:
            text = status.read_text()
        except OSError:
            return
        if m := re.search(r"^VmHWM:\s+(\d+) kB", text, re.MULTILINE):
            peak[0] = int(m.group(1)) / 1024
        time.sleep(0.5)


def plain_seed(data: Path, home: Path) -> tuple[float, float, dict[str, float], float, str]:
    """`citygraph seed` as a user runs it, into the stopped local Neo4j at `home` (no database yet):
    (whole seconds, the checks' seconds, the route's steps, the process's peak RSS in MB, its output)."""
    port = free_port()
    env = {**os.environ, "CITYGRAPH_DATA_DIR": str(data), "NEO4J_LOCAL_DATA_DIR": str(home),
           "NEO4J_LOCAL_BOLT_PORT": str(port), "NEO4J_URI": f"bolt://localhost:{port}", "NEO4J_PASSWORD": PASSWORD,
           "COLUMNS": "400"}  # fmt: skip
    command = [str(Path(sys.executable).parent / "citygraph"), "seed"]
    t0 = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0.0]
    watcher = threading.Thread(target=_peak_rss_mb, args=(process.pid, peak), daemon=True)
    watcher.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - t0
    print(output, flush=True)
    if process.returncode != 0 or "loading by neo4j-admin's importer" not in output:
        raise SystemExit(f"`citygraph seed` did not take the importer route (exit {process.returncode})")
    checks = re.search(r"checks passed: .* in ([\d.]+) s", output)
    steps = re.search(r"schema online \((.*)\); start the server", output)
    assert checks and steps, output
    route = {name: float(s) for name, s in re.findall(r"([^,]+?) ([\d.]+) s(?:, |$)", steps.group(1))}
    return seconds, float(checks.group(1)), route, peak[0], output


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
        data = args.data or work / "data"
        if args.data is None:
            t0 = time.perf_counter()
            summary = synthesize(args.relationships, args.seed, data)
            synth_s = time.perf_counter() - t0

        command_s, checks_s, route, command_rss, _ = plain_seed(data, work / "route")
        print(f"citygraph seed {command_s:.1f} s, checks {checks_s:.1f} s: {route}", flush=True)
        route_counts = with_server(work / "route", lambda server: counts(server.uri))

        t0 = time.perf_counter()
        dataset = load_dataset(data)
        read_s = time.perf_counter() - t0
        print(f"synth {synth_s:.1f} s, read and check here {read_s:.1f} s", flush=True)
        (work / "files").mkdir()
        t0 = time.perf_counter()
        nodes, rels = write_import_files(dataset, work / "files")
        csv_s = time.perf_counter() - t0
        tool_s = admin_import(work / "imported", nodes, rels, has_line_breaks(dataset.entities, dataset.relationships))
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
        else f"COUNTS DIFFER: anchor {imported}, cypher {loaded}, seed {route_counts}, data {expected}"
    )
    anchor = tool_s + schema_s
    n = len(dataset.relationships)
    after_checks = command_s - checks_s
    ready_s = after_checks - route["stop the server"]

    def ratio(seconds: float) -> str:
        return f"{seconds / anchor:.2f}×"

    rows = [
        ["neo4j-admin database import full (JVM start-up included)", f"{tool_s:.1f}", f"{n / tool_s:,.0f}", ""],
        ["… then the project's schema (constraint, indexes) on the imported store", f"{schema_s:.1f}", "", ""],
        ["**anchor**: import + schema", f"{anchor:.1f}", f"{n / anchor:,.0f}", "1.00×"],
        ["**`citygraph seed`** (importer route, taken by itself), after its checks until its server has stopped",
         f"{after_checks:.1f}", f"{n / after_checks:,.0f}", f"**{ratio(after_checks)}**"],
        ["… of which until the schema is online (ready to serve)", f"{ready_s:.1f}", f"{n / ready_s:,.0f}",
         ratio(ready_s)],
        ["… its checks of the folder (read, every `citygraph validate` check"
         + (", and the importer's files, in parallel parts)" if "write CSV files" not in route else ")"),
         f"{checks_s:.1f}", "", ""],
        ["**`citygraph seed`, the whole command** (checks included)", f"{command_s:.1f}", f"{n / command_s:,.0f}",
         f"**{ratio(command_s)}**"],
    ]  # fmt: skip
    if not args.no_cypher:
        rows.append(
            [
                f"`citygraph seed` into a running server's empty database (driver: CREATE, {args.batch_size:,} rows "
                "a batch), checks not included",
                f"{ours_s:.1f}",
                f"{n / ours_s:,.0f}",
                ratio(ours_s),
            ]
        )
    steps = [[f"`citygraph seed`: {name}", f"{s:.1f}"] for name, s in route.items()]
    extra = [
        *steps,
        ["the importer's files again, for the anchor (not in the anchor)", f"{csv_s:.1f}"],
        ["the folder read and checked again here, for the anchor's files (`load_dataset`)", f"{read_s:.1f}"],
        *([["`citygraph synth`", f"{synth_s:.1f}"]] if summary else []),
    ]
    source = (
        f"`citygraph synth --relationships {args.relationships:,} --seed {args.seed}`" if summary else f"`{args.data}`"
    )
    body = (
        f"{len(dataset.entities):,} entities and {n:,} relationships from {source}, each loaded into a fresh "
        f"store; {same}. Goal: the project's load within 2× of the importer.\n\n"
        + table(["load", "seconds", "relationships / s", "× anchor"], rows)
        + "\n\nSteps (the command's own, then outside the comparison):\n\n"
        + table(["step", "seconds"], extra)
        + f"\n\nThe command's Python process peaked at {command_rss:,.0f} MB RSS (the Neo4j JVMs it starts aside)."
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
