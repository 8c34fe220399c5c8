"""The importer route of `citygraph seed` (`--bulk`): a checked dataset into an EMPTY local Neo4j.

The Cypher loader's transactional writes cost about four times `neo4j-admin database import`
at a million relationships (bench/README.md, "Bulk loading"). This route writes the
importer's CSV files (`seed.import_csv`, the same properties as the loader), runs the
importer (`neo4j-local/import.sh`, jars from Maven Central) into the local server's data
directory, then starts the server there on free loopback ports, builds the schema and writes
the version mark with its stats (what the importer cannot), and stops it again: the database
ends exactly as the Cypher loader leaves an empty one.

The importer writes store files directly, so it needs the server stopped, and it creates
databases: an existing one (a first `make neo4j` creates an empty `neo4j`) is replaced only
when a server started on it finds no node and no relationship in it; anything else is
refused (`ImportRefused`) and kept as it is. Plain `citygraph seed` takes this route by itself
when `importer_fits` (the local server's URI, nothing answering there, no server on the
directory) and `plan_import` finds the database absent or empty.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from neo4j import Driver, GraphDatabase

from app.config import BOLT_PORT, Settings
from app.cypher_registry import CypherRegistry
from app.errors import CityGraphError
from app.model import Dataset
from seed import neo4j_load
from seed.import_csv import ARRAY, ImportFiles, has_line_breaks, write_import_files
from seed.local_neo4j import ROOT, LocalNeo4j

IMPORT = ROOT / "neo4j-local" / "import.sh"
Step = Callable[[str], None]
EMPTINESS = "check that the existing database is empty"  # the step that starts a server to count it


@contextmanager
def bare_server_settings() -> Iterator[dict[str, str]]:
    """The settings of the servers this route starts for its own Cypher (count, schema, version mark):
    no GDS procedures (an empty plugins folder) and no HTTP, which they do not use and which cost
    about 7 s of each start (bench/README.md, "Bulk loading")."""
    with tempfile.TemporaryDirectory(prefix="citygraph-no-plugins-") as plugins:
        yield {"server.directories.plugins": plugins, "server.http.enabled": "false"}


class ImportRefused(CityGraphError):
    """The importer cannot write there: the server runs on that directory, or the database holds something."""

    status = 409
    code = "import_refused"


class ImportFailed(CityGraphError):
    """The importer or the server after it failed; `details.output` holds the end of its output."""

    status = 500
    code = "import_failed"


@dataclass
class BulkResult:
    """What the route did, with the seconds of each step (the bench reads them)."""

    nodes: int
    relationships: int
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportPlan:
    """What the importer may replace: the folders of an existing database a server found empty (none: absent)."""

    replace: tuple[Path, ...]

    @property
    def why(self) -> str:
        return "its database exists and holds nothing" if self.replace else "its database does not exist yet"


def _locked(path: Path) -> bool:
    """Whether another process holds Neo4j's lock on `path` (a POSIX record lock, as Java's
    FileChannel.tryLock takes on Linux). Ours is released at once, before the importer runs."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing drops our lock too
    return False


def server_runs_on(home: Path, database: str) -> bool:
    """Whether a Neo4j server holds the store lock of `home` (or of its database)."""
    databases = home / "data" / "databases"
    return any(_locked(p) for p in (databases / "store_lock", databases / database / "database_lock"))


def _answers(host: str, port: int) -> bool:
    """Whether anything accepts a connection at host:port (a server not on `home` may serve the URI)."""
    try:
        with socket.create_connection((host, port), timeout=2.0):
            return True
    except OSError:
        return False


def importer_fits(settings: Settings) -> bool:
    """Whether plain `citygraph seed` may load by the importer: `NEO4J_URI` is the local server's
    (loopback, `NEO4J_LOCAL_BOLT_PORT`), nothing answers there, no server runs on
    `NEO4J_LOCAL_DATA_DIR`, and the database is the local server's `neo4j`. Else the driver loads
    (into the running server). Whether the database is empty is `plan_import`'s to find out."""
    if settings.neo4j_database != "neo4j" or not settings.neo4j_is_local_server:
        return False
    parts = urlsplit(settings.neo4j_uri)
    if _answers(parts.hostname or "localhost", parts.port or BOLT_PORT):
        return False
    return not server_runs_on(settings.neo4j_local_data_dir, settings.neo4j_database)


