"""Batch predictions of the champions, written to the warehouse where serving reads them."""
from __future__ import annotations


def prediction_assets() -> list:
    return []
