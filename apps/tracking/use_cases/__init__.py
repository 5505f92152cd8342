"""Tracking's use cases, one module each: track (a storefront batch of clickstream events into the outbox)."""
