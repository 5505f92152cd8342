"""Checkout pricing: the one arithmetic by which cart shows totals and orders charges them.

A Shared Kernel on purpose (Evans, DDD): cart and orders must agree to the minor unit, so instead of letting one
service own the rules and the other ask it over HTTP on every checkout, both import this small, pure package. It
imports nothing of ours (not even `kernel`; an import-linter contract checks it) and only cart and orders import it
(another contract). Rules change only together with PRICING_VERSION, and cart and orders are released with the
same version: a changed rounding or tax base in one of them alone would make an order differ from its cart.
"""
from __future__ import annotations

from pricing.checkout import BPS, MAX_TAX_RATE_BPS, CheckoutTotals, checkout_totals, tax_minor

# Bump on any change that can alter a total (tax base, rounding, what is taxed); see the docstring.
PRICING_VERSION = 1

__all__ = ["BPS", "MAX_TAX_RATE_BPS", "PRICING_VERSION", "CheckoutTotals", "checkout_totals", "tax_minor"]
