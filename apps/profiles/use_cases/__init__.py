"""Profile use cases: profile (ensure, update), addresses (create, update, delete). Each owns its commit (kernel.use_case)."""
