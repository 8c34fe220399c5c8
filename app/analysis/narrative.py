"""Plain-English explanations of relationships and paths, for pasting into reports."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.dates import PartialDate
from app.model import Entity, Relationship
from app.stores.base import Hop
from app.vocabulary import REL_TYPE_BY_NAME


def date_phrase(start: PartialDate | None, end: PartialDate | None, circa: bool = False) -> str:
    """ "(1998–2001)", "(since 2011)", "(until 2006)", "(c. 1946)", or "" when undated.

    Examples
    --------
    >>> date_phrase(PartialDate.parse("1998"), PartialDate.parse("2001"))
    '(1998–2001)'
    >>> date_phrase(PartialDate.parse("1946"), None, circa=True)
    '(since c. 1946)'
    >>> date_phrase(PartialDate.parse("2007-01-01"), PartialDate.parse("2007-01-01"))
    '(2007-01-01)'
    """
    c = "c. " if circa else ""
    if start and end:
        return f"({c}{start})" if start == end else f"({c}{start}–{end})"
    if start:
        return f"(since {c}{start})"
    if end:
        return f"(until {c}{end})"
    return ""


def hop_sentence(hop: Hop, name: Callable[[str], str]) -> str:
    """One hop as a clause, read in the direction the path walks it."""
    rel = hop.rel
    rtype = REL_TYPE_BY_NAME[rel.type]
    forward = hop.start == rel.source
    verb = rtype.verb if forward or rtype.symmetric else rtype.inverse
    when = date_phrase(rel.start, rel.end, rel.circa)
    return " ".join(part for part in (name(hop.start), verb, name(hop.end), when) if part)


def path_narrative(hops: Sequence[Hop], entities: dict[str, Entity]) -> str:
    """One or two sentences telling how the chain connects its ends.

    Examples
    --------
    >>> from app.vocabulary import Kind
    >>> es = {i: Entity(i, Kind.Company, n) for i, n in [("g", "Grundfos"), ("v", "Viborg Kommune")]}
    >>> r = Relationship("g", "LOCATED_IN", "v", start=PartialDate.parse("2007"))
    >>> path_narrative([Hop(r, "v", "g")], es)
    'Viborg Kommune is home to Grundfos (since 2007).'
    """

    def name(entity_id: str) -> str:
        entity = entities.get(entity_id)
        return entity.name if entity else entity_id

    if not hops:
        return ""
    clauses = [hop_sentence(h, name) for h in hops]
    text = "; ".join(clauses[:3])
    if len(clauses) > 3:
        text += ". Then " + "; ".join(clauses[3:])
    return text[0].upper() + text[1:] + "."


def relationship_sentence(rel: Relationship, entities: dict[str, Entity]) -> str:
    """A relationship told from its source's side."""
    return path_narrative([Hop(rel, rel.source, rel.target)], entities)
