"""Search keys: how a name is folded for matching, and what a node stores to be found.

Below the analysis and the stores alike: `app.analysis.names` ranks with these keys, and
the Neo4j load writes them on each node (`search_text`, which the `entity_search`
full-text index and the `entity_search_text` text index cover), so both backends match the
same strings.

`fold` turns any spelling into a search key ("Århus" → "arhus", "Marijampolė" →
"marijampole"); Danish letters that do not decompose are spelled out the usual way
(ø → o, æ → ae, å → a, and "aa" is read as "a", so "Aarhus" and "Århus" meet).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz.distance import OSA

from app.model import Entity

_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "å": "a", "ß": "ss", "ł": "l", "đ": "d", "ı": "i"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
KEY_SEPARATOR = "|"  # never in a folded key, so `search_text` CONTAINS "|q" means "a key starts with q"
MAX_WORD_EDITS = 2  # the most edits `word_edits` allows any word
MAX_FULLTEXT_TERMS = 8  # words of a query sent to the full-text index (each expands to at most 50 terms)


def fold(text: str) -> str:
    """A search key: lowercase ASCII words separated by single spaces.

    Examples
    --------
    >>> fold("Århus"), fold("Aarhus"), fold("Marijampolė"), fold("Győr-Moson-Sopron")
    ('arhus', 'arhus', 'marijampole', 'gyor moson sopron')
    """
    if text.isascii():  # most names: nothing to decompose or spell out (the same result, faster)
        text = text.lower()
    else:
        text = text.casefold().translate(_SPECIAL)
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.replace("aa", "a")
    return _NON_ALNUM.sub(" ", text).strip()


def entity_keys(entity: Entity) -> list[str]:
    """Every search key of an entity: its id, names and aliases, folded."""
    names: Iterable[str] = (entity.id, entity.name, entity.name_en or "", *entity.aliases)
    return sorted({key for key in map(fold, names) if key})


def search_text(entity: Entity) -> str:
    """The keys as one string, each behind the separator: "|arhus|arhus kommune".

    One `CONTAINS` on it answers each match rule of `app.analysis.names.match_score`:
    "|q|"-exact (with the closing separator appended), "|q" a key's prefix, " q" a word's
    prefix, "q" anywhere.

    Examples
    --------
    >>> from app.vocabulary import Kind
    >>> search_text(Entity("aarhus-kommune", Kind.Municipality, "Aarhus Kommune", aliases=("Århus",)))
    '|arhus|arhus kommune|'
    """
    keys = entity_keys(entity)
    return KEY_SEPARATOR + KEY_SEPARATOR.join(keys) + KEY_SEPARATOR if keys else ""


def query_words(query: str) -> list[str]:
    """The words of a folded query that look for fuzzy candidates: the first few, once each."""
    return list(dict.fromkeys(query.split()))[:MAX_FULLTEXT_TERMS]


def word_edits(word: str) -> int:
    """How many edits a word may be off and still find a candidate: none below three
    letters (a prefix only), one up to five, two from six."""
    return 0 if len(word) < 3 else 1 if len(word) < 6 else MAX_WORD_EDITS


def near_word(word: str, token: str) -> bool:
    """Whether a key's word is a fuzzy candidate for a query word: it starts with it, or is
    within `word_edits` edits (optimal string alignment: a swap of neighbours is one edit,
    as in Lucene's fuzzy query).

    Examples
    --------
    >>> near_word("vib", "viborg"), near_word("viborj", "viborg"), near_word("odnse", "odense")
    (True, True, True)
    >>> near_word("ab", "ba"), near_word("hamr", "harbin")
    (False, False)
    """
    edits = word_edits(word)
    return token.startswith(word) or (edits > 0 and OSA.distance(word, token, score_cutoff=edits) <= edits)


def fulltext_query(query: str) -> str:
    """A Lucene query finding exactly the entities `near_word` admits: each query word as a
    prefix and within its edits, any of them. Built from folded words only (``[a-z0-9]``),
    so no Lucene syntax can arrive from the user.

    Examples
    --------
    >>> fulltext_query("odnse viborgkomune")
    'odnse* odnse~1 viborgkomune* viborgkomune~2'
    >>> fulltext_query("")
    ''
    """
    terms = []
    for word in query_words(query):
        terms.append(f"{word}*")
        if word_edits(word):
            terms.append(f"{word}~{word_edits(word)}")
    return " ".join(terms)
