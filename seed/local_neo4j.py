"""Starting and stopping the local Neo4j (neo4j-local/run.sh) on free loopback ports.

The tests and benches start throw-away servers with it; `citygraph seed`'s bulk route starts
one on the store the importer wrote, to build the schema there.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "neo4j-local" / "run.sh"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalNeo4j:
    """A throw-away Neo4j on free ports; `start`, `stop` and `start` again keep the data dir.

    With `guide_dir` the launcher serves that folder's Browser guide and style (as `make neo4j` does).
    """

    def __init__(
        self,
        data_dir: Path,
        guide_dir: Path | None = None,
        heap: str = "768m",
        settings: dict[str, str] | None = None,
        password: str = "citygraph-test",  # noqa: S107 - the throw-away test servers' password
    ):
        self.password = password
        self.heap = heap
        self.settings = settings or {}  # extra Neo4j settings (`-C key=value`), e.g. a larger page cache
        self.bolt_port = free_port()
        self.http_port = free_port()
        self.data_dir = data_dir
        self.guide_dir = guide_dir
        self.process: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    @property
    def uri(self) -> str:
        return f"bolt://localhost:{self.bolt_port}"

    @property
    def http(self) -> str:
        return f"http://localhost:{self.http_port}"

    def start(self, timeout: float = 300.0) -> None:
        """Start the server and wait for its ready line (a first build may take minutes)."""
        env = {**os.environ, "NEO4J_LOCAL_HEAP": self.heap}
        self.process = subprocess.Popen(
            [str(RUN), "--bolt-port", str(self.bolt_port), "--http-port", str(self.http_port),
             "--data-dir", str(self.data_dir), "--password", self.password,
             *(["--guide-dir", str(self.guide_dir)] if self.guide_dir else []),
             *(arg for key, value in self.settings.items() for arg in ("-C", f"{key}={value}"))],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        )  # fmt: skip
        ready = threading.Event()

        def pump() -> None:
            assert self.process and self.process.stdout
            for line in self.process.stdout:
                self.output.append(line)
                if line.startswith("Neo4j ready:"):
                    ready.set()

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + timeout
        while not ready.wait(0.5):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("local Neo4j did not start:\n" + "".join(self.output[-40:]))

    def stop(self) -> None:
        """Stop the server cleanly (SIGTERM), waiting until its ports are free."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None
