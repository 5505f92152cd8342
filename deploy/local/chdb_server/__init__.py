"""The local warehouse server: one process owns the chDB data path and speaks ClickHouse's HTTP interface.

Local infrastructure only (production points CLICKHOUSE_URL at a ClickHouse server), so it lives under deploy/
and nothing in warehouse/ (schema, migrations, metric queries) imports it.
"""
