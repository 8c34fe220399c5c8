"""How the service grows with the data: synthetic graphs of 10k, 100k and 1M relationships.

For each size, one run on this machine:

1. `citygraph synth` writes the data folder (kept in `build/scale/` for the next run);
2. `citygraph seed` loads it into a fresh local Neo4j (with GDS), timed;
3. `citygraph serve --backend neo4j` answers the README's endpoints over HTTP, each request
   once cold and then five times (p50), and the API process's resident memory is read from
   /proc (current and peak);
4. up to 100k, the embedded backend (`--backend memory`) answers the same requests.

The entities asked about are picked the same way at every size from the data's degrees
(a non-hub has 2–8 links; the path runs between two of them), so the rows compare like with
like. Every answer's status is kept: a 5xx or a 504 is reported, never averaged away.

Run: `.venv/bin/python -m bench.scale_bench [--sizes 10000,100000,1000000]` (1M: about an
hour on 2 cores, most of it the load). Prints the tables and rewrites the "Scale" section
of bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import table
from bench.export_bench import write_section
from seed.synth import SynthSummary, synthesize
from tests.neo4j_server import PASSWORD, LocalNeo4j, free_port

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "scale"
CLI = str(Path(sys.executable).with_name("citygraph"))
SIZES = (10_000, 100_000, 1_000_000)
EMBEDDED_MAX = 100_000  # the embedded store holds the graph in the API process: not at 1M
REPEAT = 5
TIMEOUT = 120.0  # the client's own limit: far above the service's budgets, so theirs decide
NO_ANSWER = 599  # the status recorded when the service did not answer within TIMEOUT


@dataclass
class Answer:
    """One endpoint at one size: the cold call, the warm p50, and every status seen."""

    cold: float
    warm: float
    statuses: list[int] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)  # "approximate", "truncated" where the answer says so

    @property
    def ok(self) -> bool:
        return all(s < 500 for s in self.statuses)


@dataclass
class Run:
    backend: str
    size: int
    entities: int
    answers: dict[str, Answer]
    downloads: dict[str, Download]
    rss_mb: float
    peak_rss_mb: float
    load_s: float | None = None
    prepared: str = ""  # the background preparation before the first request: state and seconds
    reseeded: bool = False  # `seed` ran into a kept database (idempotent: it only converges)


def _get(base: str, path: str) -> tuple[int, bytes, float]:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(base + path, timeout=TIMEOUT) as r:  # noqa: S310 - loopback only
            body = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    except TimeoutError:  # no answer at all within the client's limit: worse than any 5xx
        body, status = b"", NO_ANSWER
    return status, body, time.perf_counter() - t0


def _flags(body: bytes) -> set[str]:
    """The marks a JSON answer carries at its top level: approximate, truncated."""
    try:
        answer = json.loads(body)
    except ValueError:  # a file (PNG) or not JSON
        return set()
    return {f for f in ("approximate", "truncated") if isinstance(answer, dict) and answer.get(f) is True}


def measure(base: str, path: str) -> Answer:
    status, body, cold = _get(base, path)
    answer = Answer(cold=cold, warm=0.0, statuses=[status], flags=_flags(body))
    warm = []
    for _ in range(REPEAT):
        status, body, took = _get(base, path)
        answer.statuses.append(status)
        answer.flags |= _flags(body)
        warm.append(took)
    answer.warm = statistics.median(warm)
    return answer


def requests_for(summary: SynthSummary, rng: random.Random) -> dict[str, str]:
    """The README's endpoints, about entities picked alike at every size."""
    quiet = sorted(e for e, d in summary.degrees.items() if 2 <= d <= 8)
    a, b = rng.sample(quiet, 2)
    hub = summary.hubs(1)[0][0]
    q = urllib.parse.quote
    return {
        "/health": "/health",
        "search (prefix)": f"/entities?q={q(a[:6])}",
        "search (typo)": f"/entities?q={q(a[1:] + 'x')}",
        "unknown name (404 + suggestions)": f"/entities/{q(a + '-zz')}",
        "entity": f"/entities/{q(a)}",
        "neighbours of a non-hub": f"/entities/{q(a)}/neighbors",
        "timeline of a non-hub": f"/entities/{q(a)}/timeline",
        "neighbours of the top hub": f"/entities/{q(hub)}/neighbors",
        "timeline of the top hub": f"/entities/{q(hub)}/timeline",
        "shortest path": f"/paths?source={q(a)}&target={q(b)}&max_hops=4",
        "paths via the top hub": f"/paths?source={q(a)}&target={q(b)}&via={q(hub)}&max_hops=4",
        "paths, all routes": f"/paths?source={q(a)}&target={q(b)}&mode=all&max_hops=4",
        "story": f"/paths/story?source={q(a)}&target={q(b)}&max_hops=4",
        "centrality degree": "/centrality?metric=degree",
        "centrality pagerank": "/centrality?metric=pagerank",
        "centrality betweenness": "/centrality?metric=betweenness",
        "centrality closeness": "/centrality?metric=closeness",
        "centrality eigenvector": "/centrality?metric=eigenvector",
        "centrality as_of 2000": "/centrality?metric=degree&as_of=2000",
        "centrality pagerank as_of 2000": "/centrality?metric=pagerank&as_of=2000",
        "centrality betweenness 1990-2000": "/centrality?metric=betweenness&from=1990&to=2000",
        "centrality history": f"/centrality/history?entity={q(a)}&metric=degree&from=1990&to=2020&step=10",
        "centrality history (PageRank)": f"/centrality/history?entity={q(a)}&metric=pagerank&from=1990&to=2020&step=10",
        "brokerage top": "/brokerage",
        "brokerage of the top hub": f"/brokerage?entity={q(hub)}",
        "brokerage top as_of 2000": "/brokerage?as_of=2000",
        "stats": "/stats",
        "Neo4j Browser guide": "/browser/guide.html",
        "ego network (JSON)": f"/snapshot?format=json&around={q(a)}&radius=1",
        "ego network (PNG)": f"/snapshot?format=png&around={q(a)}&radius=1",
        "ego network of the top hub (GEXF)": f"/snapshot?format=gexf&around={q(hub)}&radius=1",
    }


