"""Export time of every format, for the seed graph and a synthetic graph of 100k relationships.

Run: `.venv/bin/python bench/export_bench.py [--relationships N] [--repeat R]`. Prints a
table and rewrites the "Exports" section of bench/README.md (other sections are kept).
Each time is the best of R runs of building the snapshot and rendering every byte; the
ratio is to the JSON export of the same graph (goal: GraphML and GEXF within 3x).
"""

from __future__ import annotations

import argparse
import platform
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.dates import PartialDate  # noqa: E402
from app.export.formats import FORMATS, prepare  # noqa: E402
from app.export.snapshot import SnapshotFilters  # noqa: E402
from app.model import Dataset, Entity, Relationship, Source  # noqa: E402
from app.service import CityGraph  # noqa: E402
from app.stores.memory import MemoryStore  # noqa: E402
from app.vocabulary import REL_TYPE_NAMES, Kind  # noqa: E402
from seed.loader import load_dataset  # noqa: E402

README = ROOT / "bench" / "README.md"
SECTION = "## Exports"


def synthetic(relationships: int, seed: int = 1) -> Dataset:
    """A random dated graph: one entity per 5 relationships, Danish letters in the names."""
    rng = random.Random(seed)
    kinds = list(Kind)
    n = max(relationships // 5, 10)
    entities = tuple(
        Entity(f"e{i}", kinds[i % len(kinds)], f"Entitet {i} – Ærø/Øster/Å", country="DK",
               lat=54.5 + rng.random() * 3, lon=8 + rng.random() * 4, description=f"Beskrivelse {i}",
               sources=(Source("syntetisk.txt", "citat"),))
        for i in range(n)
    )  # fmt: skip
    rels = []
    for i in range(relationships):
        start = rng.randint(1950, 2018)
        end = start + rng.randint(0, 10) if rng.random() < 0.6 else None
        rels.append(Relationship(
            f"e{rng.randrange(n)}", REL_TYPE_NAMES[i % len(REL_TYPE_NAMES)], f"e{rng.randrange(n)}",
            start=PartialDate(start, rng.randint(1, 12) if i % 3 == 0 else None), end=PartialDate(end) if end else None,
            description=f"forbindelse {i}", sources=(Source("syntetisk.txt", "citat"),),
        ))  # fmt: skip
    unique = {r.id: r for r in rels}  # ids repeat when the same pair, type and start recur
    return Dataset(entities, tuple(unique.values()), version=f"synthetic-{relationships}")


def best_time(graph: CityGraph, fmt: str, repeat: int) -> tuple[float, int]:
    best, size = float("inf"), 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        job = prepare(graph, fmt, SnapshotFilters())
        size = sum(len(chunk) for chunk in job.chunks())
        best = min(best, time.perf_counter() - t0)
    return best, size


def run(dataset: Dataset, repeat: int, settings: Settings) -> list[tuple[str, float, int]]:
    graph = CityGraph(MemoryStore(dataset), settings)
    return [(fmt, *best_time(graph, fmt, repeat)) for fmt in FORMATS]


def table(title: str, dataset: Dataset, rows: list[tuple[str, float, int]]) -> str:
    json_time = next(t for f, t, _ in rows if f == "json")
    lines = [f"### {title}: {len(dataset.entities):,} entities, {len(dataset.relationships):,} relationships", "",
             "| format | time (s) | × JSON | size (MB) |", "| --- | ---: | ---: | ---: |"]  # fmt: skip
    lines += [f"| {f} | {t:.3f} | {t / json_time:.2f} | {s / 1e6:.2f} |" for f, t, s in rows]
    return "\n".join(lines)


def write_section(body: str) -> None:
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    section = f"{SECTION}\n\n{body}\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    README.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relationships", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-readme", action="store_true", help="Print only; leave bench/README.md alone.")
    args = parser.parse_args()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    seed = load_dataset(settings.data_dir)
    big = synthetic(args.relationships)
    parts = [
        "Each time is the best of several runs of building the snapshot and rendering every byte "
        "(`bench/export_bench.py`); × JSON is the ratio to the node-link JSON export of the same graph. "
        "Goal: GraphML and GEXF within 3× of JSON. Figures draw at most the 400 best-connected entities.",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, {platform.system()}.",
    ]
    runs = (("Seed graph", seed, args.repeat), ("Synthetic graph", big, max(1, args.repeat - 2)))
    for title, dataset, repeat in runs:
        rows = run(dataset, repeat, settings)
        parts.append(table(title, dataset, rows))
        print(parts[-1], "\n", flush=True)
    if not args.no_readme:
        write_section("\n\n".join(parts))
        print(f"wrote the {SECTION!r} section of {README}")


if __name__ == "__main__":
    main()
