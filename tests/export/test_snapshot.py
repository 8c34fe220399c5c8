"""What the filters keep, what the manifest says, and the errors for bad filters."""

from __future__ import annotations

import pytest

from app.errors import EmptyResult, EntityNotFound, InvalidParameter
from app.export.snapshot import SnapshotFilters, build_snapshot
from tests.export.conftest import T1


def ids(snap) -> list[str]:
    return [r.id for r in snap.relationships]


def test_unfiltered_keeps_everything_even_isolated_entities(mini_graph) -> None:
    """With no filter, every entity and relationship is exported, sorted by id."""
    snap = build_snapshot(mini_graph, SnapshotFilters(), T1)
    assert len(snap.entities) == 8 and len(snap.relationships) == 8
    assert [e.id for e in snap.entities] == sorted(e.id for e in snap.entities)
    assert ids(snap) == sorted(ids(snap))


def test_as_of_keeps_what_was_in_force(mini_graph) -> None:
    """as_of 1999 keeps the 1998–2001 project and undated ties, not the 2004 twinning."""
    snap = build_snapshot(mini_graph, SnapshotFilters(as_of="1999"), T1)
    assert "aarhus|PARTICIPATED_IN|vand|1998" in ids(snap)
    assert "aarhus|TWINNED_WITH|brasov|2004" not in ids(snap)
    assert "alone" not in {e.id for e in snap.entities}


def test_window_kinds_and_types(mini_graph) -> None:
    """A from/to window, a kind filter and a type filter combine."""
    snap = build_snapshot(mini_graph, SnapshotFilters(start="2009", end="2013", types=("COOPERATED_WITH",)), T1)
    assert ids(snap) == ["ølstykke|COOPERATED_WITH|firma|2010"]
    snap = build_snapshot(mini_graph, SnapshotFilters(kinds=("Municipality,Country",)), T1)
    assert {e.kind.value for e in snap.entities} == {"Municipality", "Country"}
    assert all(r.type == "LOCATED_IN" for r in snap.relationships)


def test_ego_network_does_not_walk_through_countries(mini_graph) -> None:
    """An ego network reaches Denmark but does not walk through it to other Danish places."""
    one = build_snapshot(mini_graph, SnapshotFilters(around="Århus", radius=1), T1)
    assert {e.id for e in one.entities} == {"aarhus", "vand", "brasov", "dk", "firma"}
    assert one.center == "aarhus"
    two = build_snapshot(mini_graph, SnapshotFilters(around="aarhus", radius=2), T1)
    assert "ølstykke" in {e.id for e in two.entities}  # through the firm, not through Denmark
    assert one.manifest["filters"]["around"] == {"id": "aarhus", "name": "Aarhus Kommune", "kind": "Municipality"}
    assert one.title == "Aarhus Kommune's network, all years"


def test_manifest_counts_and_cited_documents(mini_graph) -> None:
    """The manifest has the version, filters, export time, counts and cited documents."""
    snap = build_snapshot(mini_graph, SnapshotFilters(as_of="1999"), T1)
    m = snap.manifest
    assert m["dataset_version"] == "mini-1"
    assert m["exported_at"] == "2020-01-02T03:04:05Z"
    assert m["filters"]["as_of"] == "1999"
    assert m["filters"]["window"] == {"first_day": "1999-01-01", "last_day": "1999-12-31"}
    assert m["counts"]["relationships"] == len(snap.relationships)
    assert m["counts"]["entities"] == len(snap.entities)
    assert m["sources"] == [{"document": "kilde-æøå.txt", "relationships": len(snap.relationships), "entities": 1}]


@pytest.mark.parametrize("radius", [0, 5, -1])
def test_radius_out_of_range(mini_graph, radius: int) -> None:
    """radius must be 1 to 4."""
    with pytest.raises(InvalidParameter) as info:
        build_snapshot(mini_graph, SnapshotFilters(around="aarhus", radius=radius))
    assert info.value.details["field"] == "radius"


def test_empty_result_and_unknown_centre(mini_graph) -> None:
    """Filters that keep nothing raise EmptyResult; an unknown centre raises EntityNotFound."""
    with pytest.raises(EmptyResult):
        build_snapshot(mini_graph, SnapshotFilters(as_of="1950", types=("TWINNED_WITH",)))
    with pytest.raises(EmptyResult):
        build_snapshot(mini_graph, SnapshotFilters(around="alone"))
    with pytest.raises(EntityNotFound):
        build_snapshot(mini_graph, SnapshotFilters(around="Atlantis"))
