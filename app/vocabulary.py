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


# A table: one type a line reads better than the formatter's wrapping.
# fmt: off
REL_TYPES: tuple[RelType, ...] = (
    RelType("TWINNED_WITH", "Twin-town (venskabsby) agreement between two places.", "was twinned with", "was twinned with", symmetric=True),
    RelType("PARTNER_OF", "A formal cooperation or partnership between two parties (e.g. cooperation regions, strategic sector cooperation).", "partnered with", "partnered with", symmetric=True),
    RelType("COOPERATED_WITH", "Worked together on something without a formal agreement being stated.", "worked with", "worked with", symmetric=True),
    RelType("SIGNED_AGREEMENT_WITH", "Signed an agreement, contract or memorandum of understanding with.", "signed an agreement with", "signed an agreement with"),
    RelType("MEMBER_OF", "Is or was a member of a network, association, board or organisation.", "was a member of", "counted among its members"),
    RelType("PARTICIPATED_IN", "Took part in a project, event, programme or network activity.", "took part in", "involved"),
    RelType("LED", "Led, coordinated or chaired a project, organisation or delegation.", "led", "was led by"),
    RelType("FUNDED", "Financed or co-financed a project, body or activity.", "funded", "was funded by"),
    RelType("HOSTED", "Hosted an event, office, delegation, visitors or students.", "hosted", "was hosted by"),
    RelType("VISITED", "Visited (an official visit or delegation).", "visited", "was visited by"),
    RelType("INVESTED_IN", "Invested in, or placed a facility in, a place or company.", "invested in", "received an investment from"),
    RelType("FACILITATED", "Opened doors for, brokered or helped another party.", "opened doors for", "was helped by"),
    RelType("ADVISED", "Transferred know-how to, trained or advised (e.g. systemeksport).", "advised", "was advised by"),
    RelType("ESTABLISHED", "Founded, set up or opened.", "set up", "was set up by"),
    RelType("OWNS", "Owns or co-owns.", "owned", "was owned by"),
    RelType("AWARDED", "Gave an award, prize or title to.", "gave an award to", "received an award from"),
    RelType("HELD_OFFICE", "A person held an office or post in an organisation or place.", "held office in", "had as an office holder"),
    RelType("MERGED_INTO", "Was merged into (e.g. the 2007 structural reform).", "was merged into", "absorbed"),
    RelType("SUCCEEDED", "Took over the role, tasks or agreements of a predecessor.", "succeeded", "was succeeded by"),
    RelType("LOCATED_IN", "Lies in, or is based in, a place.", "is located in", "is home to", structural=True),
)
# fmt: on

REL_TYPE_BY_NAME: dict[str, RelType] = {t.name: t for t in REL_TYPES}
REL_TYPE_NAMES: tuple[str, ...] = tuple(REL_TYPE_BY_NAME)
STRUCTURAL_TYPES: frozenset[str] = frozenset(t.name for t in REL_TYPES if t.structural)

STATUSES: tuple[str, ...] = ("planned", "active", "ended")

# Precision of a partial ISO date, by the number of its parts.
PRECISIONS: tuple[str, ...] = ("year", "month", "day")
