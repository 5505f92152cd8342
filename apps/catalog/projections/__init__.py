"""The catalog's local copies of other services' data, one module per source service, fed by their events
(consumers.py): vendors (who may sell, whose products are public) and reviews (each product's rating)."""
