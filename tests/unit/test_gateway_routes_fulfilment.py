from apps.gateway.routes import requires_auth, service_for


def test_shipping_reviews_and_notifications_paths_go_to_their_services():
    assert service_for("/v1/shipping/rates") == "shipping"
    assert service_for("/v1/shipping/track/MKT1Z000000000000/events") == "shipping"
    assert service_for("/v1/reviews") == "reviews"
    assert service_for("/v1/products/abc/reviews") == "reviews"
    assert service_for("/v1/products/abc") == "catalog"  # the product itself stays with the catalog
    assert service_for("/v1/admin/reviews/r1") == "reviews"
    assert service_for("/v1/notify/email") == "notifications"
    assert service_for("/v1/admin/templates/t1") == "notifications"
    assert service_for("/internal/v1/shipping/quote") is None
    assert requires_auth("/v1/admin/templates") and not requires_auth("/v1/shipping/track/x")