# Whole-network files: downloaded once each (their size grows with the data by design), timed
# to the first byte and to the last, and checked to be whole (a stream cut mid-file is a failure).
DOWNLOADS = {
    "GEXF, whole network": ("/snapshot?format=gexf", b"</gexf>"),
    "GraphML, whole network": ("/snapshot?format=graphml", b"</graphml>"),
    "CSV zip, whole network": ("/snapshot?format=csv", b""),
    "JSON, whole network": ("/snapshot?format=json", b"}"),
    "Cypher script, whole network": ("/snapshot?format=cypher", b";"),
    "Cytoscape JSON, whole network": ("/snapshot?format=cytoscape", b"}"),
    "SVG figure, whole network": ("/snapshot?format=svg", b"</svg>"),
    "PNG figure, whole network": ("/snapshot?format=png", b""),
    "report, whole network": ("/snapshot?format=report", b""),
}
# Whole files take minutes past this size (a 1M GEXF is 600 MB, 10 min here): larger sizes read
# the first PARTIAL_BYTES of each, which still shows the status, the first byte and the rate.
WHOLE_FILES_MAX = 10_000
PARTIAL_BYTES = 20_000_000
PREPARE_WAIT = 900.0  # seconds the bench waits for the background preparation before asking anyway


@dataclass
class Download:
    """One whole-network file: status, seconds to the first and the last byte, bytes, and whether it is whole."""

    status: int
    first_byte: float
    total: float
    size: int
    whole: bool
    partial: bool = False  # the bench stopped reading after its share (at sizes past WHOLE_FILES_MAX)


