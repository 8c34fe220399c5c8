"""The one vocabulary of entity kinds and relationship types.

Loaders, validators, stores, the API, the exports and the Cypher registry all read
these tables; nothing else may name a kind or a type. Neo4j labels and relationship
types are taken from here (never from user input), which is what makes it safe to
place them in Cypher text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """What an entity is. The value is also its Neo4j label."""

    Municipality = "Municipality"
    Region = "Region"
    ForeignCity = "ForeignCity"
    ForeignRegion = "ForeignRegion"
    Country = "Country"
    Company = "Company"
    Institution = "Institution"
    Network = "Network"
    Project = "Project"
    Event = "Event"
    Person = "Person"


KIND_HELP: dict[Kind, str] = {
    Kind.Municipality: "A Danish municipality (kommune), including those merged away in 2007.",
    Kind.Region: "A Danish region, or one of the former counties (amter) it replaced in 2007.",
    Kind.ForeignCity: "A city or municipality outside Denmark.",
    Kind.ForeignRegion: "A region, province, oblast or county outside Denmark.",
    Kind.Country: "A country (ISO 3166-1 alpha-2 code in `country`).",
    Kind.Company: "A private or publicly owned company, including municipal utilities run as companies.",
    Kind.Institution: "A university, school, ministry, agency, office, council, NGO or other body.",
    Kind.Network: "A city network, association, partnership or funding programme (e.g. CPMR, Interreg).",
    Kind.Project: "A project, pilot, MoU, delegation or training programme worth a node of its own.",
    Kind.Event: "A conference, exhibition, festival or title year (e.g. EXPO 2010).",
    Kind.Person: "A mayor, official, minister or other named person.",
}

# Hubs: reached by paths and ego networks, never walked through ("Denmark" is one hop
# from everything Danish, so walking through it would connect everything to everything).
# The centrality measures the service ranks by (computed in `app.analysis.centrality` and by GDS).
CENTRALITY_METRICS = ("degree", "betweenness", "closeness", "eigenvector", "pagerank")
HUB_KINDS: frozenset[Kind] = frozenset({Kind.Country})

# Kinds that are places: they carry coordinates so maps can be drawn.
PLACE_KINDS: frozenset[Kind] = frozenset(
    {Kind.Municipality, Kind.Region, Kind.ForeignCity, Kind.ForeignRegion, Kind.Country}
)

# Kinds on the Danish side of an international tie, for brokerage groups.
DANISH_COUNTRY = "DK"


@dataclass(frozen=True)
class RelType:
    """A relationship type: its name, what it means, and how paths may use it."""

    name: str
    help: str
    verb: str  # for narratives, read source → target: "Viborg Kommune advised …"
    inverse: str  # read target → source: "… was advised by Viborg Kommune"
    symmetric: bool = False
    structural: bool = False  # geography/containment: never makes a path on its own
    event: bool = False  # happens once: dated start = end (a state holds over a period)


# A table: one type a line reads better than the formatter's wrapping.
# fmt: off
REL_TYPES: tuple[RelType, ...] = (
    RelType("TWINNED_WITH", "Twin-town (venskabsby) agreement between two places.", "was twinned with", "was twinned with", symmetric=True),
    RelType("PARTNER_OF", "A formal cooperation or partnership between two parties (e.g. cooperation regions, strategic sector cooperation).", "partnered with", "partnered with", symmetric=True),
    RelType("EXPLORED_PARTNERSHIP_WITH", "Looked into a partnership with, without one being agreed (yet).", "explored a partnership with", "was approached about a partnership by"),
    RelType("COOPERATED_WITH", "Worked together on something without a formal agreement being stated.", "worked with", "worked with", symmetric=True),
    RelType("SIGNED_AGREEMENT_WITH", "Signed an agreement, contract or memorandum of understanding with (an event).", "signed an agreement with", "signed an agreement with", event=True),
    RelType("MEMBER_OF", "Is or was a member of a network, association, board or organisation.", "was a member of", "counted among its members"),
    RelType("PART_OF", "A body, programme, office or edition that is a part of a larger one (e.g. a commission of CPMR, a conference of a series).", "is part of", "includes"),
    RelType("PARTICIPATED_IN", "Took part in a project, event, programme or network activity.", "took part in", "involved"),
    RelType("LED", "Led, coordinated or chaired a project, organisation or delegation.", "led", "was led by"),
    RelType("CONTACT_FOR", "A person named as the contact for a project, event or body.", "is the contact for", "has as its contact"),
    RelType("FUNDED", "Financed or co-financed a project, body or activity.", "funded", "was funded by"),
    RelType("COMMISSIONED", "Had a report, study or piece of work made by another party (an event).", "commissioned", "was commissioned by", event=True),
    RelType("AUTHORED", "Wrote or published a report, strategy or study (an event).", "wrote", "was written by", event=True),
    RelType("HOSTED", "Hosted an event, office, delegation, visitors or students.", "hosted", "was hosted by"),
    RelType("VISITED", "Visited (an official visit or delegation; an event).", "visited", "was visited by", event=True),
    RelType("INVESTED_IN", "Invested in, or placed a facility in, a place or company.", "invested in", "received an investment from"),
    RelType("FACILITATED", "Opened doors for, brokered or helped another party.", "opened doors for", "was helped by"),
    RelType("LEARNED_FROM", "Took a model, approach or inspiration from another party.", "drew inspiration from", "inspired"),
    RelType("ADVISED", "Transferred know-how to, trained or advised (e.g. systemeksport).", "advised", "was advised by"),
    RelType("ESTABLISHED", "Founded, set up or opened (an event).", "set up", "was set up by", event=True),
    RelType("OWNS", "Owns or co-owns.", "owned", "was owned by"),
    RelType("AWARDED", "Gave an award, prize or title to (an event).", "gave an award to", "received an award from", event=True),
    RelType("HELD_OFFICE", "A person held an office or post in an organisation or place.", "held office in", "had as an office holder"),
    RelType("MERGED_INTO", "Was merged into (e.g. the 2007 structural reform; an event).", "was merged into", "absorbed", event=True),
    RelType("SUCCEEDED", "Took over the role, tasks or agreements of a predecessor.", "succeeded", "was succeeded by"),
    RelType("LOCATED_IN", "Lies in, or is based in, a place.", "is located in", "is home to", structural=True),
)
# fmt: on

REL_TYPE_BY_NAME: dict[str, RelType] = {t.name: t for t in REL_TYPES}
REL_TYPE_NAMES: tuple[str, ...] = tuple(REL_TYPE_BY_NAME)
STRUCTURAL_TYPES: frozenset[str] = frozenset(t.name for t in REL_TYPES if t.structural)
SYMMETRIC_TYPES: frozenset[str] = frozenset(t.name for t in REL_TYPES if t.symmetric)
EVENT_TYPES: frozenset[str] = frozenset(t.name for t in REL_TYPES if t.event)

# The only types that may link to a Country: a country is a place and a member of
# organisations; anything else it "does" is done by an actor the text should name.
COUNTRY_TYPES: frozenset[str] = frozenset({"LOCATED_IN", "MEMBER_OF"})

# How a relationship's beginning is known (see `Relationship.dating`).
DATINGS: tuple[str, ...] = ("dated", "attested", "undated")

STATUSES: tuple[str, ...] = ("planned", "active", "ended")

# Precision of a partial ISO date, by the number of its parts.
PRECISIONS: tuple[str, ...] = ("year", "month", "day")


# ------------------------------------------------------------------------------------
# How narratives word each type, and how much each type tells a story (owned by the
# narrative and route-ranking code: app/analysis/narrative.py, app/analysis/paths.py).
# Kept apart from REL_TYPES so that adding a type there is one line; a test fails until
# the new type has its wording and family here.
# ------------------------------------------------------------------------------------


class Family(StrEnum):
    """A few groups of types, for ranking routes and for the colours of figures."""

    project = "project"  # taking part in, leading or funding a shared activity
    agreement = "agreement"  # twinning, partnership, signed agreements
    support = "support"  # advice, help, investment, awards
    contact = "contact"  # generic cooperation, visits, hosting
    organisation = "organisation"  # membership, ownership, offices, founding, succession
    structural = "structural"  # geography and containment


# Route cost of one link by family: substantive links cost 1; generic ones more, so a
# route of projects and agreements wins over one of "worked with" or "located in".
FAMILY_COST: dict[Family, float] = {
    Family.project: 1.0,
    Family.agreement: 1.0,
    Family.support: 1.0,
    Family.organisation: 1.5,
    Family.contact: 2.0,
    Family.structural: 3.0,
}


@dataclass(frozen=True)
class Wording:
    """A type's verb forms. Symmetric types are told with both parties as the subject
    ("A and B were twinned"); others source → target ("A advised B") or, walked the
    other way, target → source ("B was advised by A").

    `perfect` is for a state still in force ("has advised", "have been twinned"); None
    marks a one-off event, told in the past with its date ("set up … in 2015").
    `present` is for an undated timeless fact ("is located in").
    """

    family: Family
    past: str
    perfect: str | None
    inverse_past: str
    inverse_perfect: str | None
    present: str | None = None
    inverse_present: str | None = None


# fmt: off
WORDING: dict[str, Wording] = {
    "TWINNED_WITH": Wording(Family.agreement, "were twinned", "have been twinned", "were twinned", "have been twinned"),
    "PARTNER_OF": Wording(Family.agreement, "were partners", "have been partners", "were partners", "have been partners"),
    "COOPERATED_WITH": Wording(Family.contact, "worked together", "have worked together", "worked together", "have worked together"),
    "SIGNED_AGREEMENT_WITH": Wording(Family.agreement, "signed an agreement with", None, "signed an agreement with", None),
    "MEMBER_OF": Wording(Family.organisation, "was a member of", "has been a member of", "counted among its members", "has counted among its members"),
    "PARTICIPATED_IN": Wording(Family.project, "took part in", "has taken part in", "involved", "has involved"),
    "LED": Wording(Family.project, "led", "has led", "was led by", "has been led by"),
    "FUNDED": Wording(Family.project, "funded", "has funded", "was funded by", "has been funded by"),
    "HOSTED": Wording(Family.contact, "hosted", "has hosted", "was hosted by", "has been hosted by"),
    "VISITED": Wording(Family.contact, "visited", None, "was visited by", None),
    "INVESTED_IN": Wording(Family.support, "invested in", "has invested in", "received an investment from", "has received investment from"),
    "FACILITATED": Wording(Family.support, "opened doors for", "has opened doors for", "was helped by", "has been helped by"),
    "ADVISED": Wording(Family.support, "advised", "has advised", "was advised by", "has been advised by"),
    "ESTABLISHED": Wording(Family.organisation, "set up", None, "was set up by", None),
    "OWNS": Wording(Family.organisation, "owned", "has owned", "was owned by", "has been owned by", "owns", "is owned by"),
    "AWARDED": Wording(Family.support, "gave an award to", None, "received an award from", None),
    "HELD_OFFICE": Wording(Family.organisation, "held office in", "has held office in", "had as an office holder", "has had as an office holder"),
    "MERGED_INTO": Wording(Family.organisation, "was merged into", None, "absorbed", None),
    "SUCCEEDED": Wording(Family.organisation, "succeeded", None, "was succeeded by", None),
    "PART_OF": Wording(Family.organisation, "was part of", "has been part of", "included", "has included", "is part of", "includes"),
    "EXPLORED_PARTNERSHIP_WITH": Wording(Family.contact, "explored a partnership with", "has explored a partnership with", "was approached about a partnership by", "has been approached about a partnership by"),
    "CONTACT_FOR": Wording(Family.project, "was the contact for", "has been the contact for", "had as its contact", "has had as its contact"),
    "COMMISSIONED": Wording(Family.project, "commissioned", None, "was commissioned by", None),
    "AUTHORED": Wording(Family.project, "wrote", None, "was written by", None),
    "LEARNED_FROM": Wording(Family.support, "drew inspiration from", "has drawn inspiration from", "inspired", "has inspired"),
    "LOCATED_IN": Wording(Family.structural, "was located in", "has been located in", "was home to", "has been home to", "is located in", "is home to"),
}
# fmt: on


def wording(rel_type: str) -> Wording:
    """The wording of a type; a type without one is told plainly from its `verb`."""
    found = WORDING.get(rel_type)
    if found is not None:
        return found
    t = REL_TYPE_BY_NAME[rel_type]
    family = Family.structural if t.structural else Family.contact
    return Wording(family, t.verb, None, t.inverse, None)
