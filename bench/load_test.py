"""Mixed traffic against `citygraph serve` at 1, 8 and 32 concurrent clients, both backends.

The server is a real uvicorn process (`citygraph serve`) on a free loopback port, on the
embedded store and on a throw-away local Neo4j loaded with the seed data. Each level sends
a fixed, seeded mix of light and heavy requests, bounded in count (`REQUESTS`) and time
(`LEVEL_SECONDS`), while a prober asks `/health` one request at a time. Reported per
backend and level (the same requests at every level, after one warm-up pass): throughput, p50/p99 latency, `/health` p99 beside its idle p99, 5xx,
429 and empty 200s (a 200 whose list of paths or results is empty although the same
request answers with content when the server is idle), and the server's RSS before and after.

Goals (issue 9): throughput at 32 ≥ throughput at 1; `/health` p99 under load ≤ 10× idle;
zero 5xx; zero empty 200s.

Run: .venv/bin/python -m bench.load_test [--write]   (--write updates bench/README.md)
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.common import table

ROOT = Path(__file__).resolve().parent.parent
LEVELS = (1, 8, 32)
REQUESTS = 240  # per level
LEVEL_SECONDS = 90.0  # a level stops sending after this, whatever is left
IDLE_PROBES = 60
SEED = 9

LIGHT = [
    "/health",
    "/entities/Viborg",
    "/entities/aarhus-kommune",
    "/entities?q=aarhus",
    "/entities?q=kommune&limit=20",
    "/entities/viborg-kommune/neighbors?as_of=2010",
    "/entities/aarhus-kommune/timeline",
]
HEAVY = [
    "/paths?source=Grundfos&target=Irbid&via=Viborg",
    "/paths?source=Aarhus Kommune&target=Chongqing&mode=all&max_hops=6",
    "/paths?source=Grundfos&target=Irbid&mode=temporal&max_hops=4",
    "/centrality?metric=betweenness&as_of={year}",
    "/centrality?metric=pagerank&as_of={year}",
    "/brokerage?as_of={year}",
    "/stats",
    "/snapshot?format=json&around=Viborg&as_of={year}",
    "/snapshot?format=png&around=Aarhus&as_of={year}",
]


def mix(n: int, seed: int) -> list[str]:
    """`n` requests, two light to one heavy, years 1990–2018."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        pool = HEAVY if rng.random() < 1 / 3 else LIGHT
        out.append(rng.choice(pool).format(year=rng.randint(1990, 2018)))
    return out


@dataclass
class Level:
    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    health: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    empty: list[str] = field(default_factory=list)
    unsent: int = 0

    @property
    def throughput(self) -> float:
        """Answers served per second (a 429 is an answer, but not a served one)."""
        served = len(self.latencies) - self.statuses.get(429, 0)
        return served / self.seconds if self.seconds else 0.0


def p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000 if ordered else float("nan")


def is_empty(path: str, r: httpx.Response) -> bool:
    """A 200 whose paths or results are empty (every request in the mix has content when idle)."""
    if r.status_code != 200 or not r.headers.get("content-type", "").startswith("application/json"):
        return False
    body = r.json()
    return any(key in body and not body[key] for key in ("paths", "results", "neighbors", "events"))


async def run_level(base: str, clients: int, requests: list[str]) -> Level:
    level = Level(clients)
    queue = list(reversed(requests))
    stop_at = time.monotonic() + LEVEL_SECONDS
    done = asyncio.Event()

    async def worker(client: httpx.AsyncClient) -> None:
        while queue and time.monotonic() < stop_at:
            path = queue.pop()
            t0 = time.perf_counter()
            r = await client.get(path)
            level.latencies.append(time.perf_counter() - t0)
            level.statuses[r.status_code] = level.statuses.get(r.status_code, 0) + 1
            if is_empty(path, r):
                level.empty.append(path)

    async def prober(client: httpx.AsyncClient) -> None:
        while not done.is_set():
            t0 = time.perf_counter()
            r = await client.get("/health")
            level.health.append(time.perf_counter() - t0)
            assert r.status_code == 200, r.text
            await asyncio.sleep(0.05)

    limits = httpx.Limits(max_connections=clients + 1)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        probe = asyncio.create_task(prober(client))
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        level.seconds = time.perf_counter() - t0
        done.set()
        await probe
    level.unsent = len(queue)
    return level


async def idle_health(base: str) -> list[float]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        samples = []
        for _ in range(IDLE_PROBES):
            t0 = time.perf_counter()
            await client.get("/health")
            samples.append(time.perf_counter() - t0)
        return samples


def rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", text)
    return int(match.group(1)) / 1024 if match else float("nan")


