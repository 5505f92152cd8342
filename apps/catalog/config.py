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

    def media_dir_default(self) -> Path:
        return self.stack_dir / "media"

    def media_url_default(self) -> str:
        return f"{self.public_base_url.rstrip('/')}/v1/media"
