"""Pure parts of fraud in the order flow: decisions and reasons of the serving side (model and rules fallback), the
checkout context, escalation, request signals, the provider's card, the evaluate request's validation."""
from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from starlette.requests import Request

from apps.payments.providers.base import WebhookEvent
from apps.payments.use_cases.webhook import card_of
from apps.serving.schemas.fraud import EvaluateIn
from apps.serving.domain.fraud import (RULES_VERSION, context_features, escalates, json_features, model_verdict,
                                        rules_verdict, split_reasons, verdict)
from kernel.client_signals import client_signals
from models.fraud import train
from models.fraud.calibration import Thresholds

AT = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)


def test_rules_fallback_decides_by_how_many_rules_fire_and_says_which():
    assert rules_verdict({}).decision == "approve"
    one = rules_verdict({"device_distinct_users_24h": 3})
    two = rules_verdict({"device_distinct_users_24h": 3, "user_orders_1h": 3})
    assert (one.decision, two.decision) == ("review", "reject")
    assert one.reasons == ["rule: device used by 3 or more accounts within 24 h"]
    assert one.model_version == RULES_VERSION and one.strategy == "rules" and two.score > one.score > 0


def test_an_unknown_value_never_fires_a_rule():
    both_unknown = {"account_age_hours": 2.0, "card_country_mismatch": math.nan, "user_orders_1h": None}
    assert rules_verdict(both_unknown).decision == "approve"
    assert rules_verdict({"account_age_hours": 2.0, "card_country_mismatch": 1.0}).decision == "review"


def test_no_champion_means_the_rules():
    assert verdict(None, {"card_other_accounts_24h": 1}).strategy == "rules"


def test_checkout_context_reads_like_the_training_frame():
    row = context_features(total_minor=12_345, placed_at=AT, account_created_at=AT - timedelta(hours=5),
                           ship_country="GB", ip_country="NG", card_country=None, card_other_accounts_24h=None,
                           address_other_accounts_7d=2)
    assert row["order_total_minor"] == 12_345 and row["account_age_hours"] == pytest.approx(5.0)
    assert row["ip_country_mismatch"] == 1.0 and row["address_other_accounts_7d"] == 2.0
    assert math.isnan(row["card_country_mismatch"]) and math.isnan(row["card_other_accounts_24h"])
    unknown = context_features(total_minor=1, placed_at=AT, account_created_at=None, ship_country="GB",
                               ip_country="GB", card_country="GB", card_other_accounts_24h=0,
                               address_other_accounts_7d=None)
    assert math.isnan(unknown["account_age_hours"]) and unknown["ip_country_mismatch"] == 0.0
    assert unknown["card_country_mismatch"] == 0.0 and unknown["card_other_accounts_24h"] == 0.0


def test_a_later_score_only_tightens():
    assert escalates("approve", "review") and escalates("review", "reject") and escalates("approve", "reject")
    assert not escalates("review", "approve") and not escalates("reject", "review") and not escalates("review",
                                                                                                       "review")


def test_reasons_and_stored_features():
    assert split_reasons("a; b c; ") == ["a", "b c"] and split_reasons(None) == [] and split_reasons("") == []
    assert json_features({"b": math.nan, "a": 2}) == {"a": 2.0, "b": None}


@pytest.fixture(scope="module")
def model():
    rng = np.random.default_rng(3)
    total = np.exp(rng.uniform(np.log(500), np.log(2_000_000), 3_000))
    frame = pd.DataFrame({"order_total_minor": total, "is_fraud": rng.random(3_000) < np.where(total > 200_000, .6,
                                                                                               .01)})
    model = train(frame, params={"use_rules": False, "num_boost_round": 40})
    model.thresholds = Thresholds(review=0.05, reject=0.3, target={}, achieved={})
    return model


def test_the_champion_decides_with_its_own_thresholds_and_explains(model):
    low = model_verdict(model, "m/3", {"order_total_minor": 1_000})
    high = model_verdict(model, "m/3", {"order_total_minor": 900_000})
    assert (low.decision, high.decision) == ("approve", "reject") and low.score < 0.05 <= 0.3 <= high.score
    assert high.reasons == ["order total $9,000"] and low.reasons == []
    assert high.thresholds == {"review": 0.05, "reject": 0.3} and high.model_version == "m/3"
    loaded = SimpleNamespace(model=model, name="marketplace-fraud", version="9")
    assert verdict(loaded, {"order_total_minor": 900_000}).model_version == "marketplace-fraud/9"


def _request(headers: dict[str, str], client: tuple[str, int] | None = ("10.0.0.9", 1234)) -> Request:
    return Request({"type": "http", "method": "POST", "path": "/v1/orders", "client": client,
                    "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]})


def test_request_signals_take_what_is_well_formed():
    full = client_signals(_request({"X-Device-Id": "dev_abc-1", "X-Forwarded-For": "203.0.113.7, 10.0.0.1",
                                    "CF-IPCountry": "gb"}))
    assert full == {"deviceId": "dev_abc-1", "ip": "203.0.113.7", "ipCountry": "GB"}
    junk = client_signals(_request({"X-Device-Id": "x" * 65, "X-Forwarded-For": "not-an-ip", "CF-IPCountry": "XX"},
                                   client=None))
    assert junk == {}
    assert client_signals(_request({})) == {"ip": "10.0.0.9"}


def test_the_card_comes_from_the_providers_charge():
    stripe_like = WebhookEvent("evt", "payment_intent.succeeded", 0, {"latest_charge": {"payment_method_details": {
        "card": {"fingerprint": "fp_1", "country": "ng"}}}})
    older = WebhookEvent("evt", "payment_intent.succeeded", 0, {"charges": {"data": [{"payment_method_details": {
        "card": {"fingerprint": "fp_2"}}}]}})
    assert card_of(stripe_like) == {"cardFingerprint": "fp_1", "cardCountry": "NG"}
    assert card_of(older) == {"cardFingerprint": "fp_2"}
    assert card_of(WebhookEvent("evt", "x", 0, {"latest_charge": "ch_1"})) == {} and card_of(None) == {}


@pytest.mark.parametrize("body", [{}, {"orderNo": "A", "features": {}}, {"features": {"nope": 1}},
                                  {"features": {"order_total_minor": float("inf")}}, {"orderNo": ""},
                                  {"orderNo": "A", "extra": 1}])
def test_evaluate_requests_name_one_order_or_known_features(body):
    with pytest.raises(ValidationError):
        EvaluateIn.model_validate(body)


def test_evaluate_request_accepts_an_order_or_features():
    assert EvaluateIn.model_validate({"orderNo": "MKT-1"}).order_no == "MKT-1"
    assert EvaluateIn.model_validate({"features": {"user_orders_1h": None}}).features == {"user_orders_1h": None}
