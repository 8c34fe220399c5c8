"""Escaping text for the XML formats (GEXF, GraphML), which are written as text for speed."""

from __future__ import annotations

import re

# Characters XML 1.0 forbids even as references: C0 controls other than tab, newline, return.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)


def text(value: str) -> str:
    """Element content, escaped.

    Examples
    --------
    >>> text("Aarhus & Århus <3")
    'Aarhus &amp; Århus &lt;3'
    """
    return _ILLEGAL.sub("", value).translate(_TEXT)


def attr(value: str) -> str:
    """An attribute value in double quotes, escaped (newlines kept as references).

    Examples
    --------
    >>> attr('say "hej"\\nnu')
    '"say &quot;hej&quot;&#10;nu"'
    """
    return '"' + _ILLEGAL.sub("", value).translate(_ATTR) + '"'
