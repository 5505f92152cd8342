"""Shipping use cases, one module each: create_label, record_event. Each owns its commit (kernel.use_case)."""
