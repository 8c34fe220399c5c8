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
    for county in ("viborg-amt", "aarhus-amt", "ringkjobing-amt"):
        assert rels_between(seed_dataset, county, "region-midtjylland"), county
    # Vejle Amt, split between two regions, is named by no document.
    assert "vejle-amt" not in {e.id for e in seed_dataset.entities}


# --- Issue 10: the dates, types and partners as the documents state them ---------------

REGION_MUNICIPALITIES = {
    "aarhus-kommune", "favrskov-kommune", "hedensted-kommune", "herning-kommune", "holstebro-kommune",
    "horsens-kommune", "ikast-brande-kommune", "lemvig-kommune", "norddjurs-kommune", "odder-kommune",
    "randers-kommune", "ringkobing-skjern-kommune", "samso-kommune", "silkeborg-kommune", "skanderborg-kommune",
    "skive-kommune", "struer-kommune", "syddjurs-kommune", "viborg-kommune",
}  # fmt: skip


def one(ds: Dataset, a: str, rtype: str, b: str) -> Relationship:
    found = [r for r in ds.relationships if (r.source, r.type, r.target) == (a, rtype, b)]
    assert len(found) == 1, (a, rtype, b, found)
    return found[0]


def test_cdeu_owners_are_attested_by_the_2018_text_not_started_in_2007(seed_dataset: Dataset) -> None:
    """Only the 2018 article names VIA and Aarhus Universitet as owners: attested 2018, no start."""
    for owner in ("via-university-college", "aarhus-universitet"):
        r = one(seed_dataset, owner, "OWNS", "central-denmark-eu-office")
        assert r.start is None and r.dating == "attested" and [str(d) for d in r.attested] == ["2018"]


def test_cdeu_was_founded_by_all_19_municipalities_and_the_region(seed_dataset: Dataset) -> None:
    """ "alle 19 midtjyske kommuner og Region Midtjylland, som stiftede kontoret": 20 founders, 2007-01-01."""
    founders = {
        r.source
        for r in seed_dataset.relationships
        if (r.type, r.target) == ("ESTABLISHED", "central-denmark-eu-office")
    }
    assert founders == REGION_MUNICIPALITIES | {"region-midtjylland"}
    for r in seed_dataset.relationships:
        if (r.type, r.target) == ("ESTABLISHED", "central-denmark-eu-office"):
            assert str(r.start) == str(r.end) == "2007-01-01"


def test_every_municipality_of_the_region_took_part_in_aarhus_2017_and_lies_in_the_region(
    seed_dataset: Dataset,
) -> None:
    """ "alle kommuner i regionen bidrog": all 19, and each LOCATED_IN the region from 2007-01-01."""
    took_part = {
        r.source for r in seed_dataset.relationships if r.target == "aarhus-2017" and r.source in REGION_MUNICIPALITIES
    }
    assert took_part | {"aarhus-kommune"} == REGION_MUNICIPALITIES  # Aarhus hosted it
    for m in REGION_MUNICIPALITIES:
        assert str(one(seed_dataset, m, "LOCATED_IN", "region-midtjylland").start) == "2007-01-01", m


def test_the_nordic_council_did_not_act_before_it_was_founded(seed_dataset: Dataset) -> None:
    """The Nordic Council was founded in 1952, so it cannot have steered anything from c. 1946."""
    r = one(seed_dataset, "nordisk-raad", "FACILITATED", "viborg-kommune")
    assert r.start and r.start.year >= 1952


def test_culture_department_part_in_aarhus_2017_is_not_its_report_year(seed_dataset: Dataset) -> None:
    """Its 2018 report attests its part; the part did not begin in 2018."""
    r = one(seed_dataset, "aarhus-kulturforvaltningen", "PARTICIPATED_IN", "aarhus-2017")
    assert r.start is None and r.dating == "attested"


def test_office_terms_start_only_where_the_text_dates_them(seed_dataset: Dataset) -> None:
    """Bundsgaard, Obama and Taksøe-Jensen are mentioned in office, not starting it; Wammen and Pape were "daværende"."""
    for person, office in [
        ("jacob-bundsgaard", "aarhus-kommune"), ("barack-obama", "white-house"),
        ("peter-taksoe-jensen", "udenrigsministeriet"), ("nicolai-wammen", "aarhus-kommune"),
    ]:  # fmt: skip
        r = one(seed_dataset, person, "HELD_OFFICE", office)
        assert r.start is None and r.dating == "attested", person
    assert str(one(seed_dataset, "jacob-bundsgaard", "HELD_OFFICE", "aarhus-kommune").attested[0]) == "2015-02"
    for person, office in (("nicolai-wammen", "aarhus-kommune"), ("soren-pape-poulsen", "viborg-kommune")):
        r = one(seed_dataset, person, "HELD_OFFICE", office)
        assert r.end is not None or r.status == "ended", person


def test_events_happen_on_one_date(seed_dataset: Dataset) -> None:
    """Every dated event (founding, signing, visit, award, merger, report) has start = end."""
    from app.vocabulary import EVENT_TYPES

    events = [r for r in seed_dataset.relationships if r.type in EVENT_TYPES]
    assert len(events) > 50
    assert all(r.start == r.end for r in events), [r.id for r in events if r.start != r.end]


