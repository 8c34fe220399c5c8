"""Read the seed YAML files into a `Dataset`, reporting every problem found.

Each problem names the file, the entry (with its YAML line) and the field, so a curator
can go straight to it. `load_dataset` raises `SeedError` listing them all; `read_seed`
returns what it could read together with the problems, for `citygraph validate`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from app.dates import BadDate, PartialDate
from app.model import Dataset, Entity, Relationship, Source
from app.vocabulary import PLACE_KINDS, REL_TYPE_BY_NAME, STATUSES, Kind

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
MAX_QUOTE = 300
ENTITY_FIELDS = {"id", "kind", "name", "name_en", "aliases", "country", "lat", "lon", "description", "sources"}
REL_FIELDS = {"source", "type", "target", "start", "end", "circa", "status", "description", "sources"}


@dataclass(frozen=True, order=True)
class Problem:
    """One defect in a seed file: where it is and what is wrong."""

    file: str
    line: int
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.entry}: {self.field}: {self.message}"


class SeedError(Exception):
    """The seed data has problems; `problems` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(str(p) for p in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the seed data:\n{lines}{more}")


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~5× faster


class _LineLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """A safe YAML loader that remembers the line of every mapping as `__line__`."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def seed_files(data_dir: Path) -> list[Path]:
    """The seed files in load order (by name)."""
    return sorted(data_dir.glob("*.yaml"))


def dataset_version(files: Iterable[Path]) -> str:
    """A short content hash of the seed files: equal data, equal version."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class _FileReader:
    """Turns one file's entries into records, noting problems as it goes."""

    def __init__(self, path: Path, problems: list[Problem]):
        self.name = path.name
        self.path = path
        self.problems = problems

    def problem(self, raw: dict[str, Any], entry: str, field: str, message: str) -> None:
        self.problems.append(Problem(self.name, int(raw.get("__line__", 0)), entry, field, message))

    def documents(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        try:
            doc = yaml.load(self.path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 0
            self.problems.append(Problem(self.name, line, "(file)", "(yaml)", f"not valid YAML: {exc}"))
            return [], []
        if doc is None:
            return [], []
        if not isinstance(doc, dict):
            self.problems.append(
                Problem(self.name, 1, "(file)", "(top level)", "must be a mapping with `entities` and `relationships`")
            )
            return [], []
        unknown = set(doc) - {"entities", "relationships", "__line__"}
        for key in sorted(unknown):
            self.problems.append(
                Problem(self.name, 1, "(file)", key, "unknown top-level key; expected `entities` and `relationships`")
            )
        out = []
        for key in ("entities", "relationships"):
            items = doc.get(key) or []
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                self.problems.append(Problem(self.name, 1, "(file)", key, "must be a list of mappings"))
                items = []
            out.append(items)
        return out[0], out[1]

    def sources(self, raw: dict[str, Any], entry: str, required: bool) -> tuple[Source, ...]:
        items = raw.get("sources")
        if not items:
            if required:
                self.problem(raw, entry, "sources", "missing: give at least one {document, quote}")
            return ()
        if not isinstance(items, list):
            self.problem(raw, entry, "sources", "must be a list of {document, quote}")
            return ()
        out = []
        for i, item in enumerate(items):
            where = f"sources[{i}]"
            if not isinstance(item, dict):
                self.problem(raw, entry, where, "must be a mapping with `document` and `quote`")
                continue
            document, quote = item.get("document"), item.get("quote")
            if not isinstance(document, str) or not document.strip():
                self.problem(raw, entry, f"{where}.document", "missing: the seed document's file name")
                continue
            if not isinstance(quote, str) or not quote.strip():
                self.problem(raw, entry, f"{where}.quote", "missing: a short verbatim quote from the document")
                continue
            if len(quote) > MAX_QUOTE:
                self.problem(raw, entry, f"{where}.quote", f"{len(quote)} characters; quote at most {MAX_QUOTE}")
            out.append(Source(document.strip(), " ".join(quote.split())))
        return tuple(out)

    def entity(self, raw: dict[str, Any], index: int) -> Entity | None:
        eid = raw.get("id")
        entry = f"entities[{index}] ({eid})" if eid else f"entities[{index}]"
        for key in sorted(set(raw) - ENTITY_FIELDS - {"__line__"}):
            self.problem(raw, entry, key, f"unknown field; expected one of {', '.join(sorted(ENTITY_FIELDS))}")
        ok = True
        if not isinstance(eid, str) or not SLUG.match(eid):
            self.problem(raw, entry, "id", "missing or not a slug of lowercase letters, digits and hyphens")
            ok = False
        kind_name = raw.get("kind")
        kind = Kind.__members__.get(str(kind_name))
        if kind is None:
            self.problem(
                raw, entry, "kind", f"unknown kind {kind_name!r}; expected one of {', '.join(Kind.__members__)}"
            )
            ok = False
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            self.problem(raw, entry, "name", "missing")
            ok = False
        aliases = raw.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            self.problem(raw, entry, "aliases", "must be a list of strings")
            aliases = []
        country = raw.get("country")
        if country is not None and not (isinstance(country, str) and COUNTRY.match(country)):
            self.problem(raw, entry, "country", f"{country!r} is not an ISO 3166-1 alpha-2 code such as DK")
            country = None
        coords: list[float | None] = []
        for key, bound in (("lat", 90), ("lon", 180)):
            value = raw.get(key)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > bound
            ):
                self.problem(raw, entry, key, f"{value!r} is not a number between -{bound} and {bound}")
                value = None
            coords.append(float(value) if value is not None else None)
        if kind in PLACE_KINDS:
            for key, value in (("country", country), ("lat", coords[0]), ("lon", coords[1])):
                if value is None and raw.get(key) is None:
                    self.problem(raw, entry, key, f"missing: a {kind.value} needs country, lat and lon for maps")
        sources = self.sources(raw, entry, required=False)
        if not ok or kind is None or not isinstance(eid, str) or not isinstance(name, str):
            return None
        return Entity(
            id=eid, kind=kind, name=name.strip(), name_en=raw.get("name_en") or None,
            aliases=tuple(a.strip() for a in aliases), country=country,
            lat=coords[0], lon=coords[1], description=raw.get("description") or None, sources=sources,
        )  # fmt: skip

    def relationship(self, raw: dict[str, Any], index: int) -> Relationship | None:
        src, rtype, dst = raw.get("source"), raw.get("type"), raw.get("target")
        entry = f"relationships[{index}] ({src} {rtype} {dst})"
        for key in sorted(set(raw) - REL_FIELDS - {"__line__"}):
            self.problem(raw, entry, key, f"unknown field; expected one of {', '.join(sorted(REL_FIELDS))}")
        ok = True
        for key, value in (("source", src), ("target", dst)):
            if not isinstance(value, str) or not value:
                self.problem(raw, entry, key, "missing: an entity id")
                ok = False
        if rtype not in REL_TYPE_BY_NAME:
            self.problem(raw, entry, "type", f"unknown relationship type {rtype!r}; see seed/README.md")
            ok = False
        dates: dict[str, PartialDate | None] = {}
        for key in ("start", "end"):
            value = raw.get(key)
            try:
                dates[key] = PartialDate.parse(value) if value not in (None, "") else None
            except BadDate as exc:
                self.problem(raw, entry, key, str(exc))
                dates[key] = None
                ok = False
        start, end = dates["start"], dates["end"]
        if start and end and end.last_day < start.first_day:
            self.problem(raw, entry, "end", f"{end} is before start {start}")
            ok = False
        status = raw.get("status")
        if status is not None and status not in STATUSES:
            self.problem(raw, entry, "status", f"{status!r} is not one of {', '.join(STATUSES)}")
            status = None
        circa = raw.get("circa", False)
        if not isinstance(circa, bool):
            self.problem(raw, entry, "circa", "must be true or false")
            circa = False
        sources = self.sources(raw, entry, required=True)
        if not ok or not (isinstance(src, str) and isinstance(rtype, str) and isinstance(dst, str)):
            return None
        return Relationship(
            source=src, type=rtype, target=dst, start=start, end=end, circa=circa,
            status=status, description=raw.get("description") or None, sources=sources,
        )  # fmt: skip


@dataclass
class SeedRead:
    """What `read_seed` found: the records with their places, and the problems."""

    entities: list[tuple[str, int, Entity]]
    relationships: list[tuple[str, int, Relationship]]
    problems: list[Problem]
    version: str

    def dataset(self) -> Dataset:
        return Dataset(tuple(e for _, _, e in self.entities), tuple(r for _, _, r in self.relationships), self.version)


def _read_file(path: Path, problems: list[Problem]) -> Iterator[tuple[str, Any]]:
    reader = _FileReader(path, problems)
    entities, relationships = reader.documents()
    for i, raw in enumerate(entities):
        entity = reader.entity(raw, i)
        if entity:
            yield "entity", (path.name, raw.get("__line__", 0), entity)
    for i, raw in enumerate(relationships):
        rel = reader.relationship(raw, i)
        if rel:
            yield "relationship", (path.name, raw.get("__line__", 0), rel)


def read_seed(data_dir: Path) -> SeedRead:
    """Read every seed file, checking each entry and the references between them."""
    files = seed_files(data_dir)
    problems: list[Problem] = []
    if not files:
        problems.append(Problem(str(data_dir), 0, "(folder)", "(files)", "no *.yaml seed files found"))
    entities: list[tuple[str, int, Entity]] = []
    relationships: list[tuple[str, int, Relationship]] = []
    for path in files:
        for what, item in _read_file(path, problems):
            (entities if what == "entity" else relationships).append(item)

    seen: dict[str, tuple[str, int]] = {}
    unique_entities = []
    for file, line, e in entities:
        if e.id in seen:
            first = seen[e.id]
            problems.append(
                Problem(file, line, f"entity {e.id}", "id", f"duplicate id; first defined at {first[0]}:{first[1]}")
            )
            continue
        seen[e.id] = (file, line)
        unique_entities.append((file, line, e))

    rel_seen: dict[str, tuple[str, int]] = {}
    unique_rels = []
    for file, line, r in relationships:
        entry = f"relationship ({r.source} {r.type} {r.target})"
        dangling = False
        for key, ref in (("source", r.source), ("target", r.target)):
            if ref not in seen:
                problems.append(Problem(file, line, entry, key, f"dangling reference: no entity with id {ref!r}"))
                dangling = True
        if r.source == r.target:
            problems.append(Problem(file, line, entry, "target", "a relationship needs two different entities"))
            dangling = True
        key = r.id
        if r.symmetric:  # stored once, either way round
            key = "|".join([*sorted((r.source, r.target)), r.type, str(r.start or "")])
        if key in rel_seen:
            first = rel_seen[key]
            problems.append(
                Problem(
                    file,
                    line,
                    entry,
                    "(identity)",
                    f"duplicate relationship (same source, type, target and start as {first[0]}:{first[1]}); add a source to that one instead",
                )
            )
            continue
        rel_seen[key] = (file, line)
        if not dangling:
            unique_rels.append((file, line, r))
    return SeedRead(unique_entities, unique_rels, sorted(problems), dataset_version(files))


def load_dataset(data_dir: Path) -> Dataset:
    """The dataset in `data_dir`; raises `SeedError` naming every problem."""
    read = read_seed(data_dir)
    if read.problems:
        raise SeedError(read.problems)
    return read.dataset()
