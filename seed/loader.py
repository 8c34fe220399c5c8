"""Read a data folder (seed YAML and/or CSV) into a `Dataset`, reporting every problem found.

Each problem names the file, the entry (with its YAML line or CSV row) and the field, so a
curator can go straight to it. `load_dataset` raises `SeedError` listing them all;
`read_seed` returns what it could read together with the problems, for `citygraph validate`.
Syntax errors come first; while a file cannot be parsed, references into it are not
checked (each would be a follow-on error of the one real problem).
"""

from __future__ import annotations

import gc
import hashlib
import re
from collections.abc import Container, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import yaml

from app.dates import BadDate, PartialDate
from app.model import Dataset, Entity, Relationship, Source
from app.vocabulary import PLACE_KINDS, REL_TYPE_BY_NAME, STATUSES, Kind
from seed.date_rules import check_dating

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
MAX_QUOTE = 300
ENTITY_FIELDS = {"id", "kind", "name", "name_en", "aliases", "country", "lat", "lon", "description", "sources"}
REL_FIELDS = {"source", "type", "target", "start", "end", "circa", "status", "description", "sources"}
_REL_KEYS = frozenset({*REL_FIELDS, "__line__"})  # the keys of a relationship entry's mapping


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


SYNTAX = "(syntax)"  # the field of a problem that stops a whole file from being read
WHOLE_FILE = ("(file)", "(header)")  # the entries of problems about a file as a whole


def ordered(problems: list[Problem]) -> list[Problem]:
    """Syntax errors first, then other whole-file problems (they explain what follows), then by file and line."""
    return sorted(problems, key=lambda p: (p.field != SYNTAX, p.entry not in WHOLE_FILE, p))


def describe(problems: list[Problem], shown: int | None = 20) -> str:
    """A count, then one line per problem: the first `shown` (None: all) and a count of the rest."""
    head = problems if shown is None else problems[:shown]
    lines = [f"{len(problems)} problem(s) in the data:", *(str(p) for p in head)]
    if len(problems) > len(head):
        lines.append(f"… and {len(problems) - len(head)} more (`citygraph validate` lists them all)")
    return "\n".join(lines)


class SeedError(Exception):
    """The seed data has problems; `problems` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(describe(problems))


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~5× faster


class _LineLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """A safe YAML loader that remembers the line of every mapping as `__line__`."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def seed_files(data_dir: Path) -> list[Path]:
    """The YAML seed files in load order (by name)."""
    return sorted(data_dir.glob("*.yaml"))


