"""`citygraph synth`: synthetic data folders with the shape of real city-diplomacy data.

The shape, as registers of twinnings and EU project partnerships have it: one entity per
five relationships; each entity has a popularity drawn from a power law (weight
`1 / rank**ALPHA`), so a few hubs (programmes, capitals, big networks) hold thousands of
links while most entities have one or two; every kind and every type occurs, each type
between the kinds it plausibly joins; start dates are partial (year, month or day) between
1945 and 2025, some with an end, some `circa`, some undated; some pairs are linked more
than once (another type, or a renewed agreement); symmetric types are written either way.
Sources are dataset records (a register URL, or a register file without a quote), a few
relationships have two. The same seed gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from app.model import Dataset
from app.vocabulary import PLACE_KINDS, REL_TYPE_BY_NAME, REL_TYPE_NAMES, Kind
from seed.csv_data import ENTITIES_FILE, ENTITY_COLUMNS, RELATIONSHIP_COLUMNS, RELATIONSHIPS_FILE, write_rows

ALPHA = 0.8  # the power law of popularity: larger, heavier hubs
FIRST_YEAR, LAST_YEAR = 1945, 2025
ENTITIES_PER_RELATIONSHIP = 0.2
UNDATED, WITH_END, CIRCA, PARALLEL, TWO_SOURCES = 0.15, 0.4, 0.05, 0.05, 0.02
K = Kind
# Share of each kind among the entities.
KIND_SHARE: dict[Kind, float] = {
    K.Municipality: 0.05, K.Region: 0.01, K.ForeignCity: 0.2, K.ForeignRegion: 0.05, K.Country: 0.002,
    K.Company: 0.2, K.Institution: 0.15, K.Network: 0.02, K.Project: 0.2, K.Event: 0.05, K.Person: 0.068,
}  # fmt: skip
_ORGS = (K.Municipality, K.Region, K.Company, K.Institution)
_PLACES = (K.Municipality, K.ForeignCity, K.ForeignRegion, K.Region)
_ACTIVITIES = (K.Project, K.Event, K.Network)
# Each type's share of the relationships and the kinds it joins (source kinds, target kinds).
# A type the table lacks (the vocabulary grew) joins any kinds with weight 1.
# fmt: off
TYPE_SHAPE: dict[str, tuple[float, tuple[Kind, ...], tuple[Kind, ...]]] = {
    "PARTICIPATED_IN": (20, (*_ORGS, K.ForeignCity, K.Person), _ACTIVITIES),
    "MEMBER_OF": (12, (*_ORGS, K.ForeignCity), (K.Network,)),
    "LOCATED_IN": (12, (K.Company, K.Institution, K.Event, K.Project, *_PLACES), (K.Country, K.Region, K.ForeignRegion, K.Municipality, K.ForeignCity)),
    "PARTNER_OF": (10, _ORGS, (*_PLACES, K.Institution)),
    "COOPERATED_WITH": (8, (*_ORGS, K.ForeignCity), (*_ORGS, K.ForeignCity, K.ForeignRegion)),
    "TWINNED_WITH": (5, (K.Municipality,), (K.ForeignCity, K.Municipality)),
    "LED": (5, (K.Municipality, K.Institution, K.Person, K.Region), _ACTIVITIES),
    "FUNDED": (6, (K.Network, K.Institution, K.Region, K.Company), (K.Project, K.Event, K.Institution)),
    "HOSTED": (4, (K.Municipality, K.ForeignCity, K.Institution), (K.Event, K.Project)),
    "VISITED": (4, (K.Person, K.Municipality), (K.ForeignCity, K.Municipality, K.Company)),
    "SIGNED_AGREEMENT_WITH": (3, _ORGS, (K.ForeignCity, K.ForeignRegion, K.Company, K.Institution)),
    "ADVISED": (3, (K.Municipality, K.Company, K.Institution), (K.ForeignCity, K.ForeignRegion, K.Institution)),
    "INVESTED_IN": (2, (K.Company,), (K.Municipality, K.ForeignCity, K.Company)),
    "FACILITATED": (2, (K.Municipality, K.Institution, K.Region), (K.Company,)),
    "ESTABLISHED": (2, _ORGS, (K.Institution, K.Company, K.Project, K.Event)),
    "HELD_OFFICE": (2, (K.Person,), (K.Municipality, K.Region, K.Institution, K.Network)),
    "OWNS": (1, (K.Municipality, K.Company), (K.Company,)),
    "AWARDED": (1, (K.Institution, K.Network), (K.Municipality, K.Company, K.Person, K.ForeignCity)),
    "MERGED_INTO": (0.5, (K.Municipality,), (K.Municipality,)),
    "SUCCEEDED": (0.5, (K.Institution, K.Network, K.Project), (K.Institution, K.Network, K.Project)),
    "PART_OF": (1, (K.Institution, K.Network, K.Project, K.Event), (K.Institution, K.Network, K.Event)),
    "EXPLORED_PARTNERSHIP_WITH": (0.5, (K.Municipality, K.Region), (K.ForeignCity, K.ForeignRegion)),
    "CONTACT_FOR": (0.5, (K.Person,), _ACTIVITIES),
    "AUTHORED": (0.5, (K.Institution, K.Company, K.Person), (K.Project,)),
    "COMMISSIONED": (0.5, (K.Municipality, K.Region, K.Institution), (K.Project,)),
    "LEARNED_FROM": (0.5, _ORGS, (K.ForeignCity, K.ForeignRegion, K.Institution)),
}
# fmt: on
COUNTRIES = (
    "DK",
    "SE",
    "NO",
    "DE",
    "PL",
    "LT",
    "LV",
    "EE",
    "FI",
    "NL",
    "FR",
    "GB",
    "ES",
    "IT",
    "CN",
    "JP",
    "US",
    "BR",
    "IN",
    "JO",
    "GH",
    "TZ",
    "UA",
    "RU",
    "TR",
    "ZA",
    "KR",
    "VN",
    "MX",
    "CA",
)  # fmt: skip
NAME_WORDS = ("Ærø", "Østerby", "Åby", "Nord", "Syd", "Vester", "Lille", "Store", "Holm", "Bjerg", "Lund", "Dal")


@dataclasses.dataclass(frozen=True)
class SynthSummary:
    """What a synthetic folder holds, and its degree distribution."""

    entities: int
    relationships: int
    rows: int
    degrees: dict[str, int]

    def distribution(self) -> list[tuple[str, int]]:
        """(degree range, number of entities) in powers of two: 0, 1, 2–3, 4–7, …"""
        bins: Counter[int] = Counter(0 if d == 0 else d.bit_length() for d in self.degrees.values())
        out = []
        for b in sorted(bins):
            low, high = (0, 0) if b == 0 else (1 << (b - 1), (1 << b) - 1)
            out.append((str(low) if low == high else f"{low}–{high}", bins[b]))
        return out

    def hubs(self, n: int = 5) -> list[tuple[str, int]]:
        return sorted(self.degrees.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def _entities(n: int, rng: np.random.Generator) -> tuple[list[list[str]], list[Kind]]:
    kinds = list(KIND_SHARE)
    counts = {k: max(1, round(n * KIND_SHARE[k])) for k in kinds}
    counts[K.Country] = min(max(counts[K.Country], 5), len(COUNTRIES))
    rows: list[list[str]] = []
    entity_kinds: list[Kind] = []
    for kind in kinds:
        for j in range(counts[kind]):
            i = len(rows)
            country = COUNTRIES[j] if kind == K.Country else COUNTRIES[int(rng.integers(len(COUNTRIES)))]
            place = kind in PLACE_KINDS
            lat, lon = (f"{rng.uniform(-50, 70):.4f}", f"{rng.uniform(-120, 150):.4f}") if place else ("", "")
            name = f"{NAME_WORDS[i % len(NAME_WORDS)]} {kind.value} {i}"
            alias = f"{kind.value[:3]}{i}" if i % 10 == 0 else ""
            rows.append([f"e{i}", kind.value, name, "", alias, country if place or i % 3 == 0 else "", lat, lon, ""])
            entity_kinds.append(kind)
    return rows, entity_kinds


def _date(rng: np.random.Generator, year: int) -> str:
    precision = rng.random()
    if precision < 0.6:
        return f"{year:04d}"
    month = int(rng.integers(1, 13))
    if precision < 0.85:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{int(rng.integers(1, 29)):02d}"


def _relationships(n: int, kinds: list[Kind], rng: np.random.Generator) -> Iterator[list[str]]:
    popularity = 1.0 / (rng.permutation(len(kinds)) + 1.0) ** ALPHA
    by_kind: dict[Kind, np.ndarray] = {k: np.array([i for i, x in enumerate(kinds) if x == k]) for k in KIND_SHARE}
    shapes = {t: TYPE_SHAPE.get(t, (1.0, tuple(KIND_SHARE), tuple(KIND_SHARE))) for t in REL_TYPE_NAMES}
    names = list(shapes)
    share = np.array([shapes[t][0] for t in names])
    per_type = rng.multinomial(n, share / share.sum())
    per_type = np.maximum(per_type, 1)  # every type occurs, even in a small folder
    seen: set[tuple[str, ...]] = set()
    for rtype, count in zip(names, per_type, strict=True):
        _, source_kinds, target_kinds = shapes[rtype]
        pools = [np.concatenate([by_kind[k] for k in ks]) for ks in (source_kinds, target_kinds)]
        weights = [popularity[p] / popularity[p].sum() for p in pools]
        symmetric = REL_TYPE_BY_NAME[rtype].symmetric
        made = 0
        while made < count:
            want = int((count - made) * 1.2) + 8
            sources = rng.choice(pools[0], size=want, p=weights[0])
            targets = rng.choice(pools[1], size=want, p=weights[1])
            years = rng.integers(FIRST_YEAR, LAST_YEAR + 1, size=want)
            draws = rng.random((want, 4))
            for s, t, year, (undated, ended, circa, extra) in zip(sources, targets, years, draws, strict=True):
                if s == t:
                    continue
                a, b = f"e{s}", f"e{t}"
                start = "" if undated < UNDATED else _date(rng, int(year))
                key = (*sorted((a, b)), rtype, start) if symmetric else (a, b, rtype, start)
                if key in seen:
                    continue
                seen.add(key)
                end = ""
                event = REL_TYPE_BY_NAME[rtype].event  # happens once: start = end (seed/README.md)
                if event:
                    end = start
                elif start and ended < WITH_END:
                    end = str(min(LAST_YEAR, int(start[:4]) + int(rng.geometric(0.15))))
                status = "ended" if end else ("active" if start and extra < 0.3 else "")
                made_circa = "true" if start and len(start) == 4 and circa < CIRCA else ""
                register = f"https://example.org/register/{rtype.lower()}/{len(seen)}" if extra < 0.5 else ""
                document = "" if register else "synthetic-register.csv"
                row = [a, rtype, b, start, end, made_circa, status, "", document, "", register, ""]
                yield row
                if extra > 1 - TWO_SOURCES:  # a second source: the same relationship in another register
                    yield [*row[:8], "second-register.xlsx", "", "", ""]
                if extra < PARALLEL and start and int(start[:4]) < LAST_YEAR:  # renewed: the same pair again
                    renewed = str(int(start[:4]) + 1 + int(rng.integers(0, LAST_YEAR - int(start[:4]))))
                    rkey = (*sorted((a, b)), rtype, renewed) if symmetric else (a, b, rtype, renewed)
                    if rkey not in seen and made + 1 < count:
                        seen.add(rkey)
                        made += 1
                        end, status = (renewed, "ended") if event else ("", "active")
                        yield [a, rtype, b, renewed, end, "", status, "renewed", "synthetic-register.csv", "", "", ""]
                made += 1
                if made >= count:
                    break


def synthetic_dataset(relationships: int, seed: int = 1) -> Dataset:
    """A synthetic dataset, read back through the CSV loader (for benchmarks and scale tests)."""
    from seed.loader import load_dataset

    with tempfile.TemporaryDirectory() as tmp:
        synthesize(relationships, seed, Path(tmp))
        dataset = load_dataset(Path(tmp))
    return dataclasses.replace(dataset, version=f"synthetic-{relationships}-{seed}")


def synthesize(relationships: int, seed: int, output: Path) -> SynthSummary:
    """Write `entities.csv` and `relationships.csv` for about `relationships` relationships into `output`."""
    rng = np.random.default_rng(seed)
    n_entities = max(40, int(relationships * ENTITIES_PER_RELATIONSHIP))
    entity_rows, kinds = _entities(n_entities, rng)
    degrees: Counter[str] = Counter()
    ids: set[tuple[str, str, str, str]] = set()
    counted = [0]

    def tracked() -> Iterator[list[str]]:
        for row in _relationships(relationships, kinds, rng):
            counted[0] += 1
            key = (row[0], row[1], row[2], row[3])
            if key not in ids:
                ids.add(key)
                degrees[row[0]] += 1
                degrees[row[2]] += 1
            yield row

    output.mkdir(parents=True, exist_ok=True)
    write_rows(output / ENTITIES_FILE, ENTITY_COLUMNS, entity_rows)
    write_rows(output / RELATIONSHIPS_FILE, RELATIONSHIP_COLUMNS, tracked())
    all_degrees = {row[0]: degrees.get(row[0], 0) for row in entity_rows}
    return SynthSummary(len(entity_rows), len(ids), counted[0], all_degrees)