def download(base: str, path: str, ending: bytes, max_bytes: int | None = None) -> Download:
    """GET a file, reading it in chunks (never all in memory); `ending` is what a whole file ends with.
    With `max_bytes`, stop reading after that many (the download is then neither whole nor cut)."""
    t0 = time.perf_counter()
    first, size, tail, whole = 0.0, 0, b"", False
    try:
        with urllib.request.urlopen(base + path, timeout=TIMEOUT * 10) as r:  # noqa: S310 - loopback only
            status = r.status
            while chunk := r.read(1 << 20):
                first = first or time.perf_counter() - t0
                size += len(chunk)
                tail = (tail + chunk)[-4096:]
                if max_bytes is not None and size >= max_bytes:
                    return Download(status, first, time.perf_counter() - t0, size, whole=True, partial=True)
        kind = r.headers.get("Content-Type", "")
        if kind.startswith("application/zip"):
            whole = b"PK\x05\x06" in tail  # the zip's end-of-central-directory record
        elif kind.startswith("image/png"):
            whole = tail.endswith(b"IEND\xaeB`\x82")
        else:
            whole = tail.rstrip().endswith(ending)
    except urllib.error.HTTPError as e:
        status, size = e.code, len(e.read())
        whole = True  # an error in the one JSON shape is a whole answer
    except (TimeoutError, OSError, http.client.HTTPException):  # cut mid-stream: the worst outcome
        status = NO_ANSWER
    total = time.perf_counter() - t0
    return Download(status, first or total, total, size, whole)


