from apps.gateway.routes import requires_auth, service_for


def test_longest_prefix_wins_and_unknown_is_none():
    assert service_for("/v1/auth/login") == "auth"
    assert service_for("/v1/admin/categories/123") == "catalog"
    assert service_for("/v1/categories") == "catalog"
    assert service_for("/v1/authz") is None
    assert service_for("/v1/nothing") is None


def test_admin_and_me_need_a_token_at_the_edge():
    assert requires_auth("/v1/admin/categories")
    assert requires_auth("/v1/me")
    assert requires_auth("/v1/me/addresses") and not requires_auth("/v1/media/products/p/i.png")
    assert not requires_auth("/v1/categories")
    assert not requires_auth("/v1/auth/login")


def test_vendor_scoped_paths_go_to_the_owning_service():
    assert service_for("/v1/vendors/apply") == "vendors"
    assert service_for("/v1/vendors/abc") == "vendors"
    assert service_for("/v1/vendors/abc/products/p1/images") == "catalog"
    assert service_for("/v1/vendors/abc/inventory/SKU-1") == "inventory"
    assert service_for("/v1/me/addresses/1") == "profiles"
