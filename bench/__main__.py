"""Run every benchmark in one go: `make bench` (about five minutes)."""

from __future__ import annotations

import subprocess
import sys

from bench import api_bench, load_bench, neo4j_bench

if __name__ == "__main__":
    print("## Loading the embedded store\n\n" + load_bench.run() + "\n")
    print("## The API beside hello world\n\n" + api_bench.run() + "\n")
    print("## Neo4j\n\n" + neo4j_bench.run() + "\n")
    # The export benchmark rewrites its own section of bench/README.md.
    subprocess.run([sys.executable, "bench/export_bench.py"], check=True)
    # Bulk loading at 1M relationships beside neo4j-admin import (about ten minutes on 2 cores).
    subprocess.run([sys.executable, "-m", "bench.bulk_load_bench"], check=True)
