"""Serving's use cases, one module each: score an order, decide a review, decide a price suggestion, recommend."""
