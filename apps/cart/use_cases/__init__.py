"""Cart use cases: items (add, set quantity, remove), coupon (apply, remove), checkout (summary, the internal cart, checked out)."""
