"""The library behind the API and the CLI: every question the service answers.

Each method takes plain, already-parsed values and returns JSON-ready data. Routes and
commands only translate; tests call these functions directly.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from concurrent.futures import Future
from functools import partial
from typing import Any

import networkx as nx

from app import background, deadline
from app.analysis import broker_counts, brokerage, centrality
from app.analysis.degree_years import DegreeYears
from app.analysis.lookup import EntityCache, EntityLookup
from app.analysis.names import EntityIndex, Names, StoreNames, summary
from app.analysis.narrative import LANGS, Lang, relationship_sentence
from app.analysis.paths import PathRequest, describe_path, find_paths
from app.analysis.ranking import Ranking
from app.analysis.snapshot_graph import directed, undirected
from app.analysis.story import tell
from app.background import SharedRuns
from app.cache import ByteBudgetCache, PerVersion, graph_bytes, rows_bytes
from app.config import Settings
from app.errors import InvalidParameter, NotLoaded, QueryTimeout, RequestCancelled, StillComputing
from app.filters import RelFilter, check_range, parse_date, parse_kinds
from app.model import Entity, Relationship
from app.prepare import Partial, Preparer
from app.stats import count_records
from app.stores.base import (
    NOT_LOADED,
    AnalyticsStore,
    BrokerageStore,
    CentralityPlan,
    ExportCountStore,
    GraphStore,
    GuideCounts,
    GuideCountStore,
    NameSearchStore,
    PathMode,
    Scores,
)

HISTORY_STEP_MAX = 50  # years between two points of a history: a shape of the question, not a cost
REFINED_KEPT = 256  # rankings refined (or refining) remembered, so each is computed once per version
REFINING = threading.Lock()  # one refinement at a time: they share the database with the requests
PREPARED_BROKERS = "prepared-brokers"  # the cache key of the whole dataset's prepared broker ranking


class CityGraph:
    """Answers questions over one `GraphStore`."""

    def __init__(self, store: GraphStore, settings: Settings):
        self.store = store
        self.settings = settings
        self._names: Names | None = None
        self._entity_cache: EntityCache = ByteBudgetCache(settings.entity_cache_bytes)
        self._seen_version = store.version
        self._lock = threading.Lock()
        self.plan = CentralityPlan(
            settings.betweenness_exact_max_nodes,
            settings.betweenness_samples,
            # networkx runs in this process and cannot be stopped mid-call: bound its work up front.
            None if isinstance(store, AnalyticsStore) else settings.embedded_centrality_work,
            settings.gds_closeness_work if isinstance(store, AnalyticsStore) else None,
        )
        # Snapshot graphs, score rankings and broker rankings, by dataset version, in one byte budget.
        self._cache: ByteBudgetCache[Any] = ByteBudgetCache(settings.analytics_cache_bytes)
        self._degree_table: PerVersion[DegreeYears] = PerVersion()  # each year's degree counts
        self._guide_table: PerVersion[GuideCounts] = PerVersion()  # the Browser guide's counts
        # Rankings a request's budget cut short, computed whole in the background (`_refine`).
        self._refining: SharedRuns[None] = SharedRuns(kept=REFINED_KEPT)
        # Histories' years past a request's budget, computed in the background (`_complete_history`).
        self._histories_runs: SharedRuns[None] = SharedRuns()
        self._histories: dict[str, tuple[str, Future[None]]] = {}  # by metric: (dataset version, its run)
        unknown = [m for m in settings.prepare_metrics if m not in centrality.METRICS]
        if unknown:
            raise ValueError(f"CITYGRAPH_PREPARE_METRICS: unknown metrics {unknown}; use {list(centrality.METRICS)}")
        steps: dict[str, Callable[[], object]] = {}
        if isinstance(store, AnalyticsStore):
            if settings.prepare_windows:
                steps["projection:windows"] = store.prepare_windows  # first: the rankings below are filtered from it
            steps |= {f"centrality:{m}": partial(self._scores, m, RelFilter()) for m in settings.prepare_metrics}
            if "degree" in settings.prepare_metrics:  # and the degree history's counts with it
                steps["history:degree"] = self._degree_years
            if settings.prepare_brokers:
                steps["brokerage"] = self._prepare_brokers
        if steps and isinstance(store, GuideCountStore):  # a pass over every relationship: seconds at 1M when busy
            steps = {"browser:guide": self.guide_counts, **steps}  # first: the quickest, asked on Browser's connect
        self.preparer = Preparer(steps, settings.prepare_time_budget)

    def prepare(self) -> None:
        """Compute the default rankings of the loaded version in the background (`app.prepare`);
        an embedded store's name index is built now, so no search waits for it."""
        if self.store.version != NOT_LOADED:
            if not isinstance(self.store, NameSearchStore):
                _ = self.names
            if self.settings.prepare_export_counts and isinstance(self.store, ExportCountStore):
                self.store.prepare_export_counts()  # a thread of its own, beside the analytics
            self.preparer.start(self.store.version)

    # -- entities ----------------------------------------------------------------------

    @property
    def names(self) -> Names:
        """Name resolution and search: in the database where the store can (Neo4j's
        indexes), else an index of every entity read from the store once per version."""
        with self._lock:
            if self._names is None:
                if isinstance(self.store, NameSearchStore):
                    self._names = StoreNames(self.store, self.settings.search_candidates)
                else:
                    self._names = EntityIndex(self.store.all_entities(), self.store.degrees())
            return self._names

    def lookup(self, ids: Iterable[str] = ()) -> EntityLookup:
        """The entities an answer names, by id: `ids` fetched at once, others when read."""
        return EntityLookup(self.store.entities_by_ids, self.store.version, self._entity_cache).prefetch(ids)

    def refresh(self) -> None:
        """Check the store answers; drop cached names and scores if its data changed."""
        seen = self._seen_version
        current = self.store.ping()
        if current != seen:
            with self._lock:
                self._names = None
            self._cache.clear()
            self._seen_version = current
            self.prepare()

    def resolve(self, ref: str, field: str = "entity") -> Entity:
        return self.names.resolve(ref, field)

    def entity_dict(self, entity: Entity, degree: int) -> dict[str, Any]:
        return {**entity.to_dict(), "degree": degree}

    def health(self) -> dict[str, Any]:
        self.refresh()
        if self.store.version == NOT_LOADED:
            nodes, rels = self.store.counts()
            state = "is empty" if not nodes else f"holds {nodes} entities and {rels} relationships but no finished load"
            raise NotLoaded(
                f"the {self.store.backend} database {state}; load the data with `citygraph seed`",
                nodes=nodes,
                relationships=rels,
            )
        nodes, rels = self.store.counts()
        return {
            "status": "ok",
            "backend": self.store.backend,
            "nodes": nodes,
            "relationships": rels,
            "dataset_version": self.store.version,
            "analytics": self.preparer.status(),
        }

    def search(self, q: str, kind: str | None = None, limit: int = 10) -> dict[str, Any]:
        check_range("limit", limit, 1, self.settings.max_results)
        kinds = parse_kinds([kind] if kind else None)
        kind_value = next(iter(kinds)).value if kinds else None
        hits = self.names.search(q, kind_value, limit)
        return {"query": q, "results": [{**self.entity_dict(h.entity, h.degree), "score": h.score} for h in hits]}

    def entity(self, ref: str) -> dict[str, Any]:
        entity = self.resolve(ref)
        return self.entity_dict(entity, self.lookup([entity.id]).degree(entity.id))

    def neighbors(
        self, ref: str, rel_filter: RelFilter, kinds: list[str] | None = None, limit: int = 100
    ) -> dict[str, Any]:
        check_range("limit", limit, 1, self.settings.max_results)
        entity = self.resolve(ref)
        # Ranked where the graph is; only the shown neighbours' relationships are read.
        count, top = self.store.neighbour_ranking(entity.id, rel_filter, parse_kinds(kinds), limit)
        rels = sorted(
            self.store.relationships_between(entity.id, [o for o, _ in top], rel_filter), key=Relationship.sort_key
        )
        by_id = self.lookup([entity.id, *(o for o, _ in top)])
        grouped: dict[str, list[Relationship]] = {other: [] for other, _ in top}
        for rel in rels:
            grouped[rel.target if rel.source == entity.id else rel.source].append(rel)
        return {
            "entity": summary(entity),
            "count": count,
            "neighbors": [
                {"entity": summary(by_id[other]), "relationships": [self._rel_dict(r, by_id) for r in group]}
                for other, group in grouped.items()
            ],
            "truncated": count > limit,
        }

    def timeline(self, ref: str, limit: int | None = None) -> dict[str, Any]:
        limit = self.settings.max_results if limit is None else limit
        check_range("limit", limit, 1, self.settings.max_results)
        entity = self.resolve(ref)
        # Dated or attested links in time order (an attested one at its earliest attestation),
        # then the undated: a hub's are tens of thousands, so the store sends the first `limit`.
        count, rels = self.store.timeline(entity.id, limit)
        by_id = self.lookup(end for r in rels for end in (r.source, r.target))
        return {
            "entity": summary(entity),
            "count": count,
            "events": [self._rel_dict(r, by_id) for r in rels if r.dated or r.attested],
            "undated": [self._rel_dict(r, by_id) for r in rels if not (r.dated or r.attested)],
            "truncated": len(rels) < count,
        }

    def _rel_dict(self, rel: Relationship, by_id: Mapping[str, Entity]) -> dict[str, Any]:
        return {**rel.to_dict(), "sentence": relationship_sentence(rel, by_id)}

    # -- paths -------------------------------------------------------------------------

    def paths(
        self,
        source: str,
        target: str,
        via: list[str] | None = None,
        mode: str = "shortest",
        max_hops: int = 4,
        rel_filter: RelFilter | None = None,
        exclude: list[str] | None = None,
        limit: int = 10,
        distinct: bool = True,
        lang: str = "en",
    ) -> dict[str, Any]:
        if mode not in ("shortest", "all", "temporal"):
            raise InvalidParameter("mode", f"unknown mode {mode!r}", allowed=["shortest", "all", "temporal"])
        check_range("limit", limit, 1, self.settings.max_paths)
        mode_value: PathMode = mode  # type: ignore[assignment]  # checked above
        req, ends = self._path_request(source, target, via, mode_value, max_hops, rel_filter, exclude)
        req.limit, req.distinct = limit, distinct
        with deadline.bounded(self.settings.request_time_budget, "request_time_budget"):
            result = find_paths(self.store, req)
        by_id = self.lookup(node for p in result.paths for node in (p[0].start, *(h.end for h in p)))
        language = _lang(lang)
        return {
            **ends,
            "mode": mode,
            "max_hops": max_hops,
            "distinct": distinct,
            "paths": [
                describe_path(p, by_id, result.alternatives[i] if distinct else None, language)
                for i, p in enumerate(result.paths)
            ],
            "truncated": result.truncated,
            "notes": result.notes,
        }

    def story(
        self,
        source: str,
        target: str,
        via: list[str] | None = None,
        max_hops: int = 4,
        rel_filter: RelFilter | None = None,
        exclude: list[str] | None = None,
        lang: str = "en",
    ) -> dict[str, Any]:
        """How `source` connects to `target` (through `via`): the best routes as one
        subgraph and one paragraph in date order, each claim with its sources."""
        req, ends = self._path_request(source, target, via, "all", max_hops, rel_filter, exclude)
        flt = rel_filter or RelFilter()
        first, last = flt.bounds()
        with deadline.bounded(self.settings.request_time_budget, "request_time_budget"):
            told = tell(self.store, req, self.lookup([req.source, req.target, *req.via]), _lang(lang))
        return {**ends, "max_hops": max_hops, "window": {"from": first, "to": last}, **told}

    def _path_request(
        self,
        source: str,
        target: str,
        via: list[str] | None,
        mode: PathMode,
        max_hops: int,
        rel_filter: RelFilter | None,
        exclude: list[str] | None,
    ) -> tuple[PathRequest, dict[str, Any]]:
        """A checked path question with its ends resolved, and the ends as answered."""
        check_range("max_hops", max_hops, 1, self.settings.max_hops)
        src = self.resolve(source, "source")
        dst = self.resolve(target, "target")
        via_entities = [self.resolve(v, "via") for v in via or []]
        excluded = frozenset(self.resolve(x, "exclude").id for x in exclude or [])
        req = PathRequest(
            source=src.id, target=dst.id, via=[v.id for v in via_entities], mode=mode,
            max_hops=max_hops, rel_filter=rel_filter or RelFilter(), exclude=excluded,
            max_expansions=self.settings.max_expansions,
        )  # fmt: skip
        ends = {"source": summary(src), "target": summary(dst), "via": [summary(v) for v in via_entities]}
        return req, ends

    # -- analytics over snapshots --------------------------------------------------------

    def _cached(self, key: Hashable, compute: Any, size: Any) -> Any:
        """`compute()`, kept in the byte-bounded cache under `key` for this dataset version."""
        return self._cache.get_or_compute(self.store.version, key, compute, size)

    def _graphs(self, rel_filter: RelFilter) -> tuple[nx.Graph, nx.DiGraph, list[Entity]]:
        return self._cached(  # type: ignore[no-any-return]
            ("graphs", rel_filter), lambda: self._build_graphs(rel_filter), _graphs_bytes
        )

    def _scores(self, metric: str, rel_filter: RelFilter) -> tuple[Ranking, Scores]:
        key = ("scores", metric, rel_filter)
        compute = partial(self._compute_scores, metric, rel_filter)
        found: tuple[Ranking, Scores] = self._kept_or_later(key, compute, _scores_bytes, metric)
        if isinstance(self.store, AnalyticsStore) and self._cut_by_budget(found[1]):
            self._refine(key, metric, rel_filter)
        return found

    def _kept_or_later(self, key: Hashable, compute: Callable[[], Any], size: Callable[[Any], int], what: str) -> Any:
        """`compute()`, kept under `key` (`_cached`). On a store that computes in the database,
        a run of it under way in the background is waited for (`_await_refining`), and a
        request whose time ran out with nothing found (the database slower than the work was
        sized for, or work that cannot be cut smaller) is a 202 while the ranking is computed
        whole in the background and kept (`_later`), not a 504."""
        if isinstance(self.store, AnalyticsStore):
            self._await_refining(key)
        try:
            return self._cached(key, compute, size)
        except QueryTimeout as exc:
            if not self._goes_on(exc):
                raise
            raise self._later(key, compute, size, what) from exc

    def _await_refining(self, key: Hashable) -> None:
        """Wait, within the request's time, for the ranking of `key` being computed whole in the
        background when none is kept yet (`_refine`): then the request answers the whole one;
        past its time a 202, since computing it again would only compete with that run."""
        version = self.store.version
        run = self._refining.under_way((version, key))
        if run is None or self._cache.get(version, key) is not None:
            return
        try:
            background.wait_or_later(run, "this ranking, computed in the background,", "it goes on and is kept")
        except (StillComputing, RequestCancelled):
            raise
        except Exception:  # noqa: S110 - the background run failed: this request computes the ranking itself
            pass

    def _cut_by_budget(self, found: Scores) -> bool:
        """Whether a request's time, not the plan, made `found` approximate (fewer iterations
        or sources than a run with time would do: `app.stores.gds_budget`)."""
        return found.iterations is not None or (found.sample_size or self.plan.samples) < self.plan.samples

    def _refine(self, key: Hashable, metric: str, rel_filter: RelFilter, again: bool = False) -> None:
        """Compute a ranking that a request's budget cut short again in the background, under
        the preparation's budget, and keep it in place of the cut one: the request got what
        fitted, marked; the next one gets the whole ranking (`_in_background`); `again` when a
        request found none kept (a 202: its time ran out before any score)."""

        def needed(kept: tuple[Ranking, Scores]) -> bool:  # a history's year may be computed meanwhile
            return self._cut_by_budget(kept[1])

        compute = partial(self._compute_scores, metric, rel_filter)
        self._in_background(key, compute, _scores_bytes, f"refine-{metric}", again, needed)

    def _in_background(
        self,
        key: Hashable,
        compute: Callable[[], Any],
        size: Callable[[Any], int],
        name: str,
        again: bool = False,
        needed: Callable[[Any], bool] = lambda kept: False,
    ) -> None:
        """Compute the ranking of `key` whole in the background, under the preparation's budget,
        and keep it. The database does the work, one ranking at a time; once per version and
        key (`SharedRuns`), a failed one on a later ask, and `again` when a request found none
        kept; skipped if one kept meanwhile is not `needed` any more."""
        version = self.store.version
        if again:
            self._refining.forget_finished((version, key))

        def whole() -> None:
            with REFINING:
                if self.store.version != version:  # reseeded meanwhile: the cut ranking is gone with its version
                    return
                kept = self._cache.get(version, key)
                if kept is not None and not needed(kept):
                    return
                value = compute()
            if self.store.version == version:  # putting an older version's would clear the newer's cache
                self._cache.put(version, key, value, size(value))

        seconds = self.settings.prepare_time_budget
        budget = deadline.Deadline(seconds, "prepare_time_budget", query_cap=seconds)
        self._refining.start((version, key), whole, budget, name)

    def _later(
        self, key: Hashable, compute: Callable[[], Any], size: Callable[[Any], int], what: str
    ) -> StillComputing:
        """The ranking of `key` computed whole in the background and kept (`_in_background`),
        and the 202 that says so to the request that found nothing in its time."""
        self._in_background(key, compute, size, f"ranking-{what}", again=True)
        limit = deadline.current()
        wait = math.ceil(limit.seconds)
        return StillComputing(
            f"{what} of this window did not fit in the {limit.seconds:g} s budget ({limit.setting}); "
            f"it is computed in the background and kept, so ask again in {wait} s",
            retry_after=wait,
        )

    def _goes_on(self, exc: QueryTimeout) -> bool:
        """Whether a request's timeout may become a 202 with the work done in the background:
        in a request (not the preparation, not the CLI), on a store that computes where the
        data is, and not already a 202."""
        limit = deadline.current()
        in_database = isinstance(self.store, AnalyticsStore)
        return in_database and not isinstance(exc, StillComputing) and limit.setting == "request_time_budget"

    def _build_graphs(self, rel_filter: RelFilter) -> tuple[nx.Graph, nx.DiGraph, list[Entity]]:
        entities, rels = self.store.snapshot(rel_filter)
        return undirected(entities, rels), directed(rels), entities

    def _compute_scores(self, metric: str, rel_filter: RelFilter) -> tuple[Ranking, Scores]:
        """Ranked scores, and how they were found (in the database where the store can)."""
        if isinstance(self.store, AnalyticsStore):
            found = self.store.centrality(metric, rel_filter, self.plan)
            kinds = found.kinds
        else:
            graph, _, entities = self._graphs(rel_filter)
            found = centrality.compute(graph, metric, self.plan)
            kinds = {entity.id: entity.kind.value for entity in entities}
        # Cached as the compact ranking alone (`app.analysis.ranking`): the scores by id would double it.
        return centrality.ranking(found.values, kinds), dataclasses.replace(found, values={}, kinds={})

    def _check_metric(self, metric: str) -> None:
        if metric not in centrality.METRICS:
            raise InvalidParameter("metric", f"unknown metric {metric!r}", allowed=list(centrality.METRICS))

    def centrality(
        self, metric: str, rel_filter: RelFilter, kinds: list[str] | None = None, limit: int = 20
    ) -> dict[str, Any]:
        self._check_metric(metric)
        check_range("limit", limit, 1, self.settings.max_results)
        wanted = parse_kinds(kinds)
        ranking, found = self._scores(metric, rel_filter)
        if wanted is None:
            chosen, count = ranking.rows(0, limit), len(ranking)
        else:  # the ranking of the whole window, its rows of these kinds: a mask, no lookups
            chosen, count = ranking.of_kinds({kind.value for kind in wanted}, limit)
        by_id = self.lookup(node for node, _, _ in chosen)
        return {
            "metric": metric,
            "about": centrality.METRIC_HELP[metric],
            "window": _window(rel_filter),
            "approximate": found.approximate,
            "sample_size": found.sample_size,
            "iterations": found.iterations,
            "count": count,
            "results": [{"entity": summary(by_id[node]), "score": score, "rank": rank} for node, score, rank in chosen],
        }

    def centrality_history(self, ref: str, metric: str, start: str, end: str, step: int = 1) -> dict[str, Any]:
        self._check_metric(metric)
        entity = self.resolve(ref)
        first, last = parse_date("from", start).year, parse_date("to", end).year
        if last < first:
            raise InvalidParameter("to", f"{end} is before from={start}")
        check_range("step", step, 1, HISTORY_STEP_MAX)
        if (last - first) // step > self.settings.max_history_points:
            cap = self.settings.max_history_points
            raise InvalidParameter("step", f"at most {cap} points (max_history_points); raise step or narrow the years")
        years = range(first, last + 1, step)
        sampled: list[int] = []
        missing: list[int] = []
        if metric == "degree" and isinstance(self.store, AnalyticsStore):
            points = self._degree_history(entity.id, years)  # counted once per version: every year at once
        else:
            points = self._history_by_window(entity.id, metric, years, sampled, missing)
        notes = []
        if missing:
            later = " (computed in the background one year at a time: ask again shortly)" if self._completes() else ""
            notes.append(f"the time budget ran out: no point for {_years(missing)}{later}")
        if sampled:
            how = (
                "stopped before it converged" if metric in centrality.ITERATED else "estimated from a sample of sources"
            )
            notes.append(f"{metric} was {how} (approximate) in {', '.join(map(str, sampled))}")
        return {
            "entity": summary(entity), "metric": metric, "history": points,
            "truncated": bool(missing), "missing": missing, "notes": notes,
        }  # fmt: skip

    def _completes(self) -> bool:
        """Whether a history's years past the budget are computed in the background: on a
        store that does the work in the database (one in process would hold this one's cores)."""
        return isinstance(self.store, AnalyticsStore)

    def _history_by_window(
        self, entity_id: str, metric: str, years: range, sampled: list[int], missing: list[int]
    ) -> list[dict[str, Any]]:
        """Each year's point from that year's ranking: the ones kept answer at once, the others
        are computed until the request's budget ends. The years left without a point are added
        to `missing` (and computed in the background where `_completes`), the years whose scores
        were estimated from a sample to `sampled`. Nothing found in the budget is a 504."""
        points: list[dict[str, Any]] = []
        limit = deadline.current()
        longest = 0.0  # the slowest year computed so far (on the deadline's clock)
        timeout: QueryTimeout | None = None
        # The years kept first: while the background completes this history, a request with one
        # of them answers at once instead of competing with it for a year of its own.
        windows = {year: RelFilter.build(as_of=str(year)) for year in years}
        kept: dict[int, tuple[Ranking, Scores] | None] = {
            year: self._cache.get(self.store.version, ("scores", metric, window)) for year, window in windows.items()
        }
        busy = self._completing(metric)  # its years come from the background: none computed twice at once
        answered = any(found is not None for found in kept.values())
        for year in years:
            found = kept[year]
            if found is None and timeout is None and not (busy and (answered or points)):
                before = limit.remaining()
                try:
                    if points and before < longest and not self._completes():
                        raise QueryTimeout("a year would not fit in the time left")  # in process it cannot be stopped
                    limit.check("the centrality history")
                    found = self._scores(metric, windows[year])
                except QueryTimeout as exc:
                    timeout = exc
                if not math.isinf(before):
                    longest = max(longest, before - limit.remaining())
            if found is None:
                missing.append(year)
                continue
            ranking, scores = found
            sampled += [year] if scores.approximate else []
            hit = ranking.find(entity_id)
            points.append(
                {"year": year, "score": hit[0] if hit else 0.0, "rank": hit[1] if hit else None, "of": len(ranking)}
            )
        if missing and self._completes():
            self._complete_history(metric, missing)
        if timeout is not None and not points:  # nothing found: a 504, not an empty success
            raise timeout
        return points

    def _completing(self, metric: str) -> bool:
        """Whether a history's years of `metric` are being computed in the background."""
        held = self._histories.get(metric)
        return held is not None and held[0] == self.store.version and not held[1].done()

    def _complete_history(self, metric: str, years: list[int]) -> None:
        """Compute the rankings of a history's `years` that its request had no time for in the
        background, one year after the other and each whole (as `_refine`), so that asking
        again answers more of them, then all. One run per metric at a time (a request while
        it runs computes no year of its own once it has one point: it answers the years kept)."""
        version = self.store.version

        def each_year() -> None:
            for year in years:
                key = ("scores", metric, RelFilter.build(as_of=str(year)))
                with REFINING:
                    if self.store.version != version:  # reseeded meanwhile: this history is gone with it
                        return
                    if self._cache.get(version, key) is not None:
                        continue  # a request (or a refinement) got there first
                    value = self._compute_scores(metric, key[2])
                if self.store.version == version:
                    self._cache.put(version, key, value, _scores_bytes(value))

        seconds = self.settings.prepare_time_budget
        budget = deadline.Deadline(seconds, "prepare_time_budget", query_cap=seconds)
        job, _ = self._histories_runs.start((version, metric), each_year, budget, f"history-{metric}")
        self._histories[metric] = (version, job)

    def _degree_history(self, entity_id: str, years: range) -> list[dict[str, Any]]:
        """Degree points from the version's degree counts (`app.analysis.degree_years`), the same
        as each year's ranking gives them, and the entity's own neighbours year by year."""
        assert isinstance(self.store, AnalyticsStore)
        table = self._degree_years()
        degrees = self.store.degree_by_year(entity_id, years)
        points = []
        for year in years:
            score, rank, ranked = table.point(year, degrees[year])
            points.append({"year": year, "score": score, "rank": rank, "of": ranked})
        return points

    def _degree_years(self) -> DegreeYears:
        """The version's degree counts year by year, counted by the store once per version.

        Held apart from the analytics cache: a few kilobytes, which windows' rankings must not
        evict, as counting again takes minutes at a million relationships."""
        store = self.store
        assert isinstance(store, AnalyticsStore)
        return self._degree_table.get(store.version, lambda: DegreeYears(store.degree_year_counts()))

    def guide_counts(self) -> GuideCounts:
        """The Neo4j Browser guide's counts of the loaded version, counted by the store once
        per version and held apart from the analytics cache (a few hundred bytes)."""
        store = self.store
        assert isinstance(store, GuideCountStore)
        return self._guide_table.get(store.version, store.guide_counts)

    def brokerage(
        self, rel_filter: RelFilter, ref: str | None = None, grouping: str = "place", limit: int = 20
    ) -> dict[str, Any]:
        if grouping not in brokerage.GROUPINGS:
            raise InvalidParameter("groups", f"unknown grouping {grouping!r}", allowed=list(brokerage.GROUPINGS))
        check_range("limit", limit, 1, self.settings.max_results)
        with deadline.bounded(self.settings.request_time_budget, "request_time_budget"):
            if ref is not None:
                return self._broker_of_one(self.resolve(ref), rel_filter, grouping, limit)
            return self._broker_ranking(rel_filter, grouping, limit)

    def _broker_of_one(self, entity: Entity, rel_filter: RelFilter, grouping: str, limit: int) -> dict[str, Any]:
        """One broker: read from the prepared ranking when its search counted it (the largest
        neighbourhoods, which no request could count in its budget), else counted from its
        neighbourhood as the store answers it (both backends), within the request's time: an
        incomplete count is marked."""
        found = self._examined(entity.id, rel_filter, limit)
        if found is not None:
            s, bridged = found.answer(grouping, limit)
            whole, approximate, notes = True, False, list[str]()
        else:
            s, bridged, whole, approximate, notes = self._count_broker(entity, rel_filter, grouping, limit)
        truncated = s["pairs"] > limit or not whole
        by_id = self.lookup(end for a, b, _ in bridged for end in (a, b))
        group = brokerage.GROUPINGS[grouping]
        pairs = [
            {"a": summary(by_id[a]), "b": summary(by_id[b]), "only_through": ex, "groups": [group(by_id[a]), group(by_id[b])]}
            for a, b, ex in bridged
        ]  # fmt: skip
        return {
            "entity": summary(entity), "window": _window(rel_filter), "groups": grouping,
            "pairs": s["pairs"], "exclusive_pairs": s["exclusive_pairs"], "open_share": s["open_share"],
            "roles": s["roles"], "bridged": pairs, "truncated": truncated, "approximate": approximate, "notes": notes,
        }  # fmt: skip

    def _count_broker(
        self, entity: Entity, rel_filter: RelFilter, grouping: str, limit: int
    ) -> tuple[dict[str, Any], list[broker_counts.Pair], bool, bool, list[str]]:
        """Count one broker on request: its numbers, the first `limit` pairs, whether the
        listing is whole and the count cut (`approximate`), and notes saying what was cut.

        The count has a share of the time left and the listing half of the rest, so the
        entities the answer names are still read within the budget (a count stopped by the
        deadline itself left none: the answer came late, or as a 504)."""
        clock = deadline.current()
        with deadline.within(clock.share(BROKER_COUNT_SHARE)):
            ego = broker_counts.count_ego(self._broker_store, entity.id, rel_filter, self.settings.broker_bitset_bytes)
        s = broker_counts.summary(ego, grouping, entity.country, entity.kind.value)
        bridged, whole = ego.bridged(limit, clock.share(0.5))
        notes: list[str] = []
        approximate = not ego.complete
        if approximate:
            notes.append(
                f"the time budget ran out after the ties of {ego.read} of {ego.k} neighbours: pairs, "
                "exclusive pairs and roles are upper bounds, and pairs listed as only through may not be"
            )
        if not whole:
            notes.append("the time budget ran out while listing the pairs only this broker connects")
        return s, bridged, whole, approximate, notes

    def _examined(self, entity_id: str, rel_filter: RelFilter, limit: int) -> broker_counts.Examined | None:
        """The broker's whole count kept by the prepared ranking, if it listed `limit` pairs."""
        prepared = self._prepared_brokers(rel_filter, 1)
        found = prepared.examined.get(entity_id) if prepared is not None else None
        if found is None or (len(found.bridged) < limit and len(found.bridged) < found.summary["pairs"]):
            return None
        return found

    def _broker_ranking(self, rel_filter: RelFilter, grouping: str, limit: int) -> dict[str, Any]:
        found = prepared = self._prepared_brokers(rel_filter, limit)
        if found is None or found.top(grouping, limit)[1]:  # none, or cut before `limit` rows were proven
            # A cut ranking is kept too (marked, its proven rows said): the next request answers
            # at once instead of spending its budget on the same search. None counted in time
            # (the largest come first): a 202 on Neo4j.
            compute = partial(self._top_brokers, rel_filter, limit)
            found = self._kept_or_later(("top-brokers", rel_filter, limit), compute, _ranking_bytes, "the top brokers")
            if prepared is not None and found.truncated and found.proven < prepared.proven:
                found = prepared
        rows, truncated = found.top(grouping, limit)
        notes = []
        if truncated:
            budget = "the preparation's time budget (prepare_time_budget)" if found is prepared else "the time budget"
            notes.append(
                f"{budget} ran out before the ranking was proven complete: the first {found.proven} listed are the "
                "strongest brokers, but entities not yet examined might rank above the others"
            )
        by_id = self.lookup(n for n, _ in rows)
        return {
            "window": _window(rel_filter), "groups": grouping, "truncated": truncated, "notes": notes,
            "results": [
                {"entity": summary(by_id[n]), "rank": i + 1, "pairs": s["pairs"], "exclusive_pairs": s["exclusive_pairs"],
                 "open_share": s["open_share"], "roles": s["roles"]}
                for i, (n, s) in enumerate(rows)
            ],
        }  # fmt: skip

    def _prepared_brokers(self, rel_filter: RelFilter, limit: int) -> broker_counts.Ranking | None:
        """The whole dataset's ranking the preparation found, if it covers `limit` rows."""
        if rel_filter != RelFilter() or limit > self.settings.prepare_brokers:
            return None
        found: broker_counts.Ranking | None = self._cache.get(self.store.version, PREPARED_BROKERS)
        return found

    def _prepare_brokers(self) -> Partial | None:
        """Rank the whole dataset's strongest brokers (`prepare_brokers` of them) for requests;
        a ranking cut by the preparation's budget is kept too, marked, with its proven rows."""
        settings = self.settings
        found = broker_counts.top_brokers(
            self._broker_store, RelFilter(), settings.prepare_brokers, settings.broker_bitset_bytes,
            listed=settings.max_results, hubs=settings.prepare_broker_hubs,
        )  # fmt: skip
        self._cache.put(self.store.version, PREPARED_BROKERS, found, _ranking_bytes(found))
        if found.truncated:
            return Partial(
                f"the broker ranking was cut by prepare_time_budget: {found.proven} of the {len(found.rows)} "
                "brokers found are proven the strongest"
            )
        return None

    @property
    def _broker_store(self) -> BrokerageStore:
        if not isinstance(self.store, BrokerageStore):  # both backends are; a new one must be too
            raise TypeError(f"the {self.store.backend} store does not answer brokerage counts")
        return self.store

    def _top_brokers(self, rel_filter: RelFilter, limit: int) -> broker_counts.Ranking:
        return broker_counts.top_brokers(self._broker_store, rel_filter, limit, self.settings.broker_bitset_bytes)

    def stats(self) -> dict[str, Any]:
        # A function of the dataset alone: counted (or read from the load's record) once per version.
        counts = self._cached("stats", self._count, lambda c: STATS_BYTES)
        entities, rels = sum(counts["by_kind"].values()), sum(counts["by_type"].values())
        decades = {f"{d}s" if d is not None else "undated": n for d, n in counts["by_decade"].items()}
        return {
            "dataset_version": self.store.version,
            "entities": entities,
            "relationships": rels,
            "dated_share": round(counts["dated"] / rels, 4) if rels else 0.0,
            # Not dated, but a source says when it held (see seed/README.md, "What the dates mean").
            "attested_share": round(counts["attested_only"] / rels, 4) if rels else 0.0,
            "by_dating": dict(sorted(counts["by_dating"].items())),
            "by_kind": dict(sorted(counts["by_kind"].items())),
            "by_type": dict(sorted(counts["by_type"].items())),
            "by_decade": dict(sorted(decades.items())),
            "by_document": dict(sorted(counts["by_document"].items())),
        }

    def _count(self) -> dict[str, Any]:
        if isinstance(self.store, AnalyticsStore):
            return self.store.stats_counts()
        return count_records(*self.store.snapshot(RelFilter()))


