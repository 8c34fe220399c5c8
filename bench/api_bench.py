"""The API's latency beside a hello-world endpoint, over real HTTP on loopback.

Starts uvicorn in-process on a free loopback port with the embedded store (plus a
`/hello` route that returns a constant), then times each request `REPEAT` times with one
keep-alive client. Centrality and brokerage are cached per snapshot date, so the first
request pays for the computation and the rest are served from the cache; the first
(cold) time is reported too.

Run: .venv/bin/python -m bench.api_bench
"""

from __future__ import annotations

import socket
import threading
import time

import httpx
import uvicorn

from app.api.main import create_app
from app.config import Settings
from bench.common import percentiles, table, time_calls

REPEAT = 200
REQUESTS = {
    "hello world": "/hello",
    "/paths via Viborg": "/paths?source=Grundfos&target=Irbid&via=Viborg",
    "/paths temporal": "/paths?source=Grundfos&target=Irbid&mode=temporal&max_hops=3",
    "/centrality": "/centrality?metric=betweenness&as_of=2016",
    "/brokerage": "/brokerage?as_of=2016",
    "/entities/{id}": "/entities/Viborg",
}


def serve(settings: Settings) -> tuple[uvicorn.Server, int]:
    app = create_app(settings)

    @app.get("/hello")
    def hello() -> dict[str, str]:
        return {"hello": "world"}

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, port


def run() -> str:
    server, port = serve(Settings(_env_file=None))  # type: ignore[call-arg]
    rows = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            results = {}
            for label, path in REQUESTS.items():
                t0 = time.perf_counter()
                assert client.get(path).status_code == 200, path
                cold = (time.perf_counter() - t0) * 1000
                results[label] = (cold, *percentiles(time_calls(lambda p=path: client.get(p), REPEAT)))
            base = results["hello world"][1]
            for label, (cold, p50, p95) in results.items():
                rows.append([label, f"{cold:.2f}", f"{p50:.2f}", f"{p95:.2f}", f"{p50 / base:.2f}×"])
    finally:
        server.should_exit = True
    return table(["request", "first (ms)", "p50 (ms)", "p95 (ms)", "p50 / hello world"], rows)


if __name__ == "__main__":
    print(run())