def rss_mb(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process, in MB (Linux /proc)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    kb = lambda key: int(fields[key].split()[0])  # noqa: E731
    return kb("VmRSS") / 1024, kb("VmHWM") / 1024


@contextmanager
def api(env: dict[str, str], backend: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`citygraph serve` on a free loopback port, until its /health answers."""
    port = free_port()
    proc = subprocess.Popen(
        [CLI, "serve", "--backend", backend, "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 1200
        while True:
            if proc.poll() is not None:
                raise RuntimeError("citygraph serve stopped:\n" + (proc.stderr.read().decode() if proc.stderr else ""))
            try:
                if _get(base, "/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("citygraph serve did not answer /health")
            time.sleep(0.5)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            print("  citygraph serve did not stop within 30 s of SIGTERM: killed", flush=True)
            proc.kill()
            proc.wait(10)


def prepared(base: str) -> tuple[str, float | None]:
    """Wait for the service's background preparation (`/health` analytics) to end: its state and seconds."""
    end = time.monotonic() + PREPARE_WAIT
    while True:
        analytics = json.loads(_get(base, "/health")[1])["analytics"]
        if analytics["state"] != "preparing" or time.monotonic() > end:
            return analytics["state"], analytics["seconds"]
        time.sleep(1)


def serve_and_measure(env: dict[str, str], backend: str, summary: SynthSummary, size: int) -> Run:
    paths = requests_for(summary, random.Random(size))
    with api(env, backend) as (base, proc):
        state, seconds = prepared(base)
        print(f"  {backend} {size:>9,} prepared analytics: {state} in {seconds} s", flush=True)
        answers = {}
        for name, path in paths.items():
            answers[name] = measure(base, path)
            print(f"  {backend} {size:>9,} {name:<34} cold {answers[name].cold:7.3f}s warm {answers[name].warm:7.3f}s "
                  f"{sorted(set(answers[name].statuses))}", flush=True)  # fmt: skip
        downloads = {}
        for name, (path, ending) in DOWNLOADS.items():
            cap = None if size <= WHOLE_FILES_MAX else PARTIAL_BYTES
            got = downloads[name] = download(base, path, ending, cap)
            print(f"  {backend} {size:>9,} {name:<34} first byte {got.first_byte:7.3f}s whole {got.total:7.3f}s "
                  f"{got.size / 1e6:.1f} MB status {got.status} {'first part' if got.partial else 'whole' if got.whole else 'CUT'}", flush=True)  # fmt: skip
        rss, peak = rss_mb(proc.pid)
    return Run(
        backend, size, summary.entities, answers, downloads, rss, peak,
        prepared=f"{state}, {seconds} s" if seconds else state,
    )  # fmt: skip


def data_folder(size: int) -> tuple[Path, SynthSummary]:
    folder = CACHE / f"{size}-seed1"
    summary = synthesize(size, 1, folder)  # deterministic: rewriting gives the same bytes
    return folder, summary


def run_size(size: int, embedded: bool, heap: str, keep: bool, neo4j: bool = True) -> list[Run]:
    t0 = time.perf_counter()
    folder, summary = data_folder(size)
    print(f"synth {size:,}: {time.perf_counter() - t0:.1f}s, {summary.entities:,} entities", flush=True)
    base_env = {**os.environ, "CITYGRAPH_DATA_DIR": str(folder), "CITYGRAPH_LOG_LEVEL": "WARNING"}
    runs = []
    if not neo4j:
        return [serve_and_measure(base_env, "memory", summary, size)] if embedded else []
    kept = CACHE / f"neo4j-{size}"
    with tempfile.TemporaryDirectory(prefix="scale-neo4j-") as tmp:
        reseed = keep and kept.exists()
        home = kept if keep else Path(tmp)
        load_s = None
        if not reseed:  # the Done-when's plain `citygraph seed` into the stopped local Neo4j: the importer route
            port = free_port()
            env = {**base_env, "NEO4J_LOCAL_DATA_DIR": str(home), "NEO4J_PASSWORD": PASSWORD,
                   "NEO4J_LOCAL_BOLT_PORT": str(port), "NEO4J_URI": f"bolt://localhost:{port}"}  # fmt: skip
            t0 = time.perf_counter()
            done = subprocess.run([CLI, "seed"], env=env, check=True, capture_output=True, text=True)
            load_s = time.perf_counter() - t0
            if "importer" not in done.stderr + done.stdout:
                raise SystemExit(f"`citygraph seed` did not take the importer route:\n{done.stderr}{done.stdout}")
        server = LocalNeo4j(home, heap=heap, settings={"server.memory.pagecache.size": "2g"})
        server.start()
        try:
            env = {**base_env, "NEO4J_URI": server.uri, "NEO4J_PASSWORD": PASSWORD}
            if reseed:  # a kept database: `seed` converges it (idempotent)
                t0 = time.perf_counter()
                subprocess.run([CLI, "seed"], env=env, check=True, stdout=subprocess.DEVNULL)
                load_s = time.perf_counter() - t0
            print(f"seed {size:,} ({'again, into the kept database' if reseed else 'into the stopped local Neo4j, no database yet'}): "
                  f"{load_s:.1f}s", flush=True)  # fmt: skip
            run = serve_and_measure(env, "neo4j", summary, size)
            run.load_s = load_s
            run.reseeded = reseed
            runs.append(run)
        finally:
            server.stop()
    if embedded:
        runs.append(serve_and_measure(base_env, "memory", summary, size))
    return runs


SECTION = "## Scale (`bench/scale_bench.py`)"
KEPT = "### Earlier measurements"  # the engineers' per-change subsections, below the run's tables

# What each request is held to, as a ratio from the smallest to the largest size (issue 8).
GOALS = {
    "search (prefix)": 3, "search (typo)": 3, "unknown name (404 + suggestions)": 3, "entity": 3,
    "neighbours of a non-hub": 3, "shortest path": 3,
    "centrality degree": 150, "centrality pagerank": 150, "brokerage top": 150, "stats": 150,
}  # fmt: skip
COLD_GOALS = {"centrality degree", "centrality pagerank", "brokerage top", "stats"}  # first call is what grows


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}" if seconds >= 0.01 else f"{seconds * 1000:.1f}"


def _cell(answer: Answer, cold: bool) -> str:
    text = _ms(answer.cold if cold else answer.warm)
    bad = sorted({s for s in answer.statuses if s != 200})  # a 202 (still computing) too
    marks = [str(s) for s in bad] + sorted(answer.flags)
    return text + (f" ({', '.join(marks)})" if marks else "")


def _download_cell(got: Download) -> str:
    text = f"{_ms(got.first_byte)} ms / {got.total:,.1f} s, {got.size / 1e6:,.1f} MB"
    if got.status >= 400:
        text += f" ({got.status})"
    if got.partial:
        return text + " (first part read)"
    return text + ("" if got.whole else " **cut**")


def report(runs: list[Run], budget: float) -> str:
    out = []
    for backend in ("neo4j", "memory"):
        rs = sorted((r for r in runs if r.backend == backend), key=lambda r: r.size)
        if not rs:
            continue
        first, last = rs[0], rs[-1]
        ratio_head = f"{last.size // 1000:,}k / {first.size // 1000:,}k"
        header = ["request", *(f"{r.size // 1000:,}k rels (ms)" for r in rs), ratio_head, "goal", "met"]
        rows = []
        for name in first.answers:
            for cold in (True, False):
                label = f"{name} ({'first' if cold else 'repeated, p50'})"
                cells = [_cell(r.answers[name], cold) for r in rs]
                a = first.answers[name].cold if cold else first.answers[name].warm
                b = last.answers[name].cold if cold else last.answers[name].warm
                ratio = b / a if a else float("inf")
                goal, met = "", ""
                if name in GOALS and (cold == (name in COLD_GOALS)):
                    goal = f"≤ {GOALS[name]}×"
                    met = "yes" if ratio <= GOALS[name] and last.answers[name].ok else "**no**"
                elif name in COLD_GOALS and not cold:
                    health = last.answers["/health"].warm
                    goal = "≤ 3× /health"
                    met = "yes" if b <= 3 * health else f"**no** ({b / health:.1f}×)"
                elif name == "centrality betweenness" and cold:
                    goal = f"< budget ({budget:g} s)"
                    met = "yes" if b < budget and last.answers[name].ok else "**no**"
                rows.append([label, *cells, f"{ratio:.1f}×", goal, met])
        out.append(f"### {backend} backend\n\n" + table(header, rows))
        file_rows = [
            [name, *(_download_cell(r.downloads[name]) for r in rs)] for name in first.downloads
        ]  # fmt: skip
        out.append(
            "Whole-network files (one download each: first byte / last byte, size, status; "
            f"a file cut mid-stream is marked **cut**; above {WHOLE_FILES_MAX:,} relationships the bench reads "
            f"the first {PARTIAL_BYTES // 1_000_000} MB of each):\n\n"
            + table(["file", *(f"{r.size // 1000:,}k rels" for r in rs)], file_rows)
        )
        mem_rows = [
            [f"{r.size:,}", f"{r.entities:,}", f"{r.rss_mb:.0f}", f"{r.peak_rss_mb:.0f}",
             f"{r.load_s:.0f}" + (" (again)" if r.reseeded else "") if r.load_s is not None else "", r.prepared]
            for r in rs
        ]  # fmt: skip
        out.append(
            table(
                [
                    "relationships",
                    "entities",
                    "API RSS after (MB)",
                    "API peak RSS (MB)",
                    "`citygraph seed` (s, checks included)",
                    "prepared before the first request",
                ],
                mem_rows,
            )
        )
    return "\n\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="Comma-separated relationship counts.")
    parser.add_argument("--heap", default="4g", help="The local Neo4j's heap.")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="Keep each size's Neo4j store in build/scale/ and reuse it (seed converges).",
    )
    parser.add_argument("--no-write", action="store_true", help="Print only; leave bench/README.md alone.")
    parser.add_argument(
        "--embedded-only", action="store_true", help="Only the embedded backend (up to 100k); implies --no-write."
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    load_before = os.getloadavg()
    runs: list[Run] = []
    for size in sizes:
        runs += run_size(size, size <= EMBEDDED_MAX, args.heap, args.keep, neo4j=not args.embedded_only)
    from app.config import Settings

    body = report(runs, Settings().request_time_budget)
    load_after = os.getloadavg()
    header = (
        f"Measured {dt.date.today().isoformat()}, sizes {', '.join(f'{s:,}' for s in sizes)}; load average "
        f"{load_before[0]:.1f} before and {load_after[0]:.1f} after. Times in ms: the first call, then the "
        f"p50 of {REPEAT} repeats; a status other than 200 or a marked answer (approximate, truncated) is shown beside it."
    )
    text = header + "\n\n" + body
    print(text)
    if not (args.no_write or args.embedded_only):
        write_section(text + kept_subsections(), SECTION)


def kept_subsections() -> str:
    """The per-change measurements under the section, which a rerun keeps (they are not its own)."""
    readme = Path(__file__).with_name("README.md").read_text(encoding="utf-8")
    start = readme.find(SECTION)
    kept = readme.find(f"\n{KEPT}", start) if start >= 0 else -1
    end = readme.find("\n## ", start + len(SECTION)) if start >= 0 else -1
    if kept < 0 or (0 <= end < kept):
        return ""
    return "\n" + readme[kept : end if end >= 0 else len(readme)].rstrip("\n")


if __name__ == "__main__":
    main()
