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


def _svg_text(data: bytes) -> str:
    svg = etree.fromstring(data)
    return "\n".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))


def test_every_entity_of_an_ego_network_is_named_in_english_as_text(seed_graph, export_bytes) -> None:
    """Viborg's network in 2016 (63 entities, under LABEL_ALL_MAX): each entity's English name
    is in the SVG as <text> (not outlines), wrapped as `label_text` wraps it."""
    from app.analysis.narrative import display_name
    from app.export.figure import LABEL_ALL_MAX, label_text
    from app.export.snapshot import SnapshotFilters, build_snapshot

    snap = build_snapshot(seed_graph, SnapshotFilters(as_of="2016", around="viborg-kommune"))
    assert len(snap.entities) <= LABEL_ALL_MAX
    text = _svg_text(export_bytes(seed_graph, "svg", around="viborg-kommune", as_of="2016"))
    for e in snap.entities:
        for line in label_text(display_name(e)).splitlines():
            assert line in text, e.id
    assert "Viborg Municipality" in text and "Irbid pilot on energy" in text


def test_families_have_distinct_colours_and_styles() -> None:
    """A few families, each its own colour and its own line style; every type belongs to one."""
    from app.export.figure import FAMILY_STYLE, family_of
    from app.vocabulary import REL_TYPE_NAMES

    colours = [c for c, _, _ in FAMILY_STYLE.values()]
    styles = [repr(s) for _, s, _ in FAMILY_STYLE.values()]
    assert len(set(colours)) == len(colours) == len(set(styles)) <= 6
    assert {family_of(t) for t in REL_TYPE_NAMES} <= set(FAMILY_STYLE)


def test_components_are_packed_and_isolates_sit_below_or_are_left_out() -> None:
    """A big component on top, pairs under it, isolated entities in rows at the bottom;
    past ISOLATES_MAX isolated entities are left out of the layout."""
    from app.export.figure import ISOLATES_MAX, spring_positions
    from app.model import Entity, Relationship
    from app.vocabulary import Kind

    hub = [Entity(f"h{i}", Kind.Institution, f"H{i}") for i in range(12)]
    pair = [Entity("p1", Kind.Company, "P1"), Entity("p2", Kind.Company, "P2")]
    alone = [Entity(f"z{i:03d}", Kind.Company, f"Z{i}") for i in range(5)]
    rels = [Relationship("h0", "COOPERATED_WITH", f"h{i}") for i in range(1, 12)]
    rels.append(Relationship("p1", "PARTNER_OF", "p2"))
    pos = spring_positions([*hub, *pair, *alone], rels, None)
    assert set(pos) == {e.id for e in [*hub, *pair, *alone]}
    lowest_hub = min(pos[e.id][1] for e in hub)
    assert max(pos[p.id][1] for p in pair) < lowest_hub
    assert max(pos[z.id][1] for z in alone) < min(pos[p.id][1] for p in pair)
    many = [Entity(f"y{i:03d}", Kind.Company, f"Y{i}") for i in range(ISOLATES_MAX + 1)]
    pos = spring_positions([*hub, *many], rels[:-1], None)
    assert set(pos) == {e.id for e in hub}


def test_repeated_labels_are_deduplicated_and_capped(mini_graph, export_bytes) -> None:
    """3,000 repeated labels (issue 9) name each entity once and never more than LABEL_MAX."""
    from app.export.figure import LABEL_MAX, FigureOptions, _label_nodes
    from app.export.snapshot import SnapshotFilters, build_snapshot

    snap = build_snapshot(mini_graph, SnapshotFilters())
    ids = [e.id for e in snap.entities]
    chosen = _label_nodes(snap, list(snap.entities), FigureOptions(labels=tuple(ids * 3000)))
    assert chosen == ids[:LABEL_MAX]
