"""Coupon use cases: manage_coupons (create, update), redeem (redeem, release). Each owns its commit (kernel.use_case)."""
