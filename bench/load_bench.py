"""Loading the seed data into the embedded graph: reading and checking the YAML, then networkx.

Run: .venv/bin/python -m bench.load_bench
"""

from __future__ import annotations

from app.config import Settings
from app.stores.memory import MemoryStore
from bench.common import percentiles, table, time_calls
from seed.loader import load_dataset

REPEAT = 10


def run() -> str:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    dataset = load_dataset(settings.data_dir)
    read = percentiles(time_calls(lambda: load_dataset(settings.data_dir), REPEAT, warmup=1))[0]
    build = percentiles(time_calls(lambda: MemoryStore(dataset), REPEAT, warmup=1))[0]
    return table(
        ["step", "p50 (ms)"],
        [
            [
                f"read and check {len(dataset.entities)} entities, {len(dataset.relationships)} relationships (YAML)",
                f"{read:.0f}",
            ],
            ["build the networkx graph", f"{build:.1f}"],
            ["total (the embedded store's start-up)", f"{read + build:.0f}"],
        ],
    )


if __name__ == "__main__":
    print(run())
