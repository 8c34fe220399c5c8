"""Every Cypher statement the project sends, loaded once from `cypher/`.

Each `.cypher` file holds named blocks, aiosql-style::

    // name: entity_by_id
    // One entity by its id.
    MATCH (e:Entity {id: $id}) RETURN e

Values always travel as parameters (`$id`). Three placeholders are filled when the
registry loads, never from a request: `{{type}}` with each relationship type of the
vocabulary (block `x` becomes `x:TYPE`), `{{kind}}` with each entity kind, and
`{{max_hops}}` with 1…8 (block `x` becomes `x:N`; in such a block `{{left_hops}}` and
`{{right_hops}}` become the halves of N that a search from both ends takes), because Cypher
takes neither a label nor a quantifier bound as a parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from app.vocabulary import REL_TYPE_NAMES, Kind

CYPHER_DIR = Path(__file__).resolve().parent.parent / "cypher"
_NAME = re.compile(r"^//\s*name:\s*([a-z][a-z0-9_]*)\s*$", re.MULTILINE)
MAX_HOPS_CEILING = 8
REQUIRED = (
    "schema", "load_entities", "load_relationships", "set_meta", "reset", "meta",
    "all_entities", "counts", "snapshot",
    "paths_shortest", "paths_all", "paths_temporal",
)  # fmt: skip


class CypherLoadError(Exception):
    """A Cypher file is missing, malformed, or lacks a query the code needs."""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    source: str  # file name, for error messages
    doc: str = ""  # the block's own comment lines, without `//` (the Browser guide shows them)


def _hops(text: str, n: int) -> str:
    """The query for paths of up to `n` links; a search from both ends takes half from each
    (Cypher refuses a quantifier bounded by 0, so the target's half is at least 1: the query
    keeps only the splits that add up to `n` or less)."""
    return (
        text.replace("{{max_hops}}", str(n))
        .replace("{{left_hops}}", str((n + 1) // 2))
        .replace("{{right_hops}}", str(max(1, n // 2)))
    )


def _expand(name: str, text: str) -> dict[str, str]:
    if "{{type}}" in text:
        return {f"{name}:{t}": text.replace("{{type}}", t) for t in REL_TYPE_NAMES}
    if "{{kind}}" in text:
        return {f"{name}:{k.value}": text.replace("{{kind}}", k.value) for k in Kind}
    if "{{max_hops}}" in text:
        return {f"{name}:{n}": _hops(text, n) for n in range(1, MAX_HOPS_CEILING + 1)}
    return {name: text}


def parse_file(path: Path) -> dict[str, NamedQuery]:
    """The named blocks of one file; raises `CypherLoadError` on a malformed one."""
    text = path.read_text(encoding="utf-8")
    marks = list(_NAME.finditer(text))
    if not marks:
        raise CypherLoadError(f"{path.name}: no `// name: ...` block found")
    if text[: marks[0].start()].strip() and not all(
        line.startswith("//") for line in text[: marks[0].start()].strip().splitlines()
    ):
        raise CypherLoadError(f"{path.name}: text before the first `// name:` line")
    out: dict[str, NamedQuery] = {}
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        lines = text[m.end() : end].strip().splitlines()
        body = "\n".join(ln for ln in lines if not ln.lstrip().startswith("//")).strip()
        doc = "\n".join(ln.lstrip()[2:].strip() for ln in lines if ln.lstrip().startswith("//"))
        if not body:
            raise CypherLoadError(f"{path.name}: query {m.group(1)!r} is empty")
        leftover = re.findall(r"\{\{[^}]*\}\}", _hops(body.replace("{{type}}", "").replace("{{kind}}", ""), 0))
        if leftover:
            raise CypherLoadError(f"{path.name}: query {m.group(1)!r} has unknown placeholder(s) {leftover}")
        for name, expanded in _expand(m.group(1), body).items():
            if name in out:
                raise CypherLoadError(f"{path.name}: query {name!r} is defined twice")
            out[name] = NamedQuery(name, expanded, path.name, doc)
    return out


class CypherRegistry:
    """Named Cypher queries by name."""

    def __init__(self, folder: Path = CYPHER_DIR):
        if not folder.is_dir():
            raise CypherLoadError(f"no Cypher folder at {folder}")
        self.queries: dict[str, NamedQuery] = {}
        for path in sorted(folder.glob("*.cypher")):
            for name, query in parse_file(path).items():
                if name in self.queries:
                    raise CypherLoadError(f"{path.name}: query {name!r} is also defined in {self.queries[name].source}")
                self.queries[name] = query
        bases = {n.split(":")[0] for n in self.queries}
        missing = [n for n in REQUIRED if n not in bases]
        if missing:
            raise CypherLoadError(f"{folder}: missing required quer(y/ies) {', '.join(missing)}")

    def __getitem__(self, name: str) -> str:
        try:
            return self.queries[name].text
        except KeyError:
            raise CypherLoadError(f"no Cypher query named {name!r}") from None

    def statements(self, name: str) -> list[str]:
        """A block holding several statements separated by `;` (the schema)."""
        return [s.strip() for s in self[name].split(";") if s.strip()]
