"""Per-service settings: each service holds only its own secrets and domain settings, read under the names
deployments already set, from the environment or from files under SECRETS_DIR; default secrets are refused outside
dev/test by each class for the secrets it holds."""
from __future__ import annotations

import pathlib

import pytest
from pydantic import ValidationError

from apps.auth.config import AuthSettings
from apps.backoffice.config import BackofficeSettings
from apps.cart.config import CartSettings
from apps.catalog.config import CatalogSettings
from apps.coupons.config import CouponsSettings
from apps.gateway.config import GatewaySettings
from apps.inventory.config import InventorySettings
from apps.notifications.config import NotificationsSettings
from apps.orders.config import OrdersSettings
from apps.payments.config import PaymentsSettings
from apps.profiles.config import ProfilesSettings
from apps.reviews.config import ReviewsSettings
from apps.search.config import SearchSettings
from apps.serving.config import ServingSettings
from apps.shipping.config import ShippingSettings
from apps.tracking.config import TrackingSettings
from apps.vendors.config import VendorsSettings
from apps.web.config import WebSettings
from kernel.settings import CommonSettings, StackSettings

# Env name -> field name of every secret a process may hold.
SECRETS = {"INTERNAL_API_TOKEN": "internal_api_token", "WEBHOOK_SECRET": "webhook_secret",
           "DATA_ENCRYPTION_KEY": "data_encryption_key", "SECRET_KEY": "secret_key",
           "TYPESENSE_API_KEY": "typesense_api_key"}
BASE = {"INTERNAL_API_TOKEN"}
# Who holds which secret: every service the internal token, and each other secret only where it is used.
HOLDERS = {
    AuthSettings: BASE, BackofficeSettings: BASE, CartSettings: BASE, CatalogSettings: BASE, CouponsSettings: BASE,
    GatewaySettings: BASE, InventorySettings: BASE, NotificationsSettings: BASE, ReviewsSettings: BASE,
    ServingSettings: BASE, TrackingSettings: BASE,
    PaymentsSettings: BASE | {"WEBHOOK_SECRET"},
    VendorsSettings: BASE | {"DATA_ENCRYPTION_KEY"},  # bank account numbers
    OrdersSettings: BASE | {"DATA_ENCRYPTION_KEY"},  # shipping addresses (kernel/encrypted_columns.py)
    ProfilesSettings: BASE | {"DATA_ENCRYPTION_KEY"},  # phones and street lines
    SearchSettings: BASE | {"TYPESENSE_API_KEY"},
    ShippingSettings: BASE | {"SECRET_KEY"},
    WebSettings: BASE | {"SECRET_KEY"},
}
# Domain settings and the services that read them (nobody else has the field).
DOMAIN = {
    "tax_rate_bps": {CartSettings, OrdersSettings},
    "reservation_ttl_minutes": {InventorySettings, OrdersSettings},
    "access_token_ttl_minutes": {AuthSettings},
    "refresh_token_ttl_days": {AuthSettings},
    "rate_limit_per_minute": {GatewaySettings},
    "allowed_origins": {GatewaySettings},
    "smtp_host": {AuthSettings, NotificationsSettings},
    "mlflow_tracking_uri": {ServingSettings},
    "typesense_url": {SearchSettings},
}


