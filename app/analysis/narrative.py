"""Plain-English sentences about relationships and paths, for pasting into reports.

One wording for the API, the CLI and the report: names in English where the data has
them (`lang="da"` keeps the Danish ones), "the" before names that need it, the tense by
whether a link is over ("were twinned from 1947 to 2012", "have been twinned since
1984", "was set up in 2015"), and dates as people write them ("since 1 January 2007",
"c. 2014–2018", "by 2018").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

from app.dates import PartialDate
from app.model import Entity, Hop, Relationship
from app.vocabulary import REL_TYPE_BY_NAME, Kind, wording

Lang = Literal["en", "da"]
LANGS: tuple[str, ...] = ("en", "da")

# How an attested-only link is dated ("by 2018"): the one switch for the dating form of
# links a source shows in force at a date without saying when they began.
ATTESTED_FORM = "by {}"  # an event: it had happened by then
ATTESTED_STATE_FORM = "as of {}"  # a state: it held then (seed/README.md, "What the dates mean")

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# English names that read as common nouns take "the" ("the Irbid pilot on energy use",
# "the Ministry of Foreign Affairs"); proper names do not ("Grundfos", "Aarhus University").
_ARTICLE_KINDS = frozenset({Kind.Project, Kind.Event, Kind.Network, Kind.Institution, Kind.Region, Kind.Company})
_HEAD_NOUNS = frozenset(
    [
        "programme",
        "program",
        "project",
        "projects",
        "pilot",
        "office",
        "council",
        "network",
        "networks",
        "commission",
        "committee",
        "association",
        "initiative",
        "partnership",
        "ministry",
        "conference",
        "forum",
        "union",
        "agency",
        "secretariat",
        "fund",
        "funds",
        "festival",
        "exhibition",
        "board",
        "department",
        "embassy",
        "consulate",
        "police",
        "platform",
        "study",
        "strategy",
        "cooperation",
        "force",
        "institutions",
        "firm",
        "group",
        "summit",
        "championships",
        "government",
        "library",
        "hospital",
        "centre",
        "center",
        "barracks",
        "regiment",
        "gatherings",
        "workshop",
        "utility",
        "waterworks",
        "bureau",
        "model",
        "evaluation",
        "review",
        "survey",
        "tunnel",
        "region",
        "house",
        "foundation",
    ]
)
_PREPOSITION = re.compile(r"\s(?:on|in|of|for|with|under|about|at|to|between|against)\s")
_ACRONYM = re.compile(r"^[A-ZÆØÅ0-9.\-]{2,}$")  # "KL", "SEGES": a name of its own
_PLURAL_COUNTRY = re.compile(r"^(United |Czech Republic|Netherlands|Philippines)")


def display_name(entity: Entity, lang: Lang = "en") -> str:
    """The name to print: English where the data has one, unless `lang="da"`."""
    return (entity.name_en or entity.name) if lang == "en" else entity.name


def noun_phrase(entity: Entity, lang: Lang = "en") -> str:
    """The name as it reads inside an English sentence, with "the" where it needs one.

    Examples
    --------
    >>> noun_phrase(Entity("p", Kind.Project, "Pilotprojekt", name_en="Irbid pilot on water loss"))
    'the Irbid pilot on water loss'
    >>> noun_phrase(Entity("p", Kind.Project, "Pilotprojekt", name_en="Irbid pilot on water loss"), "da")
    'Pilotprojekt'
    >>> noun_phrase(Entity("u", Kind.Institution, "Aarhus Universitet", name_en="Aarhus University"))
    'Aarhus University'
    """
    name = display_name(entity, lang)
    if lang != "en" or _ACRONYM.match(name):
        return name
    if name.startswith("The "):
        return "the " + name[4:]  # capitalised again at the start of a sentence
    if entity.kind == Kind.Country:
        return "the " + name if _PLURAL_COUNTRY.match(name) else name
    if entity.kind not in _ARTICLE_KINDS or "'s " in name or ":" in name:
        return name
    base = re.sub(r"\s*\(.*\)\s*$", "", name)
    head = _PREPOSITION.split(base, maxsplit=1)[0].split()  # "Irbid pilot" of "Irbid pilot on …"
    if " of " in base or (head and head[-1].lower().strip(",.") in _HEAD_NOUNS):
        return "the " + name
    return name


def human_date(d: PartialDate) -> str:
    """ "2015", "February 2015" or "1 January 2007".

    Examples
    --------
    >>> human_date(PartialDate.parse("2007-01-01")), human_date(PartialDate.parse("2015-02"))
    ('1 January 2007', 'February 2015')
    """
    if d.month is None:
        return str(d.year)
    month = _MONTHS[d.month - 1]
    return f"{month} {d.year}" if d.day is None else f"{d.day} {month} {d.year}"


def dating(rel: Relationship) -> str:
    """How the link's beginning is known (`Relationship.dating`): "dated", "attested" or "undated"."""
    return rel.dating