def test_twinnings_did_not_end_in_2012_only_their_formal_parts(seed_dataset: Dataset) -> None:
    """ "man ophørte med de formelle dele af venskabsbysamarbejderne": the twin-town meetings ended."""
    for town in ("lund", "hamar", "marijampole"):
        r = one(seed_dataset, "viborg-kommune", "TWINNED_WITH", town)
        assert r.end is None and "2012" in [str(d) for d in r.attested], town
    assert str(one(seed_dataset, "viborg-kommune", "PARTICIPATED_IN", "nordic-twin-town-gatherings").end) == "2012"


def test_parts_series_authors_contacts_and_explorations_have_their_own_types(seed_dataset: Dataset) -> None:
    """PART_OF, AUTHORED, COMMISSIONED, CONTACT_FOR and EXPLORED_PARTNERSHIP_WITH where the text says so."""
    one(seed_dataset, "north-sea-commission", "PART_OF", "cpmr")
    one(seed_dataset, "interreg-north-sea-programme", "PART_OF", "interreg")
    for edition in ("2016", "2018"):
        one(
            seed_dataset,
            f"china-denmark-cities-and-regions-forum-{edition}",
            "PART_OF",
            "china-denmark-cities-and-regions-forum",
        )
    assert not [r for r in seed_dataset.relationships if r.type == "SUCCEEDED" and "forum" in r.source]
    assert str(one(seed_dataset, "danmarks-vaekstraad", "AUTHORED", "kommet-for-at-blive-2008").start) == "2008"
    one(seed_dataset, "niels-erik-andersen", "CONTACT_FOR", "china-denmark-cities-and-regions-forum-2018")
    one(seed_dataset, "region-midtjylland", "COMMISSIONED", "globaliseringsparathed-survey-2009")
    for region in ("vastra-gotaland", "hamburg-region"):
        r = one(seed_dataset, "region-midtjylland", "EXPLORED_PARTNERSHIP_WITH", region)
        assert [str(d) for d in r.attested] == ["2008"]
    assert not rels_between(seed_dataset, "vestdansk-investeringsfremme", "united-states")


def test_countries_are_only_places_and_members(seed_dataset: Dataset) -> None:
    """No country stands in for an actor: Viborg hosts Chinese delegations, not China."""
    countries = {e.id for e in seed_dataset.entities if e.kind.value == "Country"}
    wrong = [
        r.id
        for r in seed_dataset.relationships
        if {r.source, r.target} & countries and r.type not in ("LOCATED_IN", "MEMBER_OF")
    ]
    assert wrong == []
    one(seed_dataset, "viborg-kommune", "HOSTED", "chinese-delegations-to-viborg")
    one(seed_dataset, "chinese-delegations-to-viborg", "LOCATED_IN", "china")
    one(seed_dataset, "viborg-kommune", "COOPERATED_WITH", "jordanian-high-level-actors")
    one(seed_dataset, "via-university-college", "ADVISED", "via-education-partners-romania")


def test_smaller_points(seed_dataset: Dataset) -> None:
    """Missions abroad are where they are; aliases are the thing's own; facts are relationships."""
    by_id = {e.id: e for e in seed_dataset.entities}
    assert by_id["danmarks-ambassade-beijing"].country == "CN"
    assert by_id["danmarks-ambassade-new-delhi"].country == "IN"
    assert by_id["danmarks-ambassade-pretoria"].country == "ZA"
    assert (
        by_id["danish-consulate-general-chongqing"].country
        == by_id["danish-consulate-general-shanghai"].country
        == "CN"
    )
    assert "Győr" not in by_id["gyor-moson-sopron"].aliases
    assert "England" not in by_id["united-kingdom"].aliases
    assert "Europa-Kommissionen" not in by_id["european-union"].aliases
    one(seed_dataset, "business-region-aarhus", "LEARNED_FROM", "greater-manchester")
    one(seed_dataset, "aarhus-amt", "COOPERATED_WITH", "shanghai-rehabilitation-authorities")


def test_sentences_say_since_for_starts_and_as_of_for_attestations(seed_dataset: Dataset) -> None:
    """Aarhus and Harbin "since 1984"; VIA owns CDEU "as of 2018"; Bundsgaard mayor "as of February 2015"."""
    from app.analysis.narrative import relationship_sentence

    entities = {e.id: e for e in seed_dataset.entities}
    twinning = one(seed_dataset, "aarhus-kommune", "TWINNED_WITH", "harbin")
    assert relationship_sentence(twinning, entities).endswith("since 1984.")
    owner = one(seed_dataset, "via-university-college", "OWNS", "central-denmark-eu-office")
    assert relationship_sentence(owner, entities).endswith("as of 2018.")
    mayor = one(seed_dataset, "jacob-bundsgaard", "HELD_OFFICE", "aarhus-kommune")
    assert relationship_sentence(mayor, entities).endswith("as of February 2015.")