def secret_names(cls) -> set[str]:
    return {str(f.json_schema_extra["env_name"]) for f in cls.model_fields.values()
            if isinstance(f.json_schema_extra, dict) and "env_name" in f.json_schema_extra}


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No secret from the developer's environment, .env or an earlier SECRETS_DIR leaks in."""
    for name in (*SECRETS, "SECRETS_DIR", "TAX_RATE_BPS", "RESERVATION_TTL_MINUTES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # env_file=".env" is relative: none here
    return monkeypatch


def test_every_service_settings_class_is_listed():
    root = pathlib.Path(__file__).resolve().parents[2]
    assert {p.parent.name for p in root.glob("apps/*/config.py")} == {c.__module__.split(".")[1] for c in HOLDERS}


@pytest.mark.parametrize("cls", list(HOLDERS), ids=lambda c: c.__name__)
def test_a_service_holds_only_its_own_secrets(cls, clean_env):
    assert secret_names(cls) == HOLDERS[cls]
    held = set(cls(_env_file=None).model_dump())
    assert held & set(SECRETS.values()) == {SECRETS[name] for name in HOLDERS[cls]}


@pytest.mark.parametrize("field", list(DOMAIN))
def test_domain_settings_live_only_where_they_are_used(field):
    assert {cls for cls in HOLDERS if field in cls.model_fields} == DOMAIN[field]
    assert field not in CommonSettings.model_fields


@pytest.mark.parametrize(("cls", "field", "env", "value", "expected"), [
    (PaymentsSettings, "webhook_secret", "WEBHOOK_SECRET", "whsec_x", "whsec_x"),
    (VendorsSettings, "data_encryption_key", "DATA_ENCRYPTION_KEY", "k1,k2", "k1,k2"),
    (WebSettings, "secret_key", "SECRET_KEY", "s", "s"),
    (ShippingSettings, "secret_key", "SECRET_KEY", "s", "s"),
    (SearchSettings, "typesense_api_key", "TYPESENSE_API_KEY", "t", "t"),
    (CartSettings, "tax_rate_bps", "TAX_RATE_BPS", "825", 825),
    (OrdersSettings, "tax_rate_bps", "TAX_RATE_BPS", "825", 825),
    (OrdersSettings, "reservation_ttl_minutes", "RESERVATION_TTL_MINUTES", "20", 20),
    (InventorySettings, "reservation_ttl_minutes", "RESERVATION_TTL_MINUTES", "20", 20),
    (AuthSettings, "access_token_ttl_minutes", "ACCESS_TOKEN_TTL_MINUTES", "5", 5),
    (AuthSettings, "refresh_token_ttl_days", "REFRESH_TOKEN_TTL_DAYS", "2", 2),
    (GatewaySettings, "rate_limit_burst", "RATE_LIMIT_BURST", "7", 7),
    (GatewaySettings, "allowed_origins", "ALLOWED_ORIGINS", "https://a.example", "https://a.example"),
    (NotificationsSettings, "smtp_port", "SMTP_PORT", "2525", 2525),
    (ServingSettings, "mlflow_tracking_uri", "MLFLOW_TRACKING_URI", "http://m:5000", "http://m:5000"),
    (WebSettings, "gateway_url", "GATEWAY_URL", "http://g:8000", "http://g:8000"),
])
def test_the_environment_names_deployments_set_are_unchanged(clean_env, cls, field, env, value, expected):
    clean_env.setenv(env, value)
    assert getattr(cls(_env_file=None), field) == expected


def test_secrets_come_from_files_under_secrets_dir(clean_env, tmp_path):
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "WEBHOOK_SECRET").write_text("whsec_from_file\n")  # as Kubernetes mounts it, newline and all
    (secrets / "INTERNAL_API_TOKEN").write_text("internal-from-file")
    clean_env.setenv("SECRETS_DIR", str(secrets))
    settings = PaymentsSettings(_env_file=None)
    assert settings.webhook_secret == "whsec_from_file"
    assert settings.internal_api_token == "internal-from-file"
    clean_env.setenv("WEBHOOK_SECRET", "whsec_from_env")  # the environment wins over a file
    assert PaymentsSettings(_env_file=None).webhook_secret == "whsec_from_env"


def test_prod_with_every_secret_from_files_starts(clean_env, tmp_path):
    (tmp_path / "WEBHOOK_SECRET").write_text("whsec_real")
    (tmp_path / "INTERNAL_API_TOKEN").write_text("a-real-token")
    clean_env.setenv("SECRETS_DIR", str(tmp_path))
    clean_env.setenv("ENV", "prod")
    assert PaymentsSettings(_env_file=None).webhook_secret == "whsec_real"


@pytest.mark.parametrize(("cls", "refused"), [
    (PaymentsSettings, {"WEBHOOK_SECRET"}),
    (VendorsSettings, {"DATA_ENCRYPTION_KEY"}),
    (SearchSettings, {"TYPESENSE_API_KEY"}),
    (WebSettings, {"SECRET_KEY"}),
    (StackSettings, {"SECRET_KEY", "TYPESENSE_API_KEY"}),
], ids=lambda v: getattr(v, "__name__", ""))
def test_prod_refuses_the_default_secrets_a_service_holds_and_no_others(clean_env, cls, refused):
    clean_env.setenv("ENV", "prod")
    clean_env.setenv("INTERNAL_API_TOKEN", "a-real-token")
    with pytest.raises(ValidationError) as exc:
        cls(_env_file=None)
    named = {name for name in SECRETS if name in str(exc.value)}
    assert named == refused


def test_a_service_without_secrets_of_its_own_needs_only_the_internal_token_in_prod(clean_env):
    clean_env.setenv("ENV", "prod")
    with pytest.raises(ValidationError, match="INTERNAL_API_TOKEN"):
        CartSettings(_env_file=None)
    clean_env.setenv("INTERNAL_API_TOKEN", "a-real-token")
    assert CartSettings(_env_file=None).env == "prod"  # no WEBHOOK_SECRET, DATA_ENCRYPTION_KEY, ... asked for
