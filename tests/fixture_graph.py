"""A small hand-made graph whose answers are worked out by hand in the tests.

    A ——(2010–2012)—— B ——(2000–2005)—— C        shortest A→C, but not time-respecting
    B ——(2011)—— A                                a second, parallel link: an alternative
    A ——(2001)—— D ——(2003)—— E ——(2004–)—— C    longer, and time-respecting
    D ——LOCATED_IN—— DK (a Country)               a hub no path may pass through
    B ——LOCATED_IN—— DK
    F ——(2004)—— B                                a late link, undated elsewhere

Delta and Epsilon share the alias "Greek", to test ambiguity.
Node ids are single letters so the hand calculations stay readable.
"""

from __future__ import annotations

from app.dates import PartialDate
from app.model import Dataset, Entity, Relationship, Source
from app.vocabulary import Kind

SRC = (Source("fixture.txt", "hand-made"),)


def _d(text: str | None) -> PartialDate | None:
    return PartialDate.parse(text) if text else None


def rel(a: str, t: str, b: str, start: str | None = None, end: str | None = None) -> Relationship:
    return Relationship(a, t, b, start=_d(start), end=_d(end), description=f"{a} {t} {b}", sources=SRC)


ENTITIES = (
    Entity("a", Kind.Municipality, "Alpha Kommune", aliases=("Ålpha",), country="DK", lat=56.0, lon=9.0),
    Entity("b", Kind.Company, "Beta A/S", country="DK"),
    Entity("c", Kind.ForeignCity, "Gamma", country="JO", lat=32.0, lon=35.0),
    Entity("d", Kind.Institution, "Delta", aliases=("Greek",), country="DK"),
    Entity("e", Kind.Project, "Epsilon Project", aliases=("Greek",)),
    Entity("f", Kind.Company, "Phi", country="DK"),
    Entity("dk", Kind.Country, "Danmark", name_en="Denmark", country="DK", lat=56.0, lon=10.0),
)

RELATIONSHIPS = (
    rel("a", "PARTNER_OF", "b", "2010", "2012"),
    rel("b", "SIGNED_AGREEMENT_WITH", "a", "2011", "2011"),
    rel("b", "COOPERATED_WITH", "c", "2000", "2005"),
    rel("a", "ADVISED", "d", "2001", "2001"),
    rel("d", "PARTICIPATED_IN", "e", "2003", "2003"),
    rel("e", "LOCATED_IN", "c", "2004"),
    rel("d", "LOCATED_IN", "dk"),
    rel("b", "LOCATED_IN", "dk"),
    rel("f", "COOPERATED_WITH", "b", "2004", "2004"),
)

FIXTURE = Dataset(ENTITIES, RELATIONSHIPS, version="fixture-1")