def _attested_year(rel: Relationship) -> str:
    """The earliest attestation as people write it ("2018", "February 2015")."""
    first = rel.earliest_attested
    return human_date(first) if first else str(rel.period.first.year)


def _on(d: PartialDate) -> str:
    return ("on " if d.day is not None else "in ") + human_date(d)


def period_label(start: PartialDate | None, end: PartialDate | None, circa: bool = False) -> str:
    """A link's dates for a table cell: "c. 2014–2018", "since 1 January 2007", "2015",
    "until 2006", or "undated".

    Examples
    --------
    >>> period_label(PartialDate.parse("2014"), PartialDate.parse("2018"), circa=True)
    'c. 2014–2018'
    >>> period_label(PartialDate.parse("2007-01-01"), None)
    'since 1 January 2007'
    """
    c = "c. " if circa else ""
    if start and end:
        return f"{c}{human_date(start)}" if start == end else f"{c}{human_date(start)}–{human_date(end)}"
    if start:
        return f"since {c}{human_date(start)}"
    if end:
        return f"until {c}{human_date(end)}"
    return "undated"


def _when(rel: Relationship, event: bool) -> tuple[str, bool]:
    """The date phrase of a clause, and whether the link is still in force (present tense)."""
    start, end, c = rel.start, rel.end, "c. " if rel.circa else ""
    over = rel.status == "ended"
    if start and end:
        if start == end:
            return (c + human_date(start) if c else _on(start)), False
        if c:
            return f"c. {human_date(start)}–{human_date(end)}", False
        return f"from {human_date(start)} to {human_date(end)}", False
    if start:
        if event:
            return (c + human_date(start) if c else _on(start)), False
        return (f"from {c}{human_date(start)}" if over else f"since {c}{human_date(start)}"), not over
    if end:
        return f"until {c}{human_date(end)}", False
    if dating(rel) == "attested":
        return (ATTESTED_FORM if event else ATTESTED_STATE_FORM).format(_attested_year(rel)), False
    return "", not over


def clause_parts(rel: Relationship, subject: str, name: Callable[[str], str]) -> tuple[str, str]:
    """One relationship told from `subject`'s side (its source or its target): the words
    ("Viborg Municipality advised Irbid") and the date phrase ("from 2011 to 2018")."""
    w = wording(rel.type)
    symmetric = REL_TYPE_BY_NAME[rel.type].symmetric
    forward = symmetric or subject == rel.source
    other = rel.target if subject == rel.source else rel.source
    when, ongoing = _when(rel, event=w.perfect is None)
    timeless = w.present if forward else w.inverse_present
    perfect = w.perfect if forward else w.inverse_perfect
    if ongoing and not when and timeless:
        verb = timeless
    elif ongoing and when and perfect:
        verb = perfect
    else:
        verb = w.past if forward else w.inverse_past
    if symmetric:
        return f"{name(subject)} and {name(other)} {verb}", when
    return f"{name(subject)} {verb} {name(other)}", when


def relationship_clause(rel: Relationship, subject: str, name: Callable[[str], str]) -> str:
    """One relationship told from `subject`'s side, dated at the end."""
    words, when = clause_parts(rel, subject, name)
    return f"{words} {when}" if when else words


def hop_sentence(hop: Hop, name: Callable[[str], str]) -> str:
    """One hop as a clause, read in the direction the path walks it."""
    return relationship_clause(hop.rel, hop.start, name)


def namer(entities: Mapping[str, Entity], lang: Lang = "en") -> Callable[[str], str]:
    """id → the name as it reads in a sentence."""

    def name(entity_id: str) -> str:
        entity = entities.get(entity_id)
        return noun_phrase(entity, lang) if entity else entity_id

    return name


def sentence(text: str) -> str:
    """Capitalised and closed with a full stop."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".") if text else ""


def path_narrative(hops: Sequence[Hop], entities: Mapping[str, Entity], lang: Lang = "en") -> str:
    """One or two sentences telling how the chain connects its ends.

    Examples
    --------
    >>> es = {i: Entity(i, Kind.Company, n) for i, n in [("g", "Grundfos"), ("v", "Viborg Kommune")]}
    >>> r = Relationship("g", "LOCATED_IN", "v", start=PartialDate.parse("2007-01-01"))
    >>> path_narrative([Hop(r, "v", "g")], es)
    'Viborg Kommune has been home to Grundfos since 1 January 2007.'
    """
    if not hops:
        return ""
    name = namer(entities, lang)
    clauses = [hop_sentence(h, name) for h in hops]
    text = sentence("; ".join(clauses[:3]))
    if len(clauses) > 3:
        text += " Then " + "; ".join(clauses[3:]) + "."
    return text


def relationship_sentence(rel: Relationship, entities: Mapping[str, Entity], lang: Lang = "en") -> str:
    """A relationship told from its source's side, as one sentence."""
    return sentence(relationship_clause(rel, rel.source, namer(entities, lang)))
