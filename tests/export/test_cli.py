"""`citygraph export`: the same implementation as the API, written to a file."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()


def test_json_export_keeps_its_shape(tmp_path, seed_dataset) -> None:
    """`citygraph export --format json --output FILE` still writes node-link JSON of everything."""
    out = tmp_path / "graph.json"
    result = runner.invoke(app, ["export", "--format", "json", "--output", str(out), "--backend", "memory"])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {"directed", "multigraph", "dataset_version", "nodes", "edges", "manifest"} <= set(data)
    assert len(data["nodes"]) == len(seed_dataset.entities) and len(data["edges"]) == len(seed_dataset.relationships)
    assert {"id", "name", "kind", "aliases", "lat", "lon", "sources"} <= set(data["nodes"][0])
    assert {"source", "target", "type", "start", "end", "sources"} <= set(data["edges"][0])


def test_png_of_viborg_in_2016(tmp_path) -> None:
    """One command gives "Viborg's network in 2016" as a PNG."""
    out = tmp_path / "viborg-2016.png"
    args = ["export", "--format", "png", "--around", "viborg-kommune", "--radius", "1", "--as-of", "2016"]
    args += ["--output", str(out)]
    result = runner.invoke(app, [*args, "--backend", "memory"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_input_exits_with_a_message(tmp_path) -> None:
    """An unknown format or a radius out of range exits 2 with the error, writing nothing."""
    out = tmp_path / "x"
    for extra in (["--format", "pdf"], ["--format", "json", "--around", "viborg-kommune", "--radius", "9"]):
        result = runner.invoke(app, ["export", *extra, "--output", str(out), "--backend", "memory"])
        assert result.exit_code == 2
        assert not out.exists()
