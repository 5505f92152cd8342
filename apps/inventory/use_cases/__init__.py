"""Inventory's use cases, one module each; stock changes only through ledger.py."""
