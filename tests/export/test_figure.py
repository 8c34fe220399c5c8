"""Figures: PNG at A4 width and 200 dpi, not blank; SVG parses; geo layout; chosen labels."""

from __future__ import annotations

import io

import pytest
from lxml import etree
from PIL import Image, ImageStat

from app.errors import InvalidParameter
from app.export.figure import DPI, HEIGHT_IN, WIDTH_IN, geo_positions
from tests.export.conftest import MINI


def check_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == (round(WIDTH_IN * DPI), round(HEIGHT_IN * DPI))
    grey = image.convert("L")
    assert grey.getextrema()[0] < 80  # there is ink
    assert ImageStat.Stat(grey).stddev[0] > 10  # and it is not one flat colour
    return image


def test_png_of_an_ego_network(seed_graph, export_bytes) -> None:
    """Viborg's network in 2016 renders at 1654 px wide (A4 width at 200 dpi) and is not blank."""
    check_png(export_bytes(seed_graph, "png", around="viborg-kommune", radius=1, as_of="2016"))


def test_png_geo_layout_and_chosen_labels(mini_graph, export_bytes) -> None:
    """The geographic layout and a user's list of labels render too."""
    check_png(export_bytes(mini_graph, "png", layout="geo", labels=["Århus", "alone"]))


def test_svg_parses_and_names_the_filter(seed_graph, export_bytes) -> None:
    """The SVG is well-formed XML whose text includes the title with the date."""
    svg = etree.fromstring(export_bytes(seed_graph, "svg", around="viborg-kommune", as_of="2016"))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    texts = " ".join(t for t in svg.itertext())
    assert "Viborg Kommune's network as of 2016" in texts


def test_geo_places_entities_without_coordinates_near_their_place() -> None:
    """An entity without coordinates sits beside the place it is located in; one with no anchor goes to the edge."""
    pos = geo_positions(list(MINI.entities), list(MINI.relationships))
    assert set(pos) == {e.id for e in MINI.entities}
    fx, fy = pos["firma"]
    ax, ay = pos["aarhus"]
    assert abs(fx - ax) < 0.05 and abs(fy - ay) < 0.05
    assert pos["alone"][1] == min(y for _, y in pos.values())


def test_unknown_layout(mini_graph, export_bytes) -> None:
    """An unknown layout is an InvalidParameter naming the field."""
    with pytest.raises(InvalidParameter) as info:
        export_bytes(mini_graph, "png", layout="circle")
    assert info.value.details["field"] == "layout"
