"""The one settings object, read from the environment (prefix `CITYGRAPH_`) or `.env`.

Every setting has help text; the README's settings table is checked against it.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PASSWORD = "change-me"  # noqa: S105 - the placeholder in .env.example, refused outside development
LOCAL_DEV_PASSWORD = "citygraph-dev"  # noqa: S105 - the public default of the local server `make neo4j` starts
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
BOLT_PORT = 7687  # Bolt's registered port: a bolt:// URI without one means it


class Settings(BaseSettings):
    """Settings of the service, the CLI and the loaders."""

    model_config = SettingsConfigDict(env_prefix="CITYGRAPH_", env_file=".env", extra="ignore")

    backend: Literal["memory", "neo4j"] = Field(
        "memory", description="Which store serves queries: `memory` (embedded networkx graph, the default) or `neo4j`."
    )
    data_dir: Path = Field(
        ROOT / "seed" / "data",
        description="Folder of the data: seed YAML files and/or entities.csv and relationships.csv.",
    )
    corpus_dir: Path = Field(
        ROOT.parent / "shared" / "seeds", description="Folder of the five source documents, for checking quotes."
    )
    neo4j_uri: str = Field(
        "bolt://localhost:7687",
        validation_alias="NEO4J_URI",
        description="Bolt URI of the Neo4j server (env `NEO4J_URI`).",
    )
    neo4j_user: str = Field("neo4j", validation_alias="NEO4J_USER", description="Neo4j user name (env `NEO4J_USER`).")
    neo4j_password: SecretStr = Field(
        SecretStr(LOCAL_DEV_PASSWORD),
        validation_alias="NEO4J_PASSWORD",
        description="Neo4j password (env `NEO4J_PASSWORD`); the default is the local development server's.",
    )
    neo4j_database: str = Field(
        "neo4j", validation_alias="NEO4J_DATABASE", description="Neo4j database name (env `NEO4J_DATABASE`)."
    )
    neo4j_local_data_dir: Path = Field(
        ROOT / "neo4j-local" / "data",
        validation_alias="NEO4J_LOCAL_DATA_DIR",
        description="Data directory of the local Neo4j (as `neo4j-local/run.sh`, env `NEO4J_LOCAL_DATA_DIR`): "
        "`citygraph seed` imports into it by neo4j-admin's importer while the server is stopped and its database "
        "is empty.",
    )
    neo4j_local_bolt_port: int = Field(
        BOLT_PORT,
        ge=1,
        le=65535,
        validation_alias="NEO4J_LOCAL_BOLT_PORT",
        description="Bolt port of the local Neo4j (as `neo4j-local/run.sh`, env `NEO4J_LOCAL_BOLT_PORT`): a loopback "
        "`NEO4J_URI` on this port is the local Neo4j, which `citygraph seed` may fill by the importer.",
    )
    neo4j_timeout: float = Field(
        10.0, gt=0, le=120, description="Seconds a single Neo4j query may run before it is cancelled."
    )
    export_page_size: int = Field(
        2000,
        ge=1,
        le=100_000,
        description="Rows per page when an export reads the store: entities (by id) or relationships (by source id, "
        "then id), however many relationships one entity has.",
    )
    export_figure_max_entities: int = Field(
        5000,
        ge=1,
        le=1_000_000,
        description="A figure (png, svg) or report of a snapshot with more entities than this is refused, naming the filters that would shrink it.",
    )
    export_ego_max_entities: int = Field(
        10_000,
        ge=1,
        le=1_000_000,
        description="An ego network (`around`) that reaches more entities than this is refused, naming the filters that would shrink it.",
    )
    dev_mode: bool = Field(
        False,
        description="Development mode: allows the example password from `.env.example`, and the local server's public password for a Neo4j that is not on this machine.",
    )
    host: str = Field("127.0.0.1", description="Address `citygraph serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `citygraph serve` listens on.")
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed to call the API from a browser (JSON list)."
    )
    max_hops: int = Field(
        6, ge=4, le=8, description="Largest `max_hops` a path query may ask for (at least 4, the default)."
    )
    max_paths: int = Field(
        100, ge=10, le=1000, description="Largest `limit` of paths one request may return (at least 10, the default)."
    )
    max_results: int = Field(
        500,
        ge=100,
        le=100_000,
        description="Largest `limit` of entities one request may ask for (search, neighbours, centrality and brokerage rankings, pairs bridged); at least 100, the largest default `limit`.",
    )
    max_history_points: int = Field(
        200, ge=1, le=10_000, description="Most years one `/centrality/history` request may ask for (years ÷ step)."
    )
    max_expansions: int = Field(
        200_000, ge=1000, description="How many partial paths one path search may expand before it stops and says so."
    )
    search_candidates: int = Field(
        200,
        ge=10,
        le=10_000,
        description="Fuzzy candidates the Neo4j full-text index offers a name search (best first) for ranking, when too few names contain the query.",
    )
    entity_cache_bytes: int = Field(
        32_000_000,
        ge=0,
        description="Bytes (estimated) of entities the API keeps between requests for lookups by id, and as much again of the relationships path answers fetch by id on Neo4j; the least recently used go first.",
    )
    request_time_budget: float = Field(
        5.0,
        gt=0,
        le=60,
        description="Seconds of work one request may do before it stops and says so (a partial answer marked `truncated`, or 504); every endpoint but `/snapshot`.",
    )
    answer_reserve: float = Field(
        0.1,
        ge=0,
        le=0.5,
        description="Share of a request's time budget kept for writing its answer: the work stops this much sooner, so an answer the budget cut short (marked) still arrives within the budget.",
    )
    export_time_budget: float = Field(
        30.0,
        gt=0,
        le=600,
        description="Seconds one `/snapshot` may spend before its file starts (checks, counts, a figure): past it, 504 before any byte. A file that streams (gexf, graphml, csv, json, cytoscape, cypher) then gets this long for each page it reads, so it runs to its end while it keeps reading.",
    )
    max_heavy_requests: int = Field(
        2,
        ge=1,
        le=64,
        description="Analytics, paths and exports running at once; more wait for a slot, so `/health` and entity lookups stay fast.",
    )
    max_waiting_requests: int = Field(
        32,
        ge=0,
        le=10_000,
        description="Heavy requests that may wait for a slot; one more gets 429 with `Retry-After`.",
    )
    admission_wait: float = Field(
        10.0,
        ge=0,
        le=600,
        description="Seconds a heavy request waits for a slot before it gets 429 with `Retry-After`.",
    )
    betweenness_exact_max_nodes: int = Field(
        5000,
        ge=3,
        description="Betweenness is exact on graphs of up to this many linked entities; above, it is estimated "
        "from `betweenness_samples` source entities and the answer says `approximate: true`.",
    )
    betweenness_samples: int = Field(
        500, ge=10, description="Source entities a sampled betweenness estimate starts from (fixed seed)."
    )
    gds_projections: int = Field(
        8,
        ge=0,
        le=1000,
        description="GDS projections (one per dataset version, window and filter) kept in Neo4j's heap for later "
        "analytics requests; the least recently used is dropped first (0: project per request).",
    )
    gds_projection_bytes: int = Field(
        512_000_000,
        ge=0,
        description="Neo4j heap the kept GDS projections may hold together, as GDS measures them (`sizeInBytes`).",
    )
    analytics_cache_bytes: int = Field(
        128_000_000,
        ge=0,
        description="Bytes (estimated) of analytics answers (score and broker rankings, snapshot graphs) the API keeps "
        "between requests, for the current dataset version; the least recently used are dropped first (0: keep none).",
    )
    embedded_centrality_work: int = Field(
        3_000_000,
        ge=1000,
        description="Embedded backend: the most search steps one betweenness or closeness may take (a search from "
        "every entity, each entities + 2 × links steps, for an exact answer). Above it betweenness starts from fewer "
        "sources (`approximate: true`) and closeness is refused with a message naming the filters that shrink the window.",
    )
    gds_closeness_work: int = Field(
        5_000_000_000,
        ge=1000,
        description="Neo4j backend: the most search steps one closeness may take in GDS (entities × (entities + 2 × "
        "links) for the window; GDS did about 2 billion a second here). Above it closeness is refused with a message "
        "naming the filters that shrink the window, instead of running into the request's budget (504).",
    )
    prepare_metrics: list[str] = Field(
        default_factory=lambda: ["degree", "pagerank", "betweenness", "eigenvector"],
        description="Neo4j backend: centrality metrics ranked over the whole dataset in the background when the "
        "service starts and after each reload, so the first request finds them ready (JSON list; [] for none); with "
        "degree, every entity's degree is also counted year by year, which degree histories read.",
    )
    prepare_windows: bool = Field(
        True,
        description="Neo4j backend: project, in the background at start and after each reload, the all-time GDS graph "
        "that windows (`as_of`, `from`/`to`) are filtered from; off, each window is projected from the store.",
    )
    prepare_export_counts: bool = Field(
        True,
        description="Neo4j backend: count the whole network for an export's manifest (by kind, type and cited "
        "document: a scan of every relationship) in the background at start and after each reload, so the first "
        "whole-network export starts at once instead of waiting for the count before its first byte.",
    )
    prepare_brokers: int = Field(
        20,
        ge=0,
        le=100_000,
        description="Neo4j backend: how many of the whole dataset's strongest brokers are ranked in the background "
        "with the metrics (both groupings), so `/brokerage` without a window or entity answers from them for any "
        "`limit` up to this (0: none; a larger `limit` is ranked on request). Each broker the ranking counts (the "
        "largest neighbourhoods) is kept whole with it: `/brokerage?entity=` of such a hub answers from it.",
    )
    prepare_broker_hubs: int = Field(
        50,
        ge=0,
        le=10_000,
        description="Neo4j backend: the brokers' preparation goes on past the ranking until this many entities with "
        "the most open neighbour pairs are counted (the largest neighbourhoods, too large to count within a request's "
        "budget at a million relationships); `/brokerage?entity=` of each answers from it, whole (0: the ranking's only).",
    )
    broker_bitset_bytes: int = Field(
        32 * 1024 * 1024,
        ge=64 * 1024,
        le=1024**3,
        description="Bytes of bitsets one brokerage count holds at once (its neighbour pairs that share another "
        "neighbour, about k²/8 bytes for k neighbours: 66 MB for a hub of 23k); a larger neighbourhood is counted "
        "in blocks of rows, each dropped before the next (slower, same answer).",
    )
    malloc_arenas: int = Field(
        2,
        ge=0,
        le=64,
        description="glibc malloc arenas the API process may use (`citygraph serve`): fewer keep less freed memory "
        "held by its threads (at a million relationships 2 took its memory from 369 to 350 MB); 0: glibc's default.",
    )
    prepare_time_budget: float = Field(
        600.0, gt=0, le=3600, description="Seconds each background preparation step (a ranking, the brokers) may take."
    )
    log_level: str = Field("INFO", description="Logging level of the service.")

    @property
    def neo4j_is_local(self) -> bool:
        """Whether the Neo4j URI points at this machine (loopback), where the local server runs."""
        return (urlsplit(self.neo4j_uri).hostname or "") in LOOPBACK_HOSTS

    @property
    def neo4j_is_local_server(self) -> bool:
        """Whether the Neo4j URI is the local server's (`neo4j-local/`): loopback, on its Bolt port."""
        return self.neo4j_is_local and (urlsplit(self.neo4j_uri).port or BOLT_PORT) == self.neo4j_local_bolt_port

    @model_validator(mode="after")
    def _refuse_public_passwords(self) -> Settings:
        password = self.neo4j_password.get_secret_value()
        if password == EXAMPLE_PASSWORD and not self.dev_mode:
            raise ValueError(
                "NEO4J_PASSWORD is still the example value from .env.example; set a real one "
                "in .env, or set CITYGRAPH_DEV_MODE=true for local development"
            )
        if password == LOCAL_DEV_PASSWORD and not (self.dev_mode or self.neo4j_is_local):
            raise ValueError(
                f"NEO4J_PASSWORD is the public password of the local development server, and NEO4J_URI "
                f"({self.neo4j_uri}) is not on this machine; set a real password, or set "
                "CITYGRAPH_DEV_MODE=true for development"
            )
        return self


@lru_cache
def get_settings() -> Settings:
    """The settings of this process, read once."""
    return Settings()


def check() -> int:
    """`python -m app.config`: read the settings as the service would; exit 1 naming what is wrong."""
    try:
        Settings()
    except ValidationError as exc:  # messages only: the input may hold the password
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "settings"
            print(f"settings refused: {where}: {error['msg']}", file=sys.stderr)
        return 1
    print("settings ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(check())
