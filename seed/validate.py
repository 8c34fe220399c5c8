"""`citygraph validate`: every check on the seed data, including the quotes."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from pathlib import Path

from app.model import Entity, Relationship, Source
from seed.corpus import Corpus
from seed.loader import Problem, SeedRead, ordered, read_seed


def check_quotes(read: SeedRead, corpus: Corpus) -> list[Problem]:
    """Problems for sources whose document is missing or does not contain the quote."""
    return quote_problems(read.entities, read.relationships, corpus)


def quote_problems(
    entities: Iterable[tuple[str, int, Entity]], relationships: Iterable[tuple[str, int, Relationship]], corpus: Corpus
) -> list[Problem]:
    """`check_quotes` of these records (a part of a folder's, seed/import_parts.py)."""
    problems = []
    records: Iterable[tuple[str, int, str | Relationship, tuple[Source, ...]]] = chain(
        ((f, ln, f"entity {e.id}", e.sources) for f, ln, e in entities),
        ((f, ln, r, r.sources) for f, ln, r in relationships),
    )
    for file, line, record, sources in records:
        for i, src in enumerate(sources):
            if not src.quote:  # a dataset record (a register's URL or name): nothing to match
                continue
            entry = (
                record if isinstance(record, str) else f"relationship ({record.source} {record.type} {record.target})"
            )
            doc = corpus.get(src.document)
            if doc is None:
                problems.append(
                    Problem(
                        file,
                        line,
                        entry,
                        source_field(file, i, "document"),
                        f"no document {src.document!r} in {corpus.folder}",
                    )
                )
            elif not doc.contains(src.quote):
                problems.append(
                    Problem(
                        file,
                        line,
                        entry,
                        source_field(file, i, "quote"),
                        f"does not occur verbatim in {src.document}: {src.quote[:80]!r}",
                    )
                )
    return problems


def source_field(file: str, index: int, part: str) -> str:
    """How a file names a source's field: a YAML path, or a CSV column (with which source of the record)."""
    if file.endswith(".csv"):
        return f"source_{part}" + (f" (source {index + 1} of this record)" if index else "")
    return f"sources[{index}].{part}"


def validate(data_dir: Path, corpus_dir: Path) -> tuple[SeedRead, list[Problem], bool]:
    """All problems in the seed data; the flag says whether quotes could be checked."""
    read = read_seed(data_dir)
    corpus = Corpus(corpus_dir)
    problems = list(read.problems)
    if corpus.available:
        problems += check_quotes(read, corpus)
    return read, ordered(problems), corpus.available


def main() -> int:  # a stand-alone entry point for curators: python -m seed.validate
    import sys

    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "data"
    corpus = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parents[2] / "shared" / "seeds"
    read, problems, checked = validate(data, corpus)
    for p in problems:
        print(p)
    if not checked:
        print(f"warning: corpus {corpus} not found; quotes not checked")
    dated = sum(1 for _, _, r in read.relationships if r.dated)
    print(
        f"{len(read.entities)} entities, {len(read.relationships)} relationships ({dated} dated), {len(problems)} problem(s)"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
