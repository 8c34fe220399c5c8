"""Every relationship type told in English, both ways round, with every form of date."""

from __future__ import annotations

import re

import pytest

from app.analysis.narrative import noun_phrase, path_narrative, period_label, relationship_sentence
from app.dates import PartialDate
from app.model import Entity, Hop, Relationship
from app.vocabulary import REL_TYPE_BY_NAME, REL_TYPE_NAMES, WORDING, Kind

ENTITIES = {
    "a": Entity("a", Kind.Municipality, "Aarhus Kommune", name_en="Aarhus Municipality"),
    "p": Entity("p", Kind.Project, "Pilotprojekt i Irbid", name_en="Irbid pilot on water loss"),
}
D = PartialDate.parse

# (start, end, circa, status) → what the date phrase must say, and the tense it takes
DATE_FORMS = {
    "closed": (D("1947"), D("2012"), False, None, "from 1947 to 2012", "past"),
    "closed-circa": (D("2014"), D("2018"), True, None, "c. 2014–2018", "past"),
    "one-day": (D("2015-03-04"), D("2015-03-04"), False, None, "on 4 March 2015", "past"),
    "one-year": (D("2015"), D("2015"), False, None, "in 2015", "past"),
    "open": (D("2007-01-01"), None, False, "active", "1 January 2007", "open"),
    "open-circa": (D("1984"), None, True, None, "c. 1984", "open"),
    "open-ended": (D("2010-02"), None, False, "ended", "February 2010", "past"),
    "until": (None, D("2006"), False, None, "until 2006", "past"),
    "undated": (None, None, False, None, "", "undated"),
}
ISO = re.compile(r"\d{4}-\d{2}")


def test_every_type_has_its_wording() -> None:
    """A new type in REL_TYPES needs its wording and family (the fallback is plain, not good English)."""
    assert set(WORDING) == set(REL_TYPE_NAMES)


@pytest.mark.parametrize("form", DATE_FORMS)
@pytest.mark.parametrize("forward", [True, False], ids=["forward", "backward"])
@pytest.mark.parametrize("rel_type", REL_TYPE_NAMES)
def test_sentence(rel_type: str, forward: bool, form: str) -> None:
    start, end, circa, status, phrase, tense = DATE_FORMS[form]
    rel = Relationship("a", rel_type, "p", start=start, end=end, circa=circa, status=status)
    hop = Hop(rel, "a", "p") if forward else Hop(rel, "p", "a")
    text = path_narrative([hop], ENTITIES)
    wording = WORDING[rel_type]
    event = wording.perfect is None
    assert text[0].isupper() and text.endswith(".") and "  " not in text
    assert "Aarhus Municipality" in text and "he Irbid pilot on water loss" in text  # English names, article
    assert "Kommune" not in text and not ISO.search(text)  # no Danish names, no ISO dates
    assert phrase in text
    symmetric = REL_TYPE_BY_NAME[rel_type].symmetric
    first = "Aarhus Municipality" if forward else "The Irbid pilot on water loss"  # told as walked
    assert text.startswith(first)
    perfect = wording.perfect if forward or symmetric else wording.inverse_perfect
    if tense == "open" and not event:
        assert perfect and perfect in text and "since" in text  # "have been twinned since 1984"
    elif tense == "open":
        assert "since" not in text and re.search(r" (in|on|c\.) [0-9JF]", text)  # "set up … in 2015"
    elif tense == "past":
        assert " has " not in text and " have " not in text and " since " not in text
    if tense == "undated" and wording.present:
        assert (wording.present if forward or symmetric else wording.inverse_present) in text


def test_the_issue_examples() -> None:
    """The sentences issue 11 asked for, word for word."""
    es = {
        "aarhus": Entity("aarhus", Kind.Municipality, "Aarhus Kommune", name_en="Aarhus Municipality"),
        "harbin": Entity("harbin", Kind.ForeignCity, "Harbin"),
        "lund": Entity("lund", Kind.ForeignCity, "Lund"),
        "g": Entity("g", Kind.Company, "Grundfos"),
        "v": Entity("v", Kind.Municipality, "Viborg Kommune", name_en="Viborg Municipality"),
        "cmtp": Entity("cmtp", Kind.Project, "Chinese Mayors' Training Programme"),
    }
    say = lambda *a, **k: relationship_sentence(Relationship(*a, **k), es)  # noqa: E731
    assert (
        say("aarhus", "TWINNED_WITH", "harbin", start=D("1984"))
        == "Aarhus Municipality and Harbin have been twinned since 1984."
    )
    assert (
        say("aarhus", "TWINNED_WITH", "lund", start=D("1947"), end=D("2012"))
        == "Aarhus Municipality and Lund were twinned from 1947 to 2012."
    )
    assert (
        say("g", "ESTABLISHED", "cmtp", start=D("2015"))
        == "Grundfos set up the Chinese Mayors' Training Programme in 2015."
    )
    assert (
        say("g", "LOCATED_IN", "v", start=D("2007-01-01"))
        == "Grundfos has been located in Viborg Municipality since 1 January 2007."
    )
    assert (
        say("g", "COOPERATED_WITH", "v", start=D("2014"), end=D("2018"), circa=True)
        == "Grundfos and Viborg Municipality worked together c. 2014–2018."
    )
    assert (
        relationship_sentence(Relationship("g", "LOCATED_IN", "v"), es, "da")
        == "Grundfos is located in Viborg Kommune."
    )


def test_attested_links_read_by_their_year() -> None:
    """A state only attested (no start) reads "as of 2018"; an attested event "by 2018"."""
    from app.model import Source

    attested = (Source("d.txt", "q", attested=D("2018")),)
    assert relationship_sentence(Relationship("a", "MEMBER_OF", "p", sources=attested), ENTITIES).endswith(
        " as of 2018."
    )
    assert relationship_sentence(Relationship("a", "VISITED", "p", sources=attested), ENTITIES).endswith(" by 2018.")


@pytest.mark.parametrize(
    ("start", "end", "circa", "cell"),
    [("2014", "2018", True, "c. 2014–2018"), ("2007-01-01", None, False, "since 1 January 2007"),
     ("2015", "2015", False, "2015"), (None, "2006", False, "until 2006"), (None, None, False, "undated")],
)  # fmt: skip
def test_table_cells(start: str | None, end: str | None, circa: bool, cell: str) -> None:
    assert period_label(D(start) if start else None, D(end) if end else None, circa) == cell


@pytest.mark.parametrize(
    ("kind", "name", "phrase"),
    [(Kind.Institution, "Ministry of Foreign Affairs", "the Ministry of Foreign Affairs"),
     (Kind.Institution, "Aarhus University", "Aarhus University"), (Kind.Institution, "KL", "KL"),
     (Kind.Country, "United Kingdom", "the United Kingdom"), (Kind.Country, "Jordan", "Jordan"),
     (Kind.Network, "The Danish Arab Partnership Programme", "the Danish Arab Partnership Programme"),
     (Kind.Network, "Business Region Aarhus", "Business Region Aarhus")],
)  # fmt: skip
def test_articles(kind: Kind, name: str, phrase: str) -> None:
    assert noun_phrase(Entity("x", kind, name)) == phrase
