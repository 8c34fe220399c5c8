"""The project's colours: one per entity kind, shared by the figures and the Neo4j Browser style."""

from __future__ import annotations

from app.vocabulary import Kind

KIND_COLOURS: dict[Kind, str] = {
    Kind.Municipality: "#1f77b4", Kind.Region: "#17becf", Kind.ForeignCity: "#d62728",
    Kind.ForeignRegion: "#ff9896", Kind.Country: "#7f7f7f", Kind.Company: "#ff7f0e",
    Kind.Institution: "#2ca02c", Kind.Network: "#9467bd", Kind.Project: "#bcbd22",
    Kind.Event: "#e377c2", Kind.Person: "#8c564b",
}  # fmt: skip


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on `background` (#rrggbb), by relative luminance.

    Examples
    --------
    >>> text_colour("#1f77b4"), text_colour("#bcbd22")
    ('#ffffff', '#000000')
    """
    r, g, b = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if luminance > 0.2 else "#ffffff"
