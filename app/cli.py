"""`citygraph`: the command line, over the same library functions as the API."""

from __future__ import annotations

import json
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from app import deadline
from app.config import Settings, get_settings
from app.errors import CityGraphError
from app.filters import RelFilter

if TYPE_CHECKING:
    from app.cypher_registry import CypherRegistry
    from app.model import Dataset
    from seed.bulk_import import ImportPlan
    from seed.import_csv import ImportFiles

app = typer.Typer(
    help="City Diplomacy Graph: Danish municipalities' international relationships.", no_args_is_help=True
)
console = Console()
err = Console(stderr=True)
# From this many rows on, a first load through the driver suggests the importer route (bench/README.md, "Bulk loading").
BULK_HINT_ROWS = 100_000

BackendOpt = Annotated[
    str | None, typer.Option("--backend", help="memory or neo4j (default: CITYGRAPH_BACKEND, else memory).")
]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Keep what was in force on this date.")]
FromOpt = Annotated[str | None, typer.Option("--from", help="Start of a window.")]
ToOpt = Annotated[str | None, typer.Option("--to", help="End of a window.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the raw JSON answer.")]
LangOpt = Annotated[str, typer.Option("--lang", help="Names in narratives: en (English where known) or da.")]


def _settings(backend: str | None = None) -> Settings:
    settings = get_settings()
    return settings.model_copy(update={"backend": backend}) if backend else settings


def _graph(backend: str | None):  # type: ignore[no-untyped-def]
    from app.service import CityGraph
    from app.stores.factory import open_store

    settings = _settings(backend)
    return CityGraph(open_store(settings), settings)


def _fail(exc: CityGraphError) -> None:
    err.print(f"[red]error:[/red] {exc.message}")
    for s in exc.details.get("suggestions", []) or exc.details.get("candidates", []):
        err.print(f"  - {s['name']} ({s['kind']}, id {s['id']})")
    raise typer.Exit(2)


@app.command()
def validate(
    data_dir: Annotated[Path | None, typer.Option(help="Folder of seed YAML files.")] = None,
    corpus_dir: Annotated[Path | None, typer.Option(help="Folder of the source documents.")] = None,
) -> None:
    """Check the seed files: one line per problem (file, entry, field); non-zero exit if any."""
    from seed.validate import validate as run

    settings = get_settings()
    read, problems, checked = run(data_dir or settings.data_dir, corpus_dir or settings.corpus_dir)
    for p in problems:
        typer.echo(str(p))
    if not checked:
        err.print(
            f"[yellow]warning:[/yellow] corpus {corpus_dir or settings.corpus_dir} not found: quotes were not checked"
        )
    dated = sum(1 for *_, r in read.relationships if r.dated)
    total = len(read.relationships)
    share = f"{dated / total:.0%}" if total else "n/a"
    typer.echo(
        f"{len(read.entities)} entities, {total} relationships ({dated} dated, {share}); {len(problems)} problem(s)"
    )
    raise typer.Exit(1 if problems else 0)


@app.command()
def synth(
    relationships: Annotated[int, typer.Option(help="How many relationships.", min=1, max=20_000_000)] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed writes the same files.")] = 1,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder to write entities.csv and relationships.csv to.")
    ] = Path("synthetic-data"),
) -> None:
    """Write a synthetic data folder (CSV) of realistic shape: `citygraph synth --relationships 1000000 -o big-graph`."""
    from seed.synth import synthesize

    summary = synthesize(relationships, seed, output)
    hubs = ", ".join(f"{eid} ({degree:,})" for eid, degree in summary.hubs(3))
    typer.echo(
        f"wrote {output}: {summary.entities:,} entities, {summary.relationships:,} relationships "
        f"({summary.rows:,} rows); largest hubs {hubs}; load it with CITYGRAPH_DATA_DIR={output}"
    )


