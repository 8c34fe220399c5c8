"""Escaping text for the XML formats (GEXF, GraphML), which are written as text for speed."""

from __future__ import annotations

import re

# Characters XML 1.0 forbids even as references: C0 controls other than tab, newline, return.
_WHITESPACE = str.maketrans({"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})  # kept through attribute normalisation
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value: str) -> str:
    """Element content, escaped.

    Examples
    --------
    >>> text("Aarhus & Århus <3")
    'Aarhus &amp; Århus &lt;3'
    """
    if not value.isprintable():  # fast path: most values have no control characters at all
        value = _ILLEGAL.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(value: str) -> str:
    """An attribute value in double quotes, escaped (newlines kept as references).

    Examples
    --------
    >>> attr('say "hej"\\nnu')
    '"say &quot;hej&quot;&#10;nu"'
    """
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    if not value.isprintable():  # newlines and tabs would become spaces when read back: keep them as references
        escaped = _ILLEGAL.sub("", escaped).translate(_WHITESPACE)
    return '"' + escaped + '"'


def typed(value: object) -> str:
    """A value as XML data text: booleans as `true`/`false`, floats round-tripping exactly.

    Examples
    --------
    >>> typed(True), typed(56.45), typed(3)
    ('true', '56.45', '3')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)
