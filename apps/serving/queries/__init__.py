"""Reads of the serving service, one module per concern (no commits, no events)."""
