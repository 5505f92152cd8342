"""Settings: the product plan's env names with working local defaults.

CommonSettings holds only what every service process uses: where PostgreSQL, Kafka, Redis and the warehouse are,
how to verify a JWT, the internal token, logging. Each service subclasses BaseServiceSettings in its config.py
and declares there the secrets and domain settings it alone uses (WEBHOOK_SECRET in payments, TAX_RATE_BPS in
cart and orders, ...), so no process holds another's secret. The shared names (DATABASE_URL, WEBHOOK_SECRET, ...)
are read without a prefix, so one .env (or one set of deployment variables) still configures all.

Secrets can also come from files, as Kubernetes, Vault or SSM mount them: SECRETS_DIR names a directory holding
one file per variable (e.g. SECRETS_DIR/WEBHOOK_SECRET). Environment variables win over files.
Every field declared with `secret()` has a working local default that is refused outside ENV=dev|test, by each
settings class that holds it.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SecretsSettingsSource, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-secret-change-me"
DEV_TYPESENSE_KEY = "dev-typesense-key"
# Fernet key (url-safe base64 of 32 bytes) for data encrypted at rest; dev/test only.
DEV_DATA_ENCRYPTION_KEY = "ZGV2LWRhdGEta2V5LWNoYW5nZS1tZS0zMi1ieXRlcyE="
DEV_INTERNAL_TOKEN = "dev-internal-token-change-me"
DEV_SUPERSET_PASSWORD = "admin-dev-change-me"


DEFAULT_SERVICE_URLS = {name: f"http://127.0.0.1:{8101 + i}" for i, name in enumerate((
    "auth", "catalog", "profiles", "vendors", "inventory", "cart", "coupons", "orders", "payments", "shipping",
    "reviews", "notifications", "backoffice", "search", "serving", "tracking"))}


# One configuration for the base and every mixin: pydantic merges the configs of all bases, so a mixin left with
# BaseSettings' defaults (no .env, extra="forbid") would undo the base's. A refused setting's error never echoes
# the input: it holds every secret the process read.
SHARED_CONFIG = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True, hide_input_in_errors=True)


def _shared(name: str) -> AliasChoices:
    return AliasChoices(name)


def secret(dev_default: str, env_name: str, *more_names: str) -> Any:
    """A secret setting read from `env_name` (or SECRETS_DIR/<env_name>). `dev_default` works locally and is
    refused outside ENV=dev|test (also as one item of a comma-separated list, e.g. an old key kept for rotation)."""
    return Field(dev_default, validation_alias=AliasChoices(env_name, *more_names),
                 json_schema_extra={"dev_default": dev_default, "env_name": env_name})


def default_secrets_in(settings: BaseSettings) -> list[str]:
    """Env names of the secrets `settings` holds that still have their local default."""
    bad = []
    for name, field in type(settings).model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        values = {v.strip() for v in str(getattr(settings, name)).split(",")}
        if "dev_default" in extra and extra["dev_default"] in values:
            bad.append(str(extra["env_name"]))
    return bad


class SecretsFromFiles(BaseSettings):
    """Reads SECRETS_DIR at construction (not import) time, so a process started with it set finds its files."""

    model_config = SHARED_CONFIG

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        secrets_dir = os.environ.get("SECRETS_DIR")
        if secrets_dir:
            file_secret_settings = SecretsSettingsSource(settings_cls, secrets_dir=secrets_dir)
        return init_settings, env_settings, dotenv_settings, file_secret_settings


class CommonSettings(SecretsFromFiles):
    """What every service process reads, as-is (no prefix)."""

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

    # Where each service listens when deployed alone (`mkt serve <service> --port N`), JSON in SERVICE_URLS: the
    # gateway's upstreams and the base URLs of service-to-service calls (kernel/service_client.py).
    service_urls: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_SERVICE_URLS),
                                         validation_alias=_shared("SERVICE_URLS"))
    public_base_url: str = Field("http://127.0.0.1:8000", validation_alias=_shared("PUBLIC_BASE_URL"))

    # Shared service-to-service secret for /internal routes (X-Internal-Token), never exposed by the gateway.
    internal_api_token: str = secret(DEV_INTERNAL_TOKEN, "INTERNAL_API_TOKEN")
    jwt_issuer: str = Field("marketplace-auth", validation_alias=_shared("JWT_ISSUER"))
    jwt_audience: str = Field("marketplace", validation_alias=_shared("JWT_AUDIENCE"))
    jwks_url: str = Field("http://127.0.0.1:8000/v1/auth/jwks", validation_alias=_shared("JWKS_URL"))

    max_body_bytes: int = Field(6_291_456, validation_alias=_shared("MAX_BODY_BYTES"))
    outbox_retention_days: int = Field(7, validation_alias=_shared("OUTBOX_RETENTION_DAYS"))
    # The relay's fallback poll: commits in the relay's own process wake it at once (kernel/outbox_wake.py), so
    # this only bounds the delay of rows committed by other processes (web workers of `mkt serve --workers`).
    outbox_relay_poll_seconds: float = Field(2.0, ge=0.05, le=60,
                                             validation_alias=_shared("OUTBOX_RELAY_POLL_SECONDS"))
    log_level: str = Field("INFO", validation_alias=_shared("LOG_LEVEL"))

    @property
    def is_dev(self) -> bool:
        return self.env in ("dev", "test")

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> "CommonSettings":
        bad = [] if self.is_dev else default_secrets_in(self)
        if bad:
            raise ValueError(f"default secrets are refused when ENV={self.env}: set {', '.join(bad)}")
        return self


class MailSettings(BaseSettings):
    """Mix into the settings of a process that sends mail (kernel/mail.py); the names are shared (no prefix)."""

    model_config = SHARED_CONFIG

    smtp_host: str = Field("127.0.0.1", validation_alias=_shared("SMTP_HOST"))
    smtp_port: int = Field(11025, validation_alias=_shared("SMTP_PORT"))
    mail_from: str = Field("no-reply@marketplace.local", validation_alias=_shared("MAIL_FROM"))


class DataEncryptionSettings(BaseSettings):
    """Mix into the settings of a service that encrypts columns at rest (kernel/crypto.py)."""

    model_config = SHARED_CONFIG

    # Comma-separated Fernet keys: the first encrypts, all decrypt (rotation). See kernel/crypto.py.
    data_encryption_key: str = secret(DEV_DATA_ENCRYPTION_KEY, "DATA_ENCRYPTION_KEY")


class SigningSecretSettings(BaseSettings):
    """SECRET_KEY, for a process that signs something of its own (the web's CSRF tokens, shipping's label links)."""

    model_config = SHARED_CONFIG

    secret_key: str = secret(DEV_SECRET, "SECRET_KEY")


class StackSettings(CommonSettings, MailSettings, SigningSecretSettings):
    """The addresses of every part of the platform, for the processes that talk to all of them and are no
    service: the `mkt` CLI, the local stack (deploy/local), Dagster pipelines, dashboards, tests and benchmarks.
    SECRET_KEY is here because the local stack derives Superset's key from it; TYPESENSE_API_KEY because the
    stack starts Typesense with it. No service process builds this class."""

    typesense_url: str = Field("http://127.0.0.1:18108", validation_alias=_shared("TYPESENSE_URL"))
    typesense_api_key: str = secret(DEV_TYPESENSE_KEY, "TYPESENSE_API_KEY")
    mlflow_tracking_uri: str = Field("http://127.0.0.1:15000", validation_alias=_shared("MLFLOW_TRACKING_URI"))
    dagster_url: str = Field("http://127.0.0.1:13000", validation_alias=_shared("DAGSTER_URL"))
    # The pipelines' code server (gRPC), shared by Dagster's webserver and daemon.
    dagster_code_server_port: int = Field(13001, validation_alias=_shared("DAGSTER_CODE_SERVER_PORT"))
    # Superset (dashboards/): its own venv under STACK_DIR; its admin account is SupersetSettings.
    superset_url: str = Field("http://127.0.0.1:18088", validation_alias=_shared("SUPERSET_URL"))
    gateway_url: str = Field("http://127.0.0.1:8000", validation_alias=_shared("GATEWAY_URL"))


class SupersetSettings(SecretsFromFiles):
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


@lru_cache
def stack_settings() -> StackSettings:
    return StackSettings()
