"""Recommendations served online: projections fed by events, the fallback chain, the per-user cache, A/B arms."""
