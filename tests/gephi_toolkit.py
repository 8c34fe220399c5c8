"""Running Gephi's own importers (the Gephi toolkit 0.10.1, from Maven Central) on export files.

`tests/gephi/` is a small Maven project: one class that imports files with default settings
and prints what Gephi made of them as JSON. `make test` builds it (like neo4j-local); this
module builds it too when the jar is missing or older than its sources.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI

PROJECT = Path(__file__).resolve().parent / "gephi"
JAR = PROJECT / "target" / "gephi-import-check.jar"


def _stale() -> bool:
    if not JAR.exists() or not (PROJECT / "target" / "lib").is_dir():
        return True
    built = JAR.stat().st_mtime
    return any(p.stat().st_mtime > built for p in [PROJECT / "pom.xml", *PROJECT.glob("src/**/*.java")])


def build() -> Path:
    """The harness jar, built with Maven if needed; outside CI, skips when Maven or Java is missing."""
    if _stale():
        mvn = shutil.which("mvn")
        if mvn is None or shutil.which("java") is None:
            if IN_CI:
                pytest.fail("the Gephi toolkit harness must build in CI, and Maven or Java is missing")
            pytest.skip("Maven or Java is missing: cannot build the Gephi toolkit harness")
        try:
            done = subprocess.run(
                [mvn, "-q", "-B", "-f", str(PROJECT / "pom.xml"), "package"],
                capture_output=True, text=True, timeout=900, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as exc:
            if IN_CI:
                pytest.fail(f"the Gephi toolkit harness must build in CI: {exc}")
            pytest.skip(f"cannot build the Gephi toolkit harness: {exc}")
        if done.returncode != 0:
            pytest.fail(f"building tests/gephi failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        JAR.touch()  # the jar plugin may skip rewriting an unchanged jar
    return JAR


def gephi_import(fmt: str, files: list[Path], at: list[str]) -> dict[str, Any]:
    """What Gephi makes of `files` (`gexf`, `graphml`, or `csv` with the nodes then the edges table).

    Gephi's import issues of level SEVERE or CRITICAL make the harness exit 1 and fail the test.
    """
    args = [
        shutil.which("java") or "java",
        "-Xmx1g",
        "-Djava.awt.headless=true",
        "-jar",
        str(build()),
        fmt,
        *map(str, files),
    ]
    for day in at:
        args += ["--at", day]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        pytest.fail(
            f"Gephi's import of {fmt} failed (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
        )
    result: dict[str, Any] = json.loads(done.stdout)
    return result
