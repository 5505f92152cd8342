from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings
from kernel.storage import StorageSettings


class CatalogSettings(BaseServiceSettings, StorageSettings):
    model_config = SettingsConfigDict(env_prefix="CATALOG_", env_file=".env", extra="ignore", populate_by_name=True)

    service_name: str = "catalog"
    max_category_depth: int = 6
    # Under the 6 MiB request body limit, so an oversized image gets this service's 413 with a clear reason.
    max_image_bytes: int = 5 * 1024 * 1024
    max_images_per_product: int = Field(
        8, ge=1, validation_alias=AliasChoices("MAX_IMAGES_PER_PRODUCT", "CATALOG_MAX_IMAGES_PER_PRODUCT"))
    max_variants_per_product: int = 100
    # Pillow refuses larger images as decompression bombs; a catalog photo never needs more.
    max_image_pixels: int = 40_000_000
    # The public reads' in-process cache (read_cache.py): CATALOG_READ_CACHE_ENABLED=false renders every read from
    # the database (benchmarks/catalog.py measures with it off as the baseline).
    read_cache_enabled: bool = True
    read_cache_refresh_seconds: float = Field(0.5, gt=0, le=5)  # staleness bound across processes, ~ this
    read_cache_max_entries: int = Field(2000, ge=1)
    read_cache_max_bytes: int = Field(64 * 1024 * 1024, ge=0)  # per process
    read_cache_max_age_seconds: float = Field(30.0, gt=0)
    # What clients and shared caches may reuse without asking again (the public list changes more often).
    list_max_age_seconds: int = Field(5, ge=0)
    product_max_age_seconds: int = Field(30, ge=0)

    def media_dir_default(self) -> Path:
        return self.stack_dir / "media"

    def media_url_default(self) -> str:
        return f"{self.public_base_url.rstrip('/')}/v1/media"
