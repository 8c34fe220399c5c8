"""`citygraph synth`: deterministic, valid, and of the documented shape."""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.vocabulary import REL_TYPE_NAMES, Kind
from seed.loader import read_seed
from seed.synth import FIRST_YEAR, LAST_YEAR, synthesize

runner = CliRunner()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "10k"
    result = runner.invoke(app, ["synth", "--relationships", "10000", "--seed", "3", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "10,000 relationships" in result.output
    return out


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a, b, c = (synthesize(2000, seed, tmp_path / name) for seed, name in ((5, "a"), (5, "b"), (6, "c")))
    for name in ("entities.csv", "relationships.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "relationships.csv").read_bytes() != (tmp_path / "c" / "relationships.csv").read_bytes()
    assert a == b and a.relationships == c.relationships == 2000


def test_valid_by_citygraph_validate(folder: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "--data-dir", str(folder), "--corpus-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "10000 relationships" in result.output and "0 problem(s)" in result.output


def test_the_documented_shape(folder: Path) -> None:
    """Every kind and type; heavy-tailed degrees; partial dates 1945–2025 and undated; parallel and symmetric links."""
    read = read_seed(folder)
    entities = [e for *_, e in read.entities]
    rels = [r for *_, r in read.relationships]
    assert {e.kind for e in entities} == set(Kind)
    assert {r.type for r in rels} == set(REL_TYPE_NAMES)
    degree: Counter[str] = Counter()
    for r in rels:
        degree[r.source] += 1
        degree[r.target] += 1
    values = sorted(degree.values())
    assert values[-1] >= 100 * statistics.median(values)  # a few hubs, most entities with a handful
    assert sum(1 for d in values if d >= 200) >= 3
    dated = [r.start for r in rels if r.start]
    assert {d.precision for d in dated} == {"year", "month", "day"}
    assert min(d.year for d in dated) >= FIRST_YEAR and max(d.year for d in dated) <= LAST_YEAR
    assert 0.1 < sum(1 for r in rels if not r.dated) / len(rels) < 0.2
    assert any(r.circa for r in rels) and any(r.end for r in rels)
    pairs = Counter(frozenset((r.source, r.target)) for r in rels)
    assert sum(1 for n in pairs.values() if n > 1) > 100  # parallel links
    assert sum(1 for r in rels if r.symmetric) > 1000
    assert any(len(r.sources) == 2 for r in rels)
    assert all(s.url or s.document for r in rels for s in r.sources)
