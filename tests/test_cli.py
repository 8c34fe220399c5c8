"""The CLI: the same library functions as the API, printed as tables."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()


def test_paths_prints_the_narrative_and_a_table() -> None:
    """`citygraph paths Grundfos Irbid --via Viborg` explains each route, parallel links beside it."""
    result = runner.invoke(app, ["paths", "Grundfos", "Irbid", "--via", "Viborg"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Viborg Municipality advised Irbid from 2011 to 2018" in result.output
    assert "c. 2014–2018" in result.output and "since 2015" in result.output  # circa and open ends, as written
    assert "2015–" not in result.output
    assert "Path 1:" in result.output and "Path 2:" not in result.output  # one route
    assert "also " in result.output  # the parallel links beside each hop
    every = runner.invoke(app, ["paths", "Grundfos", "Irbid", "--via", "Viborg", "--every-chain", "--limit", "2"])
    assert "Path 2:" in every.output and "Path 3:" not in every.output


def test_story_tells_the_flagship_with_sources() -> None:
    """`citygraph story Grundfos Irbid --via Viborg`: one paragraph, then numbered sources."""
    result = runner.invoke(app, ["story", "Grundfos", "Irbid", "--via", "Viborg"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "led the Irbid pilot on energy use and water loss, in which Grundfos took part" in result.output
    assert "[1] 000_17e9b85cf08b5eaf.txt" in result.output


def test_paths_table_names_entities_as_the_narrative_does() -> None:
    """The table's from/to columns use the narrative's language: English by default, Danish with --lang da."""
    args = ["paths", "Grundfos", "Irbid", "--via", "Viborg"]
    english = runner.invoke(app, args, env={"COLUMNS": "200"})
    table = english.output.split("┏", 1)[1]
    assert "Viborg Municipality" in table and "Viborg Kommune" not in table
    danish = runner.invoke(app, [*args, "--lang", "da"], env={"COLUMNS": "200"})
    table = danish.output.split("┏", 1)[1]
    assert "Viborg Kommune" in table and "Viborg Municipality" not in table


def test_paths_json_matches_the_library() -> None:
    """--json prints the API's answer."""
    result = runner.invoke(app, ["paths", "Grundfos", "Irbid", "--mode", "temporal", "--max-hops", "3", "--json"])
    body = json.loads(result.output)
    assert body["mode"] == "temporal" and all(p["time_respecting"] for p in body["paths"])


def test_unknown_entity_is_a_clear_error() -> None:
    """A misspelt name exits 2 with suggestions, no traceback."""
    result = runner.invoke(app, ["paths", "Grundfoss", "Irbid"])
    assert result.exit_code == 2
    assert "no entity is called 'Grundfoss'" in result.output and "Grundfos (Company, id grundfos)" in result.output


def test_centrality_table() -> None:
    """`citygraph centrality --metric betweenness --as-of 2016` ranks entities."""
    result = runner.invoke(
        app, ["centrality", "--metric", "betweenness", "--as-of", "2016", "--limit", "5"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "betweenness centrality" in result.output
    assert "Region Midtjylland" in result.output


def test_bad_metric_is_a_clear_error() -> None:
    """An unknown metric names the field and the allowed values."""
    result = runner.invoke(app, ["centrality", "--metric", "fame"])
    assert result.exit_code == 2 and "metric: unknown metric 'fame'" in result.output


def test_search_table() -> None:
    """`citygraph search Århus` finds Aarhus Kommune."""
    result = runner.invoke(app, ["search", "Århus"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "aarhus-kommune" in result.output


def test_get_answers_a_request_without_a_server() -> None:
    """`citygraph get /health` prints the JSON answer; an error exits non-zero."""
    ok = runner.invoke(app, ["get", "/health"])
    assert ok.exit_code == 0 and json.loads(ok.output)["status"] == "ok"
    bad = runner.invoke(app, ["get", "/entities/nowhere-at-all"])
    assert bad.exit_code == 1 and json.loads(bad.output)["error"]["status"] == 404


def test_export_json_is_node_link(tmp_path: Path, seed_dataset) -> None:  # type: ignore[no-untyped-def]
    """`citygraph export --format json --output FILE` writes every node and edge with sources."""
    out = tmp_path / "graph.json"
    result = runner.invoke(app, ["export", "--format", "json", "--output", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["nodes"]) == len(seed_dataset.entities)
    assert len(data["edges"]) == len(seed_dataset.relationships)
    node = next(n for n in data["nodes"] if n["id"] == "aarhus-kommune")
    assert {"id", "name", "kind", "aliases"} <= set(node) and "Århus" in node["aliases"]
    edge = data["edges"][0]
    assert {"source", "target", "type", "start", "end", "sources"} <= set(edge)