@app.command()
def seed(
    reset: Annotated[
        bool, typer.Option("--reset", help="First remove what this project loaded (its labels only).")
    ] = False,
    batch_size: Annotated[int, typer.Option(help="Rows per UNWIND batch.", min=1, max=50_000)] = 10_000,
    atomic_limit: Annotated[
        int,
        typer.Option(
            help="Reloads of up to this many rows run in one transaction (all or nothing); larger ones mark "
            "the database as loading until they finish.",
            min=0,
        ),
    ] = 50_000,
    all_problems: Annotated[bool, typer.Option("--all-problems", help="List every problem, not the first 20.")] = False,
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="Insist on the importer route (plain `seed` takes it by itself when it can): into an EMPTY "
            "local Neo4j while the server is stopped; its data directory is NEO4J_LOCAL_DATA_DIR.",
        ),
    ] = False,
) -> None:
    """Make the configured Neo4j hold the data (YAML and/or CSV), after every check passes; else change nothing.

    Into the local Neo4j while it is stopped and its database is absent or empty, by neo4j-admin's
    importer (several times faster); else through the driver, into the running server.
    """

    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, DriverError, ServiceUnavailable
    from tqdm import tqdm

    from app.cypher_registry import CypherRegistry
    from seed import neo4j_load
    from seed.loader import describe
    from seed.validate import validate as check

    settings = get_settings()
    if bulk and reset:
        typer.echo("error: --bulk only writes a database that does not exist yet; --reset does not apply", err=True)
        raise typer.Exit(2)
    registry = CypherRegistry()
    plan = _import_plan(settings, registry, bulk, reset)  # before the checks: a refusal costs no check time
    started = time.perf_counter()
    if plan is not None and _bulk_seed_in_parts(settings, registry, plan, started):
        return
    read, problems, checked = check(settings.data_dir, settings.corpus_dir)
    if problems:
        typer.echo(f"error: nothing was loaded: {describe(problems, None if all_problems else 20)}", err=True)
        raise typer.Exit(1)
    dataset = read.dataset()
    _checks_passed(settings, checked, len(dataset.entities), len(dataset.relationships), started)
    if plan is not None:
        _bulk_seed(dataset, settings, registry, plan)
        return
    driver = GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        connection_timeout=5.0,
    )
    try:
        driver.verify_connectivity()
        if reset:
            neo4j_load.reset(driver, registry, settings.neo4j_database)
        total = len(dataset.entities) + len(dataset.relationships)
        taken: list[str] = []

        def say_route(route: neo4j_load.Route) -> None:
            taken.append(route)
            err.print(f"loading {total:,} rows {neo4j_load.ROUTES[route]}")
            if route == "create" and total >= BULK_HINT_ROWS:
                err.print(
                    "hint: for a folder this size, stop the local Neo4j and run `citygraph seed` again: into an "
                    'empty local database it loads by Neo4j\'s importer, several times faster (bench/README.md, "Bulk loading")'
                )

        with tqdm(total=total, unit="row", desc="loading", disable=None) as bar:
            counters = neo4j_load.load(
                driver, dataset, registry, settings.neo4j_database, batch_size, bar.update, atomic_limit,
                on_route=say_route,
            )  # fmt: skip
    except AuthError:
        err.print(
            f"[red]error:[/red] Neo4j at {settings.neo4j_uri} refused user {settings.neo4j_user!r}: check NEO4J_USER and NEO4J_PASSWORD"
        )
        raise typer.Exit(1) from None
    except (ServiceUnavailable, DriverError, OSError) as exc:
        err.print(
            f"[red]error:[/red] Neo4j is unreachable at {settings.neo4j_uri} ({type(exc).__name__}); start it with `make neo4j` or set NEO4J_URI"
        )
        raise typer.Exit(1) from None
    finally:
        driver.close()
    typer.echo(
        f"loaded dataset {dataset.version} ({'CREATE into an empty database' if taken == ['create'] else 'MERGE'}): "
        f"{len(dataset.entities)} entities, {len(dataset.relationships)} relationships "
        f"({counters.get('nodes_created', 0)} nodes and {counters.get('relationships_created', 0)} relationships created, "
        f"{counters.get('nodes_deleted', 0)} nodes and {counters.get('relationships_deleted', 0)} relationships removed)"
    )


def _refused(exc: CityGraphError) -> NoReturn:
    """The importer route's refusal or failure: one line, then the importer's or server's output if any."""
    typer.echo(f"error: {exc.message}", err=True)
    if output := exc.details.get("output"):
        typer.echo(output, err=True)
    raise typer.Exit(1) from None


