"""Bulk loading: `citygraph seed` into an empty Neo4j beside `neo4j-admin database import full`.

One run, same synthetic data (`citygraph synth`), same machine:

1. `synthesize` writes the CSV folder; `load_dataset` reads and checks it (the step `seed`
   runs before it writes anything);
2. Neo4j's offline importer (jars from Maven Central, `bench/neo4j-admin/pom.xml`) imports
   the same entities and relationships, with the properties our loader writes, into a fresh
   store; the server is then started on it and the project's schema (unique constraint and
   indexes) built, as `seed` does, since the importer builds none;
3. the project's loader (`seed.neo4j_load.load`, the CREATE path for an empty database,
   indexes built after the data) loads the dataset into a fresh server.

Run: `.venv/bin/python -m bench.bulk_load_bench [--relationships N]` (1M: about ten minutes
on 2 busy cores; the Python process reaches 2.6 GB). Prints the tables and rewrites the
"Bulk loading" and "Synthetic data" sections of bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import subprocess
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from neo4j import GraphDatabase

from app.cypher_registry import CypherRegistry
from app.model import Dataset
from app.stores.neo4j_records import load_rows
from bench.common import table
from bench.export_bench import write_section
from seed import neo4j_load
from seed.loader import load_dataset
from seed.synth import ALPHA, SynthSummary, synthesize
from tests.neo4j_server import PASSWORD, LocalNeo4j

ROOT = Path(__file__).resolve().parent.parent
ADMIN = ROOT / "bench" / "neo4j-admin"
ARRAY = "\x1f"  # the importer's array (and label) delimiter: a character no text of ours holds
IMPORT_TYPES = {str: "", float: ":double", bool: ":boolean", int: ":long", dt.date: ":date"}


def _columns(rows: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Every property the loader writes, with the importer's type suffix (from its first value)."""
    columns: dict[str, str] = {}
    for row in rows:
        for key, value in row["props"].items():
            if columns.get(key, "") == "" and value not in (None, []):
                item = value[0] if isinstance(value, list) else value
                columns[key] = IMPORT_TYPES[type(item)] + ("[]" if isinstance(value, list) else "")
            columns.setdefault(key, "")
    return columns


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ARRAY.join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _write(path: Path, header: list[str], rows: Iterable[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def import_csvs(dataset: Dataset, folder: Path) -> tuple[Path, Path]:
    """The dataset in the importer's CSV format, with every property the loader writes (same keys, same types)."""
    by_kind, by_type = load_rows(dataset.entities, dataset.relationships)
    node_props = _columns(row for rows in by_kind.values() for row in rows)
    rel_props = _columns(row for rows in by_type.values() for row in rows)
    node_props.pop("id", None)  # the :ID column, stored as `id` by its header name
    nodes, rels = folder / "nodes.csv", folder / "relationships.csv"
    _write(
        nodes,
        ["id:ID", ":LABEL", *(k + t for k, t in node_props.items()), "dataset_version"],
        (
            [row["id"], f"Entity{ARRAY}{kind}", *(_cell(row["props"].get(k)) for k in node_props), dataset.version]
            for kind, rows in by_kind.items()
            for row in rows
        ),
    )
    _write(
        rels,
        [":START_ID", ":END_ID", ":TYPE", "id", *(k + t for k, t in rel_props.items()), "dataset_version"],
        (
            [
                row["source"],
                row["target"],
                rtype,
                row["id"],
                *(_cell(row["props"].get(k)) for k in rel_props),
                dataset.version,
            ]
            for rtype, rows in by_type.items()
            for row in rows
        ),
    )
    return nodes, rels


def admin_import(home: Path, nodes: Path, rels: Path) -> float:
    """Seconds `neo4j-admin database import full` takes (JVM start-up included)."""
    lib = ADMIN / "target" / "lib"
    if not lib.is_dir():
        subprocess.run(["mvn", "-q", "-f", str(ADMIN / "pom.xml"), "package"], check=True)  # noqa: S607 - Maven from PATH, as make does
    (home / "conf").mkdir(parents=True, exist_ok=True)
    (home / "conf" / "neo4j.conf").write_text(f"server.directories.data={home / 'data'}\n", encoding="utf-8")
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    command = ["java", "-Xmx2g", "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool", "database", "import", "full",
               f"--nodes={nodes}", f"--relationships={rels}", f"--array-delimiter={ARRAY}",
               f"--report-file={home / 'import.report'}", "--overwrite-destination", "neo4j"]  # fmt: skip
    t0 = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
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
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--no-readme", action="store_true", help="Print only; leave bench/README.md alone.")
    args = parser.parse_args()
    registry = CypherRegistry()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        summary = synthesize(args.relationships, args.seed, work / "data")
        synth_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        dataset = load_dataset(work / "data")
        read_s = time.perf_counter() - t0
        print(f"synth {synth_s:.1f} s, read and check {read_s:.1f} s", flush=True)

        t0 = time.perf_counter()
        nodes, rels = import_csvs(dataset, work)
        csv_s = time.perf_counter() - t0
        tool_s = admin_import(work / "imported", nodes, rels)
        print(f"import CSVs {csv_s:.1f} s, neo4j-admin import {tool_s:.1f} s", flush=True)

        def schema_after_import(server: LocalNeo4j) -> tuple[float, tuple[int, int]]:
            with GraphDatabase.driver(server.uri, auth=("neo4j", PASSWORD)) as driver:
                t = time.perf_counter()
                neo4j_load.create_schema(driver, registry, "neo4j")
                return time.perf_counter() - t, counts(server.uri)

        schema_s, imported = with_server(work / "imported", schema_after_import)

        def our_load(server: LocalNeo4j) -> tuple[float, tuple[int, int]]:
            with GraphDatabase.driver(server.uri, auth=("neo4j", PASSWORD)) as driver:
                t = time.perf_counter()
                neo4j_load.load(driver, dataset, registry, batch_size=args.batch_size)
                return time.perf_counter() - t, counts(server.uri)

        ours_s, loaded = with_server(work / "ours", our_load)
        print(f"schema after import {schema_s:.1f} s; our load {ours_s:.1f} s", flush=True)

    load_after = os.getloadavg()
    expected = (len(dataset.entities), len(dataset.relationships))
    same = "both give the same counts" if imported == loaded == expected else f"COUNTS DIFFER: {imported}, {loaded}"
    anchor = tool_s + schema_s
    n = len(dataset.relationships)
    rows = [
        ["neo4j-admin database import full (JVM start-up included)", f"{tool_s:.1f}", f"{n / tool_s:,.0f}", ""],
        ["… then the project's schema (constraint, indexes) on the imported store", f"{schema_s:.1f}", "", ""],
        ["**anchor**: import + schema", f"{anchor:.1f}", f"{n / anchor:,.0f}", "1.00×"],
        [
            f"`citygraph seed` loader, empty database (CREATE, {args.batch_size:,} rows a batch)",
            f"{ours_s:.1f}",
            f"{n / ours_s:,.0f}",
            f"{ours_s / anchor:.2f}×",
        ],
    ]
    extra = [
        ["write the importer's CSV files (not in the anchor)", f"{csv_s:.1f}"],
        ["read and check the data folder (`seed` does it before either)", f"{read_s:.1f}"],
        ["`citygraph synth`", f"{synth_s:.1f}"],
    ]
    body = (
        f"{len(dataset.entities):,} entities and {n:,} relationships from `citygraph synth --relationships "
        f"{args.relationships:,} --seed {args.seed}`, each loaded into a fresh store; {same}. "
        "Goal: the project's load within 2× of the importer.\n\n"
        + table(["load", "seconds", "relationships / s", "× anchor"], rows)
        + "\n\nSteps outside the comparison:\n\n"
        + table(["step", "seconds"], extra)
        + f"\n\nMachine load (`uptime`, 1/5/15 min) at the start: {_loads(load_before)}; at the end: "
        f"{_loads(load_after)} (2 cores, shared)."
    )
    print(body)
    print(degree_section(summary, args.seed))
    if not args.no_readme:
        write_section(body, "## Bulk loading (`bench/bulk_load_bench.py`)")
        write_section(degree_section(summary, args.seed), "## Synthetic data (`citygraph synth`)")


if __name__ == "__main__":
    main()
