"""The docs say what the code does: settings, vocabulary, and the README's example."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from app.config import Settings
from app.vocabulary import KIND_HELP, REL_TYPES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SEED_README = (ROOT / "seed" / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    """Each setting has help text and a row in the README's settings table."""
    for name, field in Settings.model_fields.items():
        env = field.validation_alias or f"CITYGRAPH_{name.upper()}"
        assert field.description, name
        assert f"| `{env}` |" in README, env


def test_seed_readme_lists_the_vocabulary() -> None:
    """The seed README's tables list every kind and type with the vocabulary's help text."""
    for kind, text in KIND_HELP.items():
        assert f"| `{kind.value}` | {text} |" in SEED_README
    for rtype in REL_TYPES:
        assert f"| `{rtype.name}` | {rtype.help} |" in SEED_README


def test_readme_example_is_the_real_answer(client: TestClient) -> None:
    """The README's /paths example is what the service answers today, on every backend."""
    shown = re.search(r"```json\n(\{\n  \"source\".*?\n\})\n```", README, re.S)
    assert shown, "no /paths example in the README"
    answer = client.get("/paths", params={"source": "Grundfos", "target": "Irbid", "via": "Viborg", "limit": 1}).json()
    assert json.loads(shown.group(1)) == answer


def test_readme_shows_the_two_commands() -> None:
    """A newcomer finds `make run` and `make test`."""
    assert "make run" in README and "make test" in README


def test_readme_counts_are_the_data(seed_dataset) -> None:  # type: ignore[no-untyped-def]
    """The README's description of the dataset gives its real size."""
    rels = seed_dataset.relationships
    dated = round(100 * sum(r.dated for r in rels) / len(rels))
    expected = f"{len(seed_dataset.entities)} entities"
    assert expected in README
    attested = round(100 * sum(bool(r.attested) and not r.dated for r in rels) / len(rels))
    assert f"and {len(rels)}\nrelationships, {dated} % of them dated and {attested} % more attested" in README


def test_readme_story_is_the_real_answer(roomy_client: TestClient) -> None:
    """The README quotes the story view's paragraph for the flagship question as it is."""
    answer = roomy_client.get("/paths/story", params={"source": "Grundfos", "target": "Irbid", "via": "Viborg"}).json()
    assert f"> {answer['paragraph']}\n" in README
