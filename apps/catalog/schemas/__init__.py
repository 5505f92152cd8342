"""The catalog's HTTP contract (API.md § Catalog), one module per resource on the kernel's camelCase base."""
