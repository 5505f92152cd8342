"""Payment providers behind one neutral interface (base.py): simulated (default) and Stripe."""