def _import_plan(settings: Settings, registry: CypherRegistry, bulk: bool, reset: bool) -> ImportPlan | None:
    """The importer route's plan when `--bulk` asks for it or it is safe (seed/bulk_import.py,
    `importer_fits`); None for the driver's route. Says which route and why, in one line."""
    from seed.bulk_import import ImportRefused, importer_fits, plan_import

    if not bulk and not importer_fits(settings):
        return None
    home = settings.neo4j_local_data_dir
    try:
        plan = plan_import(
            home, settings.neo4j_database, settings.neo4j_password.get_secret_value(), registry,
            step=lambda name: err.print(f"{name}..."),
        )  # fmt: skip
    except ImportRefused as exc:
        _refused(exc)
    why = (
        "as --bulk asks"
        if bulk
        else f"NEO4J_URI is the local Neo4j's, nothing answers there and no server runs on {home}"
    )
    err.print(
        f"loading by neo4j-admin's importer into the local database in {home} ({why}; {plan.why})"
        + ("; --reset has nothing to remove" if reset else "")
    )
    return plan


def _checks_passed(settings: Settings, checked: bool, entities: int, relationships: int, started: float) -> None:
    if not checked:
        err.print(f"[yellow]warning:[/yellow] corpus {settings.corpus_dir} not found: quotes were not checked")
    err.print(
        f"checks passed: {entities:,} entities, {relationships:,} relationships in {time.perf_counter() - started:.1f} s"
    )


def _bulk_seed_in_parts(settings: Settings, registry: CypherRegistry, plan: ImportPlan, started: float) -> bool:
    """The importer route with the checks and the importer's files made in parallel parts
    (seed/import_parts.py); False (nothing done) where the folder is to be checked serially."""
    from seed.import_parts import prepare_import

    with tempfile.TemporaryDirectory(prefix="citygraph-import-") as tmp:
        prepared = prepare_import(settings.data_dir, settings.corpus_dir, Path(tmp))
        if prepared.files is None:
            if prepared.tried:
                err.print(f"checking in one process ({prepared.why_serial})...")
            return False
        files = prepared.files
        _checks_passed(settings, prepared.quotes_checked, files.entity_count, files.relationship_count, started)
        _bulk_seed(files, settings, registry, plan)
    return True


def _bulk_seed(source: Dataset | ImportFiles, settings: Settings, registry: CypherRegistry, plan: ImportPlan) -> None:
    """The importer route (seed/bulk_import.py), each step named as it starts."""
    from seed.bulk_import import bulk_seed

    home = settings.neo4j_local_data_dir
    try:
        result = bulk_seed(
            source,
            home,
            settings.neo4j_password.get_secret_value(),
            settings.neo4j_database,
            registry,
            step=lambda name: err.print(f"{name}..."),
            plan=plan,
        )
    except CityGraphError as exc:
        _refused(exc)
    steps = ", ".join(f"{name} {s:.1f} s" for name, s in result.seconds.items())
    typer.echo(
        f"imported dataset {source.version} into {home}: {result.nodes} entities, {result.relationships} "
        f"relationships, schema online ({steps}); start the server with `make neo4j`"
    )


@app.command("browser-guide")
def browser_guide(
    out: Annotated[Path, typer.Option("--out", help="Folder to write guide.html and style.grass into.")] = Path(
        "neo4j-local/target/browser"
    ),
) -> None:
    """Write the Neo4j Browser guide and style for the seed data (the local Neo4j serves them)."""
    from app import browser_guide
    from seed.loader import SeedError, load_dataset

    try:
        dataset = load_dataset(get_settings().data_dir)
    except SeedError as exc:
        err.print(f"[red]error:[/red] {exc}\nrun `citygraph validate` for the full list")
        raise typer.Exit(1) from None
    for path in browser_guide.write(out, dataset.entities, dataset.relationships):
        typer.echo(str(path))


