"""`citygraph validate`: clean on the shipped data, and each defect reported precisely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from app.cli import app
from app.config import Settings
from seed.loader import read_seed
from seed.validate import validate

runner = CliRunner()


def run_validate(data_dir: Path, corpus_dir: Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["validate", "--data-dir", str(data_dir), "--corpus-dir", str(corpus_dir)])


def test_shipped_data_is_clean(settings: Settings) -> None:
    """The shipped seed data passes every check, quotes included."""
    result = run_validate(settings.data_dir, settings.corpus_dir)
    assert result.exit_code == 0, result.output
    assert "0 problem(s)" in result.output


def test_coverage_floor(settings: Settings) -> None:
    """At least 180 entities and 300 relationships, three quarters of them dated or attested."""
    read = read_seed(settings.data_dir)
    rels = [r for *_, r in read.relationships]
    assert len(read.entities) >= 180
    assert len(rels) >= 300
    assert sum(r.dated or bool(r.attested) for r in rels) / len(rels) >= 0.75


@pytest.fixture
def data_copy(tmp_path: Path, settings: Settings) -> Path:
    """A temporary copy of the seed data to break."""
    target = tmp_path / "data"
    shutil.copytree(settings.data_dir, target)
    return target


def edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def first_rel(doc: dict) -> dict:
    return doc["relationships"][0]


DEFECTS = {
    "unknown kind": (lambda d: d["entities"][0].update(kind="Planet"), "kind", "unknown kind"),
    "unknown type": (lambda d: first_rel(d).update(type="FRIENDS_WITH"), "type", "unknown relationship type"),
    "dangling reference": (lambda d: first_rel(d).update(target="atlantis"), "target", "dangling reference"),
    "duplicate id": (lambda d: d["entities"].append(dict(d["entities"][0])), "id", "duplicate id"),
    "duplicate relationship": (
        lambda d: d["relationships"].append(dict(first_rel(d))),
        "(identity)",
        "duplicate relationship",
    ),
    "bad date": (lambda d: first_rel(d).update(start="1998-13"), "start", "not a real date"),
    "malformed date": (lambda d: first_rel(d).update(start="about 1998"), "start", "not a date"),
    "reversed dates": (lambda d: first_rel(d).update(start="2005", end="2001"), "end", "before start"),
    "missing source": (lambda d: first_rel(d).pop("sources"), "sources", "missing"),
    "quote not in document": (
        lambda d: first_rel(d).update(
            sources=[{"document": "000_17e9b85cf08b5eaf.txt", "quote": "Viborg ligger på månen"}]
        ),
        "sources[0].quote",
        "does not occur verbatim",
    ),
    "unknown document": (
        lambda d: first_rel(d).update(sources=[{"document": "999_missing.txt", "quote": "x"}]),
        "sources[0].document",
        "no document",
    ),
}


VIBORG_DOC = "000_17e9b85cf08b5eaf.txt"  # written in 2018
MERGER_QUOTE = "pumpeproducenten Grundfos, blev en del af Viborg Kommune"  # verbatim in it


def add_rel(**fields: object):  # type: ignore[no-untyped-def]
    """A change appending one relationship (Viborg Kommune → Grundfos by default)."""
    rel = {"source": "viborg-kommune", "type": "PARTNER_OF", "target": "grundfos"}
    rel.update(fields)  # type: ignore[arg-type]
    rel.setdefault("sources", [{"document": VIBORG_DOC, "quote": MERGER_QUOTE}])
    return lambda d: d["relationships"].append(rel)


DATING_DEFECTS = {
    "circa start in the document's own year": (add_rel(start="2018", circa=True), "start", "year of the document"),
    "state dated only by the document year": (add_rel(start="2018"), "start", "only the document's year"),
    "event with a duration": (add_rel(type="ESTABLISHED", start="2007", end="2009"), "end", "is an event"),
    "event with a start only": (add_rel(type="SIGNED_AGREEMENT_WITH", start="2007"), "end", "is an event"),
    "country as an actor": (add_rel(type="ADVISED", target="latvia"), "type", "to the country 'latvia'"),
    "past office left open": (
        add_rel(
            type="HELD_OFFICE",
            target="viborg-kommune",
            source="grundfos",
            sources=[{"document": VIBORG_DOC, "quote": "daværende borgmester i Viborg Kommune, Søren Pape Poulsen"}],
        ),
        "end",
        "daværende",
    ),
    "attested after the document was written": (
        add_rel(sources=[{"document": VIBORG_DOC, "quote": MERGER_QUOTE, "attested": "2019"}]),
        "sources[0].attested",
        "after 000_17e9b85cf08b5eaf.txt was written",
    ),
    "attested date malformed": (
        add_rel(sources=[{"document": VIBORG_DOC, "quote": MERGER_QUOTE, "attested": "2016-13"}]),
        "sources[0].attested",
        "not a real date",
    ),
}
DEFECTS.update(DATING_DEFECTS)


def test_dating_rules_accept_what_the_sources_say(data_copy: Path, settings: Settings) -> None:
    """An attested state, an event with start = end, an ended office and a place in a country pass."""
    target = data_copy / "common.yaml"
    good = [
        add_rel(sources=[{"document": VIBORG_DOC, "quote": MERGER_QUOTE, "attested": "2018"}]),
        add_rel(type="ESTABLISHED", start="2007", end="2007"),
        add_rel(type="LOCATED_IN", target="denmark"),
        add_rel(
            type="HELD_OFFICE",
            source="grundfos",
            target="viborg-kommune",
            status="ended",
            sources=[{"document": VIBORG_DOC, "quote": "daværende borgmester i Viborg Kommune, Søren Pape Poulsen"}],
        ),
    ]
    for change in good:
        edit(target, change)
    result = run_validate(data_copy, settings.corpus_dir)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_each_defect_is_reported_with_file_entry_and_field(data_copy: Path, settings: Settings, defect: str) -> None:
    """The defect is reported on one line naming the file, the entry and the field; exit 1."""
    change, field, words = DEFECTS[defect]
    target = data_copy / "common.yaml"
    edit(target, change)
    result = run_validate(data_copy, settings.corpus_dir)
    assert result.exit_code == 1, result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith("common.yaml:")]
    assert lines, result.output
    hit = [ln for ln in lines if f": {field}: " in ln and words in ln]
    assert hit, lines
    file_line, entry = hit[0].split(": ")[:2]
    assert file_line.split(":")[1].isdigit()  # the YAML line of the entry
    assert entry.startswith(("entities[", "relationships[", "entity ", "relationship "))


def test_invalid_yaml_names_the_file(data_copy: Path, settings: Settings) -> None:
    """A file that is not YAML is named, with the line where parsing failed."""
    (data_copy / "zz_broken.yaml").write_text("entities: [\n  - id: x\n", encoding="utf-8")
    result = run_validate(data_copy, settings.corpus_dir)
    assert result.exit_code == 1
    assert "zz_broken.yaml:" in result.output and "not valid YAML" in result.output


@pytest.mark.skipif(
    not Path(Settings(_env_file=None).corpus_dir).is_dir(),
    reason="the source documents (../shared/seeds) are not beside this checkout",
)  # type: ignore[call-arg]
def test_every_quote_occurs_in_its_document(settings: Settings) -> None:
    """Every quote in the data occurs verbatim (modulo hyphenation) in its cited document."""
    read, problems, checked = validate(settings.data_dir, settings.corpus_dir)
    assert checked
    assert [str(p) for p in problems if "quote" in p.field or "document" in p.field] == []
    assert sum(len(r.sources) for *_, r in read.relationships) >= len(read.relationships)


def test_broken_yaml_is_reported_at_its_line_first_without_follow_on_errors(
    data_copy: Path, settings: Settings
) -> None:
    """An unclosed quote is named at the line it opens, first; references into the file are not reported as dangling."""
    path = data_copy / "common.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    broken = next(i for i, ln in enumerate(lines) if ln.strip().startswith("description:") and i > 40)
    lines[broken] = lines[broken].split("description:")[0] + 'description: "an unclosed quote'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_validate(data_copy, settings.corpus_dir)
    assert result.exit_code == 1
    out = result.output.splitlines()
    assert out[0].startswith(f"common.yaml:{broken + 1}: (file): (syntax): not valid YAML"), out[0]
    assert "dangling reference" not in result.output


def test_seed_lists_twenty_problems_and_a_count_or_all_on_request(data_copy: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`citygraph seed` refuses bad data before connecting: 20 problems and a count, or `--all-problems`."""
    from app.config import get_settings

    edit(data_copy / "common.yaml", lambda d: [e.update(population=1) for e in d["entities"][:25]])
    monkeypatch.setenv("CITYGRAPH_DATA_DIR", str(data_copy))
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")  # never reached: the data is refused first
    get_settings.cache_clear()
    try:
        short = runner.invoke(app, ["seed"])
        full = runner.invoke(app, ["seed", "--all-problems"])
    finally:
        get_settings.cache_clear()
    assert short.exit_code == full.exit_code == 1
    assert "nothing was loaded" in short.output and "unreachable" not in short.output
    assert short.output.count(": population: ") == 20 and "… and 5 more" in short.output
    assert full.output.count(": population: ") == 25 and "more (" not in full.output
