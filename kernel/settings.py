"""Settings shared by every process: the product plan's env names with working local defaults.

Each service subclasses BaseServiceSettings with its own env_prefix (e.g. AUTH_) for what only it needs; the
shared names (DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, ...) are read without a prefix so one .env configures all.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-secret-change-me"
DEV_WEBHOOK_SECRET = "whsec_dev_change_me"
DEV_TYPESENSE_KEY = "dev-typesense-key"
# Fernet key (url-safe base64 of 32 bytes) for data encrypted at rest; dev/test only.
DEV_DATA_ENCRYPTION_KEY = "ZGV2LWRhdGEta2V5LWNoYW5nZS1tZS0zMi1ieXRlcyE="
DEV_INTERNAL_TOKEN = "dev-internal-token-change-me"
DEV_SUPERSET_PASSWORD = "admin-dev-change-me"


DEFAULT_SERVICE_URLS = {name: f"http://127.0.0.1:{8101 + i}" for i, name in enumerate((
    "auth", "catalog", "profiles", "vendors", "inventory", "cart", "coupons", "orders", "payments", "shipping",
    "reviews", "notifications", "backoffice", "search", "serving", "tracking"))}


def _shared(name: str) -> AliasChoices:
    return AliasChoices(name)


class CommonSettings(BaseSettings):
    """Names every process reads as-is (no prefix)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    env: Literal["dev", "test", "staging", "prod"] = Field("dev", validation_alias=_shared("ENV"))
    stack_dir: Path = Field(REPO_ROOT / ".stack", validation_alias=_shared("STACK_DIR"))

    # PostgreSQL server; each service appends its own database name unless <SVC>_DATABASE_URL is set.
    database_url: str = Field(
        "postgresql+psycopg://postgres@127.0.0.1:15432", validation_alias=_shared("DATABASE_URL")
    )
    kafka_bootstrap_servers: str = Field("127.0.0.1:19092", validation_alias=_shared("KAFKA_BOOTSTRAP_SERVERS"))
    redis_url: str = Field("redis://127.0.0.1:16379/0", validation_alias=_shared("REDIS_URL"))
    # The Redis hash every service reads feature flags from (kernel/flags.py); tests use one of their own.
    feature_flags_key: str = Field("ff:v1:flags", validation_alias=_shared("FEATURE_FLAGS_KEY"))
    feature_flags_cache_seconds: float = Field(2.0, ge=0, le=300, validation_alias=_shared("FEATURE_FLAGS_CACHE_SECONDS"))
    clickhouse_url: str = Field("http://127.0.0.1:18123", validation_alias=_shared("CLICKHOUSE_URL"))
    clickhouse_database: str = Field("warehouse", validation_alias=_shared("CLICKHOUSE_DATABASE"))
    typesense_url: str = Field("http://127.0.0.1:18108", validation_alias=_shared("TYPESENSE_URL"))
    typesense_api_key: str = Field(DEV_TYPESENSE_KEY, validation_alias=_shared("TYPESENSE_API_KEY"))
    mlflow_tracking_uri: str = Field("http://127.0.0.1:15000", validation_alias=_shared("MLFLOW_TRACKING_URI"))
    dagster_url: str = Field("http://127.0.0.1:13000", validation_alias=_shared("DAGSTER_URL"))
    # Superset (dashboards/): its own venv under STACK_DIR; its admin account is SupersetSettings (not every process's).
    superset_url: str = Field("http://127.0.0.1:18088", validation_alias=_shared("SUPERSET_URL"))
    smtp_host: str = Field("127.0.0.1", validation_alias=_shared("SMTP_HOST"))
    smtp_port: int = Field(11025, validation_alias=_shared("SMTP_PORT"))
    mail_from: str = Field("no-reply@marketplace.local", validation_alias=_shared("MAIL_FROM"))

    gateway_url: str = Field("http://127.0.0.1:8000", validation_alias=_shared("GATEWAY_URL"))
    # Where each service listens when deployed alone (`mkt serve <service> --port N`), JSON in SERVICE_URLS: the
    # gateway's upstreams and the base URLs of service-to-service calls (kernel/service_client.py).
    service_urls: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_SERVICE_URLS),
                                         validation_alias=_shared("SERVICE_URLS"))
    public_base_url: str = Field("http://127.0.0.1:8000", validation_alias=_shared("PUBLIC_BASE_URL"))
    allowed_origins: str = Field("http://localhost:3000,http://127.0.0.1:3000", validation_alias=_shared("ALLOWED_ORIGINS"))

    secret_key: str = Field(DEV_SECRET, validation_alias=_shared("SECRET_KEY"))
    webhook_secret: str = Field(DEV_WEBHOOK_SECRET, validation_alias=_shared("WEBHOOK_SECRET"))
    # Comma-separated Fernet keys: the first encrypts, all decrypt (rotation). See kernel/crypto.py.
    data_encryption_key: str = Field(DEV_DATA_ENCRYPTION_KEY, validation_alias=_shared("DATA_ENCRYPTION_KEY"))
    # Shared service-to-service secret for /internal routes (X-Internal-Token), never exposed by the gateway.
    internal_api_token: str = Field(DEV_INTERNAL_TOKEN, validation_alias=_shared("INTERNAL_API_TOKEN"))
    jwt_issuer: str = Field("marketplace-auth", validation_alias=_shared("JWT_ISSUER"))
    jwt_audience: str = Field("marketplace", validation_alias=_shared("JWT_AUDIENCE"))
    jwks_url: str = Field("http://127.0.0.1:8000/v1/auth/jwks", validation_alias=_shared("JWKS_URL"))
    access_token_ttl_minutes: int = Field(15, validation_alias=_shared("ACCESS_TOKEN_TTL_MINUTES"))
    refresh_token_ttl_days: int = Field(30, validation_alias=_shared("REFRESH_TOKEN_TTL_DAYS"))

    rate_limit_per_minute: int = Field(600, validation_alias=_shared("RATE_LIMIT_PER_MINUTE"))
    rate_limit_burst: int = Field(100, validation_alias=_shared("RATE_LIMIT_BURST"))
    max_body_bytes: int = Field(6_291_456, validation_alias=_shared("MAX_BODY_BYTES"))
    reservation_ttl_minutes: int = Field(15, ge=1, le=7 * 24 * 60, validation_alias=_shared("RESERVATION_TTL_MINUTES"))
    # Sales tax in basis points on goods after discount (kernel/pricing.py); 0 = prices are tax-inclusive.
    tax_rate_bps: int = Field(0, ge=0, le=10_000, validation_alias=_shared("TAX_RATE_BPS"))
    outbox_retention_days: int = Field(7, validation_alias=_shared("OUTBOX_RETENTION_DAYS"))
    log_level: str = Field("INFO", validation_alias=_shared("LOG_LEVEL"))

    @property
    def origins(self) -> list[str]:
        return [o.strip() for o in self.allowed_origins.split(",") if o.strip()]

    @property
    def is_dev(self) -> bool:
        return self.env in ("dev", "test")

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> "CommonSettings":
        if self.is_dev:
            return self
        defaults = {
            "SECRET_KEY": self.secret_key == DEV_SECRET,
            "WEBHOOK_SECRET": self.webhook_secret == DEV_WEBHOOK_SECRET,
            "TYPESENSE_API_KEY": self.typesense_api_key == DEV_TYPESENSE_KEY,
            "DATA_ENCRYPTION_KEY": DEV_DATA_ENCRYPTION_KEY in {k.strip() for k in self.data_encryption_key.split(",")},
            "INTERNAL_API_TOKEN": self.internal_api_token == DEV_INTERNAL_TOKEN,
        }
        bad = [name for name, is_default in defaults.items() if is_default]
        if bad:
            raise ValueError(f"default secrets are refused when ENV={self.env}: set {', '.join(bad)}")
        return self