@app.command()
def serve(
    backend: BackendOpt = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the API with uvicorn (OpenAPI docs at /docs)."""
    import uvicorn

    from app.api.main import create_app
    from app.malloc_arenas import limit_arenas

    settings = _settings(backend)
    limit_arenas(settings.malloc_arenas)  # before uvicorn's and the preparation's threads
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level.lower(),
    )


@app.command()
def search(
    q: str,
    kind: Annotated[str | None, typer.Option()] = None,
    limit: int = 10,
    backend: BackendOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find entities by name or alias."""
    try:
        answer = _graph(backend).search(q, kind, limit)
    except CityGraphError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    table = Table("id", "name", "kind", "country", "degree", "score")
    for r in answer["results"]:
        table.add_row(r["id"], r["name"], r["kind"], r["country"] or "", str(r["degree"]), f"{r['score']:.2f}")
    console.print(table)


@app.command()
def paths(
    source: str,
    target: str,
    via: Annotated[list[str] | None, typer.Option(help="Pass through this entity (repeatable).")] = None,
    mode: Annotated[str, typer.Option(help="shortest, all or temporal.")] = "shortest",
    max_hops: Annotated[int, typer.Option(help="Longest path.")] = 4,
    as_of: AsOfOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    exclude: Annotated[list[str] | None, typer.Option(help="Avoid this entity (repeatable).")] = None,
    limit: int = 10,
    every_chain: Annotated[
        bool, typer.Option("--every-chain", help="Every combination of parallel links as a path of its own.")
    ] = False,
    lang: LangOpt = "en",
    backend: BackendOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Explained, dated paths: `citygraph paths Grundfos Irbid --via Viborg`."""
    try:
        answer = _graph(backend).paths(
            source, target, via, mode, max_hops, RelFilter.build(as_of, start, end), exclude, limit, not every_chain,
            lang,
        )  # fmt: skip
    except CityGraphError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    if not answer["paths"]:
        console.print(
            f"No path from {answer['source']['name']} to {answer['target']['name']}. " + " ".join(answer["notes"])
        )
        return
    for i, p in enumerate(answer["paths"], 1):
        period = p["period"]
        console.rule(f"Path {i}: {p['length']} hop(s), in place {period['start'] or '…'} – {period['end'] or '…'}")
        console.print(p["narrative"])
        table = Table("from", "relationship", "to", "dates", "source")
        nodes = p["nodes"]
        for j, r in enumerate(p["relationships"]):
            dates = period_cell(r)
            src = r["sources"][0] if r["sources"] else {"document": "", "quote": ""}
            table.add_row(
                nodes[j]["label"],
                r["type"] + (" (←)" if r["walked"] == "backward" else ""),
                nodes[j + 1]["label"],
                dates,
                f"{src['document']}: “{src['quote'][:60]}…”",
            )
            for alt in r.get("alternatives", []):
                alt_dates = period_cell(alt)
                table.add_row("", f"[dim]also {alt['type']}[/dim]", "", f"[dim]{alt_dates}[/dim]", "")
        console.print(table)
    for note in answer["notes"]:
        console.print(f"[yellow]note:[/yellow] {note}")


def period_cell(rel: dict[str, object]) -> str:
    """A relationship's dates as the narratives write them: "c. 2014–2018", "since 2007"."""
    from app.analysis.narrative import period_label
    from app.dates import PartialDate

    start, end = (PartialDate.parse(rel[k]) if rel.get(k) else None for k in ("start", "end"))
    return period_label(start, end, bool(rel.get("circa")))


@app.command()
def story(
    source: str,
    target: str,
    via: Annotated[list[str] | None, typer.Option(help="Pass through this entity (repeatable).")] = None,
    max_hops: Annotated[int, typer.Option(help="Longest route.")] = 4,
    as_of: AsOfOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    exclude: Annotated[list[str] | None, typer.Option(help="Avoid this entity (repeatable).")] = None,
    lang: LangOpt = "en",
    backend: BackendOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """How two entities are connected, as one paragraph: `citygraph story Grundfos Irbid --via Viborg`."""
    try:
        answer = _graph(backend).story(source, target, via, max_hops, RelFilter.build(as_of, start, end), exclude, lang)
    except CityGraphError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    console.print(answer["paragraph"])
    for s in answer["sources"]:
        console.print(f"[dim][{s['n']}] {s['document']}: “{s['quote']}”[/dim]")
    for note in answer["notes"]:
        console.print(f"[yellow]note:[/yellow] {note}")


@app.command()
def centrality(
    metric: Annotated[str, typer.Option(help="degree, betweenness, closeness, eigenvector or pagerank.")] = "degree",
    as_of: AsOfOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    kinds: Annotated[list[str] | None, typer.Option(help="Only these kinds (repeatable).")] = None,
    limit: int = 20,
    backend: BackendOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Entities ranked by centrality: `citygraph centrality --metric betweenness --as-of 2016`."""
    try:
        answer = _graph(backend).centrality(metric, RelFilter.build(as_of, start, end), kinds, limit)
    except CityGraphError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    table = Table("rank", "entity", "kind", metric, title=f"{metric} centrality ({answer['about']})")
    for r in answer["results"]:
        table.add_row(str(r["rank"]), r["entity"]["name"], r["entity"]["kind"], f"{r['score']:.4f}")
    console.print(table)


@app.command()
def get(path: str, backend: BackendOpt = None) -> None:
    """Answer one API request without a server: `citygraph get '/paths?source=Grundfos&target=Irbid'`."""
    import warnings

    from app.api.main import create_app

    with warnings.catch_warnings():  # starlette's note on its httpx client is not for our users
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    with TestClient(create_app(_settings(backend))) as client:
        response = client.get(path)
    typer.echo(json.dumps(response.json(), ensure_ascii=False, indent=2))
    raise typer.Exit(0 if response.status_code < 400 else 1)


@app.command()
def export(
    fmt: Annotated[
        str, typer.Option("--format", help="json, cytoscape, gexf, graphml, csv, cypher, png, svg or report.")
    ] = "json",
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write ('-' for standard output).")] = Path(
        "-"
    ),
    as_of: AsOfOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    kinds: Annotated[
        list[str] | None, typer.Option(help="Only entities of these kinds (repeatable or comma-separated).")
    ] = None,
    types: Annotated[
        list[str] | None, typer.Option(help="Only these relationship types (repeatable or comma-separated).")
    ] = None,
    around: Annotated[str | None, typer.Option(help="Only this entity's neighbourhood (id, name or alias).")] = None,
    radius: Annotated[int, typer.Option(help="Hops around --around, 1 to 4.")] = 1,
    layout: Annotated[
        str, typer.Option(help="Figures and Cytoscape positions: spring (seeded) or geo (longitude/latitude).")
    ] = "spring",
    labels: Annotated[
        list[str] | None, typer.Option(help="Figures: entities to name (repeatable); default the best-connected.")
    ] = None,
    backend: BackendOpt = None,
) -> None:
    """Export a snapshot: `citygraph export --format png --around Viborg --as-of 2016 -o viborg-2016.png`."""
    from app.export.formats import prepare
    from app.export.snapshot import SnapshotFilters

    filters = SnapshotFilters(as_of, start, end, tuple(kinds or ()), tuple(types or ()), around, radius)
    if str(output) != "-" and not output.parent.is_dir():  # say so before any work is done
        err.print(f"[red]error:[/red] cannot write {output}: no folder {output.parent}", soft_wrap=True)
        raise typer.Exit(1)
    # No request budget here, but one query (a page) may take the export budget: neo4j_timeout suits requests.
    limit = deadline.Deadline(math.inf, "citygraph export", query_cap=_settings(backend).export_time_budget)
    with deadline.within(limit):
        try:
            job = prepare(_graph(backend), fmt, filters, layout, labels)
        except CityGraphError as exc:
            _fail(exc)
        counts = job.snapshot.manifest["counts"]
        for warning in job.warnings:
            err.print(f"[yellow]warning:[/yellow] {warning}", soft_wrap=True)
        if str(output) == "-":
            try:
                for chunk in job.chunks():
                    sys.stdout.buffer.write(chunk)
            except CityGraphError as exc:
                _fail(exc)
            sys.stdout.buffer.flush()
        else:
            try:
                with output.open("wb") as f:
                    for chunk in job.chunks():
                        f.write(chunk)
            except OSError as exc:
                err.print(f"[red]error:[/red] cannot write {output}: {exc.strerror or exc}", soft_wrap=True)
                raise typer.Exit(1) from None
            except CityGraphError as exc:  # stopped part-way: leave no file that looks whole
                output.unlink(missing_ok=True)
                _fail(exc)
    err.print(
        f"wrote {output} ({job.format.name}): {job.snapshot.title}; {counts['entities']} entities, {counts['relationships']} relationships",
        soft_wrap=True,
    )


if __name__ == "__main__":
    app()
