"""`citygraph export`: the same implementation as the API, written to a file."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.dates import DAY_MAX, DAY_MIN

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


def _dated_span(dataset) -> tuple[str, str]:
    days = [d for r in dataset.relationships for d in (r.period.first, r.period.last) if DAY_MIN < d < DAY_MAX]
    return min(days).isoformat(), max(days).isoformat()


@pytest.mark.parametrize(("as_of", "where"), [("2099", "after"), ("1800", "before")])
def test_window_outside_the_data_warns_on_stderr(tmp_path, seed_dataset, as_of, where) -> None:
    """`--as-of 2099` and `--as-of 1800` still export, with one warning line naming the data's dated span."""
    out = tmp_path / "x.gexf"
    result = runner.invoke(app, ["export", "--format", "gexf", "--as-of", as_of, "-o", str(out), "--backend", "memory"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    first, last = _dated_span(seed_dataset)
    assert len(warnings) == 1 and f"lies {where} every date in the data ({first} to {last})" in warnings[0]
    assert out.exists()
    inside = runner.invoke(
        app, ["export", "--format", "gexf", "--as-of", "2016", "-o", str(out), "--backend", "memory"]
    )
    assert inside.exit_code == 0 and "warning" not in inside.stderr


@pytest.mark.parametrize("target", ["/missing-dir/x.gexf", "{tmp}", "{tmp}/no/such/x.gexf"])
def test_bad_output_path_is_one_line_and_exit_1(tmp_path, target) -> None:
    """A folder that does not exist, or a folder as the file, gives one line on stderr and exit 1."""
    path = target.format(tmp=tmp_path)
    result = runner.invoke(app, ["export", "--format", "gexf", "-o", path, "--backend", "memory"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [result.stderr.strip()] and result.stderr.startswith(
        f"error: cannot write {path}"
    )
    assert "Traceback" not in result.output


def test_an_export_stopped_part_way_leaves_no_file(tmp_path, monkeypatch) -> None:
    """An error after the first chunk (a page read timing out) is an `error:` line and exit 2, and the
    partly written file is removed, so nothing on disk looks like a whole export."""
    from app.errors import QueryTimeout
    from app.export.formats import Export

    written = Export.chunks

    def stops(self):  # type: ignore[no-untyped-def]
        chunks = written(self)
        yield next(chunks)
        raise QueryTimeout("the query 'relationships_page' ran past its 30 s limit")

    monkeypatch.setattr(Export, "chunks", stops)
    out = tmp_path / "x.gexf"
    result = runner.invoke(app, ["export", "--format", "gexf", "-o", str(out), "--backend", "memory"])
    assert result.exit_code == 2
    assert (
        result.stderr.startswith("error: the query 'relationships_page' ran past") and "Traceback" not in result.output
    )
    assert not out.exists()
