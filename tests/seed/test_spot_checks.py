"""Spot checks that read like the documents."""

from __future__ import annotations

from app.model import Dataset, Relationship


def rels_between(ds: Dataset, a: str, b: str, rtype: str | None = None) -> list[Relationship]:
    return [
        r for r in ds.relationships
        if {r.source, r.target} == {a, b} and (rtype is None or r.type == rtype)
    ]  # fmt: skip


def entity_id(ds: Dataset, name: str) -> str:
    from app.analysis.names import EntityIndex

    return EntityIndex(ds.entities).resolve(name).id


def test_viborg_twinned_with_lund_and_hamar(seed_dataset: Dataset) -> None:
    """Viborg's first twin towns, in the years after the Second World War."""
    viborg = entity_id(seed_dataset, "Viborg Kommune")
    for town in ("Lund", "Hamar"):
        rels = rels_between(seed_dataset, viborg, entity_id(seed_dataset, town), "TWINNED_WITH")
        assert rels, town
        assert rels[0].circa and rels[0].start and 1945 <= rels[0].start.year <= 1955


def test_madona_project_ran_1998_to_2001(seed_dataset: Dataset) -> None:
    """The Madona water project: a three-year project from 1998 to 2001."""
    madona = {e.id for e in seed_dataset.entities if e.kind.value == "Project" and "madona" in e.id}
    assert madona
    spans = {(str(r.start), str(r.end)) for r in seed_dataset.relationships if {r.source, r.target} & madona}
    assert ("1998", "2001") in spans


def test_aarhus_and_harbin_since_1984(seed_dataset: Dataset) -> None:
    """Aarhus and Harbin have cooperated since 1984."""
    rels = rels_between(seed_dataset, "aarhus-kommune", entity_id(seed_dataset, "Harbin"))
    assert any(r.start and r.start.year == 1984 for r in rels)


def test_region_cooperation_regions_as_of_2008(seed_dataset: Dataset) -> None:
    """Region Midtjylland's cooperation regions in force in 2008."""
    from app.filters import RelFilter

    in_2008 = RelFilter.build(as_of="2008")
    partners = {
        (r.target if r.source == "region-midtjylland" else r.source)
        for r in seed_dataset.relationships
        if "region-midtjylland" in (r.source, r.target) and r.type == "PARTNER_OF" and in_2008.admits(r)
    }
    assert {
        "leningrad-oblast",
        "lower-silesia",
        "gyor-moson-sopron",
        "bacs-kiskun",
        "brasov-county",
        "shanghai",
    } <= partners


def test_structural_reform_2007(seed_dataset: Dataset) -> None:
    """Bjerringbro (and with it Grundfos) became part of Viborg; the counties passed to the region."""
    merged = rels_between(seed_dataset, "bjerringbro-kommune", "viborg-kommune", "MERGED_INTO")
    assert merged and str(merged[0].start) == "2007-01-01"
    for county in ("viborg-amt", "aarhus-amt", "ringkjobing-amt", "vejle-amt"):
        assert rels_between(seed_dataset, county, "region-midtjylland"), county
