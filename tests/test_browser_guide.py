"""Neo4j Browser as a new user meets it, in a real headless Chromium against the local Neo4j.

After `make neo4j` and `citygraph seed`, opening the Browser and connecting shows the
project's guide; its flagship query runs from a click and draws Grundfos, Viborg Kommune and
Irbid captioned by name in the project's colours; a relationship shows its dates as written.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page

from app.model import Dataset
from app.palette import KIND_COLOURS
from app.vocabulary import Kind
from tests.browser_page import chromium, screenshot
from tests.neo4j_server import PASSWORD, LocalNeo4j

pytestmark = [pytest.mark.neo4j, pytest.mark.browser]
SLOW = 90_000  # ms: the Browser fetches its settings (and so runs the guide) some seconds after connecting


@pytest.fixture(scope="module")
def browser(neo4j_loader, seed_dataset: Dataset) -> Iterator[Browser]:  # type: ignore[no-untyped-def]
    """Chromium over a Neo4j holding the seed data."""
    neo4j_loader(seed_dataset)
    with chromium() as b:
        yield b


def connect(browser: Browser, server: LocalNeo4j) -> Page:
    """A fresh profile opens the server's root page, connects, and waits for the guide and style."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{server.http}/")
    username = page.locator("input[data-testid=username]")
    username.wait_for(timeout=SLOW)
    assert username.input_value() == "neo4j"
    assert page.locator("input[data-testid=boltaddress]").input_value() == f"localhost:{server.bolt_port}"
    page.fill("input[data-testid=password]", PASSWORD)
    page.click("button[data-testid=connect]")
    page.get_by_text("How did Viborg connect Grundfos to Irbid?").first.wait_for(timeout=SLOW)
    page.get_by_text("node.Municipality").first.wait_for(timeout=SLOW)  # the :style frame
    return page


def run_guide_query(page: Page, needle: str) -> Locator:
    """Page the guide to the query containing `needle`, click it into the editor, run it."""
    query = page.locator("pre.runnable", has_text=needle).first
    for _ in range(10):
        if query.is_visible():
            break
        page.locator("[data-testid=nextSlide]").first.click()
    query.click()
    editor = page.locator("[data-testid=activeEditor]").first
    assert needle in editor.inner_text().replace("\xa0", " ")
    page.locator("[data-testid=editor-Run]").first.click()
    result = page.locator("[data-testid=frame]", has_text=needle).first
    result.locator("svg g.node").first.wait_for(timeout=SLOW)
    page.wait_for_timeout(2000)  # let the layout settle before reading and photographing it
    return result


def drawn_nodes(frame: Locator) -> list[tuple[str, str]]:
    """(caption, fill colour) of each node the frame draws; a caption's lines joined by a space."""
    return [
        (" ".join(caption.split()), fill)
        for caption, fill in frame.locator("svg g.node").evaluate_all(
            "ns => ns.map(n => [Array.from(n.querySelectorAll('text.caption')).map(t => t.textContent).join(' '),"
            " n.querySelector('circle.b-outline').getAttribute('fill')])"
        )
    ]


def named(caption: str, dataset: Dataset) -> set[Kind]:
    """The kinds of the entities `caption` names. The Browser fits long names into the circle,
    line by line, and may drop words and cut the last one ("Viborg Kommunes EU- og p…")."""
    if not caption.endswith("…"):
        return {e.kind for e in dataset.entities if " ".join(e.name.split()) == caption}
    *words, cut = caption.removesuffix("…").split()
    return {
        e.kind
        for e in dataset.entities
        if all(w in e.name.split() for w in words) and any(w.startswith(cut) for w in e.name.split()[len(words) :])
    }


def kind_colours(frame: Locator, dataset: Dataset) -> dict[str, str]:
    """The colour the frame gives each kind; fails if a caption is not an entity's name."""
    colours: dict[str, set[str]] = {}
    for caption, fill in drawn_nodes(frame):
        kinds = named(caption, dataset)
        assert kinds, f"node caption {caption!r} is not an entity name"
        if len(kinds) == 1:
            colours.setdefault(kinds.pop().value, set()).add(fill.lower())
    assert all(len(c) == 1 for c in colours.values()), colours
    return {kind: c.pop() for kind, c in colours.items()}


def test_guide_on_connect_and_the_flagship_query(
    browser: Browser, neo4j_server: LocalNeo4j, seed_dataset: Dataset
) -> None:
    """The guide shows after connecting; its flagship query draws the three actors by name, in project colours."""
    page = connect(browser, neo4j_server)
    guide = page.locator("[data-testid=frame]", has_text="City Diplomacy Graph").first
    assert "How did Viborg connect Grundfos to Irbid?" in guide.inner_text()
    screenshot(page, "browser-guide")
    frame = run_guide_query(page, "ALL SHORTEST (:Entity {id: 'grundfos'})")
    captions = {caption for caption, _ in drawn_nodes(frame)}
    assert {"Grundfos", "Viborg Kommune", "Irbid"} <= captions
    colours = kind_colours(frame, seed_dataset)
    assert colours == {kind: KIND_COLOURS[Kind(kind)].lower() for kind in colours}
    screenshot(page, "browser-flagship-query")


def test_two_fresh_pages_colour_kinds_alike(browser: Browser, neo4j_server: LocalNeo4j, seed_dataset: Dataset) -> None:
    """Two fresh profiles give each kind the same colour: the project's, not the Browser's own pick."""
    seen = []
    for _ in range(2):
        page = connect(browser, neo4j_server)
        seen.append(kind_colours(run_guide_query(page, "date('2016-12-31')"), seed_dataset))
        page.context.close()
    assert len(seen[0]) >= 3, seen[0]  # several kinds, so the comparison means something
    assert seen[0] == seen[1]
    assert seen[0] == {kind: KIND_COLOURS[Kind(kind)].lower() for kind in seen[0]}


def test_relationship_panel_shows_written_dates(browser: Browser, neo4j_server: LocalNeo4j) -> None:
    """Clicking Viborg–Irbid's cooperation shows `end 2018` as written, and its document once."""
    page = connect(browser, neo4j_server)
    frame = run_guide_query(page, "ALL SHORTEST (:Entity {id: 'grundfos'})")
    panel = page.locator("[data-testid=viz-details-pane-properties-table]").first
    rows: dict[str, str] = {}
    for rel in frame.locator("svg g.relationship", has_text="COOPERATED_WITH").all():
        rel.dispatch_event("mousedown")  # the Browser selects a relationship on mousedown
        panel.wait_for()
        cells = panel.locator("tr").evaluate_all("rs => rs.map(r => Array.from(r.cells).map(c => c.innerText.trim()))")
        rows = {c[0]: c[1] for c in cells if len(c) >= 2}
        if rows.get("id", "").startswith("viborg-kommune|COOPERATED_WITH|irbid"):
            break
    assert rows.get("id", "").startswith("viborg-kommune|COOPERATED_WITH|irbid"), rows
    assert (rows["start"], rows["end"], rows["end_precision"]) == ("2010", "2018", "year")
    assert rows["source_documents"] == "[000_17e9b85cf08b5eaf.txt]"  # two quotes, one document: named once
    screenshot(page, "browser-relationship-dates")
