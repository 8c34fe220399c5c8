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
from multiprocessing.connection import Connection
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


def _check_part(
    path: Path,
    part: Part,
    ids: dict[str, Any],
    kinds: dict[str, Kind],
    corpus: Corpus,
    version: str,
    out: Path,
    conn: Connection,
) -> None:
    """A worker: every check on one part's records, then its importer rows; sends what the parent needs."""
    try:
        with collector_paused():
            problems: list[Problem] = []
            placed = [item for _, item in read_csv_file(path, problems, part)]
            unique = checked_relationships(placed, ids, False, problems)
            problems += [Problem(*finding) for finding in check_dating(unique, kinds)]
            if corpus.available:
                problems += quote_problems((), unique, corpus)
            if problems:
                conn.send(("problems", f"{len(problems)} problem(s) in {path.name} from line {part.first_line}"))
                return
            records = [r for _, _, r in unique]
            write_relationships(records, version, out, header=False)
            conn.send(
                (
                    "ok",
                    [identity(r) for r in records],
                    stats.count_records((), records),
                    has_line_breaks((), records),
                )
            )
    except Misaligned as exc:
        conn.send(("misaligned", str(exc)))
    except BaseException as exc:  # the serial read runs next and meets it in the open
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def prepare_import(
    data_dir: Path, corpus_dir: Path, folder: Path, workers: int = 2, min_bytes: int = PARALLEL_FROM
) -> Prepared:
    """Check `data_dir` and write the importer's files into `folder`, `relationships.csv` in
    `workers` parts at once; `Prepared.files` is None (with the reason) where the serial read must
    answer instead: a folder without a big `relationships.csv`, a problem, or what parts cannot settle."""
    path = data_dir / RELATIONSHIPS_FILE
    if not path.is_file() or path.stat().st_size < min_bytes:
        return Prepared(None, f"no {RELATIONSHIPS_FILE} of {min_bytes:,} bytes or more")
    files = data_files(data_dir)
    version = dataset_version(files)
    corpus = Corpus(corpus_dir)
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
            return Prepared(None, f"{len(problems)} problem(s) outside {RELATIONSHIPS_FILE}")
        fork = multiprocessing.get_context("fork")
        pipes: list[Connection] = []
        children = []
        rels = [folder / "relationships-header.csv", folder / "relationships-other.csv"]
        for k, part in enumerate(split_rows(path, workers)):
            rels.append(folder / f"relationships-{k}.csv")
            receive, send = fork.Pipe(duplex=False)
            child = fork.Process(
                target=_check_part,
                args=(path, part, ids, kinds, corpus, version, rels[-1], send),
                name=f"check-part-{k}",
            )
            child.start()
            send.close()
            pipes.append(receive)
            children.append(child)
        # Meanwhile, here: the nodes, the relationships of the other files, their share of the stats.
        entity_records = [e for _, _, e in placed_entities]
        other_records = [r for _, _, r in placed_others]
        write_nodes(entity_records, version, folder / "nodes.csv")
        write_relationships([], version, rels[0], header=True)
        write_relationships(other_records, version, rels[1], header=False)
        counts = [stats.count_records(entity_records, other_records)]
        multiline = has_line_breaks(entity_records, other_records)
        answers = [_receive(pipe) for pipe in pipes]
        for child in children:
            child.join()
        failed = [answer[1] for answer in answers if answer[0] != "ok"]
        if failed:
            return Prepared(None, "; ".join(failed))
        keys = {identity(r) for r in other_records}
        total = len(keys)
        for _, part_keys, part_counts, part_multiline in answers:
            keys.update(part_keys)
            total += len(part_keys)
            counts.append(part_counts)
            multiline = multiline or part_multiline
        if len(keys) != total:
            return Prepared(None, f"a relationship's rows fall in two parts of {RELATIONSHIPS_FILE} or in two files")
    files_written = ImportFiles(
        version, [folder / "nodes.csv"], rels, len(entity_records), total, multiline,
        stats.to_json(stats.add_counts(*counts)),
    )  # fmt: skip
    return Prepared(files_written, quotes_checked=corpus.available)


def _receive(pipe: Connection) -> tuple[Any, ...]:
    try:
        answer: tuple[Any, ...] = pipe.recv()
    except EOFError:
        return ("error", "a worker ended without an answer")
    return answer