def plan_import(
    home: Path, database: str, password: str, registry: CypherRegistry, heap: str = "1g", step: Step | None = None
) -> ImportPlan:
    """Refuse (`ImportRefused`, with what to do instead) unless the importer may write `database`
    under `home`: an existing database is counted by a server started on it, and kept unless empty."""
    held = check_target(home, database)
    if held:
        if step:
            step(EMPTINESS)
        _refuse_unless_empty(home, database, held, password, heap, registry)
    return ImportPlan(tuple(held))


def check_target(home: Path, database: str) -> list[Path]:
    """Refuse (with what to do instead) unless the importer may write `database` under `home`.

    Returns the folders of the database if it exists already (else none): `bulk_seed` replaces
    it only after a server started on it found it empty (`_refuse_unless_empty`).
    """
    databases = home / "data" / "databases"
    if database != "neo4j":
        raise ImportRefused(
            f"the bulk import writes the local server's default database 'neo4j', not {database!r}: "
            "unset NEO4J_DATABASE, or load with `citygraph seed` (without --bulk)",
            database=database,
        )
    if server_runs_on(home, database):
        raise ImportRefused(
            f"a Neo4j server is running on {home}: stop it (Ctrl-C in the terminal of `make neo4j`) and run "
            "`citygraph seed --bulk` again, or load into the running server with `citygraph seed` (without --bulk)",
            data_dir=str(home),
        )
    return [p for p in (databases / database, home / "data" / "transactions" / database) if p.exists()]


def _refuse_unless_empty(
    home: Path, database: str, held: list[Path], password: str, heap: str, registry: CypherRegistry
) -> None:
    """Refuse unless the existing database `held` holds no node and no relationship at all (as after
    a first `make neo4j`), counted by a server started on it; a refused database is kept as it is."""
    delete = f"delete {' and '.join(str(p) for p in held)} and run `citygraph seed` again"
    with bare_server_settings() as bare:
        server = LocalNeo4j(home, heap=heap, password=password, settings=bare)
        try:
            server.start()
        except RuntimeError as exc:
            raise ImportRefused(
                f"the database {database!r} already exists in {home} and the local Neo4j did not start on it to "
                f"check that it is empty: if nothing in it is needed, {delete}",
                data_dir=str(home), existing=[str(p) for p in held], output=str(exc)[-4000:],
            ) from None  # fmt: skip
        try:
            with (
                GraphDatabase.driver(server.uri, auth=("neo4j", password)) as driver,
                driver.session(database=database) as session,
            ):
                record = session.run(registry["count_everything"]).single(strict=True)
        finally:
            server.stop()
    nodes, relationships = int(record["nodes"]), int(record["relationships"])
    if nodes or relationships:
        raise ImportRefused(
            f"the local database {database!r} in {home} holds {nodes:,} nodes and {relationships:,} relationships "
            "and no server runs on it; nothing was changed: start it (`make neo4j`) and run `citygraph seed` again "
            f"to load into it by idempotent MERGE, or, if nothing in it is needed, {delete}",
            data_dir=str(home), existing=[str(p) for p in held], nodes=nodes, relationships=relationships,
        )  # fmt: skip


@contextmanager
def _timed(seconds: dict[str, float], name: str, step: Step | None) -> Iterator[None]:
    if step:
        step(name)
    t0 = time.perf_counter()
    yield
    seconds[name] = time.perf_counter() - t0


