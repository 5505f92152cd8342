"""The backoffice analytics put a name beside every id column (warehouse dimensions), keep the ids, and leave a
name empty for an id the warehouse does not know. The warehouse itself is exercised in
tests/integration/test_backoffice_api_additions.py; here a stand-in answers the lookup queries."""
from __future__ import annotations

from types import SimpleNamespace

from apps.backoffice.analytics import with_names


class Lookups:
    def __init__(self, names: dict[str, dict[str, str]]) -> None:
        self.names, self.asked = names, []

    def query(self, sql: str, parameters: dict):
        table = "dim_vendors" if "dim_vendors" in sql else "dim_products" if "dim_products" in sql else "events"
        self.asked.append((table, parameters["ids"]))
        known = self.names.get(table, {})
        return SimpleNamespace(result_rows=[(i, known[i]) for i in parameters["ids"] if i in known])


def test_names_are_added_beside_ids():
    client = Lookups({"dim_vendors": {"v1": "Acme"}, "events": {"c1": "Phones"}})
    columns, rows = with_names(client, ["sku", "vendor_id", "available"], [("S1", "v1", 3), ("S2", "v2", 0)])
    assert columns == ["sku", "vendor_id", "vendor", "available"]
    assert rows == [("S1", "v1", "Acme", 3), ("S2", "v2", "", 0)]
    columns, rows = with_names(client, ["category_id", "revenue_minor"], [("c1", 100)])
    assert (columns, rows) == (["category_id", "category", "revenue_minor"], [("c1", "Phones", 100)])
    assert client.asked == [("dim_vendors", ["v1", "v2"]), ("events", ["c1"])]


def test_existing_names_and_empty_results_cost_no_lookup():
    client = Lookups({})
    columns, rows = with_names(client, ["vendor_id", "vendor", "net_minor"], [("v1", "Acme", 5)])
    assert (columns, rows) == (["vendor_id", "vendor", "net_minor"], [("v1", "Acme", 5)])
    columns, rows = with_names(client, ["product_id", "revenue_minor"], [])
    assert (columns, rows) == (["product_id", "title", "revenue_minor"], [])
    assert client.asked == []
