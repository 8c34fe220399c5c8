"""The checks and the importer's files of a big CSV data folder in one pass, split across cores.

At a million relationships `citygraph seed` by the importer spent most of its Python time in two
serial passes: `read_seed`'s checks and then the importer's files (bench/README.md, "Bulk
loading"). Here `relationships.csv` is cut at row boundaries into one part per worker. Each
forked worker reads its part with the same reader, runs every check the serial read runs on its
records (ends, repeats, dating rules, quotes; against the entities read before the fork), writes
its part of the importer's files and counts its share of the stats; only the records'
identities come back. The parent meanwhile writes the nodes' file.

The parts answer only "every check passed, the files are written". What they cannot settle
alone (a record whose rows fall in two parts, which the serial read merges; a cut that was not
a row boundary) and any problem at all send the folder back to the serial read, which names
every problem exactly as `citygraph validate` does.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from app import stats
from app.vocabulary import Kind
from seed.corpus import Corpus
from seed.csv_data import RELATIONSHIPS_FILE, Misaligned, Part, read_csv_file, split_rows
from seed.date_rules import check_dating
from seed.import_csv import ImportFiles, has_line_breaks, write_nodes, write_relationships
from seed.loader import (
    Problem,
    checked_entities,
    checked_relationships,
    collector_paused,
    data_files,
    dataset_version,
    identity,
    read_files,
)
from seed.validate import quote_problems

PARALLEL_FROM = 8 << 20  # bytes of relationships.csv (about 100k rows): below, a fork costs more than it saves


@dataclass(frozen=True)
class Prepared:
    """What `prepare_import` did: the files, or (None) why the folder is to be read serially."""

    files: ImportFiles | None
    why_serial: str = ""
    quotes_checked: bool = False
    tried: bool = True  # False: the folder is too small for parts, nothing was read


def _check_part(path: Path, part: Part, corpus: Corpus, version: str, out: Path, conn: Connection) -> None:
    """A worker: reads its part's records at once, then (when the parent has read the entities and
    sends their ids and kinds, or None to stop) checks them, writes their importer rows and sends
    what the parent needs."""
    try:
        with collector_paused():
            problems: list[Problem] = []
            placed = [item for _, item in read_csv_file(path, problems, part)]
            entities = conn.recv()
            if entities is None:
                return
            ids, kind_values = entities
            kinds = dict(zip(ids, map(Kind, kind_values), strict=True))
            unique = checked_relationships(placed, kinds, False, problems)
            problems += [Problem(*finding) for finding in check_dating(unique, kinds)]
            if corpus.available:
                problems += quote_problems((), unique, corpus)
            if problems:
                conn.send(("problems", f"{len(problems)} problem(s) in {path.name} from line {part.first_line}"))
                return
            records = [r for _, _, r in unique]
            conn.send(
                (
                    "ok",
                    "\n".join(identity(r) for r in records),  # one string: the quickest to send
                    stats.count_records((), records),
                    has_line_breaks((), records),
                )
            )
            write_relationships(records, version, out, header=False)
            conn.send(("written",))
    except Misaligned as exc:
        _send([conn], ("misaligned", str(exc)))
    except BaseException as exc:  # the serial read runs next and meets it in the open
        _send([conn], ("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def prepare_import(
    data_dir: Path, corpus_dir: Path, folder: Path, workers: int = 2, min_bytes: int | None = None
) -> Prepared:
    """Check `data_dir` and write the importer's files into `folder`, `relationships.csv` in
    `workers` parts at once (from `min_bytes` on, else `PARALLEL_FROM`). `Prepared.files` is None,
    with the reason, where the serial read must answer instead: a folder without a big
    `relationships.csv`, a problem, or what parts cannot settle."""
    path = data_dir / RELATIONSHIPS_FILE
    min_bytes = PARALLEL_FROM if min_bytes is None else min_bytes
    if not path.is_file() or path.stat().st_size < min_bytes:
        return Prepared(None, f"no {RELATIONSHIPS_FILE} of {min_bytes:,} bytes or more", tried=False)
    files = data_files(data_dir)
    version = dataset_version(files)
    corpus = Corpus(corpus_dir)
    rels = [folder / "relationships-header.csv", folder / "relationships-other.csv"]
    fork = multiprocessing.get_context("fork")
    pipes: list[Connection] = []
    children = []
    for k, part in enumerate(split_rows(path, workers)):  # forked first: they read while the entities are read here
        rels.append(folder / f"relationships-{k}.csv")
        mine, theirs = fork.Pipe()
        child = fork.Process(target=_check_part, args=(path, part, corpus, version, rels[-1], theirs), name=f"part-{k}")
        child.start()
        theirs.close()
        pipes.append(mine)
        children.append(child)
    try:
        return _prepare(files, path, corpus, version, folder, rels, pipes)
    finally:
        for pipe in pipes:
            pipe.close()
        for child in children:
            child.join()


def _prepare(
    files: list[Path], path: Path, corpus: Corpus, version: str, folder: Path, rels: list[Path], pipes: list[Connection]
) -> Prepared:
    """`prepare_import`'s part here, beside the workers: the other files, then the workers' answers."""
    problems: list[Problem] = []
    with collector_paused():
        entities, others = read_files([f for f in files if f != path], problems)
        placed_entities, ids = checked_entities(entities, problems)
        kinds = {e.id: e.kind for _, _, e in placed_entities}
        placed_others = checked_relationships(others, ids, False, problems)
        problems += [Problem(*finding) for finding in check_dating(placed_others, kinds)]
        if corpus.available:
            problems += quote_problems(placed_entities, placed_others, corpus)
        if problems:
            _send(pipes, None)
            return Prepared(None, f"{len(problems)} problem(s) outside {RELATIONSHIPS_FILE}")
        # The nodes, the relationships of the other files and their share of the stats, while the
        # workers read; then the entities to them (a send waits until a worker takes it).
        entity_records = [e for _, _, e in placed_entities]
        other_records = [r for _, _, r in placed_others]
        write_nodes(entity_records, version, folder / "nodes.csv")
        write_relationships([], version, rels[0], header=True)
        write_relationships(other_records, version, rels[1], header=False)
        counts = [stats.count_records(entity_records, other_records)]
        multiline = has_line_breaks(entity_records, other_records)
        _send(pipes, (list(kinds), [kind.value for kind in kinds.values()]))
        answers = _receive(pipes)
        failed = [answer[1] for answer in answers if answer[0] != "ok"]
        if failed:
            return Prepared(None, "; ".join(failed))
        keys = {identity(r) for r in other_records}
        total = len(keys)
        for _, part_keys, part_counts, part_multiline in answers:
            listed = part_keys.split("\n") if part_keys else []
            keys.update(listed)
            total += len(listed)
            counts.append(part_counts)
            multiline = multiline or part_multiline
        if len(keys) != total:
            return Prepared(None, f"a relationship's rows fall in two parts of {RELATIONSHIPS_FILE} or in two files")
        written = _receive(pipes)
        failed = [answer[1] for answer in written if answer[0] != "written"]
        if failed:
            return Prepared(None, "; ".join(failed))
    files_written = ImportFiles(
        version, [folder / "nodes.csv"], rels, len(entity_records), total, multiline,
        stats.to_json(stats.add_counts(*counts)),
    )  # fmt: skip
    return Prepared(files_written, quotes_checked=corpus.available)


def _send(pipes: list[Connection], message: object) -> None:
    for pipe in pipes:
        try:
            pipe.send(message)
        except OSError:  # the other end has gone: a worker that answered early, a parent that has its answer
            continue


def _receive(pipes: list[Connection]) -> list[tuple[Any, ...]]:
    """Each worker's next answer, taken as it comes (a worker waits until its answer is taken)."""
    answers: dict[Connection, tuple[Any, ...]] = {}
    while len(answers) < len(pipes):
        for pipe in wait([p for p in pipes if p not in answers]):
            assert isinstance(pipe, Connection)
            try:
                answers[pipe] = pipe.recv()
            except EOFError:
                answers[pipe] = ("error", "a worker ended without an answer")
    return [answers[pipe] for pipe in pipes]