def run_importer(
    home: Path, nodes: list[Path], rels: list[Path], database: str = "neo4j", multiline: bool = True
) -> None:
    """`neo4j-admin database import full` of the file groups (header first) into `home`; any bad row stops it."""

    def group(paths: list[Path]) -> str:
        return ",".join(str(p) for p in paths)

    command = [str(IMPORT), str(home), f"--nodes={group(nodes)}", f"--relationships={group(rels)}",
               f"--array-delimiter={ARRAY}", f"--multiline-fields={str(multiline).lower()}", "--bad-tolerance=0",
               f"--report-file={nodes[0].parent / 'import.report'}", database]  # fmt: skip
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    if done.returncode != 0:
        tail = done.stdout[-4000:]
        raise ImportFailed(
            f"neo4j-admin database import failed (exit {done.returncode}); nothing usable was written to {home}",
            output=tail,
        )


def bulk_seed(
    source: Dataset | ImportFiles,
    home: Path,
    password: str,
    database: str = "neo4j",
    registry: CypherRegistry | None = None,
    step: Step | None = None,
    heap: str = "1g",
    inspect: Callable[[Driver], None] | None = None,
    plan: ImportPlan | None = None,
) -> BulkResult:
    """Import `source` (a checked dataset, or the importer's files of one, seed/import_parts.py)
    into the empty local database under `home`, then build the schema and write the version mark
    with the server started there on free ports, and stop it.

    `step` is told the name of each step as it starts; `inspect` is called with a driver while
    the server still runs (tests read the result through it). On failure after the importer ran, the
    half-made database is removed again, so the next attempt (or `citygraph seed`) starts clean.
    `plan` is `plan_import`'s finding made before the checks: the database it found empty is not
    counted again (the lock is checked again all the same).
    """
    registry = registry or CypherRegistry()
    held = check_target(home, database)
    result = BulkResult(0, 0)
    if held and (plan is None or list(plan.replace) != held):
        with _timed(result.seconds, EMPTINESS, step):
            _refuse_unless_empty(home, database, held, password, heap, registry)
    for path in held:
        shutil.rmtree(path)
    home.mkdir(parents=True, exist_ok=True)
    created = [home / "data" / "databases" / database, home / "data" / "transactions" / database]
    with (
        tempfile.TemporaryDirectory(prefix="citygraph-import-") as tmp,
        bare_server_settings() as bare,
        ThreadPoolExecutor(1, thread_name_prefix="stats") as pool,
    ):
        try:
            if isinstance(source, Dataset):
                with _timed(result.seconds, "write CSV files", step):
                    nodes, rels = write_import_files(source, Path(tmp))
                multiline = has_line_breaks(source.entities, source.relationships)
                # The version mark's stats are Python's work while the importer's JVM runs (started
                # only now: the files were written by forked processes, which a running thread upsets).
                stats: Future[str] = pool.submit(neo4j_load.dataset_stats, source)
                version, expected = source.version, (len(source.entities), len(source.relationships))
            else:
                nodes, rels, multiline = source.nodes, source.relationships, source.multiline
                stats = Future()  # counted by the parts already
                stats.set_result(source.stats)
                version, expected = source.version, (source.entity_count, source.relationship_count)
            with _timed(result.seconds, "neo4j-admin import", step):
                run_importer(home, nodes, rels, database, multiline)
            server = LocalNeo4j(home, heap=heap, password=password, settings=bare)  # free ports now, not before
            with _timed(result.seconds, "start the server", step):
                try:
                    server.start()
                except RuntimeError as exc:
                    raise ImportFailed(f"the local Neo4j did not start on {home}", output=str(exc)[-4000:]) from None
            try:
                with (
                    _timed(result.seconds, "schema and version", step),
                    GraphDatabase.driver(server.uri, auth=("neo4j", password)) as driver,
                ):
                    neo4j_load.finish_import(driver, version, stats.result(), registry, database)
                    result.nodes, result.relationships = neo4j_load.counts(driver, registry, database)
                    if inspect:
                        inspect(driver)
                if (result.nodes, result.relationships) != expected:
                    raise ImportFailed(
                        f"the imported database held {result.nodes} entities and {result.relationships} "
                        f"relationships, not {expected[0]} and {expected[1]}; it was removed again",
                    )
            finally:
                with _timed(result.seconds, "stop the server", step):
                    server.stop()
        except BaseException:
            for path in created:
                shutil.rmtree(path, ignore_errors=True)
            raise
    return result
