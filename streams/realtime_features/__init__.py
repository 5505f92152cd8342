"""Real-time features: windowed per-entity state in faust Tables, pushed to the Feast online store."""
