"""Serving's local copies of other services' data, fed by their events, one module per concern."""