def _lang(lang: str) -> Lang:
    if lang not in LANGS:
        raise InvalidParameter("lang", f"unknown language {lang!r}", allowed=list(LANGS))
    return lang  # type: ignore[return-value]  # checked above


# Per-row size estimates of cached answers (see `app.cache`): a broker row is a summary dict
# with five roles per grouping. A score ranking measures itself (`Ranking.nbytes`).
BROKER_ROW_BYTES = 1600
PAIR_BYTES = 200  # a listed pair: a tuple of two id strings and a flag
BROKER_COUNT_SHARE = 0.75  # of a request's time, for counting one broker (`CityGraph._count_broker`)
STATS_BYTES = 20_000  # a few counters of at most a few hundred keys


def _graphs_bytes(graphs: tuple[nx.Graph, nx.DiGraph, list[Entity]]) -> int:
    g, dg, entities = graphs
    return graph_bytes(len(g), g.number_of_edges()) + graph_bytes(len(dg), dg.number_of_edges()) + 8 * len(entities)


def _scores_bytes(scores: tuple[Ranking, Scores]) -> int:
    return scores[0].nbytes


def _ranking_bytes(ranking: broker_counts.Ranking) -> int:
    """A ranking's rows and its examined brokers, each a row and its listed pairs."""
    listed = sum(len(e.bridged) for e in ranking.examined.values())
    ids = [node for node, _ in ranking.rows] + list(ranking.examined)
    return rows_bytes(ids, BROKER_ROW_BYTES) + listed * PAIR_BYTES


def _years(years: list[int]) -> str:
    """Years as a short list of spans.

    Examples
    --------
    >>> _years([2001, 2002, 2003, 2007])
    '2001-2003, 2007'
    """
    spans: list[list[int]] = []
    for year in years:
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def _window(rel_filter: RelFilter) -> dict[str, str | None]:
    first, last = rel_filter.bounds()
    return {"from": first, "to": last}
