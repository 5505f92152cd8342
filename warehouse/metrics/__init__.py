"""The metric queries over the warehouse's typed tables: the analytics definitions (analytics.py), the daily
report's figures (reports.py) and what the operational alerts observe (alerts.py).

They live beside the schema they read (warehouse/migrations), not in the kernel: the kernel knows no domain. This
package imports only the kernel (an import-linter contract). Its readers are the back office (the one service
allowed to import it, by a narrow import-linter exception), the Dagster report and alert jobs, and the `mkt` CLI.
"""
