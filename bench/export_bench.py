"""Export time of every format, for the seed graph and a synthetic graph of 100k relationships.

Run: `.venv/bin/python bench/export_bench.py [--relationships N] [--repeat R]`. Prints a
table and rewrites the "Exports" section of bench/README.md (other sections are kept).
Each time is the best of R runs of building the snapshot and rendering every byte; the
ratio is to the JSON export of the same graph (goal: GraphML and GEXF within 3x).
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.export.formats import FORMATS, prepare  # noqa: E402
from app.export.snapshot import SnapshotFilters  # noqa: E402
from app.model import Dataset  # noqa: E402
from app.service import CityGraph  # noqa: E402
from app.stores.memory import MemoryStore  # noqa: E402
from seed.loader import load_dataset  # noqa: E402
from seed.synth import synthetic_dataset  # noqa: E402

README = ROOT / "bench" / "README.md"
SECTION = "## Exports"


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


def write_section(body: str, heading: str = SECTION) -> None:
    """Replace (or append) the section of bench/README.md under `heading`."""
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    section = f"{heading}\n\n{body}\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
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
    big = synthetic_dataset(args.relationships)  # `citygraph synth`, read back
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
