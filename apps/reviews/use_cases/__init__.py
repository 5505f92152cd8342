"""Review use cases, one module each: create_review, moderate. Each owns its commit (kernel.use_case)."""
