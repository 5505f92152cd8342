"""The entities features are keyed by; join keys are the warehouse column names, ids are the services' strings."""
from feast import Entity, ValueType

user = Entity(name="user", join_keys=["user_id"], value_type=ValueType.STRING,
              description="A shopper (auth userId).")
product = Entity(name="product", join_keys=["product_id"], value_type=ValueType.STRING,
                 description="A catalog product (productId).")
vendor = Entity(name="vendor", join_keys=["vendor_id"], value_type=ValueType.STRING,
                description="A vendor (vendorId).")
sku = Entity(name="sku", join_keys=["sku"], value_type=ValueType.STRING,
             description="One sellable variant of a product (its SKU code).")
device = Entity(name="device", join_keys=["device_id"], value_type=ValueType.STRING,
                description="A shopper's device fingerprint (fraud: many accounts or cards per device).")