def dataset_version(files: Iterable[Path]) -> str:
    """A short content hash of the data files: equal data, equal version."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:12]


def identity(r: Relationship) -> str:
    """What may occur once in the data: source, type, target and start (symmetric: either way round)."""
    if r.symmetric:
        return "|".join([*sorted((r.source, r.target)), r.type, str(r.start or "")])
    return r.id


def yaml_error_line(exc: yaml.YAMLError) -> int:
    """The line a YAML error is about: where the broken construct starts when the parser ran to the end."""
    problem = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    if context is not None and "end of stream" in str(getattr(exc, "problem", "")):
        return int(context.line) + 1  # an unclosed quote or bracket: the scanner only notices at the end
    mark = problem or context
    return int(mark.line) + 1 if mark is not None else 0


class RecordReader:
    """Turns one file's entries (YAML mappings or CSV rows in the same shape) into records.

    Problems are noted as it goes. `field_names` renames fields in messages (a CSV file
    names its columns); `dataset_records` lets a source be a register record (a `url`, or
    a document without a quote) rather than a quoted document.
    """

    field_names: ClassVar[dict[str, str]] = {}
    dataset_records: ClassVar[bool] = False

    def __init__(self, path: Path, problems: list[Problem]):
        self.name = path.name
        self.path = path
        self.problems = problems
        self._dates: dict[str, PartialDate] = {}

    def field(self, name: str) -> str:
        return self.field_names.get(name, name)

    def date(self, value: object) -> PartialDate:
        """`PartialDate.parse`, once per text in this file: a million rows hold some ten thousand
        distinct dates, and the records share each (a date is immutable)."""
        if not isinstance(value, str):
            return PartialDate.parse(value)
        known = self._dates.get(value)
        if known is None:
            known = self._dates[value] = PartialDate.parse(value)
        return known

    def problem(self, raw: dict[str, Any], entry: str, field: str, message: str) -> None:
        self.problems.append(Problem(self.name, int(raw.get("__line__", 0)), entry, self.field(field), message))

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
            source = self.source(raw, entry, where, item)
            if source:
                out.append(source)
        return tuple(out)

    def source(self, raw: dict[str, Any], entry: str, where: str, item: dict[str, Any]) -> Source | None:
        """One source: a document with a verbatim quote, or (where allowed) a dataset record."""
        # Spelled out rather than looped: this runs once per row of a million-row file.
        document, quote, url = item.get("document"), item.get("quote"), item.get("url")
        for key, value in (("document", document), ("quote", quote), ("url", url)):
            if value is not None and not isinstance(value, str):
                self.problem(raw, entry, f"{where}.{key}", "must be text")
                return None
        document, quote, url = (document or "").strip(), (quote or "").strip(), (url or "").strip()
        if url and not url.startswith(("http://", "https://")):
            self.problem(raw, entry, f"{where}.url", f"{url[:80]!r} is not an http(s) address")
            return None
        if not document and not (url and self.dataset_records):
            self.problem(raw, entry, f"{where}.document", "missing: the source document's file name")
            return None
        if not quote and not self.dataset_records:
            self.problem(raw, entry, f"{where}.quote", "missing: a short verbatim quote from the document")
            return None
        if len(quote) > MAX_QUOTE:
            self.problem(raw, entry, f"{where}.quote", f"{len(quote)} characters; quote at most {MAX_QUOTE}")
        attested = None
        if item.get("attested") not in (None, ""):
            try:
                attested = self.date(item["attested"])
            except BadDate as exc:
                self.problem(raw, entry, f"{where}.attested", str(exc))
        return Source(document, " ".join(quote.split()), url or None, attested)

    def entity(self, raw: dict[str, Any], label: str) -> Entity | None:
        """The entity of one entry (`label` says where it is, e.g. `entities[3]`), or None."""
        eid = raw.get("id")
        entry = f"{label} ({eid})" if eid else label
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

    def relationship(self, raw: dict[str, Any], label: str) -> Relationship | None:
        """The relationship of one entry, or None."""
        src, rtype, dst = raw.get("source"), raw.get("type"), raw.get("target")
        entry = f"{label} ({src} {rtype} {dst})"
        for key in sorted(raw.keys() - _REL_KEYS) if not raw.keys() <= _REL_KEYS else ():
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
                dates[key] = self.date(value) if value not in (None, "") else None
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


class _FileReader(RecordReader):
    """One YAML seed file."""

    def documents(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        try:
            doc = yaml.load(self.path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.YAMLError as exc:
            reason = " ".join(str(exc).split())
            self.problems.append(
                Problem(self.name, yaml_error_line(exc), "(file)", SYNTAX, f"not valid YAML: {reason}")
            )
            return [], []
        except (UnicodeDecodeError, OSError) as exc:
            self.problems.append(Problem(self.name, 0, "(file)", SYNTAX, f"cannot be read as UTF-8 text: {exc}"))
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


@dataclass
class SeedRead:
    """What `read_seed` found: the records with their places, and the problems."""

    entities: list[tuple[str, int, Entity]]
    relationships: list[tuple[str, int, Relationship]]
    problems: list[Problem]
    version: str

    def dataset(self) -> Dataset:
        return Dataset(tuple(e for _, _, e in self.entities), tuple(r for _, _, r in self.relationships), self.version)


def _read_yaml(path: Path, problems: list[Problem]) -> Iterator[tuple[str, Any]]:
    reader = _FileReader(path, problems)
    entities, relationships = reader.documents()
    for i, raw in enumerate(entities):
        entity = reader.entity(raw, f"entities[{i}]")
        if entity:
            yield "entity", (path.name, raw.get("__line__", 0), entity)
    for i, raw in enumerate(relationships):
        rel = reader.relationship(raw, f"relationships[{i}]")
        if rel:
            yield "relationship", (path.name, raw.get("__line__", 0), rel)


def data_files(data_dir: Path) -> list[Path]:
    """Every data file of a folder: the seed YAML files, then the CSV pair where present."""
    from seed.csv_data import csv_files

    return seed_files(data_dir) + csv_files(data_dir)


FREEZE_FROM = 100_000  # records: a read this big is kept out of the collector's later scans (`read_seed`)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a folder's records are built: they hold no
    cycles, yet every few hundred new objects the collector scans the young ones and, as the heap
    grows, the whole heap again, for nothing freed."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_seed(data_dir: Path) -> SeedRead:
    """Read every data file, checking each entry and the references between them.

    The collector is paused meanwhile, and a big read's records (from `FREEZE_FROM` on) are then
    frozen (`gc.freeze`: never scanned again; freed as usual when nothing refers to them): at a
    million relationships the collector took 40 % of the checks' CPU (bench/README.md, "Bulk loading").
    """
    with collector_paused():
        read = _read_seed(data_dir)
        if len(read.entities) + len(read.relationships) >= FREEZE_FROM:
            gc.freeze()  # before the collector is back: its first scan would take in every record
    return read


def _read_seed(data_dir: Path) -> SeedRead:
    files = data_files(data_dir)
    problems: list[Problem] = []
    if not files:
        problems.append(
            Problem(str(data_dir), 0, "(folder)", "(files)", "no *.yaml seed files, entities.csv or relationships.csv")
        )
    entities, relationships = read_files(files, problems)
    # A file that could not be read whole hides its entities: references to them are not checked.
    unreadable = any(p.entry in WHOLE_FILE for p in problems)
    unique_entities, ids = checked_entities(entities, problems)
    unique_rels = checked_relationships(relationships, ids, unreadable, problems)
    kinds = {e.id: e.kind for _, _, e in unique_entities}
    problems += [Problem(*finding) for finding in check_dating(unique_rels, kinds)]
    return SeedRead(unique_entities, unique_rels, ordered(problems), dataset_version(files))


Placed = tuple[str, int, Any]  # a record with its file and line


def read_files(files: Iterable[Path], problems: list[Problem]) -> tuple[list[Placed], list[Placed]]:
    """The entities and relationships of each file (YAML or CSV), each checked on its own."""
    from seed.csv_data import read_csv_file

    entities: list[Placed] = []
    relationships: list[Placed] = []
    for path in files:
        records = _read_yaml(path, problems) if path.suffix == ".yaml" else read_csv_file(path, problems)
        for what, item in records:
            (entities if what == "entity" else relationships).append(item)
    return entities, relationships


def checked_entities(
    entities: Iterable[tuple[str, int, Entity]], problems: list[Problem]
) -> tuple[list[tuple[str, int, Entity]], dict[str, tuple[str, int]]]:
    """The entities with a first use of their id, and where each id is defined; a repeat is a problem."""
    seen: dict[str, tuple[str, int]] = {}
    unique = []
    for file, line, e in entities:
        if e.id in seen:
            first = seen[e.id]
            problems.append(
                Problem(file, line, f"entity {e.id}", "id", f"duplicate id; first defined at {first[0]}:{first[1]}")
            )
            continue
        seen[e.id] = (file, line)
        unique.append((file, line, e))
    return unique, seen


def _entry(r: Relationship) -> str:
    return f"relationship ({r.source} {r.type} {r.target})"


def checked_relationships(
    relationships: Iterable[tuple[str, int, Relationship]],
    ids: Container[str],
    unreadable: bool,
    problems: list[Problem],
) -> list[tuple[str, int, Relationship]]:
    """The relationships whose ends are entities (`ids`), two different ones, and whose identity
    comes first; each other is a problem (a dangling end only while every file could be read)."""
    rel_seen: dict[str, tuple[str, int]] = {}
    unique = []
    for file, line, r in relationships:
        dangling = False
        for key, ref in (("source", r.source), ("target", r.target)):
            if ref not in ids:
                if not unreadable:
                    problems.append(
                        Problem(file, line, _entry(r), key, f"dangling reference: no entity with id {ref!r}")
                    )
                dangling = True
        if r.source == r.target:
            problems.append(Problem(file, line, _entry(r), "target", "a relationship needs two different entities"))
            dangling = True
        key = identity(r)
        if key in rel_seen:
            first = rel_seen[key]
            problems.append(
                Problem(
                    file,
                    line,
                    _entry(r),
                    "(identity)",
                    f"duplicate relationship (same source, type, target and start as {first[0]}:{first[1]}); add a source to that one instead",
                )
            )
            continue
        rel_seen[key] = (file, line)
        if not dangling:
            unique.append((file, line, r))
    return unique


def load_dataset(data_dir: Path) -> Dataset:
    """The dataset in `data_dir`; raises `SeedError` naming every problem."""
    read = read_seed(data_dir)
    if read.problems:
        raise SeedError(read.problems)
    return read.dataset()
