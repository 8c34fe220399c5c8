"""Rules on what a relationship's dates may claim (see seed/README.md, "Dates").

Each rule catches a class of mistake found in the data: a document's own year taken for
a start, an event with a duration, a country standing in for an actor, a past office left
open. Each problem names the file, the entry and the field, as the loader's do.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.model import Relationship
from app.vocabulary import COUNTRY_TYPES, Kind
from seed.corpus import DOCUMENT_YEARS

# A quote with this word ("then-", as in "the then mayor") tells of an office that has ended.
PAST_OFFICE_WORD = "daværende"


def _document_years(rel: Relationship) -> set[int]:
    return {DOCUMENT_YEARS[s.document] for s in rel.sources if s.document in DOCUMENT_YEARS}


def rule_problems(rel: Relationship, kinds: dict[str, Kind]) -> Iterable[tuple[str, str]]:
    """(field, message) for each dating rule `rel` breaks."""
    years = _document_years(rel)
    for i, src in enumerate(rel.sources):
        year = DOCUMENT_YEARS.get(src.document)
        if src.attested and year and src.attested.year > year:
            yield f"sources[{i}].attested", f"{src.attested} is after {src.document} was written ({year})"
    if rel.event:
        if (rel.start or rel.end) and rel.start != rel.end:
            yield "end", f"{rel.type} is an event: give start and end the same date (or neither and attest it)"
    elif rel.start and rel.circa and rel.start.year in years:
        yield (
            "start",
            (
                f"circa {rel.start} is the year of the document that mentions it, not when it began: "
                "drop start and give the source `attested` instead"
            ),
        )
    elif (
        rel.start
        and rel.end is None
        and rel.start.precision == "year"
        and years == {rel.start.year}
        and not any(str(rel.start.year) in s.quote for s in rel.sources)
    ):
        yield (
            "start",
            (
                f"{rel.start} is only the document's year and no quote dates it: "
                "drop start and give the source `attested` instead"
            ),
        )
    countries = [e for e in (rel.source, rel.target) if kinds.get(e) is Kind.Country]
    if countries and rel.type not in COUNTRY_TYPES:
        yield (
            "type",
            (
                f"{rel.type} to the country {countries[0]!r}: only {' and '.join(sorted(COUNTRY_TYPES))} may link "
                "to a Country; name the actor (an Institution or Event located in the country)"
            ),
        )
    if (
        rel.type == "HELD_OFFICE"
        and rel.end is None
        and rel.status != "ended"
        and any(PAST_OFFICE_WORD in s.quote.lower() for s in rel.sources)
    ):
        yield "end", f"the quote says {PAST_OFFICE_WORD!r}: the term had ended; give `end` or `status: ended`"


Finding = tuple[str, int, str, str, str]  # file, line, entry, field, message: a loader Problem


def check_dating(relationships: list[tuple[str, int, Relationship]], kinds: dict[str, Kind]) -> list[Finding]:
    """(file, line, entry, field, message) for every relationship that breaks a dating rule."""
    return [
        (file, line, f"relationship ({r.source} {r.type} {r.target})", field, message)
        for file, line, r in relationships
        for field, message in rule_problems(r, kinds)
    ]