class SupersetSettings(BaseSettings):
    """Superset's admin account: read only by the tools that talk to Superset (the stack part, `mkt dashboards`,
    the dashboards test), so no service process holds it."""

    model_config = SettingsConfigDict(env_prefix="SUPERSET_", env_file=".env", extra="ignore")

    env: Literal["dev", "test", "staging", "prod"] = Field("dev", validation_alias=_shared("ENV"))
    admin_user: str = "admin"
    admin_password: str = DEV_SUPERSET_PASSWORD

    @model_validator(mode="after")
    def _refuse_default_password(self) -> "SupersetSettings":
        if self.env not in ("dev", "test") and self.admin_password == DEV_SUPERSET_PASSWORD:
            raise ValueError(f"default secrets are refused when ENV={self.env}: set SUPERSET_ADMIN_PASSWORD")
        return self


@lru_cache
def superset_settings() -> SupersetSettings:
    return SupersetSettings()


class BaseServiceSettings(CommonSettings):
    """Subclass per service: `model_config = SettingsConfigDict(env_prefix="ORDERS_", ...)`.

    `service_name` names the service's database and its log/trace identity.
    """

    service_name: str = "service"

    def db_url(self) -> str:
        return service_database_url(self.service_name, self)


def service_database_url(service: str, settings: CommonSettings | None = None) -> str:
    """A service's own database: <SERVICE>_DATABASE_URL if set, else DATABASE_URL + /<service>."""
    explicit = os.environ.get(f"{service.upper()}_DATABASE_URL")
    if explicit:
        return explicit
    return f"{(settings or common_settings()).database_url.rstrip('/')}/{service}"


@lru_cache
def common_settings() -> CommonSettings:
    return CommonSettings()
