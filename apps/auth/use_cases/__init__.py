"""Auth use cases, one module each: register, login, refresh, logout, password_reset, roles. Each `@use_case`
owns its commit (kernel.use_case) or joins the caller's open unit of work."""
