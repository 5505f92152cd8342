"""Request and response bodies of the serving routes, one module per concern."""