@contextmanager
def served(env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """`citygraph serve` in its own process on a free loopback port."""
    from tests.neo4j_server import free_port

    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "citygraph"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={**os.environ, **env, "CITYGRAPH_LOG_LEVEL": "WARNING"},
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                raise RuntimeError("citygraph serve exited")
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def neo4j_env() -> Iterator[dict[str, str]]:
    """A throw-away local Neo4j with the seed data loaded; the environment that points at it."""
    from neo4j import GraphDatabase

    from app.config import Settings
    from app.cypher_registry import CypherRegistry
    from seed import neo4j_load
    from seed.loader import load_dataset
    from tests.neo4j_server import PASSWORD, LocalNeo4j

    with tempfile.TemporaryDirectory() as data:
        server = LocalNeo4j(Path(data))
        server.start()
        try:
            driver = GraphDatabase.driver(server.uri, auth=("neo4j", PASSWORD))
            registry = CypherRegistry()
            neo4j_load.reset(driver, registry, "neo4j")
            neo4j_load.load(driver, load_dataset(Settings(_env_file=None).data_dir), registry)  # type: ignore[call-arg]
            driver.close()
            yield {"CITYGRAPH_BACKEND": "neo4j", "NEO4J_URI": server.uri, "NEO4J_PASSWORD": PASSWORD}
        finally:
            server.stop()


def warm(base: str, requests: list[str]) -> None:
    """Each distinct request once, one at a time: every level then meets the same warm caches
    (first-request costs are measured in `bench/api_bench.py`)."""
    with httpx.Client(base_url=base, timeout=120) as client:
        for path in sorted(set(requests)):
            client.get(path)


def bench_backend(env: dict[str, str]) -> dict[str, Any]:
    requests = mix(REQUESTS, SEED)
    with served(env) as (base, pid):
        rss_before = rss_mb(pid)
        warm(base, requests)
        idle = asyncio.run(idle_health(base))
        levels = [asyncio.run(run_level(base, n, requests)) for n in LEVELS]
        rss_after = rss_mb(pid)
    return {"idle": idle, "levels": levels, "rss": (rss_before, rss_after)}


def report(results: dict[str, dict[str, Any]]) -> str:
    rows = []
    verdicts = []
    for backend, res in results.items():
        idle_p99 = p(res["idle"], 0.99)
        levels: list[Level] = res["levels"]
        for lv in levels:
            five = sum(c for s, c in lv.statuses.items() if s >= 500)
            rows.append([
                backend, str(lv.clients), str(len(lv.latencies)), f"{lv.throughput:.1f}",
                f"{p(lv.latencies, 0.5):.0f}", f"{p(lv.latencies, 0.99):.0f}",
                f"{p(lv.health, 0.99):.1f} ({p(lv.health, 0.99) / idle_p99:.1f}× idle {idle_p99:.1f})",
                str(five), str(lv.statuses.get(429, 0)), str(len(lv.empty)),
            ])  # fmt: skip
        first, last = levels[0], levels[-1]
        worst_health = max(p(lv.health, 0.99) for lv in levels[1:]) / idle_p99
        fives = sum(c for lv in levels for s, c in lv.statuses.items() if s >= 500)
        empties = sum(len(lv.empty) for lv in levels)
        verdicts.append(
            f"- **{backend}**: throughput at 32 / at 1 = {last.throughput / first.throughput:.2f} "
            f"({'met' if last.throughput >= first.throughput else 'MISSED'}); `/health` p99 under load "
            f"≤ {worst_health:.1f}× idle ({'met' if worst_health <= 10 else 'MISSED'}); 5xx: {fives}; "
            f"empty 200s: {empties}; RSS {res['rss'][0]:.0f} MB before, {res['rss'][1]:.0f} MB after."
        )
    head = [
        "backend",
        "clients",
        "requests",
        "served/s",
        "p50 ms",
        "p99 ms",
        "/health p99 ms",
        "5xx",
        "429",
        "empty 200",
    ]
    return table(head, rows) + "\n\n" + "\n".join(verdicts)


def main() -> None:
    results = {"memory": bench_backend({"CITYGRAPH_BACKEND": "memory"})}
    if "--memory-only" not in sys.argv:
        with neo4j_env() as env:
            results["neo4j"] = bench_backend(env)
    text = report(results)
    print(text)
    if "--write" in sys.argv:
        readme = ROOT / "bench" / "README.md"
        section = (
            "## Under load (`bench/load_test.py`)\n\n"
            f"The same {REQUESTS} requests at each level (two light to one heavy, seeded; one warm-up pass first, "
            f"so every level meets warm caches), at most {LEVEL_SECONDS:g} s, "
            "against `citygraph serve` in its own process on loopback; a prober asks `/health` every 50 ms "
            "meanwhile. Machine: 2 cores shared with other work, so absolute figures vary; the ratios are "
            "the result.\n\n" + text + "\n"
        )
        old = readme.read_text(encoding="utf-8")
        pattern = re.compile(r"## Under load \(`bench/load_test.py`\)\n.*?(?=\n## |\Z)", re.S)
        new = pattern.sub(section, old) if pattern.search(old) else old.rstrip("\n") + "\n\n" + section
        readme.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
